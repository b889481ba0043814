// The JSON payloads of the engine's callbacks (a JSON writer of our own: no JSON library in the
// wasm client).
#include "call/payload.hpp"

#include "call/json_object.hpp"
#include "call/sdp_munge.hpp"

namespace acw::call {
namespace {

void tristate(JsonObject& j, std::string_view name, std::optional<bool> value) {
  if (value) {
    j.boolean(name, *value);
  } else {
    j.null(name);
  }
}

}  // namespace

std::string incoming_state_payload(bool ready, std::string_view cause, bool retry) {
  return JsonObject().boolean("ready", ready).string("cause", cause).boolean("retry", retry).text();
}

std::string incoming_payload(std::string_view from, std::string_view type,
                             const sdp::OfferSummary& offer, std::string_view call_id) {
  return JsonObject()
      .string("from", from)
      .string("type", type)
      .boolean("offeringAudio", offer.offering_audio)
      .boolean("canReceiveAudio", offer.can_receive_audio)
      .boolean("offeringVideo", offer.offering_video)
      .boolean("canReceiveVideo", offer.can_receive_video)
      .string("callId", call_id)
      .text();
}

std::string disconnect_payload(std::string_view cause) {
  return JsonObject().string("cause", cause).text();
}

std::string error_payload(std::string_view cause, std::string_view error) {
  return JsonObject().string("cause", cause).string("error", error).text();
}

std::string empty_payload() {
  return "{}";
}

std::string peer_payload(std::string_view ice_transport_policy, const CallOptions& options) {
  JsonObject j;
  j.string("iceTransportPolicy", ice_transport_policy);
  tristate(j, "receiveAudio", options.receive_audio);
  tristate(j, "receiveVideo", options.receive_video);
  if (munges_sdp(options)) {
    JsonObject sdp;
    if (!options.audio_codecs.empty()) sdp.strings("audioCodecs", options.audio_codecs);
    if (!options.video_codecs.empty()) sdp.strings("videoCodecs", options.video_codecs);
    if (options.max_bitrate_audio) sdp.integer("maxBitrateAudio", *options.max_bitrate_audio);
    if (options.max_bitrate_video) sdp.integer("maxBitrateVideo", *options.max_bitrate_video);
    j.object("sdpOptions", sdp);
  }
  return j.text();
}

}  // namespace acw::call
