// Engine: our re-INVITE in a confirmed call's dialog (RFC 3261 §14.1): a kept call's target refresh
// (§12.2), or an offer the browser made for it (an ICE restart; a later hold would be another),
// with its answer, glare (491) and refusal.
#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/join.hpp"
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

}  // namespace

void Engine::renegotiate(Call& call, bool restart_ice) {
  call.restart_ice = call.restart_ice || restart_ice;
  if (call.renegotiation == Renegotiation::kNone) call.renegotiation = Renegotiation::kWanted;
}

void Engine::send_reinvites(int64_t now) {
  for (auto& each : calls_) {
    Call& call = *each;
    // §14.1/§14.2: one offer/answer at a time in the dialog; the browser's offer is asked for only
    // then (it holds it until the answer or a rollback).
    if (call.renegotiation == Renegotiation::kWanted && call.state() == CallState::kConfirmed &&
        call.reoffer == Reoffer::kNone) {
      // name: the RTCOfferOptions member to set, if any; text: "hold" for an offer that holds
      // (the browser sends, and does not receive, what it did: sendonly or inactive).
      Output& offer = push(OutputKind::kCreateOffer, call.handle);
      if (call.restart_ice) offer.name = "iceRestart";
      if (call.hold) offer.text = "hold";
      call.offer_holds = call.hold;
      call.offer_restarts = call.restart_ice;
      call.restart_ice = false;
      call.renegotiation = Renegotiation::kCreatingOffer;
    }
    // One re-INVITE at a time, and after a 491 not before the wait; a kept call's target refresh
    // goes first (the dialog has to move to this socket), its offer RFC 3264 §8's repeated one: the
    // last SDP we sent, o= version and all.
    if (!connection_.is_open() || call.reinvite_tx != 0 || call.reinvite_at != sip::kNever)
      continue;
    const bool refresh = call.state() == CallState::kReconnecting;
    if (!refresh && call.renegotiation != Renegotiation::kOfferReady) continue;
    // §12.2.1.1: a new CSeq in the dialog; RFC 5626 §5.4: the same Contact, this instance's.
    sip::Message& invite = call.reinvite =
        call.dialog->make_request("INVITE", ua_.via(sip::make_branch(random_.next())));
    invite.add_header("Contact", ua_.contact(true));
    invite.add_header("Allow", kAllowRequest);
    ua_.finish_request(invite);
    invite.set_body(refresh ? call.local_sdp : call.offer, "application/sdp");
    call.reinvite_tx = send_request(now, invite);
    if (call.reinvite_tx == 0) reinvite_failed(now, call, false, "re-INVITE not sent");
  }
}

void Engine::reinvite_response(int64_t now, Call& call, const sip::Message& response) {
  const int status = response.status();
  if (status < 200) return;
  call.reinvite_tx = 0;
  const bool refresh = call.state() == CallState::kReconnecting;
  if (status == 491) {
    // §14.1: glare. The owner of the Call-ID (who sent the first INVITE) waits 2.1-4 s, the other
    // 0-2 s, in units of 10 ms, then sends the same offer again (the browser still holds it).
    const uint64_t r = random_.next();
    const int64_t wait = call.outgoing ? 2100 + 10 * static_cast<int64_t>(r % 191)
                                       : 10 * static_cast<int64_t>(r % 201);
    if (logs(2)) log(2, {"re-INVITE: 491, again in ", text::signed_decimal(wait), " ms"});
    call.reinvite_at = now + wait;
    return;
  }
  if (status >= 300) {
    // §12.2.1.2: a 481 (or 408) says the dialog is gone, so no BYE.
    const bool gone = status == 481 || status == 408;
    if (refresh || call.media_lost || gone) {
      reinvite_failed(now, call, !gone, join({"re-INVITE refused: ", text::decimal(status)}));
      return;
    }
    // §14.1: the session stays as it was: the browser goes back to it (it ignores the text; the
    // shim puts back the directions the offer changed), and a hold asked for is not made.
    log(2, {"re-INVITE refused: the call goes on as it was"});
    Output& rollback = push(OutputKind::kSetLocalDescription, call.handle);
    rollback.name = "rollback";
    rollback.text = call.local_sdp;
    call.renegotiation = Renegotiation::kRollingBack;
    hold_settled(call, false);
    return;
  }
  call.last_ack = send_ack(*call.dialog, call.reinvite);
  call.dialog->refresh_target(response);
  // A target refresh repeated the session unchanged: an answer with the same o= line is the same
  // session, and the browser's peer connection stays as it is (anything else would need a new
  // negotiation there, which this does not do). The browser's own offer takes any answer it can
  // read.
  const std::string origin = has_sdp_body(response) ? origin_of(response.body()) : std::string();
  if (origin.empty() || (refresh && origin != origin_of(call.remote_sdp))) {
    end_kept_call(now, call, true, cause::kError, "re-INVITE answered with a changed session");
    return;
  }
  call.remote_sdp = response.body();
  if (refresh) {
    target_refreshed(call);
    return;
  }
  describe_remote(call, "answer", call.remote_sdp);
  call.local_sdp = std::move(call.offer);
  call.offer.clear();
  call.renegotiation = Renegotiation::kNone;
  media_back(call);
  hold_settled(call, true);
}

void Engine::reinvite_failed(int64_t now, Call& call, bool bye, std::string_view why) {
  // A kept call's target refresh: its signalling is lost (FAILED); our offer: the media it was to
  // bring back is (ERROR, the cause of any media failure).
  end_kept_call(now, call, bye,
                call.state() == CallState::kReconnecting ? cause::kFailed : cause::kError, why);
}

void Engine::end_kept_call(int64_t now, Call& call, bool bye, std::string_view cause,
                           std::string_view why) {
  log(1, {why, ": ending call"});
  if (cause == cause::kError) callback(call.handle, "onError", error_payload(cause, why));
  if (bye && connection_.is_open()) send_bye(now, call);
  terminate(call, cause);
}

Call* Engine::find_by_reinvite(sip::TransactionId tx) {
  if (tx == 0) return nullptr;
  for (auto& call : calls_) {
    if (call->reinvite_tx == tx && call->active()) return call.get();
  }
  return nullptr;
}

}  // namespace acw::call
