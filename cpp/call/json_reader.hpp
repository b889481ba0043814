// A strict reader of small JSON texts (RFC 8259): what the page hands the wasm core as one plain
// value (call options), with no JSON library in the wasm client (json_object.hpp is the writer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "call/join.hpp"

namespace acw::call {

// One JSON value as read. Objects keep their members in order, duplicates included (RFC 8259 §4
// leaves them to the reader: a caller that cares rejects them). Numbers keep the text they were
// written as (checked against §6's grammar): the core converts only the few it reads, and with
// no floating-point parsing in the page's wasm.
struct JsonValue {
  enum class Type : uint8_t { kNull, kBoolean, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;                // a string's value (UTF-8), or a number as written
  std::vector<JsonValue> items;    // an array's elements, or an object's member values
  std::vector<std::string> names;  // an object's member names: names[i] is items[i]'s

  // The value of the first member named `name`, or nullptr (also when this is not an object).
  const JsonValue* member(std::string_view name) const;
};

// Nesting deeper than this (arrays and objects inside each other) is an error: the reader
// recurses, and a page's options are two levels deep.
inline constexpr int kJsonMaxDepth = 32;

// Reads `text` as one JSON text (RFC 8259 §2: one value, whitespace around it). Returns "" with
// *value set, or the error ("JSON: <what> at byte <offset>") with *value unspecified. Strict:
// no comments, trailing commas, single quotes, leading zeros, NaN, byte order mark or bytes past
// the value; raw text must be well-formed UTF-8 (RFC 3629) with no control character below
// U+0020 in a string. A \u escape of a lone surrogate (§8.2: well-formed grammar, no character)
// reads as U+FFFD, as JS's TextEncoder turns a lone surrogate of a JS string into U+FFFD: what
// JSON.stringify writes for such a string reaches the core as it did through embind.
std::string read_json(std::string_view text, JsonValue* value);

// A page's options as one JSON text, read into *options by read(root, options) (which returns its
// own error text): "" is no options (the defaults); on any error *options is left default and
// the error is returned, a JSON one as "Invalid <what>: JSON: ...".
template <typename Options, typename Read>
std::string read_options(std::string_view json, std::string_view what, Options* options,
                         Read read) {
  *options = Options();
  if (json.empty()) return {};
  JsonValue root;
  std::string error = read_json(json, &root);
  error = error.empty() ? read(root, options) : join({"Invalid ", what, ": ", error});
  if (!error.empty()) *options = Options();
  return error;
}

}  // namespace acw::call
