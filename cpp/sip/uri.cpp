// SIP URIs and name-addr / addr-spec values (RFC 3261 §19.1, §20.10, §25.1), with %-escaping.
#include "sip/uri.hpp"

#include "sip/grammar.hpp"
#include "sip/params.hpp"
#include "text/decimal.hpp"

namespace acw::sip {

namespace {

using grammar::is;

// Appends `raw`, keeping the characters of `allowed` and writing every other octet as
// escaped = "%" HEXDIG HEXDIG.
void append_escaped(std::string& out, std::string_view raw, uint16_t allowed) {
  for (char c : raw) {
    if (is(c, allowed)) {
      out += c;
    } else {
      const auto octet = static_cast<unsigned char>(c);
      out += '%';
      out += "0123456789ABCDEF"[octet >> 4];
      out += "0123456789ABCDEF"[octet & 0xF];
    }
  }
}

// A URI component is its `allowed` characters plus escaped octets (0: any character but a bad
// escape): appends it unescaped to `out`; false when it holds anything else.
bool append_unescaped(std::string& out, std::string_view text, uint16_t allowed) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !is(text[i + 1], grammar::kHex) ||
          !is(text[i + 2], grammar::kHex)) {
        return false;
      }
      auto nibble = [](char h) { return (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10); };
      c = static_cast<char>(nibble(text[i + 1]) * 16 + nibble(text[i + 2]));
      i += 2;
    } else if (allowed != 0 && !is(c, allowed)) {
      return false;
    }
    out += c;
  }
  return true;
}

// The length of the run of `allowed` characters and "%" at the start of text.
std::size_t run_of(std::string_view text, uint16_t allowed) {
  std::size_t n = 0;
  while (n < text.size() && (text[n] == '%' || is(text[n], allowed))) ++n;
  return n;
}

// uri-parameters = *( ";" pname [ "=" pvalue ] ), both 1*( paramchar ) (header = false), or
// headers = "?" hname "=" hvalue *( "&" hname "=" hvalue ), hvalue possibly empty (header = true).
// Reads them from the front of `rest`.
bool parse_items(std::string_view& rest, char lead, uint16_t allowed, bool header,
                 std::vector<Param>& out) {
  while (!rest.empty() && rest.front() == lead) {
    rest.remove_prefix(1);
    out.push_back({});
    Param& item = out.back();
    std::size_t n = run_of(rest, allowed);
    if (n == 0 || !append_unescaped(item.name, rest.substr(0, n), allowed)) return false;
    rest.remove_prefix(n);
    if (!rest.empty() && rest.front() == '=') {
      rest.remove_prefix(1);
      n = run_of(rest, allowed);
      if ((n == 0 && !header) || !append_unescaped(item.value, rest.substr(0, n), allowed)) {
        return false;
      }
      rest.remove_prefix(n);
      item.has_value = true;
    } else if (header) {
      return false;
    }
    if (header) lead = '&';
  }
  return true;
}

// SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ] (§19.1.1, §25.1); `rest`
// is everything after "sip:".
bool parse_sip_uri(std::string_view rest, Uri& uri) {
  // userinfo = ( user / telephone-subscriber ) [ ":" password ] "@". Neither user nor password
  // may hold a raw "@" (nor may params or headers), so the first "@" ends the userinfo.
  const std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon == 0 || at == 0 ||
        !append_unescaped(uri.user, userinfo.substr(0, colon), grammar::kUser)) {
      return false;
    }
    if (colon != std::string_view::npos &&
        !append_unescaped(uri.password, userinfo.substr(colon + 1), grammar::kPassword)) {
      return false;
    }
    rest.remove_prefix(at + 1);
  }

  // hostport = host [ ":" port ]; an IPv6 reference's colons are inside its brackets.
  const std::string_view hostport = rest.substr(0, rest.find_first_of(";?"));
  rest.remove_prefix(hostport.size());
  const std::size_t colon =
      hostport.find(':', grammar::istarts_with(hostport, "[") ? hostport.find(']') : 0);
  if (!grammar::is_host(hostport.substr(0, colon))) return false;
  uri.host = hostport.substr(0, colon);
  if (colon != std::string_view::npos) {
    auto value = grammar::parse_port(hostport.substr(colon + 1));
    if (!value) return false;
    uri.port = *value;
  }
  return parse_items(rest, ';', grammar::kParam, false, uri.params) &&
         parse_items(rest, '?', grammar::kHeader, true, uri.headers) && rest.empty();
}

}  // namespace

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  if (!append_unescaped(out, text, 0)) return std::nullopt;
  return out;
}

std::string escape_user(std::string_view raw) {
  std::string out;
  append_escaped(out, raw, grammar::kUser);
  return out;
}

