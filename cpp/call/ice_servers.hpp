// The ICE servers a call's peer connection uses: asked of the cloud with OPTIONS
// (X-AculabTurnRequest), refreshed, or set by the page.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "call/random.hpp"
#include "call/user_agent.hpp"
#include "sip/message.hpp"
#include "sip/transaction.hpp"

namespace acw::call {

// The list is kept as the JSON text the cloud sent: the core never parses JSON (a JSON parser
// costs the wasm client 18 KB gzip); it only checks the text looks like an array and hands it to
// the page's RTCPeerConnection.
class IceServers {
 public:
  static constexpr int64_t kRefresh = 30000;  // after a good answer (they are valid for 2 min)
  static constexpr int64_t kRetry = 60000;    // after a failure

  // With the transport open: the OPTIONS to send now, if due.
  std::optional<sip::Message> next_request(int64_t now, const UserAgent& ua, Random& random);
  void sent(sip::TransactionId id) { in_flight_ = id; }
  sip::TransactionId in_flight() const { return in_flight_; }
  void on_response(const sip::Message& response, int64_t now);
  void on_timeout(int64_t now);
  void on_transport_lost();
  void on_transport_up();
  // The next refresh, kNever while none is due (transport down or a request outstanding).
  int64_t next_deadline() const;

  // setPeerConnectionConfiguration / the iceServers property: nullopt = use the cloud's; the
  // JSON text of an array otherwise (checked by the caller). `policy` "" means "all".
  void set_override(std::optional<std::string> servers, std::string policy);

  // A call may create its peer connection: the page set servers, or the cloud's answer (good or
  // bad) came. After a failure calls go ahead with no servers rather than wait for ever.
  bool ready() const { return override_.has_value() || cloud_.has_value() || failed_; }
  // The JSON text to give RTCPeerConnection: the override, else the cloud's, else "[]".
  std::string servers() const;
  std::string policy() const { return policy_.empty() ? std::string("all") : policy_; }

 private:
  std::optional<std::string> cloud_;
  std::optional<std::string> override_;
  std::string policy_;
  bool failed_ = false;
  bool transport_up_ = false;
  sip::TransactionId in_flight_ = 0;
  int64_t next_at_ = 0;
};

}  // namespace acw::call
