// ASCII helpers for the SIP, SDP and engine code alike, so that the wasm holds one copy of each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace acw::text {

constexpr bool is_lws(char c) {
  return c == ' ' || c == '\t';
}

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive equality.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

constexpr std::size_t skip_lws(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_lws(text[pos])) ++pos;
  return pos;
}

// Without the SP and HTAB at either end.
constexpr std::string_view trim_lws(std::string_view text) {
  const std::size_t begin = skip_lws(text, 0);
  std::size_t end = text.size();
  while (end > begin && is_lws(text[end - 1])) --end;
  return std::string_view(text.data() + begin, end - begin);
}

// 1*DIGIT with a value no larger than max (any number of leading zeros); nullopt for anything else.
inline std::optional<uint64_t> parse_decimal(std::string_view s, uint64_t max) {
  if (s.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (max - digit) / 10) return std::nullopt;  // (so no overflow either)
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace acw::text
