// Decimal text of an integer, for the SIP, SDP and engine code alike: one small routine in the
// wasm instead of libc++'s std::to_string/std::to_chars for every integer type (with their digit
// table), and no printf or locale code.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace acw::text
