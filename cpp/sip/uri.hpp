// SIP URIs and name-addr / addr-spec values (RFC 3261 §19.1, §20.10, §25.1), with %-escaping.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sip/message.hpp"

namespace acw::sip {

// A URI or header parameter: name, value and whether "=value" was written (see HeaderField).
using Param = HeaderField;

// A SIP or SIPS URI: sip:user:password@host:port;params?headers. Other schemes (tel:, urn:...)
// parse with only scheme and `opaque` set.
struct Uri {
  std::string scheme;    // lowercase: "sip", "sips", or another scheme
  std::string user;      // unescaped
  std::string password;  // unescaped
  std::string host;      // IPv6 references keep their brackets: "[2001:db8::1]"
  int port = 0;          // 0 when absent
  std::vector<Param> params;
  std::vector<Param> headers;  // ?name=value&... (unescaped)
  std::string opaque;          // everything after "scheme:" for non-SIP schemes

  bool is_sip() const { return scheme == "sip" || scheme == "sips"; }
  // The value of a parameter (case-insensitive name); nullopt when absent, "" for a flag.
  std::optional<std::string_view> param(std::string_view name) const;
  // Replaces the parameter (or appends it). SIP has no empty parameter value, so an empty value
  // makes a flag and a non-empty one is always written with "="; has_value is not needed.
  void set_param(std::string_view name, std::string_view value = {}, bool has_value = false);
  // Wire form, escaping user/password/params/headers as RFC 3261 §25 requires.
  std::string str() const;
  friend bool operator==(const Uri&, const Uri&) = default;
};

std::optional<Uri> parse_uri(std::string_view text);

// A From/To/Contact/Route value: optional display name, the URI, header parameters
// (tag, expires, q...). Accepts name-addr ("Bob" <sip:b@h>;tag=1) and addr-spec (sip:b@h;tag=1:
// there, as RFC 3261 §20 says, parameters after the URI belong to the header, not the URI).
struct NameAddr {
  std::string display_name;  // unquoted and unescaped
  Uri uri;
  std::vector<Param> params;
  bool wildcard = false;  // Contact: *

  std::optional<std::string_view> param(std::string_view name) const;
  std::string_view tag() const { return param("tag").value_or(std::string_view{}); }
  // As Uri::set_param: an empty value makes a flag.
  void set_param(std::string_view name, std::string_view value = {}, bool has_value = true);
  // Always written as name-addr: ["display" ]<uri>;params.
  std::string str() const;
  friend bool operator==(const NameAddr&, const NameAddr&) = default;
};

std::optional<NameAddr> parse_name_addr(std::string_view text);

// %-escaping for a URI user part (RFC 3261 §25.1 "user" unreserved characters kept).
std::string escape_user(std::string_view raw);
// Decodes %XX; returns nullopt on a bad escape.
std::optional<std::string> unescape(std::string_view text);

}  // namespace acw::sip
