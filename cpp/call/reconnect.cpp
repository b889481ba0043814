// Engine: confirmed calls kept across a lost socket (Reconnecting) and moved to the new one by a
// target-refresh re-INVITE in their dialog (RFC 3261 §12.2, §14.1; RFC 5626's flow replaced).
#include <algorithm>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/payload.hpp"
#include "sdp/essentials.hpp"
#include "sip/dialog.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

// The o= line of an SDP ("" when it does not read): RFC 3264 §8, an unchanged session
// description keeps its version.
std::string origin_of(std::string_view sdp) {
  auto read = sdp::read_essentials(sdp);
  return read ? read->origin : std::string();
}

std::string reason_payload() {
  return R"({"reason":"signalling"})";
}

}  // namespace

bool Engine::has_kept_calls() const {
  return std::any_of(calls_.begin(), calls_.end(),
                     [](const auto& call) { return call->state() == CallState::kReconnecting; });
}

void Engine::keep_call(int64_t now, Call& call) {
  // The transactions went with the socket: a re-INVITE of ours or of theirs is over, and so is
  // the wait for an ACK of our 2xx to one.
  call.refresh_tx = 0;
  call.refresh_at = sip::kNever;
  call.refresh_wanted = true;
  if (call.reoffer != Reoffer::kNone) {
    log(1, {"re-INVITE lost with the socket"});
    call.reoffer = Reoffer::kNone;
    call.retransmit_at = call.ack_deadline = sip::kNever;
  }
  if (call.state() == CallState::kReconnecting) return;  // lost again: the limit still counts
  if (logs(2)) log(2, {"call ", text::decimal(call.handle), " kept while reconnecting"});
  set_state(call, CallState::kReconnecting);
  call.reconnect_deadline = now + options_.reconnect.limit;
  callback(call.handle, "onReconnecting", reason_payload());
}

void Engine::send_target_refreshes(int64_t now) {
  for (auto& call : calls_) {
    if (call->state() == CallState::kReconnecting && call->refresh_wanted) {
      send_target_refresh(now, *call);
    }
  }
}

void Engine::send_target_refresh(int64_t now, Call& call) {
  call.refresh_wanted = false;
  // §12.2.1.1 / §14.1: a new CSeq in the dialog, the same Contact (this instance, RFC 5626 §5.4),
  // and RFC 3264 §8's repeated offer: the last SDP we sent, o= version and all.
  sip::Message invite =
      call.dialog->make_request("INVITE", ua_.via(sip::make_branch(random_.next())));
  invite.add_header("Contact", ua_.contact(true));
  invite.add_header("Allow", kAllowRequest);
  ua_.finish_request(invite);
  invite.set_body(call.local_sdp, "application/sdp");
  call.refresh = invite;
  call.refresh_tx = send_request(now, std::move(invite));
  if (call.refresh_tx == 0) target_refresh_failed(now, call, false, "target refresh not sent");
}

void Engine::target_refresh_response(int64_t now, Call& call, const sip::Message& response) {
  const int status = response.status();
  if (status < 200) return;
  call.refresh_tx = 0;
  if (status >= 300) {
    if (status == 491) {
      // §14.1: glare. The owner of the Call-ID (who sent the first INVITE) waits 2.1-4 s, the
      // other 0-2 s, in units of 10 ms, before trying again.
      const uint64_t r = random_.next();
      const int64_t wait = call.outgoing ? 2100 + 10 * static_cast<int64_t>(r % 191)
                                         : 10 * static_cast<int64_t>(r % 201);
      if (logs(2)) log(2, {"target refresh: 491, again in ", text::signed_decimal(wait), " ms"});
      call.refresh_at = now + wait;
      return;
    }
    // §12.2.1.2: a 481 (or 408) says the dialog is gone, so no BYE.
    target_refresh_failed(now, call, status != 481 && status != 408,
                          status == 481 ? "target refresh refused: 481" : "target refresh refused");
    return;
  }
  call.last_ack = send_ack(*call.dialog, call.refresh);
  call.dialog->refresh_target(response);
  // Our offer repeated the session unchanged; an answer with the same o= line is the same
  // session, and the browser's peer connection stays as it is. Anything else would need a new
  // negotiation in the browser, which this slice does not do: the call ends with ERROR.
  if (!has_sdp_body(response) || origin_of(response.body()) != origin_of(call.remote_sdp)) {
    log(1, {"target refresh answered with a changed session: ending call"});
    send_bye(now, call);
    terminate(call, cause::kError);
    return;
  }
  set_state(call, CallState::kConfirmed);
  call.reconnect_deadline = sip::kNever;
  if (logs(2)) log(2, {"call ", text::decimal(call.handle), " reconnected"});
  callback(call.handle, "onReconnected", reason_payload());
}

void Engine::target_refresh_failed(int64_t now, Call& call, bool bye, std::string_view why) {
  log(1, {why, ": ending call"});
  if (bye) send_bye(now, call);
  terminate(call, cause::kFailed);
}

Call* Engine::find_by_refresh(sip::TransactionId tx) {
  if (tx == 0) return nullptr;
  for (auto& call : calls_) {
    if (call->refresh_tx == tx && call->state() == CallState::kReconnecting) return call.get();
  }
  return nullptr;
}

}  // namespace acw::call
