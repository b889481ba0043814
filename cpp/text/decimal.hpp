// Decimal numbers as text, both ways, for the SIP, SDP and engine code alike: one small writer in
// the wasm instead of libc++'s std::to_string/std::to_chars for every integer type (with their
// digit table), no printf or locale code, and one reader behind every grammar's 1*DIGIT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace acw::text {

inline void append_decimal(std::string& out, uint64_t value) {
  char digits[20];  // 18446744073709551615
  char* begin = digits + sizeof digits;
  do {
    *--begin = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  out.append(begin, static_cast<std::size_t>(digits + sizeof digits - begin));
}

inline void append_signed_decimal(std::string& out, int64_t value) {
  if (value < 0) out += '-';
  append_decimal(out, value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value));
}

inline std::string decimal(uint64_t value) {
  std::string out;
  append_decimal(out, value);
  return out;
}

inline std::string signed_decimal(int64_t value) {
  std::string out;
  append_signed_decimal(out, value);
  return out;
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
