// Engine: the frame input (frameReceived): SIP from the cloud routed, responses to their
// transactions, requests to a call, a dialog or an answer (RFC 3261 §8.2, §12.2.2, §17).
#include <string>
#include <utility>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/payload.hpp"
#include "call/user_agent.hpp"
#include "sip/dialog.hpp"
#include "sip/headers.hpp"
#include "sip/parser.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Enough of a request to build a response to it (§8.2.6): the five copied fields.
bool answerable(const sip::Message& request) {
  for (std::string_view name : {"From", "To", "Call-ID", "CSeq"}) {
    if (!request.has_header(name)) return false;
  }
  auto vias = request.header_values("Via");
  return !vias.empty() && sip::parse_via(vias.front());
}

// What a request that is not a call's INVITE, BYE or CANCEL gets, outside a dialog and inside
// one. OPTIONS: §11.2, what we can do (Allow below). INFO and NOTIFY need a dialog; a BYE in a
// dialog does not come here; no transfers (REFER) from the page's calls. The others are methods
// this client understands but does not take (§8.2.1: 405 with Allow); unknown ones get 501.
struct OtherMethod {
  char method[10];
  short outside;
  short inside;
};
constexpr OtherMethod kOtherMethods[] = {
    {"OPTIONS", 200, 200}, {"MESSAGE", 200, 200}, {"INFO", 481, 200},     {"NOTIFY", 481, 200},
    {"BYE", 481, 481},     {"REFER", 405, 603},   {"REGISTER", 405, 405}, {"SUBSCRIBE", 405, 405},
    {"PUBLISH", 405, 405}, {"UPDATE", 405, 405},  {"PRACK", 405, 405},
};

}  // namespace

void Engine::on_frame(const Input& input) {
  const int64_t now = input.now;
  const std::string_view text = input.text;
  if (!connection_.is_open()) {
    log(2, {"frame ignored: socket not open"});
    return;
  }
  connection_.received(now);  // even a CRLF or a malformed frame shows the socket is alive
  if (text.size() > sip::kMaxFrameSize) {
    if (logs(1)) log(1, {"frame of ", acw::text::decimal(text.size()), " bytes refused"});
    return;
  }
  if (is_blank(text)) return;  // RFC 5626 §4.4.1 CRLF keep-alive
  log(6, {"recv:\n", text});
  sip::ParseError error;
  auto message = sip::parse_message(text, &error);
  if (!message) {
    log(1, {"malformed SIP message dropped: ", error.reason});
    return;
  }
  connection_.carried_sip();
  if (message->is_request()) {
    std::string problem = sip::validate_request(*message);
    if (!problem.empty()) {
      log(1, {"bad ", message->method(), " request: ", problem});
      // §8.2: a request we can answer gets 400; an ACK never gets a response.
      if (message->method() != "ACK" && answerable(*message))
        send_message(ua_.response(*message, 400));
      return;
    }
    receive_request(now, *message);
  } else {
    std::string problem = sip::validate_response(*message);
    if (!problem.empty()) {
      log(1, {"bad response dropped: ", problem});
      return;
    }
    receive_response(now, *message);
  }
}

void Engine::receive_response(int64_t now, const sip::Message& response) {
  auto match = transactions_.receive_response(response, now);
  flush();
  if (!match) {
    // §13.2.2.4: a 2xx retransmitted after the INVITE transaction ended is ACKed again.
    auto cseq = message_cseq(response);
    if (cseq && cseq->method == "INVITE" && response.status() >= 200 && response.status() < 300) {
      for (auto& call : calls_) {
        if (call->dialog && call->dialog->matches_response(response) &&
            !call->last_ack.fields().empty()) {
          send_message(call->last_ack);
          return;
        }
      }
    }
    if (logs(3))
      log(3, {"response ", text::signed_decimal(response.status()),
              " matches no transaction: ignored"});
    return;
  }
  if (!match->to_tu) return;
  if (match->id == registration_.in_flight()) {
    registration_.on_response(response, now, random_);
  } else if (match->id == ice_servers_.in_flight()) {
    ice_servers_.on_response(response, now);
  } else if (Call* reinvited = find_by_reinvite(match->id)) {
    reinvite_response(now, *reinvited, response);
  } else if (Call* call = find_by_invite(match->id); call && call->outgoing) {
    invite_response(now, *call, response);
  } else if (match->method == "INVITE" && response.status() >= 200 && response.status() < 300) {
    // A 2xx for a call already given up: confirm and end it at once (§15).
    if (const auto* t = transactions_.client(match->id)) ack_and_bye(now, t->request, response);
  } else {
    if (logs(4))
      log(4,
          {"response ", text::signed_decimal(response.status()), " to ", match->method, " noted"});
  }
}

