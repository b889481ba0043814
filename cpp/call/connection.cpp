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
    case State::kOpen:
      if (keep_alive_deadline_ != sip::kNever) return keep_alive_deadline_;
      return keep_alive_.interval > 0 ? heard_at_ + keep_alive_.interval : sip::kNever;
    case State::kClosed:
      break;
  }
  return sip::kNever;
}

void Connection::open(int64_t now) {
  state_ = State::kConnecting;
  connect_deadline_ = now + kConnectTimeout;
  reconnect_at_ = sip::kNever;
}

bool Connection::opened(int64_t now) {
  if (state_ != State::kConnecting) return false;
  state_ = State::kOpen;
  connect_deadline_ = sip::kNever;
  received(now);
  return true;
}

void Connection::received(int64_t now) {
  heard_at_ = now;
  keep_alive_deadline_ = sip::kNever;
}

bool Connection::lost() {
  if (state_ != State::kConnecting && state_ != State::kOpen) return false;
  state_ = State::kClosed;
  connect_deadline_ = keep_alive_deadline_ = sip::kNever;
  return true;
}

int64_t Connection::back_off(int64_t now, uint64_t random, const std::vector<int64_t>* delays) {
  const int64_t wait = delays ? kept_call_reconnect_wait(*delays, attempts_, random)
                              : reconnect_wait(attempts_, random);
  ++attempts_;
  state_ = State::kBackoff;
  reconnect_at_ = now + wait;
  return wait;
}

bool Connection::close() {
  const bool socket = state_ == State::kConnecting || state_ == State::kOpen;
  state_ = State::kClosed;
  connect_deadline_ = reconnect_at_ = keep_alive_deadline_ = sip::kNever;
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
  if (state_ == State::kOpen && now >= keep_alive_deadline_) {
    lost();
    return Due::kKeepAliveTimedOut;
  }
  if (state_ == State::kOpen && keep_alive_.interval > 0 &&
      now >= heard_at_ + keep_alive_.interval && keep_alive_deadline_ == sip::kNever) {
    // With no timeout the OPTIONS is only sent: the silence clock starts again from it.
    if (keep_alive_.timeout > 0) {
      keep_alive_deadline_ = now + keep_alive_.timeout;
    } else {
      heard_at_ = now;
    }
    return Due::kKeepAlive;
  }
  return Due::kNothing;
}

}  // namespace acw::call
