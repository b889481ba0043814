// Typed values of the header fields the transaction and dialog layers read (RFC 3261 §20).
#include "sip/headers.hpp"

#include <algorithm>

#include "sip/grammar.hpp"
#include "sip/params.hpp"
#include "text/decimal.hpp"

namespace acw::sip {

namespace {

using grammar::skip_lws;

void append_number(std::string& out, uint32_t value) {
  text::append_decimal(out, value);
}

int parse_fixed_digits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (!grammar::is_digit(c)) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

// Via = ( "Via" / "v" ) HCOLON via-parm; via-parm = sent-protocol LWS sent-by *( SEMI via-params );
// sent-protocol = protocol-name SLASH protocol-version SLASH transport; sent-by = host [ COLON port
// ]. One via-parm here: Message::header_values splits a field holding several.
namespace {

bool parse_via_into(std::string_view value, Via& via) {
  // sent-protocol: three tokens, SLASH = SWS "/" SWS between them.
  std::string_view parts[3];
  std::size_t pos = skip_lws(value, 0);
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      pos = skip_lws(value, pos);
      if (pos >= value.size() || value[pos] != '/') return false;
      pos = skip_lws(value, pos + 1);
    }
    const std::size_t begin = pos;
    while (pos < value.size() && grammar::is(value[pos], grammar::kToken)) ++pos;
    if (pos == begin) return false;
    parts[i] = value.substr(begin, pos - begin);
  }
  // LWS is required before sent-by; an IPv6 reference ends at its "]".
  const std::size_t host_begin = skip_lws(value, pos);
  if (host_begin == pos) return false;
  const bool bracket = host_begin < value.size() && value[host_begin] == '[';
  pos = std::min(value.find_first_of(bracket ? "]" : ":; \t", host_begin), value.size());
  if (bracket && pos++ == value.size()) return false;
  const std::string_view host = value.substr(host_begin, pos - host_begin);
  if (!grammar::is_host(host)) return false;
  // sent-by = host [ COLON port ]
  const std::size_t colon = skip_lws(value, pos);
  if (colon < value.size() && value[colon] == ':') {
    const std::size_t begin = pos = skip_lws(value, colon + 1);
    while (pos < value.size() && grammar::is_digit(value[pos])) ++pos;
    auto port = grammar::parse_port(value.substr(begin, pos - begin));
    if (!port) return false;
    via.port = *port;
  }
  if (!parse_generic_params(value.substr(pos), via.params)) return false;
  via.protocol = parts[0];
  via.protocol += '/';
  via.protocol += parts[1];
  via.transport = parts[2];
  for (char& c : via.transport) c = grammar::ascii_upper(c);
  via.host = host;
  return true;
}

}  // namespace

std::optional<Via> parse_via(std::string_view value) {
  std::optional<Via> via(std::in_place);
  if (!parse_via_into(value, *via)) via.reset();
  return via;  // (one return object, so no move)
}

std::optional<std::string_view> Via::param(std::string_view name) const {
  return find_param(params, name);
}

std::string Via::str() const {
  std::string out;
  out.reserve(protocol.size() + transport.size() + host.size() + 48);
  out.append(protocol).append("/").append(transport).append(" ").append(host);
  if (port != 0) {
    out += ':';
    append_number(out, static_cast<uint32_t>(port));
  }
  append_params(out, params);
  return out;
}

// CSeq = "CSeq" HCOLON 1*DIGIT LWS Method; §8.1.1.5: the number is below 2**31.
std::optional<CSeq> parse_cseq(std::string_view value) {
  value = grammar::trim_lws(value);
  std::size_t pos = 0;
  while (pos < value.size() && grammar::is_digit(value[pos])) ++pos;
  const auto number = parse_uint(value.substr(0, pos));
  const std::size_t method_begin = skip_lws(value, pos);
  const std::string_view method = value.substr(method_begin);
  if (!number || *number >= (uint32_t{1} << 31) || method_begin == pos ||
      !grammar::is_token(method)) {
    return std::nullopt;
  }
  return CSeq{*number, std::string(method)};
}

std::string CSeq::str() const {
  std::string out;
  append_number(out, number);
  out += ' ';
  out += method;
  return out;
}

std::optional<uint32_t> parse_uint(std::string_view value) {
  return text::parse_decimal(grammar::trim_lws(value), UINT32_MAX);
}

// RFC 8898 §2.1 / RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token, b64token =
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
std::optional<std::string_view> parse_bearer(std::string_view value) {
  value = grammar::trim_lws(value);
  constexpr std::string_view kScheme = "Bearer";
  if (!grammar::istarts_with(value, kScheme)) return std::nullopt;
  const std::size_t token_begin = skip_lws(value, kScheme.size());
  if (token_begin == kScheme.size()) return std::nullopt;
  const std::string_view token = value.substr(token_begin);
  std::size_t pos = 0;
  while (pos < token.size() &&
         (grammar::is(token[pos], grammar::kAlpha | grammar::kDigit) ||
          std::string_view("-._~+/").find(token[pos]) != std::string_view::npos)) {
    ++pos;
  }
  if (pos == 0) return std::nullopt;
  while (pos < token.size() && token[pos] == '=') ++pos;
  if (pos != token.size()) return std::nullopt;
  return token;
}

// SIP-date = rfc1123-date = wkday "," SP date1 SP time SP "GMT"; date1 = 2DIGIT SP month SP 4DIGIT;
// time = 2DIGIT ":" 2DIGIT ":" 2DIGIT. RFC 4475 §3.1.2.12 (baddate): no zone but GMT.
std::optional<SipDate> parse_date(std::string_view value) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  value = grammar::trim_lws(value);
  // "Sat, 15 Oct 2005 04:44:56 GMT" is exactly 29 octets.
  if (value.size() != 29 || value.substr(3, 2) != ", " || value[7] != ' ' || value[11] != ' ' ||
      value[16] != ' ' || value[19] != ':' || value[22] != ':' || value[25] != ' ' ||
      !grammar::iequals(value.substr(26), "GMT")) {
    return std::nullopt;
  }
  SipDate date;
  date.weekday = -1;
  for (int i = 0; i < 7; ++i) {
    if (grammar::iequals(value.substr(0, 3), kDays[i])) date.weekday = i;
  }
  date.month = 0;
  for (int i = 0; i < 12; ++i) {
    if (grammar::iequals(value.substr(8, 3), kMonths[i])) date.month = i + 1;
  }
  date.day = parse_fixed_digits(value.substr(5, 2));
  date.year = parse_fixed_digits(value.substr(12, 4));
  date.hour = parse_fixed_digits(value.substr(17, 2));
  date.minute = parse_fixed_digits(value.substr(20, 2));
  date.second = parse_fixed_digits(value.substr(23, 2));
  if (date.weekday < 0 || date.month == 0 || date.day < 1 || date.day > 31 || date.year < 0 ||
      date.hour < 0 || date.hour > 23 || date.minute < 0 || date.minute > 59 || date.second < 0 ||
      date.second > 60) {
    return std::nullopt;
  }
  return date;
}

}  // namespace acw::sip
