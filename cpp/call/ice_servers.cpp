// The ICE servers a call's peer connection uses (PROTOCOL.md "ICE servers").
#include "call/ice_servers.hpp"

#include "call/validation.hpp"
#include "sip/dialog.hpp"

namespace acw::call {

std::optional<sip::Message> IceServers::next_request(int64_t now, const UserAgent& ua,
                                                     Random& random) {
  if (!transport_up_ || in_flight_ != 0 || now < next_at_) return std::nullopt;
  // Each OPTIONS is a request of its own: new Call-ID and From tag, CSeq 1 (trace).
  std::string call_id = sip::make_call_id(random.next(), random.next());
  std::string tag = sip::make_tag(random.next());
  return ua.ice_server_request(call_id, tag, sip::make_branch(random.next()));
}

void IceServers::on_response(const sip::Message& response, int64_t now) {
  if (response.status() < 200) return;
  in_flight_ = 0;
  if (response.status() < 300 && looks_like_json_array(response.body())) {
    cloud_ = std::string(response.body());
    failed_ = false;
    next_at_ = now + kRefresh;
    return;
  }
  on_timeout(now);
}

void IceServers::on_timeout(int64_t now) {
  // The public client forgets the old list on a failure; keeping it would hand out expired
  // TURN credentials, so do the same.
  in_flight_ = 0;
  cloud_.reset();
  failed_ = true;
  next_at_ = now + kRetry;
}

void IceServers::on_transport_lost() {
  // TURN credentials are short-lived: a new connection asks again before a call uses them.
  transport_up_ = false;
  in_flight_ = 0;
  cloud_.reset();
  failed_ = false;
}

void IceServers::on_transport_up() {
  transport_up_ = true;
  next_at_ = 0;  // refresh at once on every (re)connection
}

int64_t IceServers::next_deadline() const {
  return transport_up_ && in_flight_ == 0 ? next_at_ : sip::kNever;
}

void IceServers::set_override(std::optional<std::string> servers, std::string policy) {
  override_ = std::move(servers);
  policy_ = std::move(policy);
}

std::string IceServers::servers() const {
  if (override_) return *override_;
  if (cloud_) return *cloud_;
  return "[]";
}

}  // namespace acw::call
