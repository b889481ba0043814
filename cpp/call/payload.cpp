// The JSON payloads of the engine's callbacks, written with nlohmann/json (serialising only: no
// parser in the wasm).
#include "call/payload.hpp"

#include <nlohmann/json.hpp>

namespace acw::call {
namespace {

// Text from the network may not be UTF-8: replace bad bytes rather than fail (with
// JSON_NOEXCEPTION a failing dump() would abort).
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json tristate(std::optional<bool> value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::string incoming_state_payload(bool ready, std::string_view cause, bool retry) {
  nlohmann::json j;
  j["ready"] = ready;
  j["cause"] = std::string(cause);
  j["retry"] = retry;
  return dump(j);
}

std::string incoming_payload(std::string_view from, std::string_view type,
                             const sdp::OfferSummary& offer, std::string_view call_id) {
  nlohmann::json j;
  j["from"] = std::string(from);
  j["type"] = std::string(type);
  j["offeringAudio"] = offer.offering_audio;
  j["canReceiveAudio"] = offer.can_receive_audio;
  j["offeringVideo"] = offer.offering_video;
  j["canReceiveVideo"] = offer.can_receive_video;
  j["callId"] = std::string(call_id);
  return dump(j);
}

std::string disconnect_payload(std::string_view cause) {
  nlohmann::json j;
  j["cause"] = std::string(cause);
  return dump(j);
}

std::string empty_payload() {
  return "{}";
}

std::string peer_payload(std::string_view ice_transport_policy, std::optional<bool> receive_audio,
                         std::optional<bool> receive_video) {
  nlohmann::json j;
  j["iceTransportPolicy"] = std::string(ice_transport_policy);
  j["receiveAudio"] = tristate(receive_audio);
  j["receiveVideo"] = tristate(receive_video);
  return dump(j);
}

}  // namespace acw::call
