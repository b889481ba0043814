// SDP grammar pieces shared by the line and attribute parsers (RFC 8866 §9).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "text/ascii.hpp"
#include "text/decimal.hpp"

namespace acw::sdp::grammar {

// RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
constexpr bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x27) || u == 0x2A || u == 0x2B || u == 0x2D ||
         u == 0x2E || (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5A) ||
         (u >= 0x5E && u <= 0x7E);
}

constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

// 1*DIGIT with a value no larger than max; at most 20 digits.
inline std::optional<uint64_t> decimal(std::string_view s, uint64_t max) {
  if (s.size() > 20) return std::nullopt;
  return text::parse_decimal(s, max);
}

using text::iequals;

// Reads fields separated by exactly one SP, as the grammar writes them. An empty field (two SPs
// in a row, or a leading or trailing SP) reads as empty, the same as reading past the end.
class FieldReader {
 public:
  constexpr explicit FieldReader(std::string_view text) : rest_(text), end_(text.empty()) {}

  // The next field; empty when there is none (a field is never empty).
  constexpr std::string_view next() {
    if (end_) return {};
    std::string_view field = rest_;
    const std::size_t space = rest_.find(' ');
    if (space == std::string_view::npos) {
      end_ = true;
    } else {
      field = rest_.substr(0, space);
      rest_.remove_prefix(space + 1);
    }
    return field;
  }
  constexpr bool at_end() const { return end_; }
  // What next() has not read yet (for a trailing free-form part).
  constexpr std::string_view rest() const { return end_ ? std::string_view() : rest_; }

 private:
  std::string_view rest_;
  bool end_;
};

// Splits a session description into its lines (RFC 8866 §5: <type>=<value>, CRLF or LF), the same
// way for the full parser (session.cpp) and the engine's reader (essentials.cpp).
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}

  // The next line, a view into the text; empty at the end of the text or on a malformed line
  // (then error() says why, and number() is that line's).
  std::string_view next() {
    if (rest_.empty()) return {};
    ++number_;
    const std::size_t end = rest_.find('\n');
    std::string_view text = rest_.substr(0, end);
    rest_ = end == std::string_view::npos ? std::string_view() : rest_.substr(end + 1);
    // A stray CR before the CRLF (some gateways write "\r\r\n") is dropped with the line end, as
    // libwebrtc does: refusing it would end the call over nothing. A CR anywhere else is refused.
    while (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.empty()) {
      // RFC 8866 §5 has no empty lines; some senders end the body with an extra CRLF: allow that.
      if (rest_.find_first_not_of("\r\n") == std::string_view::npos) {
        rest_ = {};
        return {};
      }
      error_ = "empty line";
    } else if (text.find('\r') != std::string_view::npos ||
               text.find('\0') != std::string_view::npos) {
      error_ = "CR or NUL inside a line";  // RFC 8866 §5: text is any byte but NUL, CR and LF
    } else if (text.size() < 2 || text[1] != '=' || text[0] < 'a' || text[0] > 'z') {
      error_ = "line not of the form <type>=<value>";
    } else {
      return text;
    }
    rest_ = {};
    return {};
  }
  const char* error() const { return error_; }
  std::size_t number() const { return number_; }

 private:
  std::string_view rest_;
  std::size_t number_ = 0;
  const char* error_ = nullptr;
};

}  // namespace acw::sdp::grammar
