// The SIP names of an Aculab Cloud and of this client in it (PROTOCOL.md "Names").
#include "call/addresses.hpp"

#include <cctype>

namespace acw::call {
namespace {
// Host names compare without regard to case (RFC 3261 §19.1.4).
bool host_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string CloudAddresses::client_domain() const {
  return access_key + ".webrtc-" + cloud_id + ".aculabcloud.net";
}
std::string CloudAddresses::aor() const {
  return "sip:" + client_id + "@" + client_domain();
}
std::string CloudAddresses::registrar() const {
  return "sip:" + client_domain();
}
std::string CloudAddresses::ice_server_uri() const {
  return "sip:webrtc-" + cloud_id + ".aculabcloud.net";
}
std::string CloudAddresses::service_host() const {
  return "sip-" + cloud_id + ".aculab.com";
}
std::string CloudAddresses::service_uri(std::string_view service) const {
  return "sip:" + std::string(service) + "@" + service_host() + ";transport=tcp";
}
std::string CloudAddresses::client_uri(std::string_view other_client) const {
  return "sip:" + std::string(other_client) + "@" + client_domain() + ";transport=tcp";
}
std::string CloudAddresses::default_url() const {
  return "wss://webrtc-" + cloud_id + ".aculabcloud.net/sipproxy";
}

std::string_view CloudAddresses::caller_type(std::string_view from_host) const {
  if (host_equals(from_host, service_host())) return "service";
  if (host_equals(from_host, client_domain())) return "client";
  return "other";
}

}  // namespace acw::call
