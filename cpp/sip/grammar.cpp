// Lexical rules of RFC 3261 §25.1 that need more than a character class: hosts, ports, quoted
// strings.
#include "sip/grammar.hpp"

#include "text/decimal.hpp"

namespace acw::sip::grammar {

// IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each 0-255.
bool is_ipv4(std::string_view text) {
  int parts = 0;
  std::size_t pos = 0;
  while (true) {
    std::size_t begin = pos;
    int value = 0;
    while (pos < text.size() && is_digit(text[pos]) && pos - begin < 3) {
      value = value * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == begin || value > 255) return false;
    ++parts;
    if (pos == text.size()) return parts == 4;
    if (text[pos] != '.' || parts == 4) return false;
    ++pos;
  }
}

// IPv6address = hexpart [ ":" IPv4address ]; hexpart = hexseq / hexseq "::" [ hexseq ] /
// "::" [ hexseq ]; hexseq = hex4 *( ":" hex4 ); hex4 = 1*4HEXDIG.
bool is_ipv6(std::string_view text) {
  int groups = 0;
  bool compressed = text.substr(0, 2) == "::";
  std::size_t pos = compressed ? 2 : 0;
  while (pos < text.size()) {
    std::size_t end = pos;
    while (end < text.size() && is(text[end], kHex)) ++end;
    if (end < text.size() && text[end] == '.') {
      // The trailing IPv4address stands for the last two groups.
      if (!is_ipv4(text.substr(pos))) return false;
      groups += 2;
      break;
    }
    if (end == pos || end - pos > 4) return false;
    ++groups;
    pos = end;
    if (pos == text.size()) break;
    // ":" then another group, or "::" (once) then the end or another group.
    if (text[pos] != ':' || ++pos == text.size()) return false;
    if (text[pos] == ':') {
      if (compressed) return false;
      compressed = true;
      ++pos;
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool is_ipv6_reference(std::string_view text) {
  return text.size() > 2 && text.front() == '[' && text.back() == ']' &&
         is_ipv6(text.substr(1, text.size() - 2));
}

// hostname = *( domainlabel "." ) toplabel [ "." ]; domainlabel = alphanum /
// alphanum *( alphanum / "-" ) alphanum; toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum.
bool is_hostname(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  char prev = '.';
  std::size_t last_label = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (prev == '.' || prev == '-') return false;
      last_label = i + 1;
    } else if (c == '-' ? prev == '.' : !is(c, kAlpha | kDigit)) {
      return false;
    }
    prev = c;
  }
  return prev != '.' && prev != '-' && is(text[last_label], kAlpha);
}

bool is_host(std::string_view text) {
  if (text.empty()) return false;
  if (text.front() == '[') return is_ipv6_reference(text);
  return is_ipv4(text) || is_hostname(text);
}

std::optional<int> parse_port(std::string_view text) {
  if (text.size() > 5) return std::nullopt;
  return text::parse_decimal(text, 65535);
}

// quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
// qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
// quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
std::size_t scan_quoted_string(std::string_view text, std::size_t pos, std::string* out) {
  if (pos >= text.size() || text[pos] != '"') return std::string_view::npos;
  ++pos;
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == '"') return pos + 1;
    if (c == '\\') {
      if (pos + 1 >= text.size()) return std::string_view::npos;
      const auto escaped = static_cast<unsigned char>(text[pos + 1]);
      if (escaped == '\r' || escaped == '\n' || escaped > 0x7F) return std::string_view::npos;
      if (out) out->push_back(static_cast<char>(escaped));
      pos += 2;
      continue;
    }
    if (c != ' ' && c != '\t' && (c < 0x21 || c == 0x7F)) return std::string_view::npos;
    if (out) out->push_back(static_cast<char>(c));
    ++pos;
  }
  return std::string_view::npos;
}

bool is_sip_version(std::string_view text) {
  if (!istarts_with(text, "SIP/")) return false;
  text.remove_prefix(4);
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view major = text.substr(0, dot);
  const std::string_view minor = text.substr(dot + 1);
  return all_of(major, kDigit) && all_of(minor, kDigit);
}

}  // namespace acw::sip::grammar
