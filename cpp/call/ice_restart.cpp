// Engine: the iceState and mediaHeard inputs and the ICE restart they can start: a call whose media
// is lost asks the browser for an ICE-restart offer, which goes in a re-INVITE (RFC 8445 §9;
// reinvite.cpp).
#include "call/cause.hpp"
#include "call/engine.hpp"

namespace acw::call {
namespace {

// A call whose media may be restarted: up, or up and moving its signalling to a new socket.
bool kept(const Call& call) {
  return call.state() == CallState::kConfirmed || call.state() == CallState::kReconnecting;
}

// A call whose lost media restarts ICE (limit 0: ICE restarts are off).
bool restarts(const IceRestartPolicy& policy, const Call& call) {
  return policy.limit > 0 && kept(call);
}

}  // namespace

void Engine::on_ice_state(const Input& input) {
  Call* call = find_active(input.call);
  if (!call) return;
  const std::string_view state = input.text;
  call->ice_up = state == "connected" || state == "completed";
  if (call->ice_up) {
    call->heard = true;                                   // its checks were answered
    if (!call->media_lost) call->media_at = sip::kNever;  // back by itself
    media_back(*call);
    return;
  }
  const bool restart = restarts(options_.ice_restart, *call);
  if (state == "failed") {
    if (!restart) {
      media_failure(input.now, *call, cause::kError, "ICE failed");
      return;
    }
    media_lost(input.now, *call);
  } else if (state == "disconnected" && restart && call->media_at == sip::kNever) {
    // Consent checks miss for a moment on a busy link and ICE comes back by itself: a restart
    // only after `wait`.
    call->media_at = input.now + options_.ice_restart.wait;
  }
}

void Engine::on_media_heard(const Input& input) {
  Call* call = find_active(input.call);
  if (!call) return;
  call->heard = input.number != 0;
  if (call->heard) {
    // While ICE is down, its own state decides.
    if (call->ice_up && !call->media_lost) call->media_at = sip::kNever;
    media_back(*call);
  } else if (call->ice_up && !call->media_lost && restarts(options_.ice_restart, *call) &&
             !call->hold && !call->held && !call->remote_held && call->media_at == sip::kNever) {
    // Chromium says `disconnected` only 5-8 s into an outage, but a call stops hearing anything
    // (not even the answers to ICE's consent checks) long before. A hold stops the far side's
    // audio (asked for, or answered, either way), so only ICE's state counts then.
    call->media_at = input.now + options_.ice_restart.wait;
  }
}

void Engine::media_lost(int64_t now, Call& call) {
  if (!call.media_lost) {
    call.media_lost = true;
    call.media_at = now + options_.ice_restart.limit;
    reconnect_callback(call, false, "media");
  }
  // Lost again after a restart that did not bring it back: another, within the same limit.
  renegotiate(call, true);
}

void Engine::media_back(Call& call) {
  // A restart under way finishes its offer/answer first: the browser holds our offer.
  if (!call.media_lost || !call.ice_up || !call.heard || (call.offering() && call.offer_restarts))
    return;
  call.media_lost = false;
  call.media_at = sip::kNever;
  // Back by itself: no restart wanted (a hold still is).
  call.restart_ice = false;
  if (call.hold == call.held) call.renegotiation = Renegotiation::kNone;
  reconnect_callback(call, true, "media");
}

void Engine::network_changed() {
  if (options_.ice_restart.limit == 0) return;
  // The path the media took may be gone with the old network: a restart finds the new one (ICE
  // keeps the old pair until a new one works, so media that still flows is not cut).
  for (auto& call : calls_) {
    if (kept(*call)) renegotiate(*call, true);
  }
}

}  // namespace acw::call
