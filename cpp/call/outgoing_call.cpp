// Engine: no input of its own: the outgoing call machine that callService/callClient start and
// frames, timers and media results drive: offer -> INVITE -> 1xx/2xx/failure, CANCEL and ACK
// (RFC 3261 §13.2, §9.1).
#include <utility>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/payload.hpp"
#include "call/validation.hpp"
#include "sdp/essentials.hpp"
#include "sip/dialog.hpp"
#include "sip/headers.hpp"
#include "sip/timers.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

uint32_t cseq_number(const sip::Message& message) {
  auto cseq = message_cseq(message);
  return cseq ? cseq->number : 1;
}

}  // namespace

CallResult Engine::start_outgoing(std::string target, std::string token, CallOptions&& options,
                                  std::vector<sip::HeaderField> extra) {
  Call& call = new_call(true);
  call.call_id = sip::make_call_id(random_.next(), random_.next());
  call.local_tag = sip::make_tag(random_.next());
  call.target = std::move(target);
  call.token = std::move(token);
  call.options = std::move(options);
  call.extra_headers = std::move(extra);
  const CallHandle handle = call.handle;
  if (logs(2)) log(2, {"call ", text::decimal(handle), " to ", call.target});
  // drive() asks for the offer once the socket is open and the ICE servers are known (the
  // public client waits for the same before its INVITE).
  return {handle, {}};
}

void Engine::create_offer(Call& call) {
  create_peer(call);
  push(OutputKind::kCreateOffer, call.handle);
  set_state(call, CallState::kCreatingOffer);
}

void Engine::send_invite(int64_t now, Call& call, std::string_view sdp) {
  if (!connection_.is_open()) {
    terminate(call, cause::kFailed);
    return;
  }
  // §13.2.1 with the offer, ICE candidates gathered (no trickle), headers as the trace.
  call.invite = ua_.invite_request(call.target, call.call_id, call.local_tag,
                                   sip::make_branch(random_.next()), call.token, call.extra_headers,
                                   std::string(sdp));
  call.local_sdp = call.invite.body();
  call.invite_tx = send_request(now, call.invite);
  if (call.invite_tx == 0) {
    terminate(call, cause::kError);
    return;
  }
  set_state(call, CallState::kInviting);
  call.expires_at = now + sip::timers::kTimerC;
}

void Engine::invite_response(int64_t now, Call& call, const sip::Message& response) {
  const int status = response.status();
  if (!call.active()) return;
  if (status < 200) {
    // §9.1: any provisional response, 100 included, allows a CANCEL.
    call.provisional = true;
    if (call.state() == CallState::kInviting) set_state(call, CallState::kEarly);
    if (call.cancel_wanted) {
      if (!call.cancel_sent) send_cancel(now, call);
      return;
    }
    // §12.1.2: a provisional response with a To tag makes an early dialog.
    if (!call.dialog && status > 100) {
      if (auto dialog = sip::Dialog::from_uac(call.invite, response))
        call.dialog = std::move(dialog);
    }
    if (status == 180) callback(call.handle, "onRinging", empty_payload());
    // 183 Session Progress (or any 1xx) with SDP: early media, the answer to our offer.
    if (has_sdp_body(response)) apply_remote_answer(call, response);
    return;
  }
  if (status < 300) {
    invite_answered(now, call, response);
    return;
  }
  // §17.1.1.3: the transaction has ACKed it. A call we were cancelling ends as we decided.
  terminate(call, call.cancel_wanted ? call.end_cause : cause_for_status(status));
}

void Engine::invite_answered(int64_t now, Call& call, const sip::Message& response) {
  if (call.state() == CallState::kConfirmed) {
    if (call.dialog && call.dialog->matches_response(response)) {
      send_message(call.last_ack);  // §13.2.2.4: a retransmission gets the same ACK
    } else {
      ack_and_bye(now, call.invite, response);  // §13.2.2.4: another fork answered too
    }
    return;
  }
  auto dialog = sip::Dialog::from_uac(call.invite, response);
  if (!dialog) {
    log(1, {"2xx without To tag: ending call"});
    terminate(call, cause::kError);
    return;
  }
  // The 2xx may come from another fork than the early dialog: its dialog wins.
  if (!call.dialog || !(call.dialog->id == dialog->id)) call.dialog = std::move(dialog);
  call.dialog->confirm_with(response);
  // §13.2.2.4: ACK the 2xx ourselves, a new branch, the INVITE's CSeq.
  call.last_ack = send_ack(*call.dialog, call.invite);
  call.remote = response;
  call.expires_at = call.cancel_deadline = sip::kNever;

  if (call.cancel_wanted) {
    // Answered while we were giving up: the call is confirmed and ended (§15).
    send_bye(now, call);
    terminate(call, call.end_cause);
    return;
  }
  if (has_sdp_body(response)) apply_remote_answer(call, response);
  if (!call.remote_answer_applied) {
    log(1, {"2xx without usable SDP answer: ending call"});
    send_bye(now, call);
    terminate(call, cause::kError);
    return;
  }
  set_state(call, CallState::kConfirmed);
  callback(call.handle, "onConnected", empty_payload());
}

void Engine::apply_remote_answer(Call& call, const sip::Message& message) {
  // Only the first answer is applied: RFC 3261 §13.2.1 makes the answer in an unreliable 1xx
  // a preview of the 2xx's, and a second setRemoteDescription("answer") would fail.
  if (call.remote_answer_applied) return;
  std::string error;
  if (!sdp::read_essentials(message.body(), &error)) {
    log(1, {"SDP answer not understood: ", error});
    return;
  }
  describe_remote(call, "answer", message.body());
  call.remote_sdp = message.body();
  call.remote_answer_applied = true;
}

void Engine::ack_and_bye(int64_t now, const sip::Message& invite, const sip::Message& response) {
  auto dialog = sip::Dialog::from_uac(invite, response);
  if (!dialog) return;
  dialog->confirm_with(response);
  send_ack(*dialog, invite);
  send_bye(now, *dialog);
}

sip::Message Engine::send_ack(const sip::Dialog& dialog, const sip::Message& invite) {
  sip::Message ack =
      dialog.make_ack(cseq_number(invite), ua_.via(sip::make_branch(random_.next())));
  ua_.finish_request(ack);
  send_message(ack);
  return ack;
}

void Engine::cancel(int64_t now, Call& call, std::string_view cause) {
  if (call.cancel_wanted) return;
  call.cancel_wanted = true;
  call.end_cause = cause;
  // §9.1: a CANCEL waits for a provisional response; without one Timer B ends the call.
  if (call.provisional) send_cancel(now, call);
}

void Engine::send_cancel(int64_t now, Call& call) {
  sip::Message request = sip::make_cancel(call.invite);
  ua_.finish_request(request);
  send_request(now, std::move(request));
  call.cancel_sent = true;
  call.cancel_deadline = now + sip::timers::kCancelWait;
}

}  // namespace acw::call
