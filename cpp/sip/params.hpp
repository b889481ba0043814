// Header field parameters: the ";name[=value]" lists of name-addr and Via (RFC 3261 §25.1
// generic-param).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/uri.hpp"

namespace acw::sip {

// *( SEMI generic-param ) with generic-param = token [ EQUAL gen-value ] and
// gen-value = token / host / quoted-string. Values keep their quotes, so writing them back
// gives the same text. Appends to `out`; false on any syntax error (";;", "a=", bad quotes).
bool parse_generic_params(std::string_view text, std::vector<Param>& out);

// Appends ";name[=value]" for each parameter, as stored.
void append_params(std::string& out, const std::vector<Param>& params);

// The value of the first parameter with this name (case-insensitive); "" for a flag.
std::optional<std::string_view> find_param(const std::vector<Param>& params, std::string_view name);

// Replaces the first parameter with this name (dropping later duplicates) or appends one.
// SIP has no empty parameter value, so an empty value is written as a flag.
void set_param(std::vector<Param>& params, std::string_view name, std::string_view value);

}  // namespace acw::sip
