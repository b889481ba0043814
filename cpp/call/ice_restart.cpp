// Engine: the iceState input and the ICE restart it can start: a call whose media is lost asks the
// browser for an ICE-restart offer and sends it in a re-INVITE (RFC 8445 §9, RFC 3261 §14.1).
#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/payload.hpp"
#include "sdp/session.hpp"
#include "sip/dialog.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

constexpr std::string_view kMediaReason = R"({"reason":"media"})";

// A call whose media may be restarted: up, or up and moving its signalling to a new socket.
bool kept(const Call& call) {
  return call.state() == CallState::kConfirmed || call.state() == CallState::kReconnecting;
}

}  // namespace

void Engine::on_ice_state(const Input& input) {
  Call* call = find_active(input.call);
  if (!call) return;
  const std::string_view state = input.text;
  IceRestart& ice = call->ice;
  ice.up = state == "connected" || state == "completed";
  if (ice.up) {
    ice.disconnected_until = sip::kNever;
    media_back(*call);
    return;
  }
  const bool restarts = options_.ice_restart.limit > 0 && kept(*call);
  if (state == "failed") {
    ice.disconnected_until = sip::kNever;
    if (!restarts) {
      media_failure(input.now, *call, cause::kError, "ICE failed");
      return;
    }
    media_lost(input.now, *call);
  } else if (state == "disconnected" && restarts && !ice.lost &&
             ice.disconnected_until == sip::kNever) {
    // Consent checks miss for a moment on a busy link and ICE comes back by itself: a restart
    // only after `wait`.
    ice.disconnected_until = input.now + options_.ice_restart.wait;
  }
}

void Engine::media_lost(int64_t now, Call& call) {
  IceRestart& ice = call.ice;
  if (!ice.lost) {
    if (logs(2)) log(2, {"call ", text::decimal(call.handle), " media lost: ICE restart"});
    ice.lost = true;
    ice.deadline = now + options_.ice_restart.limit;
    callback(call.handle, "onReconnecting", std::string(kMediaReason));
  }
  // Lost again after a restart that did not bring it back: another, within the same limit.
  if (ice.step == IceRestartStep::kNone) ice.step = IceRestartStep::kWanted;
}

void Engine::media_back(Call& call) {
  IceRestart& ice = call.ice;
  // A restart under way finishes its offer/answer first: the browser holds our offer.
  if (!ice.lost || !ice.up || ice.offering()) return;
  ice.lost = false;
  ice.deadline = sip::kNever;
  if (ice.step == IceRestartStep::kWanted) ice.step = IceRestartStep::kNone;  // back by itself
  if (logs(2)) log(2, {"call ", text::decimal(call.handle), " media back"});
  callback(call.handle, "onReconnected", std::string(kMediaReason));
}

void Engine::network_changed() {
  if (options_.ice_restart.limit == 0) return;
  // The path the media took may be gone with the old network: a restart finds the new one (ICE
  // keeps the old pair until a new one works, so media that still flows is not cut).
  for (auto& call : calls_) {
    if (kept(*call) && call->ice.step == IceRestartStep::kNone)
      call->ice.step = IceRestartStep::kWanted;
  }
}

void Engine::start_ice_restarts(int64_t now) {
  for (auto& each : calls_) {
    Call& call = *each;
    IceRestart& ice = call.ice;
    // §14.1/§14.2: one offer/answer at a time in the dialog, and none while it is moving to a new
    // socket (its target refresh goes first).
    if (call.state() != CallState::kConfirmed || call.reoffer != Reoffer::kNone) continue;
    if (ice.step == IceRestartStep::kWanted) {
      push(OutputKind::kCreateOffer, call.handle).name = "iceRestart";
      ice.step = IceRestartStep::kCreatingOffer;
    } else if (ice.step == IceRestartStep::kOfferReady && ice.retry_at == sip::kNever &&
               connection_.is_open()) {
      send_ice_restart(now, call);
    }
  }
}

void Engine::send_ice_restart(int64_t now, Call& call) {
  IceRestart& ice = call.ice;
  ice.invite = reinvite(call, ice.offer);
  ice.tx = send_request(now, ice.invite);
  if (ice.tx == 0) {
    ice_restart_failed(now, call, true, "ICE restart not sent");
    return;
  }
  ice.step = IceRestartStep::kInviting;
}

void Engine::ice_restart_response(int64_t now, Call& call, const sip::Message& response) {
  const int status = response.status();
  if (status < 200) return;
  IceRestart& ice = call.ice;
  ice.tx = 0;
  if (status == 491) {
    // §14.1: glare; the same offer again after the wait (the browser still holds it).
    ice.step = IceRestartStep::kOfferReady;
    ice.retry_at = now + glare_wait(call);
    return;
  }
  if (status >= 300) {
    // §14.1: the session stays as it was. §12.2.1.2: a 481 or 408 says the dialog is gone.
    const bool gone = status == 481 || status == 408;
    if (ice.lost || gone) {
      ice_restart_failed(now, call, !gone, "ICE restart refused");
      return;
    }
    log(2, {"ICE restart refused: the call goes on as it was"});
    Output& rollback = push(OutputKind::kSetLocalDescription, call.handle);
    rollback.name = "rollback";
    rollback.text = call.local_sdp;  // what the browser goes back to (it ignores the text)
    ice.step = IceRestartStep::kRollingBack;
    return;
  }
  call.last_ack = send_ack(*call.dialog, ice.invite);
  call.dialog->refresh_target(response);
  if (!has_sdp_body(response) || !sdp::parse(response.body())) {
    ice_restart_failed(now, call, true, "ICE restart answered without an SDP answer");
    return;
  }
  describe_remote(call, "answer", response.body());
  call.remote_sdp = response.body();
  call.local_sdp = std::move(ice.offer);
  ice.offer.clear();
  ice.step = IceRestartStep::kNone;
  media_back(call);
}

void Engine::ice_restart_failed(int64_t now, Call& call, bool bye, std::string_view why) {
  log(1, {why, ": ending call"});
  // The cause of any media failure, as before ICE restarts: onError, then onDisconnect.
  callback(call.handle, "onError", error_payload(cause::kError, why));
  if (bye && connection_.is_open()) send_bye(now, call);
  terminate(call, cause::kError);
}

void Engine::ice_timers(int64_t now, Call& call) {
  IceRestart& ice = call.ice;
  if (ice.disconnected_until <= now) {
    ice.disconnected_until = sip::kNever;
    if (!ice.up && kept(call)) media_lost(now, call);
  }
  if (ice.retry_at <= now) ice.retry_at = sip::kNever;  // drive() sends the offer again
  if (ice.deadline <= now) {
    ice.deadline = sip::kNever;
    if (ice.lost && call.active()) ice_restart_failed(now, call, true, "media not back in time");
  }
}

Call* Engine::find_by_ice_restart(sip::TransactionId tx) {
  if (tx == 0) return nullptr;
  for (auto& call : calls_) {
    if (call->ice.tx == tx && call->active()) return call.get();
  }
  return nullptr;
}

}  // namespace acw::call
