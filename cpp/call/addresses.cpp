// The SIP names of an Aculab Cloud and of this client in it (PROTOCOL.md "Names").
#include "call/addresses.hpp"

#include "call/join.hpp"
#include "sip/grammar.hpp"

namespace acw::call {

std::string CloudAddresses::client_domain() const {
  return join({access_key, ".webrtc-", cloud_id, ".aculabcloud.net"});
}
std::string CloudAddresses::aor() const {
  return join({"sip:", client_id, "@", client_domain()});
}
std::string CloudAddresses::registrar() const {
  return join({"sip:", client_domain()});
}
std::string CloudAddresses::ice_server_uri() const {
  return join({"sip:webrtc-", cloud_id, ".aculabcloud.net"});
}
std::string CloudAddresses::service_host() const {
  return join({"sip-", cloud_id, ".aculab.com"});
}
std::string CloudAddresses::service_uri(std::string_view service) const {
  return join({"sip:", service, "@", service_host(), ";transport=tcp"});
}
std::string CloudAddresses::client_uri(std::string_view other_client) const {
  return join({"sip:", other_client, "@", client_domain(), ";transport=tcp"});
}
std::string CloudAddresses::default_url() const {
  return join({"wss://webrtc-", cloud_id, ".aculabcloud.net/sipproxy"});
}

std::string_view CloudAddresses::caller_type(std::string_view from_host) const {
  // Host names compare without regard to case (RFC 3261 §19.1.4).
  if (sip::grammar::iequals(from_host, service_host())) return "service";
  if (sip::grammar::iequals(from_host, client_domain())) return "client";
  return "other";
}

}  // namespace acw::call