void Engine::receive_request(int64_t now, const sip::Message& request) {
  auto disposition = transactions_.receive_request(request, now);
  flush();
  switch (disposition.match) {
    case sip::RequestMatch::kRetransmission:
    case sip::RequestMatch::kAckAbsorbed:
      return;
    case sip::RequestMatch::kRefused:
      log(1, {"too many transactions: ", request.method(), " refused"});
      return;
    case sip::RequestMatch::kAckForTu:
      receive_ack(now, request);
      return;
    case sip::RequestMatch::kNew:
      break;
  }
  const sip::TransactionId tx = disposition.id;
  if (request.method() == "CANCEL") {
    receive_cancel(now, tx, disposition.cancels, request);
    return;
  }
  sip::DialogId id = sip::request_dialog_id(request);
  if (!id.local_tag.empty()) {
    if (Call* call = find_by_dialog(id)) {
      receive_in_dialog(now, *call, tx, request);
    } else {
      reply(now, tx, request, 481);  // §12.2.2: no such dialog
    }
    return;
  }
  if (request.method() == "INVITE") {
    incoming_invite(now, tx, request);
    return;
  }
  receive_other(now, tx, request, false);
}

void Engine::receive_other(int64_t now, sip::TransactionId tx, const sip::Message& request,
                           bool in_dialog) {
  const std::string_view method = request.method();
  int status = 501;
  for (const auto& entry : kOtherMethods) {
    if (method == entry.method) status = in_dialog ? entry.inside : entry.outside;
  }
  const bool options = method == "OPTIONS";
  if (!in_dialog && method == "MESSAGE") log(2, {"MESSAGE accepted (no API for it)"});
  sip::Message response = ua_.response(request, status);
  if (status == 405 || options) response.add_header("Allow", kAllowRequest);
  if (!in_dialog && options) response.add_header("Accept", "application/sdp");
  respond(now, tx, std::move(response));
}

void Engine::receive_in_dialog(int64_t now, Call& call, sip::TransactionId tx,
                               const sip::Message& request) {
  const std::string_view method = request.method();
  if (!call.active()) {
    // Ended here while our 2xx waited for its ACK: a BYE ends it there too.
    if (method == "BYE") {
      reply(now, tx, request, 200);
      call.bye_after_ack = false;
    } else {
      reply(now, tx, request, 481);
    }
    return;
  }
  auto cseq = message_cseq(request);
  if (!cseq || !call.dialog->accept_remote_cseq(cseq->number)) {
    reply(now, tx, request, 500);  // §12.2.2: out of order
    return;
  }
  if (method == "BYE") {
    reply(now, tx, request, 200);
    if (call.unanswered()) {
      end_unanswered(now, call, 487, cause::kNoAnswer);
      return;
    }
    // The public client takes the cause from a Reason header when the far side gives one.
    std::string_view why = cause::kNormal;
    if (auto code = reason_sip_cause(header_text(request, "Reason"))) {
      auto mapped = cause_for_status(*code);
      if (!mapped.empty()) why = mapped;
    }
    terminate(call, why);
  } else if (method == "INVITE") {
    reoffer(now, call, tx, request);
  } else {
    receive_other(now, tx, request, true);
  }
}

void Engine::receive_ack(int64_t now, const sip::Message& ack) {
  Call* call = find_by_dialog(sip::request_dialog_id(ack));
  if (!call) {
    log(3, {"ACK for no call: ignored"});
    return;
  }
  if (call->state() == CallState::kAnswered || (!call->active() && call->bye_after_ack)) {
    handle_ack_for_2xx(now, *call);
  } else if (call->reoffer == Reoffer::kAwaitingAck) {
    call->reoffer = Reoffer::kNone;
    call->retransmit_at = call->ack_deadline = sip::kNever;
  }
}

void Engine::handle_ack_for_2xx(int64_t now, Call& call) {
  call.retransmit_at = call.ack_deadline = sip::kNever;
  if (!call.active()) {
    // §15: the BYE waited for this ACK.
    send_bye(now, call, call.bye_reason);
    call.bye_after_ack = false;
    return;
  }
  set_state(call, CallState::kConfirmed);
  if (call.dialog) call.dialog->early = false;
  callback(call.handle, "onConnected", empty_payload());
}

void Engine::receive_cancel(int64_t now, sip::TransactionId tx, sip::TransactionId cancels,
                            const sip::Message& cancel) {
  if (cancels == 0) {
    reply(now, tx, cancel, 481);  // §9.2: no transaction to cancel
    return;
  }
  Call* call = find_by_invite(cancels);
  // §9.2: the To tag of the 200 to CANCEL matches the one of the responses to the INVITE.
  reply(now, tx, cancel, 200, call ? std::string_view(call->local_tag) : std::string_view());
  if (call && call->unanswered()) end_unanswered(now, *call, 487, cause::kNoAnswer);
}

}  // namespace acw::call
