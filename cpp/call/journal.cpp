// Writing an engine session down as JSON lines (our own writer: reading is in replay.cpp, with
// nlohmann/json, native only).
#include "call/journal.hpp"

#include "call/engine.hpp"
#include "call/join.hpp"
#include "call/json_object.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

// RFC 3629 well-formed UTF-8 (no overlong forms, no surrogates), so the JSON writer never has
// to replace a byte and the text reads back as it was.
bool valid_utf8(std::string_view s) {
  bool well_formed = true;
  for (std::size_t i = 0; i < s.size() && well_formed;) i += utf8_sequence(s, i, &well_formed);
  return well_formed;
}

std::string hex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

void put_text(JsonObject& j, std::string_view name, const std::string& value,
              bool even_empty = false) {
  if (value.empty() && !even_empty) return;
  if (valid_utf8(value)) {
    j.string(name, value);
  } else {
    j.string(join({name, "Hex"}), hex(value));
  }
}

}  // namespace

std::string journal_header(const Config& config) {
  return JsonObject()
      .integer("journal", 1)
      .string("cloudId", config.cloud_id)
      .string("webRtcAccessKey", config.web_rtc_access_key)
      .string("clientId", config.client_id)
      .string("url", config.url)
      .string("seed", text::decimal(config.seed))  // as text: a JS number cannot hold 64 bits
      .integer("logLevel", config.log_level)
      .string("options", config.options)
      .text();
}

std::string journal_line(const Input& input) {
  JsonObject j;
  j.integer("t", input.now);
  j.string("in", input_kind_name(input.kind));
  if (input.call != 0) j.integer("call", input.call);
  put_text(j, "text", input.text);
  put_text(j, "text2", input.text2);
  if (input.number != 0) j.integer("number", input.number);
  if (input.ice_servers) put_text(j, "iceServers", *input.ice_servers, true);
  const CallOptions& o = input.options;
  {
    JsonObject options;
    if (!o.audio_codecs.empty()) options.strings("audioCodecs", o.audio_codecs);
    if (!o.video_codecs.empty()) options.strings("videoCodecs", o.video_codecs);
    if (o.max_bitrate_audio) options.integer("maxBitrateAudio", *o.max_bitrate_audio);
    if (o.max_bitrate_video) options.integer("maxBitrateVideo", *o.max_bitrate_video);
    if (o.receive_audio) options.boolean("receiveAudio", *o.receive_audio);
    if (o.receive_video) options.boolean("receiveVideo", *o.receive_video);
    if (!o.extra_sip_headers.empty()) options.strings("extraSipHeaders", o.extra_sip_headers);
    if (!options.empty()) j.object("options", options);
  }
  return j.text();
}

}  // namespace acw::call
