// The JSON payloads of the engine's callbacks and peer-connection requests (the only JSON the wasm
// client writes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "call/input.hpp"
#include "sdp/session.hpp"

namespace acw::call {

// onIncomingState: {"ready":true,"cause":"NORMAL","retry":true}
std::string incoming_state_payload(bool ready, std::string_view cause, bool retry);
// onIncoming:
// {"from","type","offeringAudio","canReceiveAudio","offeringVideo","canReceiveVideo","callId"}
std::string incoming_payload(std::string_view from, std::string_view type,
                             const sdp::OfferSummary& offer, std::string_view call_id);
// onDisconnect: {"cause":"NORMAL"}
std::string disconnect_payload(std::string_view cause);
// onError({cause, error}): what failed locally, before the call ends with that cause.
std::string error_payload(std::string_view cause, std::string_view error);
// onRinging, onConnected: {}
std::string empty_payload();
// CreatePeer: {"iceTransportPolicy":"all","receiveAudio":true|false|null,"receiveVideo":...,
// "sdpOptions":{"audioCodecs":[...],"maxBitrateAudio":n,"videoCodecs":[...],"maxBitrateVideo":n}};
// sdpOptions (each member only when set) only when the options edit the local SDP (sdp_munge.hpp),
// for the page to hand to the acw-sdp module.
std::string peer_payload(std::string_view ice_transport_policy, const CallOptions& options);

}  // namespace acw::call
