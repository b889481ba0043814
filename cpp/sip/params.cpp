// Header field parameters (RFC 3261 §25.1 generic-param): parsing, writing and lookup.
#include "sip/params.hpp"

#include "sip/grammar.hpp"

namespace acw::sip {

using grammar::skip_lws;

// SEMI = SWS ";" SWS and EQUAL = SWS "=" SWS: white space is allowed around both.
bool parse_generic_params(std::string_view text, std::vector<Param>& out) {
  std::size_t pos = skip_lws(text, 0);
  while (pos < text.size()) {
    if (text[pos] != ';') return false;
    pos = skip_lws(text, pos + 1);
    std::size_t begin = pos;
    while (pos < text.size() && grammar::is(text[pos], grammar::kToken)) ++pos;
    if (pos == begin) return false;
    out.push_back({});
    Param& param = out.back();
    param.name = text.substr(begin, pos - begin);
    pos = skip_lws(text, pos);
    if (pos < text.size() && text[pos] == '=') {
      begin = pos = skip_lws(text, pos + 1);
      if (pos < text.size() && text[pos] == '"') {
        pos = grammar::scan_quoted_string(text, pos, nullptr);
        if (pos == std::string_view::npos) return false;
      } else {
        while (pos < text.size() && grammar::is(text[pos], grammar::kGenValue)) ++pos;
      }
      if (pos == begin) return false;
      param.value = text.substr(begin, pos - begin);
      param.has_value = true;
      pos = skip_lws(text, pos);
    }
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
  // The first one with this name is replaced, later ones are dropped, none means one appended.
  bool found = false;
  std::size_t kept = 0;
  for (Param& param : params) {
    if (grammar::iequals(param.name, name)) {
      if (found) continue;
      found = true;
      param = Param{std::string(name), std::string(value), !value.empty()};
    }
    if (&params[kept] != &param) params[kept] = std::move(param);
    ++kept;
  }
  params.erase(params.begin() + static_cast<std::ptrdiff_t>(kept), params.end());
  if (!found) params.push_back(Param{std::string(name), std::string(value), !value.empty()});
}

}  // namespace acw::sip
