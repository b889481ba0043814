// Names of call states, for logs.
#include "call/call.hpp"

namespace acw::call {

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
    case CallState::kTerminated:
      return "Terminated";
  }
  return "?";
}

}  // namespace acw::call