namespace {

// parse_uri into a fresh Uri.
bool parse_uri_into(std::string_view text, Uri& uri) {
  // absoluteURI / SIP-URI / SIPS-URI: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view scheme = text.substr(0, colon);
  if (!is(scheme.front(), grammar::kAlpha) || !grammar::all_of(scheme, grammar::kScheme)) {
    return false;
  }
  for (char c : scheme) uri.scheme += grammar::ascii_lower(c);
  const std::string_view rest = text.substr(colon + 1);
  if (uri.is_sip()) return parse_sip_uri(rest, uri);
  // Other schemes are kept opaque; they still cannot hold white space, controls or the
  // delimiters that end a URI inside a header field.
  if (rest.empty()) return false;
  for (char c : rest) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet <= 0x20 || octet >= 0x7F || c == '<' || c == '>' || c == '"') return false;
  }
  uri.opaque = rest;
  return true;
}

}  // namespace

std::optional<Uri> parse_uri(std::string_view text) {
  std::optional<Uri> uri(std::in_place);
  if (!parse_uri_into(text, *uri)) uri.reset();
  return uri;  // (one return object, so no move)
}

std::optional<std::string_view> Uri::param(std::string_view name) const {
  return find_param(params, name);
}

void Uri::set_param(std::string_view name, std::string_view value, bool /*has_value*/) {
  sip::set_param(params, name, value);
}

std::string Uri::str() const {
  std::string out = scheme;
  out += ':';
  if (!is_sip()) return out += opaque;
  if (!user.empty() || !password.empty()) {
    append_escaped(out, user, grammar::kUser);
    if (!password.empty()) {
      out += ':';
      append_escaped(out, password, grammar::kPassword);
    }
    out += '@';
  }
  out += host;
  if (port != 0) {
    out += ':';
    text::append_signed_decimal(out, port);
  }
  for (const Param& param : params) {
    out += ';';
    append_escaped(out, param.name, grammar::kParam);
    if (param.has_value) {
      out += '=';
      append_escaped(out, param.value, grammar::kParam);
    }
  }
  char lead = '?';
  for (const Param& header : headers) {
    out += lead;
    lead = '&';
    append_escaped(out, header.name, grammar::kHeader);
    out += '=';
    append_escaped(out, header.value, grammar::kHeader);
  }
  return out;
}

// name-addr = [ display-name ] LAQUOT addr-spec RAQUOT; display-name = *(token LWS) /
// quoted-string. The wildcard "*" is Contact's (§20.10).
namespace {

bool parse_name_addr_into(std::string_view text, NameAddr& result) {
  text = grammar::trim_lws(text);
  if (text.empty()) return false;
  if (text == "*") {
    result.wildcard = true;
    return true;
  }

  std::size_t pos = 0;
  if (text.front() == '"') {
    pos = grammar::skip_lws(text, grammar::scan_quoted_string(text, 0, &result.display_name));
    if (pos >= text.size() || text[pos] != '<') return false;
  } else {
    // Tokens then "<" make a display name; RFC 4475 §3.1.1.6 (lwsdisp) asks us to accept one
    // with no white space before the "<".
    while (pos < text.size() && is(text[pos], grammar::kToken | grammar::kLws)) ++pos;
    if (pos < text.size() && text[pos] == '<') {
      result.display_name = grammar::trim_lws(text.substr(0, pos));
    } else {
      pos = 0;
    }
  }

  std::string_view uri_text;
  if (pos < text.size() && text[pos] == '<') {
    // No white space inside the brackets (RFC 4475 §3.1.2.15 badaspec).
    const std::size_t raquot = text.find('>', pos + 1);
    if (raquot == std::string_view::npos) return false;
    uri_text = text.substr(pos + 1, raquot - pos - 1);
    pos = raquot + 1;
  } else {
    // §20: in the addr-spec form, parameters after the URI are header parameters; a URI holding
    // a comma, question mark or semicolon must be in angle brackets (RFC 4475 §3.1.2.13 regbadct).
    while (pos < text.size() && text[pos] != ';' && !grammar::is_lws(text[pos])) ++pos;
    uri_text = text.substr(0, pos);
    if (uri_text.find_first_of(",?") != std::string_view::npos) return false;
  }
  return parse_uri_into(uri_text, result.uri) &&
         parse_generic_params(text.substr(pos), result.params);
}

}  // namespace

std::optional<NameAddr> parse_name_addr(std::string_view text) {
  std::optional<NameAddr> result(std::in_place);
  if (!parse_name_addr_into(text, *result)) result.reset();
  return result;  // (one return object, so no move)
}

std::optional<std::string_view> NameAddr::param(std::string_view name) const {
  return find_param(params, name);
}

void NameAddr::set_param(std::string_view name, std::string_view value, bool /*has_value*/) {
  sip::set_param(params, name, value);
}

std::string NameAddr::str() const {
  if (wildcard) return "*";
  std::string out;
  if (!display_name.empty()) {
    // Always quoted: quoted-pair covers every octet but CR and LF, which cannot be sent at all.
    out += '"';
    for (char c : display_name) {
      const auto octet = static_cast<unsigned char>(c);
      if (c == '\r' || c == '\n') continue;
      if (c == '"' || c == '\\' || (octet < 0x20 && c != '\t') || octet == 0x7F) out += '\\';
      out += c;
    }
    out += "\" ";
  }
  out += '<';
  out += uri.str();
  out += '>';
  append_params(out, params);
  return out;
}

}  // namespace acw::sip
