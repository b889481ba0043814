// The JSON payloads of the engine's callbacks (a JSON writer of our own: no JSON library in the
// wasm client).
#include "call/payload.hpp"

#include "call/json_object.hpp"

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

std::string peer_payload(std::string_view ice_transport_policy, std::optional<bool> receive_audio,
                         std::optional<bool> receive_video) {
  JsonObject j;
  j.string("iceTransportPolicy", ice_transport_policy);
  tristate(j, "receiveAudio", receive_audio);
  tristate(j, "receiveVideo", receive_video);
  return j.text();
}

}  // namespace acw::call
