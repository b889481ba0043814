// Call options from JSON text (call_options.hpp).
#include "call/call_options.hpp"

#include <cstddef>
#include <cstdint>

#include "call/join.hpp"
#include "call/json_reader.hpp"

namespace acw::call {
namespace {

using Type = JsonValue::Type;

std::string invalid(std::string_view name, std::string_view what) {
  return join({"Invalid call options: ", name, " ", what});
}

std::string read_strings(std::string_view name, const JsonValue& v, std::vector<std::string>* out) {
  if (v.type != Type::kArray) return invalid(name, "is not an array of strings");
  for (const JsonValue& item : v.items) {
    if (item.type != Type::kString) return invalid(name, "is not an array of strings");
    out->push_back(item.text);
  }
  return {};
}

std::string read_boolean(std::string_view name, const JsonValue& v, std::optional<bool>* out) {
  if (v.type != Type::kBoolean) return invalid(name, "is not a boolean");
  *out = v.boolean;
  return {};
}

// A whole number of bits/s as JSON writers write one: digits only (no sign, fraction or
// exponent), below 2^32.
std::string read_bitrate(std::string_view name, const JsonValue& v, std::optional<uint32_t>* out) {
  constexpr std::string_view kWhat = "is not a whole number from 0 to 4294967295";
  if (v.type != Type::kNumber || v.text.size() > 10) return invalid(name, kWhat);
  uint64_t n = 0;
  for (char c : v.text) {
    if (c < '0' || c > '9') return invalid(name, kWhat);
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > UINT32_MAX) return invalid(name, kWhat);
  *out = static_cast<uint32_t>(n);
  return {};
}

std::string read_member(std::string_view name, const JsonValue& v, CallOptions* o) {
  if (name == "audioCodecs") return read_strings(name, v, &o->audio_codecs);
  if (name == "videoCodecs") return read_strings(name, v, &o->video_codecs);
  if (name == "maxBitrateAudio") return read_bitrate(name, v, &o->max_bitrate_audio);
  if (name == "maxBitrateVideo") return read_bitrate(name, v, &o->max_bitrate_video);
  if (name == "receiveAudio") return read_boolean(name, v, &o->receive_audio);
  if (name == "receiveVideo") return read_boolean(name, v, &o->receive_video);
  if (name == "extraSipHeaders") return read_strings(name, v, &o->extra_sip_headers);
  return invalid(name, "is not an option");
}

std::string read_object(const JsonValue& root, CallOptions* options) {
  if (root.type != Type::kObject) return "Invalid call options: not a JSON object";
  for (std::size_t i = 0; i < root.names.size(); ++i) {
    const std::string& name = root.names[i];
    if (root.member(name) != &root.items[i]) return invalid(name, "is given twice");
    if (root.items[i].type == Type::kNull) continue;
    if (auto error = read_member(name, root.items[i], options); !error.empty()) return error;
  }
  return {};
}

}  // namespace

std::string read_call_options(std::string_view json, CallOptions* options) {
  return read_options(json, "call options", options, read_object);
}

}  // namespace acw::call
