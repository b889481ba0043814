// A call's one way to change state.
#include "call/call.hpp"

namespace acw::call {

bool Call::transition(CallState to) {
  if (!call_transition_allowed(state_, to)) return false;
  state_ = to;
  return true;
}

}  // namespace acw::call
