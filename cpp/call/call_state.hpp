// A call's states and the transitions allowed between them, kept as data in one place (the shape
// of h11's _state.py): Call::transition() consults kCallTransitions and nothing else.
#pragma once

#include <string_view>

namespace acw::call {

// A call's life. Outgoing calls start in WaitingForClient, incoming ones in Offered; every state
// but Terminated may end. The lines between the markers are the table kCallTransitions below, chain
// by chain ("*" is every state but Terminated); call_state_test.cpp reads them from this file and
// checks that they say the same.
//
// transitions:
//   WaitingForClient -> CreatingOffer -> GatheringOffer -> Inviting -> Early -> Confirmed
//   Inviting -> Confirmed
//   Offered -> AnswerPending -> CreatingAnswer -> GatheringAnswer -> Answered -> Confirmed
//   Confirmed -> Reconnecting -> Confirmed
//   * -> Terminated
// end of transitions
//
// A terminated call stays only while it still owes the far side a BYE (after the ACK of its 2xx,
// RFC 3261 §15). An offer inside a confirmed call (re-INVITE) does not change the state: see
// Reoffer in call.hpp. A confirmed call outlives a lost socket in Reconnecting (its media does not
// use the socket) until a target refresh on a new socket brings it back (reconnect.cpp).
enum class CallState {
  kWaitingForClient,  // socket or ICE servers not ready yet
  kCreatingOffer,     // CreatePeer + CreateOffer asked; waiting for sdp_created
  kGatheringOffer,    // SetLocalDescription asked; waiting for local_description_ready
  kInviting,          // INVITE sent, no response yet
  kEarly,             // a provisional response came
  kOffered,           // INVITE received, onIncoming fired
  kAnswerPending,     // answer() called, waiting for ICE servers
  kCreatingAnswer,    // CreatePeer + SetRemoteDescription + CreateAnswer asked
  kGatheringAnswer,   // SetLocalDescription asked
  kAnswered,          // 2xx sent, waiting for its ACK
  kConfirmed,         // the call is up
  kReconnecting,      // up, but its signalling is being moved to a new socket
  kTerminated,
};
inline constexpr int kCallStateCount = static_cast<int>(CallState::kTerminated) + 1;

constexpr CallState initial_call_state(bool outgoing) {
  return outgoing ? CallState::kWaitingForClient : CallState::kOffered;
}

struct CallTransition {
  CallState from;
  CallState to;
};

// Every allowed change of state, with what makes it; any other is a bug in the engine.
inline constexpr CallTransition kCallTransitions[] = {
    // Outgoing (RFC 3261 §13.2).
    {CallState::kWaitingForClient, CallState::kCreatingOffer},  // socket open, ICE servers known
    {CallState::kCreatingOffer, CallState::kGatheringOffer},    // the browser's offer
    {CallState::kGatheringOffer, CallState::kInviting},         // candidates in: INVITE sent
    {CallState::kInviting, CallState::kEarly},                  // a 1xx
    {CallState::kInviting, CallState::kConfirmed},              // a 2xx at once
    {CallState::kEarly, CallState::kConfirmed},                 // a 2xx after a 1xx
    // Incoming (RFC 3261 §13.3).
    {CallState::kOffered, CallState::kAnswerPending},           // answer()
    {CallState::kAnswerPending, CallState::kCreatingAnswer},    // ICE servers known
    {CallState::kCreatingAnswer, CallState::kGatheringAnswer},  // the browser's answer
    {CallState::kGatheringAnswer, CallState::kAnswered},        // candidates in: 2xx sent
    {CallState::kAnswered, CallState::kConfirmed},              // the ACK of our 2xx
    // A lost socket (RFC 3261 §12.2 target refresh on the new one).
    {CallState::kConfirmed, CallState::kReconnecting},  // the socket is lost: the call is kept
    {CallState::kReconnecting, CallState::kConfirmed},  // the target refresh's 2xx
    // The end, from anywhere: hang-up, rejection, failure, BYE, CANCEL, a lost socket.
    {CallState::kWaitingForClient, CallState::kTerminated},
    {CallState::kCreatingOffer, CallState::kTerminated},
    {CallState::kGatheringOffer, CallState::kTerminated},
    {CallState::kInviting, CallState::kTerminated},
    {CallState::kEarly, CallState::kTerminated},
    {CallState::kOffered, CallState::kTerminated},
    {CallState::kAnswerPending, CallState::kTerminated},
    {CallState::kCreatingAnswer, CallState::kTerminated},
    {CallState::kGatheringAnswer, CallState::kTerminated},
    {CallState::kAnswered, CallState::kTerminated},
    {CallState::kConfirmed, CallState::kTerminated},
    {CallState::kReconnecting, CallState::kTerminated},
};

bool call_transition_allowed(CallState from, CallState to);
std::string_view call_state_name(CallState state);

}  // namespace acw::call
