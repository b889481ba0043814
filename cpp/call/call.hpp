// One call held by the engine: its state, its dialog and its timers (the machines are in
// outgoing_call.cpp and incoming_call.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/call_state.hpp"
#include "call/input.hpp"
#include "call/output.hpp"
#include "sip/dialog.hpp"
#include "sip/message.hpp"
#include "sip/transaction.hpp"

namespace acw::call {

// An offer from the far side inside the call (re-INVITE, RFC 3261 §14.2).
enum class Reoffer { kNone, kCreatingAnswer, kGatheringAnswer, kAwaitingAck };

// Our offer that the browser makes, in a re-INVITE (RFC 3261 §14.1; reinvite.cpp): an ICE
// restart's (RFC 8445 §9), a hold's or an unhold's (RFC 3264 §8.4), or both at once. None -> Wanted
// -> CreatingOffer -> GatheringOffer -> OfferReady -> None (2xx: its answer set) or RollingBack ->
// None (refused). Wanted waits for a confirmed call with no other offer open; OfferReady waits for
// the socket (a target refresh goes first) and for the §14.1 wait after a 491. From CreatingOffer
// on, the browser holds our offer, so an offer from the far side gets 491.
enum class Renegotiation : uint8_t {
  kNone,
  kWanted,
  kCreatingOffer,
  kGatheringOffer,
  kOfferReady,
  kRollingBack
};

struct Call {
  Call(CallHandle handle_given, bool outgoing_call)
      : handle(handle_given), outgoing(outgoing_call), state_(initial_call_state(outgoing_call)) {}

  CallState state() const { return state_; }
  // The one place a call's state changes: to `to` when kCallTransitions allows it from the state
  // it is in; otherwise nothing changes and it returns false (Engine::set_state counts that as a
  // bug).
  bool transition(CallState to);

  CallHandle handle = 0;
  bool outgoing = true;
  std::string call_id;
  std::string local_tag;
  std::string target;  // outgoing Request-URI
  std::string token;   // callClient's Bearer token
  CallOptions options;
  std::vector<sip::HeaderField> extra_headers;  // the page's X- headers, parsed
  std::optional<sip::Dialog> dialog;
  sip::Message invite;  // the INVITE sent (outgoing) or received (incoming)
  sip::Message remote;  // for getSipHeaders: the INVITE (incoming) or the 2xx (outgoing)
  sip::TransactionId invite_tx = 0;
  std::string remote_offer;  // incoming: the offer's SDP

  bool peer_created = false;
  bool provisional = false;    // a 1xx arrived, so CANCEL may be sent (§9.1)
  bool cancel_wanted = false;  // the call is to end before an answer
  bool cancel_sent = false;
  bool remote_answer_applied = false;
  bool bye_after_ack = false;  // ended while our 2xx waited for its ACK
  std::string bye_reason;      // Reason header for that BYE (reject after answer)
  std::string_view end_cause;  // the onDisconnect cause already decided (a local hang-up)

  // Timers (kNever when off).
  int64_t expires_at = sip::kNever;       // Timer C on our INVITE
  int64_t cancel_deadline = sip::kNever;  // §9.1 64*T1 after asking to cancel
  int64_t retransmit_at = sip::kNever;    // §13.3.1.4 2xx retransmission
  int64_t retransmit_interval = 0;
  int64_t ack_deadline = sip::kNever;  // §13.3.1.4 64*T1 for the ACK

  sip::Message last_2xx;  // incoming: our 2xx, retransmitted until the ACK
  sip::Message last_ack;  // outgoing: our ACK, sent again for a retransmitted 2xx (§13.2.2.4)

  // What a target refresh needs (reconnect.cpp): RFC 3264 §8 lets its offer repeat the last SDP
  // we sent, and an answer that repeats the far side's o= line leaves the browser alone.
  std::string local_sdp;   // our last offer or answer as sent
  std::string remote_sdp;  // the far side's last offer or answer
  // Reconnecting: the call ends with FAILED at reconnect_deadline unless a target refresh has
  // succeeded.
  int64_t reconnect_deadline = sip::kNever;
  // Our re-INVITE (reinvite.cpp): a Reconnecting call's target refresh, else the renegotiation's
  // offer. reinvite_tx: the one in flight; reinvite_at: the §14.1 wait after a 491.
  int64_t reinvite_at = sip::kNever;
  sip::TransactionId reinvite_tx = 0;
  sip::Message reinvite;  // that re-INVITE, for its ACK
  Renegotiation renegotiation = Renegotiation::kNone;
  std::string
      offer;  // the renegotiation's offer as gathered, sent again after a 491 or a lost socket
  bool restart_ice = false;     // the next offer restarts ICE
  bool offer_restarts = false;  // the offer the browser holds does

  // Hold (hold.cpp, RFC 3264 §8.4): hold, what the page asked for last; held, what the last
  // answered offer of ours said; offer_holds, what the offer the browser holds says. The far
  // side: remote_held, its last answered offer put us on hold; reoffer_holds, its offer being
  // answered does.
  bool hold = false;
  bool held = false;
  bool offer_holds = false;
  bool remote_held = false;
  bool reoffer_holds = false;

  // ICE (ice_restart.cpp): ice_up, the last iceConnectionState was connected or completed;
  // heard, something came from the far side in its last second (the mediaHeard input; ICE
  // connecting counts too); media_lost, onReconnecting({reason: 'media'}) told and onReconnected
  // not yet. media_at: media lost, the call ends then unless media is back; otherwise,
  // `disconnected` (or nothing heard) since iceRestart.wait before it, the media counts as lost
  // then.
  bool ice_up = false;
  bool heard = true;
  bool media_lost = false;
  int64_t media_at = sip::kNever;

  Reoffer reoffer = Reoffer::kNone;
  sip::TransactionId reoffer_tx = 0;
  sip::Message reoffer_request;

  // Past the §14.2 point of no return: the browser has (or will have) our offer set.
  bool offering() const { return renegotiation > Renegotiation::kWanted; }
  bool active() const { return state_ != CallState::kTerminated; }
  // Incoming and not answered yet.
  bool unanswered() const {
    return state_ == CallState::kOffered || state_ == CallState::kAnswerPending ||
           state_ == CallState::kCreatingAnswer || state_ == CallState::kGatheringAnswer;
  }
  // The browser has both descriptions, so DTMF can be sent: the far side's answer applied
  // (outgoing), our answer sent (incoming).
  bool media_up() const {
    return active() && peer_created &&
           (outgoing ? remote_answer_applied
                     : state_ == CallState::kAnswered || state_ == CallState::kConfirmed ||
                           state_ == CallState::kReconnecting);
  }

 private:
  CallState state_;
};

}  // namespace acw::call
