// SIP URIs and name-addr / addr-spec values (RFC 3261 §19.1, §20.10, §25.1), with %-escaping.
#include "sip/uri.hpp"

#include "sip/grammar.hpp"
#include "sip/params.hpp"
#include "text/decimal.hpp"

namespace acw::sip {

namespace {

using grammar::is;

constexpr char kHexDigits[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Keeps the characters of `allowed` and writes every other octet as escaped = "%" HEXDIG HEXDIG.
std::string escape(std::string_view raw, uint16_t allowed) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (is(c, allowed)) {
      out += c;
    } else {
      const auto octet = static_cast<unsigned char>(c);
      out += '%';
      out += kHexDigits[octet >> 4];
      out += kHexDigits[octet & 0xF];
    }
  }
  return out;
}

// A URI component is its allowed characters plus escaped octets; returns it unescaped.
std::optional<std::string> component(std::string_view text, uint16_t allowed) {
  for (char c : text) {
    if (c != '%' && !is(c, allowed)) return std::nullopt;
  }
  return unescape(text);
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
    const std::string_view user = userinfo.substr(0, colon);
    if (user.empty()) return false;
    auto user_text = component(user, grammar::kUser);
    if (!user_text) return false;
    uri.user = std::move(*user_text);
    if (colon != std::string_view::npos) {
      auto password = component(userinfo.substr(colon + 1), grammar::kPassword);
      if (!password) return false;
      uri.password = std::move(*password);
    }
    rest.remove_prefix(at + 1);
  }

