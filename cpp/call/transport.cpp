// Engine: the socket and timer inputs (socketOpened, socketClosed, timeout): the Connection's
// transitions carried out, what a lost socket ends, and the transactions' and calls' timers.
#include <algorithm>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "sip/timers.hpp"
#include "text/decimal.hpp"

namespace acw::call {

void Engine::on_socket_opened(const Input& input) {
  if (!connection_.opened(input.now)) {
    log(2, {"socket open ignored: not connecting"});
    return;
  }
  log(2, {"websocket connected"});
  registration_.on_transport_up();
  ice_servers_.on_transport_up();
}

void Engine::on_socket_closed(const Input& input) {
  if (!connection_.lost()) return;  // already closed by us, or never opened
  log(2, {"websocket disconnected"});
  transport_lost(input.now);
}

void Engine::on_timeout(const Input& input) {
  const int64_t now = input.now;
  switch (connection_.timeout(now)) {
    case Connection::Due::kConnectTimedOut:
      log(1, {"websocket connect timed out"});
      push(OutputKind::kCloseSocket);
      transport_lost(now);
      break;
    case Connection::Due::kKeepAlive:
      send_keep_alive(now);
      break;
    case Connection::Due::kKeepAliveTimedOut:
      if (logs(1)) {
        log(1, {"no answer to the keep-alive in ",
                text::signed_decimal(options_.keep_alive.timeout), " ms: websocket lost"});
      }
      push(OutputKind::kCloseSocket);
      transport_lost(now);
      break;
    case Connection::Due::kReconnect:  // drive() opens the socket again if it is still wanted
    case Connection::Due::kNothing:
      break;
  }
  for (const auto& t : transactions_.handle_timeout(now)) transaction_timeout(now, t);
  flush();
  registration_.handle_timeout(now);
  for (auto& call : calls_) call_timers(now, *call);
}

void Engine::on_network(const Input& input) {
  const bool offline = input.number == 0;
  if (!offline && (offline_ || input.number == 2)) network_changed();
  if (offline == offline_) return;
  offline_ = offline;
  log(2, {offline ? "browser offline: reconnects wait" : "browser online"});
  // Back online: the wait before the next attempt is over; drive() opens the socket.
  if (!offline && connection_.state() == Connection::State::kBackoff) connection_.close();
}

void Engine::open_socket(int64_t now) {
  push(OutputKind::kOpenSocket).text = config_.url;
  connection_.open(now);
}

void Engine::send_keep_alive(int64_t now) {
  log(3, {"nothing received for a while: keep-alive OPTIONS"});
  // A request of its own, as the ICE servers' OPTIONS: new Call-ID and From tag, CSeq 1.
  std::string call_id = sip::make_call_id(random_.next(), random_.next());
  std::string tag = sip::make_tag(random_.next());
  send_request(now, ua_.keep_alive_request(call_id, tag, sip::make_branch(random_.next())));
}

void Engine::transport_lost(int64_t now) {
  transactions_.clear();
  registration_.on_transport_lost();
  ice_servers_.on_transport_lost();
  // Confirmed calls are kept (their media does not use the socket); the public client ends every
  // call when the connection drops, and so do we for calls still being set up.
  for (auto& call : calls_) {
    if (options_.reconnect.limit > 0 &&
        (call->state() == CallState::kConfirmed || call->state() == CallState::kReconnecting)) {
      keep_call(now, *call);
      continue;
    }
    call->bye_after_ack = false;
    terminate(*call, cause::kFailed);
  }
  purge_calls();
  if (socket_wanted()) {
    // Calls in progress cannot wait the idle back-off: their own delays, starting at once.
    const int64_t wait = connection_.back_off(
        now, random_.next(), has_kept_calls() ? &options_.reconnect.delays : nullptr);
    if (logs(2)) log(2, {"websocket reconnect in ", text::signed_decimal(wait), " ms"});
  }
}

void Engine::transaction_timeout(int64_t now, const sip::TransactionTimeout& timeout) {
  if (!timeout.client) {
    log(2, {"no ACK for a failure (Timer H)"});
    return;
  }
  // An INVITE ends with Timer B; REGISTER, OPTIONS (the ICE servers), BYE and CANCEL with Timer F.
  const std::string_view timer =
      timeout.method == "INVITE" ? " timed out (Timer B)" : " timed out (Timer F)";
  if (timeout.id == registration_.in_flight()) {
    log(1, {timeout.method, timer});
    registration_.on_timeout(now, random_);
  } else if (timeout.id == ice_servers_.in_flight()) {
    log(1, {timeout.method, timer});
    ice_servers_.on_timeout(now);
  } else if (Call* reinvited = find_by_reinvite(timeout.id)) {
    reinvite_failed(now, *reinvited, true, "re-INVITE timed out (Timer B)");
  } else if (Call* call = find_by_invite(timeout.id); call && call->active()) {
    log(1, {timeout.method, timer});
    terminate(*call, call->cancel_wanted ? call->end_cause : cause::kFailed);
  } else {
    log(3, {timeout.method, timer});  // a BYE or CANCEL that nothing waits for
  }
}

void Engine::call_timers(int64_t now, Call& call) {
  if (call.retransmit_at <= now) {
    // §13.3.1.4: the 2xx again, at T1, 2*T1 ... capped at T2, until the ACK.
    send_message(call.last_2xx);
    call.retransmit_interval =
        std::min(call.retransmit_interval * 2, sip::timers::k2xxRetransmitMax);
    call.retransmit_at = now + call.retransmit_interval;
  }
  if (call.ack_deadline <= now) {
    call.retransmit_at = call.ack_deadline = sip::kNever;
    if (call.reoffer == Reoffer::kAwaitingAck) {
      log(2, {"no ACK for a re-INVITE 2xx"});
      call.reoffer = Reoffer::kNone;
    } else if (call.state() == CallState::kAnswered) {
      // §13.3.1.4: no ACK in 64*T1: the session ends with BYE.
      log(1, {"no ACK for our 2xx: ending call"});
      send_bye(now, call);
      terminate(call, cause::kFailed);
    } else if (call.bye_after_ack) {
      send_bye(now, call, call.bye_reason);
      call.bye_after_ack = false;
    }
  }
  if (call.expires_at <= now) {
    call.expires_at = sip::kNever;
    if (call.state() == CallState::kInviting || call.state() == CallState::kEarly) {
      log(2, {"no answer (Timer C): cancelling"});
      cancel(now, call, cause::kNoAnswer);
    }
  }
  if (call.reinvite_at <= now) call.reinvite_at = sip::kNever;  // drive() sends it again
  if (call.reconnect_deadline <= now) {
    call.reconnect_deadline = sip::kNever;
    if (call.state() == CallState::kReconnecting) {
      end_kept_call(now, call, call.reinvite_tx != 0, cause::kFailed,
                    "signalling not back within the reconnect limit");
    }
  }
  if (call.media_at <= now) {
    // `disconnected` for iceRestart.wait: lost; lost for iceRestart.limit: the end.
    call.media_at = sip::kNever;
    if (call.media_lost) {
      end_kept_call(now, call, true, cause::kError, "media not back in time");
    } else {
      media_lost(now, call);
    }
  }
  if (call.cancel_deadline <= now) {
    call.cancel_deadline = sip::kNever;
    // §9.1: no final response 64*T1 after CANCEL: the INVITE counts as cancelled.
    if (call.state() == CallState::kInviting || call.state() == CallState::kEarly)
      terminate(call, call.end_cause);
  }
}

}  // namespace acw::call
