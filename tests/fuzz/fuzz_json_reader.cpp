// libFuzzer target for call/json_reader and call/call_options: any bytes read without a crash, the
// same answer twice, and every string read is well-formed UTF-8 (what the engine may put in SIP).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "call/call_options.hpp"
#include "call/json_object.hpp"
#include "call/json_reader.hpp"

namespace {

using acw::call::JsonValue;

void check_utf8(std::string_view s) {
  bool well_formed = true;
  for (std::size_t i = 0; i < s.size() && well_formed;)
    i += acw::call::utf8_sequence(s, i, &well_formed);
  if (!well_formed) std::abort();
}

void check_value(const JsonValue& v) {
  if (v.type == JsonValue::Type::kString) check_utf8(v.text);
  if (v.names.size() != (v.type == JsonValue::Type::kObject ? v.items.size() : 0)) std::abort();
  for (const auto& name : v.names) check_utf8(name);
  for (const auto& item : v.items) check_value(item);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  JsonValue value;
  const std::string error = acw::call::read_json(text, &value);
  JsonValue again;
  if (acw::call::read_json(text, &again) != error) std::abort();
  if (error.empty()) {
    check_value(value);
  } else if (error.rfind("JSON: ", 0) != 0) {
    std::abort();
  }
  acw::call::CallOptions options;
  const std::string options_error = acw::call::read_call_options(text, &options);
  if (!options_error.empty() && !(options == acw::call::CallOptions())) std::abort();
  return 0;
}
