// Character classes and lexical rules of the SIP grammar (RFC 3261 §25.1) shared by the parsers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "text/ascii.hpp"

namespace acw::sip::grammar {

// One bit per character class of RFC 3261 §25.1; "escaped" (%XX) is handled by the callers.
enum CharClass : uint16_t {
  kAlpha = 1 << 0,
  kDigit = 1 << 1,
  kHex = 1 << 2,
  kToken = 1 << 3,       // token
  kWord = 1 << 4,        // word (Call-ID)
  kUnreserved = 1 << 5,  // alphanum / mark
  kUser = 1 << 6,        // unreserved / user-unreserved
  kPassword = 1 << 7,    // unreserved / "&" / "=" / "+" / "$" / ","
  kParam = 1 << 8,       // param-unreserved / unreserved
  kHeader = 1 << 9,      // hnv-unreserved / unreserved
  kScheme = 1 << 10,     // ALPHA / DIGIT / "+" / "-" / "."
  kLws = 1 << 11,        // SP / HTAB
  kGenValue = 1 << 12,   // gen-value without quotes: token / host (IPv6 with or without brackets)
};

constexpr std::array<uint16_t, 256> make_char_table() {
  std::array<uint16_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    auto in = [c](std::string_view set) {
      return set.find(static_cast<char>(c)) != std::string_view::npos;
    };
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    const bool alnum = alpha || digit;
    const bool mark = in("-_.!~*'()");
    uint16_t flags = 0;
    if (alpha) flags |= kAlpha;
    if (digit) flags |= kDigit;
    if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) flags |= kHex;
    if (alnum || in("-.!%*_+`'~")) flags |= kToken | kGenValue;
    if (alnum || in("-.!%*_+`'~()<>:\\\"/[]?{}")) flags |= kWord;
    if (alnum || mark) flags |= kUnreserved;
    if (alnum || mark || in("&=+$,;?/")) flags |= kUser;
    if (alnum || mark || in("&=+$,")) flags |= kPassword;
    if (alnum || mark || in("[]/:&+$")) flags |= kParam;
    if (alnum || mark || in("[]/?:+$")) flags |= kHeader;
    if (alnum || in("+-.")) flags |= kScheme;
    if (c == ' ' || c == '\t') flags |= kLws;
    if (in(":[]")) flags |= kGenValue;
    table[static_cast<std::size_t>(c)] = flags;
  }
  return table;
}

inline constexpr std::array<uint16_t, 256> kCharTable = make_char_table();

constexpr bool is(char c, uint16_t classes) {
  return (kCharTable[static_cast<unsigned char>(c)] & classes) != 0;
}
using text::ascii_lower;
using text::iequals;
using text::is_lws;
using text::skip_lws;
using text::trim_lws;
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// Every character of a non-empty text is in one of the classes.
constexpr bool all_of(std::string_view text, uint16_t classes) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is(c, classes)) return false;
  }
  return true;
}
constexpr bool is_token(std::string_view text) {
  return all_of(text, kToken);
}

constexpr bool istarts_with(std::string_view text, std::string_view prefix) {
  return iequals(text.substr(0, prefix.size()), prefix);
}

// Host forms of RFC 3261 §25.1: hostname, IPv4address, IPv6reference ("[...]").
bool is_ipv4(std::string_view text);
bool is_ipv6(std::string_view text);
bool is_ipv6_reference(std::string_view text);
bool is_hostname(std::string_view text);
bool is_host(std::string_view text);

// port = 1*DIGIT, 1..65535 here (0 means absent in our model).
std::optional<int> parse_port(std::string_view text);

// quoted-string (§25.1) starting at text[pos] == '"': returns the index just after the closing
// quote, or npos when it is unterminated or holds a character qdtext / quoted-pair do not allow.
// Appends the unescaped content to `out` when given.
std::size_t scan_quoted_string(std::string_view text, std::size_t pos, std::string* out);

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (§25.1), case-insensitive "SIP".
bool is_sip_version(std::string_view text);

}  // namespace acw::sip::grammar
