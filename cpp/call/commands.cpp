// What the page's commands (disconnect, reject, close) and the browser's media results do to a call
// in each state.
#include <string>
#include <utility>

#include "call/cause.hpp"
#include "call/engine.hpp"
#include "call/payload.hpp"

namespace acw::call {

void Engine::end_call(int64_t now, Call& call, int status, std::string_view cause,
                      std::string_view early_cause, std::string_view reason) {
  switch (call.state) {
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
    case CallState::kOffered:
    case CallState::kAnswerPending:
    case CallState::kCreatingAnswer:
    case CallState::kGatheringAnswer:
      end_unanswered(now, call, status, cause);
      return;
    default:  // no INVITE sent yet (or already ended)
      cause = early_cause;
      break;
  }
  terminate(call, cause);
}

void Engine::close_client(int64_t now) {
  // Everything ends now; the frames queued before CloseSocket still go out (WebSocket close()
  // sends buffered data first), so there is no waiting for answers.
  for (auto& each : calls_) {
    Call& call = *each;
    if (call.active()) {
      if (call.outgoing &&
          (call.state == CallState::kInviting || call.state == CallState::kEarly)) {
        if (call.provisional) send_cancel(now, call);
      } else if (call.state == CallState::kAnswered || call.state == CallState::kConfirmed) {
        send_bye(now, call);
      } else if (!call.outgoing) {
        reply(now, call.invite_tx, call.invite, 480, call.local_tag);
      }
      terminate(call, cause::kNormal);
    } else if (call.bye_after_ack) {
      send_bye(now, call, call.bye_reason);
    }
  }
  calls_.clear();
  registration_.disable();
  if (socket_ == SocketState::kOpen) {
    if (auto request = registration_.next_request(now, ua_, random_)) send_message(*request);
  }
  registration_.close();
  report_incoming_state();
  if (socket_ == SocketState::kOpen || socket_ == SocketState::kConnecting) {
    push(OutputKind::kCloseSocket);
  }
  socket_ = SocketState::kClosed;
  transactions_.clear();
  closed_ = true;
}

void Engine::ignored(const Call& call, std::string_view what) {
  log(2, {what, " ignored in ", call_state_name(call.state)});
}

void Engine::media_described(Call& call, std::string_view sdp) {
  // The codec order and bitrate cap go in before the browser sets the description.
  std::string_view type = "answer";
  if (call.state == CallState::kCreatingOffer) {
    type = "offer";
    call.state = CallState::kGatheringOffer;
  } else if (call.state == CallState::kCreatingAnswer) {
    call.state = CallState::kGatheringAnswer;
  } else if (call.reoffer == Reoffer::kCreatingAnswer) {
    call.reoffer = Reoffer::kGatheringAnswer;
  } else {
    ignored(call, "sdp_created");
    return;
  }
  std::string text = munge(call, sdp);  // may log first
  Output& output = push(OutputKind::kSetLocalDescription, call.handle);
  output.name = type;
  output.text = std::move(text);
}

void Engine::media_gathered(int64_t now, Call& call, std::string_view sdp) {
  // ICE candidates are in: the SDP goes out (no trickle ICE with the cloud).
  if (call.state == CallState::kGatheringOffer) {
    send_invite(now, call, munge(call, sdp));
  } else if (call.state == CallState::kGatheringAnswer) {
    // §13.3.1.4: the 200 with the answer, Contact and Allow as the trace; retransmitted until
    // the ACK.
    send_2xx(now, call, call.invite_tx, call.invite, munge(call, sdp));
    call.state = CallState::kAnswered;
  } else if (call.reoffer == Reoffer::kGatheringAnswer) {
    send_2xx(now, call, call.reoffer_tx, call.reoffer_request, munge(call, sdp));
    call.reoffer = Reoffer::kAwaitingAck;
  } else {
    ignored(call, "local_description_ready");
  }
}

void Engine::media_failure(int64_t now, Call& call, std::string_view failure,
                           std::string_view detail) {
  std::string_view why = failure == cause::kDeviceError ? cause::kDeviceError : cause::kError;
  log(1, {"media failed (", why, "): ", detail});
  if (call.reoffer == Reoffer::kCreatingAnswer || call.reoffer == Reoffer::kGatheringAnswer) {
    // The new offer cannot be taken; the call goes on as it was (§14.2).
    reply(now, call.reoffer_tx, call.reoffer_request, 488);
    call.reoffer = Reoffer::kNone;
    return;
  }
  // The guide's onError: the page hears what failed, then onDisconnect with the cause.
  if (call.active()) callback(call.handle, "onError", error_payload(why, detail));
  // §13.3.1.3: an incoming offer that cannot be answered here gets 488.
  end_call(now, call, 488, why, why);
}

}  // namespace acw::call
