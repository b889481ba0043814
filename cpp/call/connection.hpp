// The WebSocket to the cloud as the engine sees it: closed, connecting, open, or waiting to
// reconnect, with the connect deadline, the keep-alive and the reconnect back-off (sans-I/O: times
// come in as `now`).
#pragma once

#include <cstdint>
#include <vector>

#include "call/client_options.hpp"
#include "sip/transaction.hpp"

namespace acw::call {

// States. The engine carries out what they mean (OpenSocket, CloseSocket, ending calls); this
// class only keeps the state and its two timers, and each transition is one method:
//
//             open()               opened()
//   Closed ----------> Connecting ----------> Open
//     ^  ^                 |                    |
//     |  |                 | lost(), or the     | lost(), or no answer to
//     |  |                 | connect deadline   | a keep-alive in time
//     |  +-----------------+--------------------+
//     |                    |
//     |                    | back_off() (the engine still wants the socket)
//     |  reconnect time    v
//     +------------------ Backoff
//
//   any --close()--> Closed (nothing needs the cloud any more, or the client is closed)
//
// Open, the keep-alive: `interval` ms after the last thing received (received()), timeout()
// says kKeepAlive (the engine sends OPTIONS) and starts the `timeout` wait; anything received
// ends it, and if nothing comes by its end timeout() says kKeepAliveTimedOut (Open -> Closed).
//
// The wait before reconnecting grows with each attempt that did not carry SIP, and starts again
// from the shortest once one did (carried_sip()); see reconnect_wait() in call/backoff.hpp.
class Connection {
 public:
  enum class State { kClosed, kConnecting, kOpen, kBackoff };
  // What timeout(now) found due.
  enum class Due { kNothing, kConnectTimedOut, kReconnect, kKeepAlive, kKeepAliveTimedOut };

  static constexpr int64_t kConnectTimeout = 30000;  // the public client's connectionTimeout

  explicit Connection(KeepAlive keep_alive = {}) : keep_alive_(keep_alive) {}

  // ---- getters
  State state() const { return state_; }
  bool is_open() const { return state_ == State::kOpen; }
  // The connect deadline (Connecting), the keep-alive's next step (Open) or the reconnect time
  // (Backoff); sip::kNever otherwise.
  int64_t next_deadline() const;
  uint32_t attempts() const { return attempts_; }

  // ---- transitions
  // Closed -> Connecting: the engine asks the host for a socket.
  void open(int64_t now);
  // Connecting -> Open; the silence clock starts. False, and no change, in any other state (a
  // stray event).
  bool opened(int64_t now);
  // Anything arrived on the open socket: it is alive, so the silence clock starts again and a
  // keep-alive's wait ends.
  void received(int64_t now);
  // Connecting or Open -> Closed: the socket went away. False when there was none.
  bool lost();
  // Closed -> Backoff after a loss, while the engine still wants the socket; returns the wait
  // before the reconnect time. `random` draws the jitter. With `delays` (calls are kept), the
  // attempt's entry of that list; otherwise reconnect_wait().
  int64_t back_off(int64_t now, uint64_t random, const std::vector<int64_t>* delays = nullptr);
  // Any -> Closed. True when there was a socket (Connecting or Open) for the host to close.
  bool close();
  // The timers at `now`: past the connect deadline, Connecting -> Closed (kConnectTimedOut: the
  // engine closes the socket and handles the loss); past the reconnect time, Backoff -> Closed
  // (kReconnect: the engine opens again if it still wants to); Open, the keep-alive's steps (see
  // above; on kKeepAliveTimedOut the engine closes the socket and handles the loss). Harmless when
  // nothing is due.
  Due timeout(int64_t now);

  // A SIP message arrived: the link works, so the next loss waits the shortest time again.
  void carried_sip() { attempts_ = 0; }

 private:
  KeepAlive keep_alive_;
  State state_ = State::kClosed;
  int64_t heard_at_ = 0;                       // Open: when something last arrived
  int64_t keep_alive_deadline_ = sip::kNever;  // Open: a keep-alive went out and waits till then
  int64_t connect_deadline_ = sip::kNever;
  int64_t reconnect_at_ = sip::kNever;
  uint32_t attempts_ = 0;  // reconnects since the link last carried SIP
};

}  // namespace acw::call
