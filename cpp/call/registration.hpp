// The registration machine behind enableIncoming/disableIncoming: REGISTER with a Bearer token,
// refresh, back-off, and the onIncomingState reports.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/random.hpp"
#include "call/user_agent.hpp"
#include "sip/message.hpp"
#include "sip/transaction.hpp"

namespace acw::call {

// States (RFC 3261 §10.2 from the client's side):
//
//   Idle --enable--> (REGISTER) --2xx--> Registered --refresh due--> (REGISTER) ...
//                          |--401/403--> Rejected (until enable() with a new token)
//                          |--other/timeout--> RetryWait --back-off--> (REGISTER)
//   any --transport lost--> WaitTransport --transport up--> (REGISTER)
//   any --disable--> (REGISTER expires=0 if bound) --> Idle
//
// Only one REGISTER is outstanding at a time (§10.2: no new REGISTER before the final response
// to the previous one); changes asked meanwhile are applied when it completes.
class Registration {
 public:
  enum class State { kIdle, kRegistered, kRetryWait, kRejected, kWaitTransport };

  // onIncomingState({ready, cause, retry})
  struct Report {
    bool ready = false;
    std::string_view cause;
    bool retry = false;
    friend bool operator==(const Report&, const Report&) = default;
  };

  static constexpr uint32_t kExpires = 600;  // what the public client asks for (trace)

  // One Call-ID and From tag for every REGISTER of this client (§10.2).
  Registration(std::string call_id, std::string from_tag, std::string contact_user)
      : call_id_(std::move(call_id)),
        from_tag_(std::move(from_tag)),
        contact_user_(std::move(contact_user)) {}

  // API commands. The token was checked by the caller.
  void enable(std::string token);
  void disable();
  // The client is done: whatever is outstanding is abandoned (the caller has already sent the
  // unregister that next_request() gave, if the transport was up). The page hears
  // {ready:false, NORMAL, retry:false} unless it was already told nothing more will happen.
  void close();
  bool enabled() const { return !token_.empty(); }
  // Whether the WebSocket is wanted for registration: enabled (and the token not refused), or a
  // binding still to remove.
  bool needs_transport() const {
    return (enabled() && state_ != State::kRejected) || bound_ || in_flight_ != 0;
  }
  State state() const { return state_; }

  // With the transport open: the REGISTER to send now, if any. The caller sends it in a client
  // transaction and passes the transaction's id to sent().
  std::optional<sip::Message> next_request(int64_t now, const UserAgent& ua, Random& random);
  void sent(sip::TransactionId id) { in_flight_ = id; }
  sip::TransactionId in_flight() const { return in_flight_; }

  // A response to the outstanding REGISTER (provisional ones are ignored).
  void on_response(const sip::Message& response, int64_t now, Random& random);
  // Timer F fired on the outstanding REGISTER.
  void on_timeout(int64_t now, Random& random);
  void on_transport_lost();
  void on_transport_up();

  // The refresh, retry or expiry deadline; kNever when none matters now.
  int64_t next_deadline() const;
  // The registration expired without a successful refresh. Harmless when nothing is due.
  void handle_timeout(int64_t now);

  std::optional<Report> take_report();

 private:
  void report(bool ready, std::string_view cause, bool retry);
  void failed(int64_t now, int64_t wait);
  // failed() after the back-off wait for one more failure, or the Retry-After seconds when given.
  void retry_later(int64_t now, Random& random, std::optional<uint32_t> retry_after = {});
  // No binding any more (unregistered, or the REGISTER timed out): idle, reported off when
  // disabled, registering again when enabled meanwhile.
  void unbound();
  uint32_t granted_expires(const sip::Message& response) const;

  std::string call_id_;
  std::string from_tag_;
  std::string contact_user_;
  uint32_t cseq_ = 0;
  uint32_t requested_expires_ = kExpires;
  int too_brief_ = 0;  // 423 answers in a row

  std::string token_;  // wanted token; empty = disabled
  State state_ = State::kIdle;
  bool bound_ = false;       // the registrar holds our binding (as far as we know)
  bool pending_ = false;     // send a REGISTER as soon as possible
  bool api_change_ = false;  // the next result is reported even if it repeats the last one
  bool transport_up_ = false;
  sip::TransactionId in_flight_ = 0;
  uint32_t in_flight_expires_ = 0;
  std::string in_flight_token_;
  uint32_t failures_ = 0;
  int64_t refresh_at_ = sip::kNever;
  int64_t expires_at_ = sip::kNever;
  int64_t retry_at_ = sip::kNever;

  // Not yet taken, oldest first; at most 16 (a fixed array: less code than a vector or deque).
  std::array<Report, 16> reports_{};
  std::size_t report_count_ = 0;
  std::optional<Report> last_report_;
};

}  // namespace acw::call
