// Engine: confirmed calls kept across a lost socket (Reconnecting) and moved to the new one by a
// target-refresh re-INVITE in their dialog (RFC 3261 §12.2, §14.1; RFC 5626's flow replaced).
#include <algorithm>

#include "call/engine.hpp"
#include "call/join.hpp"
#include "text/decimal.hpp"

namespace acw::call {
bool Engine::has_kept_calls() const {
  return std::any_of(calls_.begin(), calls_.end(),
                     [](const auto& call) { return call->state() == CallState::kReconnecting; });
}

void Engine::keep_call(int64_t now, Call& call) {
  // The transactions went with the socket: a re-INVITE of ours (send_reinvites() sends the target
  // refresh on the next open socket) or of theirs is over, and so is the wait for an ACK of our
  // 2xx to one.
  call.reinvite_tx = 0;
  call.reinvite_at = sip::kNever;
  if (call.reoffer != Reoffer::kNone) {
    log(1, {"re-INVITE lost with the socket"});
    call.reoffer = Reoffer::kNone;
    call.retransmit_at = call.ack_deadline = sip::kNever;
  }
  if (call.state() == CallState::kReconnecting) return;  // lost again: the limit still counts
  if (logs(2)) log(2, {"call ", text::decimal(call.handle), " kept while reconnecting"});
  set_state(call, CallState::kReconnecting);
  call.reconnect_deadline = now + options_.reconnect.limit;
  reconnect_callback(call, false, "signalling");
}

void Engine::reconnect_callback(const Call& call, bool back, std::string_view reason) {
  callback(call.handle, back ? "onReconnected" : "onReconnecting",
           join({R"({"reason":")", reason, R"("})"}));
}

void Engine::target_refreshed(Call& call) {
  set_state(call, CallState::kConfirmed);
  call.reconnect_deadline = sip::kNever;
  if (logs(2)) log(2, {"call ", text::decimal(call.handle), " reconnected"});
  reconnect_callback(call, true, "signalling");
}

}  // namespace acw::call
