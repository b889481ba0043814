// Engine: the page's commands (enableIncoming, disableIncoming, callService, callClient, answer,
// ringing, reject, disconnect, sendDtmf, setMaxConcurrent, setIncomingHandler,
// setPeerConnectionConfiguration, close): each checked first, so that a refused one changes
// nothing.
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/join.hpp"
#include "call/token.hpp"
#include "call/validation.hpp"
#include "text/decimal.hpp"

namespace acw::call {

std::string_view Engine::on_enable_incoming(const Input& input) {
  std::string_view error = check_token(input.text);
  if (!error.empty()) return error;
  registration_.enable(input.text);
  // Each token warns once; text2 is the page's wall clock in ms (absent: no warning).
  token_warning_at_ = sip::kNever;
  auto exp = jwt_expiry(input.text);
  auto unix_ms = text::parse_decimal(input.text2, uint64_t{1} << 52);
  // exp (< 2^50 ms) and the wall clock (< 2^52) are bounded; `now` is bounded here so that no
  // sum overflows whatever clock the host uses.
  constexpr int64_t kClockBound = int64_t{1} << 62;
  if (exp && unix_ms && input.now > -kClockBound && input.now < kClockBound) {
    token_expires_at_ = input.now + (*exp * 1000 - static_cast<int64_t>(*unix_ms));
    token_warning_at_ = std::max(input.now, token_expires_at_ - kTokenWarning);
  }
  return error;
}

void Engine::on_disable_incoming(const Input&) {
  registration_.disable();
  token_warning_at_ = sip::kNever;
}

bool Engine::at_max_concurrent() const {
  return active_calls() >= static_cast<std::size_t>(max_concurrent_);
}

// The public client's order of checks (4.0.8's lib/aculab-cloud-client.js, then its call classes'
// constructors): the name, the number of calls, the token, the headers.
CallResult Engine::on_call_service(Input& input) {
  std::string name;
  std::vector<sip::HeaderField> extra;
  std::string_view error = check_service_name(input.text, &name);
  if (error.empty() && at_max_concurrent()) error = errors::kTooManyCalls;
  if (error.empty()) error = check_extra_sip_headers(input.options.extra_sip_headers, &extra);
  if (!error.empty()) return {0, std::string(error)};
  return start_outgoing(ua_.addresses().service_uri(name), {}, std::move(input.options),
                        std::move(extra));
}

CallResult Engine::on_call_client(Input& input) {
  std::string name;
  std::vector<sip::HeaderField> extra;
  std::string_view error = check_client_id(input.text, &name);
  if (error.empty()) error = at_max_concurrent() ? errors::kTooManyCalls : check_token(input.text2);
  if (error.empty()) error = check_extra_sip_headers(input.options.extra_sip_headers, &extra);
  if (!error.empty()) return {0, std::string(error)};
  return start_outgoing(ua_.addresses().client_uri(name), std::move(input.text2),
                        std::move(input.options), std::move(extra));
}

std::string_view Engine::on_answer(Input& input) {
  std::vector<sip::HeaderField> extra;
  std::string_view error = check_extra_sip_headers(input.options.extra_sip_headers, &extra);
  if (!error.empty()) return error;
  Call* call = find(input.call);
  if (!call || call->state() != CallState::kOffered) {
    log(2, {"answer() ignored: not an unanswered incoming call"});
    return {};
  }
  call->options = std::move(input.options);
  call->extra_headers = std::move(extra);
  set_state(*call, CallState::kAnswerPending);  // drive() goes on once the ICE servers are known
  return {};
}

void Engine::on_ringing(const Input& input) {
  Call* call = find(input.call);
  if (call && call->unanswered()) {
    respond(input.now, call->invite_tx,
            ua_.invite_response(call->invite, 180, call->local_tag, {}));
  }
}

void Engine::on_reject(const Input& input) {
  Call* call = find_active(input.call);
  if (!call) return;
  if (call->outgoing) {
    on_disconnect(input);  // nothing to reject: an outgoing call ends as disconnect() ends it
    return;
  }
  const int status = reject_status(input.number);
  // After an answer the public client ends the call with BYE and a Reason (RFC 3326).
  std::string reason = join({"SIP; cause=", text::signed_decimal(status), "; text=\"Rejected\""});
  end_call(input.now, *call, status, cause::kNormal, cause::kNoAnswer, reason);
}

void Engine::on_disconnect(const Input& input) {
  // 486 to an unanswered incoming call, as the public client.
  if (Call* call = find_active(input.call))
    end_call(input.now, *call, 486, cause::kNormal, cause::kNoAnswer);
}

std::string_view Engine::on_send_dtmf(Input& input) {
  std::string_view error = check_dtmf(input.text);
  if (!error.empty()) return error;
  const Call* call = find_active(input.call);
  if (!call || !call->media_up()) return errors::kDtmfSendError;
  std::string& digits = input.text;  // checked: 0-9, A-D, a-d, * and #
  std::transform(digits.begin(), digits.end(), digits.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  push(OutputKind::kSendDtmf, call->handle).text = std::move(digits);
  return {};
}

std::string_view Engine::on_set_max_concurrent(const Input& input) {
  std::string_view error = check_max_concurrent(input.number);
  if (error.empty()) max_concurrent_ = std::min<int>(input.number, static_cast<int>(kMaxCalls));
  return error;
}

void Engine::on_set_incoming_handler(const Input& input) {
  has_incoming_handler_ = input.number != 0;
}

std::string_view Engine::on_set_peer_connection_configuration(const Input& input) {
  std::string_view error = check_ice_transport_policy(input.text2);
  if (error.empty() && input.ice_servers && !looks_like_json_array(*input.ice_servers)) {
    error = errors::kInvalidIceServers;
  }
  if (error.empty()) ice_servers_.set_override(input.ice_servers, input.text2);
  return error;
}

void Engine::on_close(const Input& input) {
  const int64_t now = input.now;
  // Everything ends now; the frames queued before CloseSocket still go out (WebSocket close()
  // sends buffered data first), so there is no waiting for answers.
  for (auto& each : calls_) {
    Call& call = *each;
    if (call.active()) {
      if (call.outgoing &&
          (call.state() == CallState::kInviting || call.state() == CallState::kEarly)) {
        if (call.provisional) send_cancel(now, call);
      } else if (call.state() == CallState::kAnswered || call.state() == CallState::kConfirmed ||
                 (call.state() == CallState::kReconnecting && connection_.is_open())) {
        send_bye(now, call);
      } else if (!call.outgoing) {
        reply(now, call.invite_tx, call.invite, 480, call.local_tag);
      }
      terminate(call, cause::kNormal);
    } else if (call.bye_after_ack) {
      send_bye(now, call, call.bye_reason);
      call.bye_after_ack = false;
    }
  }
  purge_calls();  // every call: their onDisconnect still asks for their Call-ID
  registration_.disable();
  if (connection_.is_open()) {
    if (auto request = registration_.next_request(now, ua_, random_)) send_message(*request);
  }
  registration_.close();
  report_incoming_state();
  if (connection_.close()) push(OutputKind::kCloseSocket);
  transactions_.clear();
  closed_ = true;
}

void Engine::end_call(int64_t now, Call& call, int status, std::string_view cause,
                      std::string_view early_cause, std::string_view reason) {
  switch (call.state()) {
    case CallState::kInviting:
    case CallState::kEarly:
      // The public client reports a call given up before the answer as NOANSWER (trace 2).
      cancel(now, call, early_cause);
      return;
    case CallState::kAnswered:
      // §15: the BYE waits for the ACK of our 2xx.
      call.bye_reason = reason;
      call.bye_after_ack = true;
      break;
    case CallState::kConfirmed:
      send_bye(now, call, reason);
      break;
    case CallState::kReconnecting:
      // With no socket the BYE cannot go: the cloud ends its leg when we do not come back.
      if (connection_.is_open()) {
        send_bye(now, call, reason);
      } else {
        log(2, {"call ended while reconnecting: no socket for its BYE"});
      }
      break;
    case CallState::kOffered:
    case CallState::kAnswerPending:
    case CallState::kCreatingAnswer:
    case CallState::kGatheringAnswer:
      end_unanswered(now, call, status, cause);
      return;
    case CallState::kWaitingForClient:
    case CallState::kCreatingOffer:
    case CallState::kGatheringOffer:
    case CallState::kTerminated:
      cause = early_cause;  // no INVITE sent yet (or already ended)
      break;
  }
  terminate(call, cause);
}

}  // namespace acw::call
