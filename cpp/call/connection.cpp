// The socket's states and timers: one method per transition (the diagram is in connection.hpp).
#include "call/connection.hpp"

#include "call/backoff.hpp"

namespace acw::call {

int64_t Connection::next_deadline() const {
  switch (state_) {
    case State::kConnecting:
      return connect_deadline_;
    case State::kBackoff:
      return reconnect_at_;
    case State::kClosed:
    case State::kOpen:
      break;
  }
  return sip::kNever;
}

void Connection::open(int64_t now) {
  state_ = State::kConnecting;
  connect_deadline_ = now + kConnectTimeout;
  reconnect_at_ = sip::kNever;
}

bool Connection::opened() {
  if (state_ != State::kConnecting) return false;
  state_ = State::kOpen;
  connect_deadline_ = sip::kNever;
  return true;
}

bool Connection::lost() {
  if (state_ != State::kConnecting && state_ != State::kOpen) return false;
  state_ = State::kClosed;
  connect_deadline_ = sip::kNever;
  return true;
}

int64_t Connection::back_off(int64_t now, uint64_t random) {
  const int64_t wait = reconnect_wait(attempts_++, random);
  state_ = State::kBackoff;
  reconnect_at_ = now + wait;
  return wait;
}

bool Connection::close() {
  const bool socket = state_ == State::kConnecting || state_ == State::kOpen;
  state_ = State::kClosed;
  connect_deadline_ = reconnect_at_ = sip::kNever;
  return socket;
}

Connection::Due Connection::timeout(int64_t now) {
  if (state_ == State::kConnecting && now >= connect_deadline_) {
    lost();
    return Due::kConnectTimedOut;
  }
  if (state_ == State::kBackoff && now >= reconnect_at_) {
    state_ = State::kClosed;
    reconnect_at_ = sip::kNever;
    return Due::kReconnect;
  }
  return Due::kNothing;
}

}  // namespace acw::call
