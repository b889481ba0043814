// ASCII helpers of the SIP and SDP grammars and the engine alike: white space, case, equality.
#pragma once

#include <cstddef>
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

}  // namespace acw::text
