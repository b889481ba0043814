// Header field parameters (RFC 3261 §25.1 generic-param): parsing, writing and lookup.
#include "sip/params.hpp"

#include <algorithm>

#include "sip/grammar.hpp"

namespace acw::sip {

using grammar::skip_lws;

// SEMI = SWS ";" SWS and EQUAL = SWS "=" SWS: white space is allowed around both.
bool parse_generic_params(std::string_view text, std::vector<Param>& out) {
  std::size_t pos = skip_lws(text, 0);
  while (pos < text.size()) {
    if (text[pos] != ';') return false;
    pos = skip_lws(text, pos + 1);
    const std::size_t name_begin = pos;
    while (pos < text.size() && grammar::is(text[pos], grammar::kToken)) ++pos;
    if (pos == name_begin) return false;
    Param param;
    param.name = std::string(text.substr(name_begin, pos - name_begin));
    pos = skip_lws(text, pos);
    if (pos < text.size() && text[pos] == '=') {
      pos = skip_lws(text, pos + 1);
      const std::size_t value_begin = pos;
      if (pos < text.size() && text[pos] == '"') {
        pos = grammar::scan_quoted_string(text, pos, nullptr);
        if (pos == std::string_view::npos) return false;
      } else {
        while (pos < text.size() && grammar::is(text[pos], grammar::kGenValue)) ++pos;
      }
      if (pos == value_begin) return false;
      param.value = std::string(text.substr(value_begin, pos - value_begin));
      param.has_value = true;
      pos = skip_lws(text, pos);
    }
    out.push_back(std::move(param));
  }
  return true;
}

void append_params(std::string& out, const std::vector<Param>& params) {
  for (const Param& param : params) {
    out += ';';
    out += param.name;
    if (param.has_value) {
      out += '=';
      out += param.value;
    }
  }
}

std::optional<std::string_view> find_param(const std::vector<Param>& params,
                                           std::string_view name) {
  for (const Param& param : params) {
    if (grammar::iequals(param.name, name)) return std::string_view(param.value);
  }
  return std::nullopt;
}

void set_param(std::vector<Param>& params, std::string_view name, std::string_view value) {
  auto first = std::find_if(params.begin(), params.end(),
                            [&](const Param& p) { return grammar::iequals(p.name, name); });
  if (first == params.end()) {
    params.push_back(Param{std::string(name), std::string(value), !value.empty()});
    return;
  }
  *first = Param{std::string(name), std::string(value), !value.empty()};
  params.erase(std::remove_if(first + 1, params.end(),
                              [&](const Param& p) { return grammar::iequals(p.name, name); }),
               params.end());
}

}  // namespace acw::sip
