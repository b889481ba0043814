// The check of a call's state changes against the table, and the states' names for logs.
#include "call/call_state.hpp"

#include <algorithm>
#include <iterator>

namespace acw::call {

bool call_transition_allowed(CallState from, CallState to) {
  return std::any_of(
      std::begin(kCallTransitions), std::end(kCallTransitions),
      [&](const CallTransition& allowed) { return allowed.from == from && allowed.to == to; });
}

std::string_view call_state_name(CallState state) {
  switch (state) {
    case CallState::kWaitingForClient:
      return "WaitingForClient";
    case CallState::kCreatingOffer:
      return "CreatingOffer";
    case CallState::kGatheringOffer:
      return "GatheringOffer";
    case CallState::kInviting:
      return "Inviting";
    case CallState::kEarly:
      return "Early";
    case CallState::kOffered:
      return "Offered";
    case CallState::kAnswerPending:
      return "AnswerPending";
    case CallState::kCreatingAnswer:
      return "CreatingAnswer";
    case CallState::kGatheringAnswer:
      return "GatheringAnswer";
    case CallState::kAnswered:
      return "Answered";
    case CallState::kConfirmed:
      return "Confirmed";
    case CallState::kReconnecting:
      return "Reconnecting";
    case CallState::kTerminated:
      return "Terminated";
  }
  return "?";
}

}  // namespace acw::call