  // hostport = host [ ":" port ]
  std::size_t end = rest.find_first_of(";?");
  if (end == std::string_view::npos) end = rest.size();
  std::string_view hostport = rest.substr(0, end);
  rest.remove_prefix(end);
  std::string_view host = hostport;
  std::string_view port;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) return false;
    host = hostport.substr(0, close + 1);
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const std::size_t colon = hostport.find(':');
    if (colon != std::string_view::npos) {
      host = hostport.substr(0, colon);
      port = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (!grammar::is_host(host)) return false;
  uri.host = std::string(host);
  if (has_port) {
    auto value = grammar::parse_port(port);
    if (!value) return false;
    uri.port = *value;
  }

  // uri-parameters = *( ";" uri-parameter ); uri-parameter = pname [ "=" pvalue ], both
  // 1*paramchar, paramchar = param-unreserved / unreserved / escaped.
  while (!rest.empty() && rest.front() == ';') {
    rest.remove_prefix(1);
    std::size_t param_end = rest.find_first_of(";?");
    if (param_end == std::string_view::npos) param_end = rest.size();
    const std::string_view param = rest.substr(0, param_end);
    rest.remove_prefix(param_end);
    const std::size_t equals = param.find('=');
    const std::string_view name = param.substr(0, equals);
    if (name.empty()) return false;
    Param parsed;
    auto name_text = component(name, grammar::kParam);
    if (!name_text) return false;
    parsed.name = std::move(*name_text);
    if (equals != std::string_view::npos) {
      const std::string_view value = param.substr(equals + 1);
      if (value.empty()) return false;
      auto value_text = component(value, grammar::kParam);
      if (!value_text) return false;
      parsed.value = std::move(*value_text);
      parsed.has_value = true;
    }
    uri.params.push_back(std::move(parsed));
  }

  // headers = "?" header *( "&" header ); header = hname "=" hvalue; hname = 1*( hnv-unreserved
  // / unreserved / escaped ); hvalue = *( hnv-unreserved / unreserved / escaped ).
  if (!rest.empty()) {
    if (rest.front() != '?') return false;
    rest.remove_prefix(1);
    while (true) {
      const std::size_t header_end = rest.find('&');
      const std::string_view header = rest.substr(0, header_end);
      const std::size_t equals = header.find('=');
      if (equals == std::string_view::npos || equals == 0) return false;
      auto name = component(header.substr(0, equals), grammar::kHeader);
      if (!name) return false;
      const std::string_view value = header.substr(equals + 1);
      std::optional<std::string> value_text = value.empty()
                                                  ? std::optional<std::string>(std::string())
                                                  : component(value, grammar::kHeader);
      if (!value_text) return false;
      uri.headers.push_back(Param{std::move(*name), std::move(*value_text), true});
      if (header_end == std::string_view::npos) break;
      rest.remove_prefix(header_end + 1);
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string escape_user(std::string_view raw) {
  return escape(raw, grammar::kUser);
}

std::optional<Uri> parse_uri(std::string_view text) {
  // absoluteURI / SIP-URI / SIPS-URI: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view scheme = text.substr(0, colon);
  if (!is(scheme.front(), grammar::kAlpha) || !grammar::all_of(scheme, grammar::kScheme)) {
    return std::nullopt;
  }
  Uri uri;
  uri.scheme.reserve(scheme.size());
  for (char c : scheme) uri.scheme += grammar::ascii_lower(c);
  const std::string_view rest = text.substr(colon + 1);
  if (uri.is_sip()) {
    if (!parse_sip_uri(rest, uri)) return std::nullopt;
    return uri;
  }
  // Other schemes are kept opaque; they still cannot hold white space, controls or the
  // delimiters that end a URI inside a header field.
  if (rest.empty()) return std::nullopt;
  for (char c : rest) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet <= 0x20 || octet >= 0x7F || c == '<' || c == '>' || c == '"') return std::nullopt;
  }
  uri.opaque = std::string(rest);
  return uri;
}

std::optional<std::string_view> Uri::param(std::string_view name) const {
  return find_param(params, name);
}

void Uri::set_param(std::string_view name, std::string_view value, bool /*has_value*/) {
  sip::set_param(params, name, value);
}

std::string Uri::str() const {
  std::string out;
  out.reserve(scheme.size() + user.size() + host.size() + 32);
  out += scheme;
  out += ':';
  if (!is_sip()) {
    out += opaque;
    return out;
  }
  if (!user.empty() || !password.empty()) {
    out += escape(user, grammar::kUser);
    if (!password.empty()) {
      out += ':';
      out += escape(password, grammar::kPassword);
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
    out += escape(param.name, grammar::kParam);
    if (param.has_value) {
      out += '=';
      out += escape(param.value, grammar::kParam);
    }
  }
  bool first = true;
  for (const Param& header : headers) {
    out += first ? '?' : '&';
    first = false;
    out += escape(header.name, grammar::kHeader);
    out += '=';
    out += escape(header.value, grammar::kHeader);
  }
  return out;
}

// name-addr = [ display-name ] LAQUOT addr-spec RAQUOT; display-name = *(token LWS) /
// quoted-string. The wildcard "*" is Contact's (§20.10).
std::optional<NameAddr> parse_name_addr(std::string_view text) {
  text = grammar::trim_lws(text);
  if (text.empty()) return std::nullopt;
  NameAddr result;
  if (text == "*") {
    result.wildcard = true;
    return result;
  }

  std::size_t laquot = std::string_view::npos;
  if (text.front() == '"') {
    const std::size_t end = grammar::scan_quoted_string(text, 0, &result.display_name);
    if (end == std::string_view::npos) return std::nullopt;
    laquot = grammar::skip_lws(text, end);
    if (laquot >= text.size() || text[laquot] != '<') return std::nullopt;
  } else {
    // Tokens then "<" make a display name; RFC 4475 §3.1.1.6 (lwsdisp) asks us to accept one
    // with no white space before the "<".
    std::size_t pos = 0;
    while (pos < text.size() && grammar::is(text[pos], grammar::kToken | grammar::kLws)) ++pos;
    if (pos < text.size() && text[pos] == '<') {
      result.display_name = std::string(grammar::trim_lws(text.substr(0, pos)));
      laquot = pos;
    }
  }

  std::string_view uri_text;
  std::size_t pos = 0;
  if (laquot != std::string_view::npos) {
    // No white space inside the brackets (RFC 4475 §3.1.2.15 badaspec).
    const std::size_t raquot = text.find('>', laquot + 1);
    if (raquot == std::string_view::npos) return std::nullopt;
    uri_text = text.substr(laquot + 1, raquot - laquot - 1);
    pos = raquot + 1;
  } else {
    // §20: in the addr-spec form, parameters after the URI are header parameters; a URI holding
    // a comma, question mark or semicolon must be in angle brackets (RFC 4475 §3.1.2.13 regbadct).
    while (pos < text.size() && text[pos] != ';' && !grammar::is_lws(text[pos])) ++pos;
    uri_text = text.substr(0, pos);
    if (uri_text.find_first_of(",?") != std::string_view::npos) return std::nullopt;
  }
  auto uri = parse_uri(uri_text);
  if (!uri) return std::nullopt;
  result.uri = std::move(*uri);
  if (!parse_generic_params(text.substr(pos), result.params)) return std::nullopt;
  return result;
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
