// Engine: hold (RFC 3264 §8.4), and the page's other re-offers (streams added or removed). Ours:
// call.hold()/unhold() ask for an offer in which the browser stops receiving (sendonly, or inactive
// where it only received), sent in a re-INVITE (reinvite.cpp); onHold says how it settled. The far
// side's: an offer in its re-INVITE that does not let us send (sendonly or inactive) holds us;
// onRemoteHold says so once it is answered.
#include "call/engine.hpp"
#include "call/validation.hpp"
#include "sdp/essentials.hpp"

namespace acw::call {
namespace {

std::string held_payload(bool held) {
  return held ? R"({"held":true})" : R"({"held":false})";
}

}  // namespace

std::string_view Engine::on_hold(const Input& input) {
  Call* call = find_active(input.call);
  // Confirmed, or kept through a reconnect (the offer waits for the target refresh).
  if (!call ||
      (call->state() != CallState::kConfirmed && call->state() != CallState::kReconnecting))
    return errors::kNotConnected;
  call->hold = input.number != 0;
  // An offer already in the browser carries what was asked before it: the answer to it asks again
  // (hold_settled) if this changed it. Asked back before any offer: none is needed.
  if (call->hold != call->held && !call->offering()) renegotiate(*call, false);
  if (call->hold == call->held && call->renegotiation == Renegotiation::kWanted &&
      !call->restart_ice)
    call->renegotiation = Renegotiation::kNone;
  return {};
}

std::string_view Engine::on_reinvite(const Input& input) {
  Call* call = find_active(input.call);
  if (!call) return errors::kNotConnected;
  // §14.1: one offer/answer at a time in the dialog; before the call is confirmed, its INVITE's
  // is under way (4.0.8 says so too).
  if (call->state() != CallState::kConfirmed || call->renegotiation != Renegotiation::kNone ||
      call->reoffer != Reoffer::kNone)
    return errors::kReinviteInProgress;
  if (input.number != 0) renegotiate(*call, false);
  return {};
}

void Engine::hold_settled(Call& call, bool answered) {
  const bool asked = call.offer_holds != call.held;
  if (answered) call.held = call.offer_holds;
  call.offer_holds = call.held;
  if (asked) callback(call.handle, "onHold", held_payload(call.held));
  // Refused: the page's wish is what the dialog has; answered: a later wish gets its own offer.
  if (!answered)
    call.hold = call.held;
  else if (call.hold != call.held)
    renegotiate(call, false);
}

void Engine::remote_hold_settled(Call& call) {
  if (call.reoffer_holds == call.remote_held) return;
  call.remote_held = call.reoffer_holds;
  callback(call.handle, "onRemoteHold", held_payload(call.remote_held));
}

}  // namespace acw::call
