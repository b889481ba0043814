// Reading a JWT's expiry and redacting tokens for journals (call/token.hpp).
#include "call/token.hpp"

#include "call/json_reader.hpp"
#include "sip/grammar.hpp"

namespace acw::call {
namespace {

constexpr std::string_view kRedacted = "redacted";

std::optional<std::string> base64url(std::string_view text) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::optional<int64_t> jwt_expiry(std::string_view token) {
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  auto payload = base64url(token.substr(first + 1, second - first - 1));
  JsonValue claims;
  if (!payload || !read_json(*payload, &claims).empty()) return std::nullopt;
  const JsonValue* exp = claims.member("exp");
  if (!exp || exp->type != JsonValue::Type::kNumber) return std::nullopt;
  // As written (JSON's grammar): digits, then maybe a fraction or exponent, which we refuse
  // rather than parse floating point in the page's wasm, except a plain fraction.
  int64_t seconds = 0;
  for (char c : exp->text) {
    if (c == '.') break;
    if (c < '0' || c > '9' || seconds > 99999999999) return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

std::string redact_token(std::string_view token) {
  if (token.empty()) return {};
  std::size_t parts = 1;
  for (char c : token) parts += c == '.' ? 1 : 0;
  std::size_t keep = parts == 3 ? 2 : parts == 5 ? 1 : 0;
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < parts; ++i) {
    auto end = token.find('.', start);
    if (i > 0) out += '.';
    if (i < keep) {
      out += token.substr(start, end - start);
    } else {
      out += kRedacted;
    }
    if (keep == 0) break;
    start = end + 1;
  }
  return out;
}

std::string redact_frame(std::string_view frame) {
  std::string out;
  std::size_t start = 0;
  bool redacting = false;  // through a folded value's continuation lines (RFC 3261 §7.3.1)
  while (start < frame.size()) {
    auto end = frame.find('\n', start);
    end = end == std::string_view::npos ? frame.size() : end + 1;
    std::string_view line = frame.substr(start, end - start);
    start = end;
    if (line == "\r\n" || line == "\n") {  // the body follows, untouched
      out += line;
      out += frame.substr(start);
      break;
    }
    if (redacting && (line[0] == ' ' || line[0] == '\t')) continue;
    redacting = false;
    if (sip::grammar::istarts_with(line, "authorization:") ||
        sip::grammar::istarts_with(line, "proxy-authorization:")) {
      std::size_t colon = line.find(':');
      out += line.substr(0, colon + 1);
      out += ' ';
      out += kRedacted;
      out += line.ends_with("\r\n") ? "\r\n" : line.ends_with('\n') ? "\n" : "";
      redacting = true;
    } else {
      out += line;
    }
  }
  return out;
}

}  // namespace acw::call
