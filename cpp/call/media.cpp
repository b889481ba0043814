// Engine: the browser's media results (sdpCreated, localDescriptionReady, mediaFailed): what each
// does to a call in each state.
#include <string>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/payload.hpp"

namespace acw::call {

// The live call a browser SDP result is for; an empty SDP fails its media instead (nullptr).
Call* Engine::call_with_sdp(const Input& input) {
  Call* call = find_active(input.call);
  if (call && input.text.empty()) {
    media_failure(input.now, *call, cause::kError, "empty SDP");
    return nullptr;
  }
  return call;
}

void Engine::on_sdp_created(const Input& input) {
  if (Call* call = call_with_sdp(input)) media_described(*call, input.text);
}

void Engine::on_local_description_ready(const Input& input) {
  if (Call* call = call_with_sdp(input)) media_gathered(input.now, *call, input.text);
}

void Engine::on_media_failed(const Input& input) {
  if (Call* call = find_active(input.call))
    media_failure(input.now, *call, input.text, input.text2);
}

void Engine::ignored(const Call& call, std::string_view what) {
  log(2, {what, " ignored in ", call_state_name(call.state())});
}

void Engine::media_described(Call& call, std::string_view sdp) {
  // The page has already made the codec order and bitrate cap edits (sdp_munge.hpp).
  std::string_view type = "answer";
  if (call.state() == CallState::kCreatingOffer) {
    type = "offer";
    set_state(call, CallState::kGatheringOffer);
  } else if (call.state() == CallState::kCreatingAnswer) {
    set_state(call, CallState::kGatheringAnswer);
  } else if (call.reoffer == Reoffer::kCreatingAnswer) {
    call.reoffer = Reoffer::kGatheringAnswer;
  } else if (call.renegotiation == Renegotiation::kCreatingOffer) {
    type = "offer";
    call.renegotiation = Renegotiation::kGatheringOffer;
  } else {
    ignored(call, "sdp_created");
    return;
  }
  Output& output = push(OutputKind::kSetLocalDescription, call.handle);
  output.name = type;
  output.text = sdp;
}

void Engine::media_gathered(int64_t now, Call& call, std::string_view sdp) {
  // ICE candidates are in: the SDP goes out (no trickle ICE with the cloud).
  if (call.state() == CallState::kGatheringOffer) {
    send_invite(now, call, std::string(sdp));
  } else if (call.state() == CallState::kGatheringAnswer) {
    // §13.3.1.4: the 200 with the answer, Contact and Allow as the trace; retransmitted until
    // the ACK.
    send_2xx(now, call, call.invite_tx, call.invite, std::string(sdp));
    set_state(call, CallState::kAnswered);
  } else if (call.reoffer == Reoffer::kGatheringAnswer) {
    send_2xx(now, call, call.reoffer_tx, call.reoffer_request, std::string(sdp));
    call.reoffer = Reoffer::kAwaitingAck;
    remote_hold_settled(call);
  } else if (call.renegotiation == Renegotiation::kGatheringOffer) {
    call.offer = std::string(sdp);                    // already edited by the page (#munged)
    call.renegotiation = Renegotiation::kOfferReady;  // drive() sends it when the dialog allows
  } else if (call.renegotiation == Renegotiation::kRollingBack) {
    call.renegotiation = Renegotiation::kNone;  // the description as before the refused offer
  } else {
    ignored(call, "local_description_ready");
  }
}

void Engine::media_failure(int64_t now, Call& call, std::string_view failure,
                           std::string_view detail) {
  std::string_view why = failure == cause::kDeviceError ? cause::kDeviceError : cause::kError;
  log(1, {"media failed (", why, "): ", detail});
  if (call.reoffer == Reoffer::kCreatingAnswer || call.reoffer == Reoffer::kGatheringAnswer) {
    // The new offer cannot be taken; the call goes on as it was (§14.2).
    reply(now, call.reoffer_tx, call.reoffer_request, 488);
    call.reoffer = Reoffer::kNone;
    return;
  }
  // The guide's onError: the page hears what failed, then onDisconnect with the cause.
  if (call.active()) callback(call.handle, "onError", error_payload(why, detail));
  // §13.3.1.3: an incoming offer that cannot be answered here gets 488.
  end_call(now, call, 488, why, why);
}

}  // namespace acw::call
