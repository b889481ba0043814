// A writer of small JSON objects (RFC 8259): the callback payloads and journal lines the engine
// writes, with no JSON library in the wasm client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/name_value.hpp"

namespace acw::call {

// The members come out sorted by name and without spaces, as nlohmann::json (a std::map) wrote
// them before, so the text is byte for byte what it was: tests and recorded journals compare it.
// A repeated name is written once (with its first value).
class JsonObject {
 public:
  // Distinct names rather than overloads: a string literal would pick a bool overload.
  JsonObject& string(std::string_view name, std::string_view value);
  JsonObject& boolean(std::string_view name, bool value);
  JsonObject& integer(std::string_view name, int64_t value);
  JsonObject& unsigned_integer(std::string_view name, uint64_t value);
  // A measured figure to 6 decimal places, trailing zeros dropped ("0.031", "4.409", "12"); null
  // when it is not finite or too large for that (10^12 and over): no exponent form to write.
  JsonObject& number(std::string_view name, double value);
  JsonObject& null(std::string_view name);
  JsonObject& strings(std::string_view name, const std::vector<std::string>& values);
  JsonObject& object(std::string_view name, const JsonObject& value);

  std::string text() const;
  bool empty() const { return members_.empty(); }

 private:
  JsonObject& member(std::string_view name, std::string value);
  // Name and value (JSON text) in the order given: text() sorts them. A vector of the parse's
  // NameValue rather than a std::map: the wasm already has its code, and a map's was 0.5 KB gzip.
  std::vector<text::NameValue> members_;
};

// Appends `s` as a JSON string (quotes included). RFC 8259 §7: '"', '\\' and the controls below
// U+0020 are escaped; other text is copied as UTF-8. Bytes that are not well-formed UTF-8 (RFC
// 3629: no overlong forms, no surrogates) become U+FFFD, one per maximal ill-formed subpart, as
// nlohmann::json's error_handler_t::replace did: text from the network never makes bad JSON.
void append_json_string(std::string& out, std::string_view s);

// The UTF-8 sequence that starts at s[i]: its length, and whether it is well-formed (ASCII is);
// an ill-formed one's length is its maximal ill-formed subpart (at least 1).
std::size_t utf8_sequence(std::string_view s, std::size_t i, bool* well_formed);

}  // namespace acw::call
