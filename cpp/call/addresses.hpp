// The SIP names of an Aculab Cloud and of this client in it (PROTOCOL.md "Names").
#pragma once

#include <string>
#include <string_view>

namespace acw::call {

struct CloudAddresses {
  std::string cloud_id;    // "1-2-0"
  std::string access_key;  // webRtcAccessKey
  std::string client_id;   // already stripped of sip:/webrtc:

  // KEY.webrtc-C.aculabcloud.net: the domain of every client of this account.
  std::string client_domain() const;
  // sip:CLIENTID@KEY.webrtc-C.aculabcloud.net, the address of record.
  std::string aor() const;
  // sip:KEY.webrtc-C.aculabcloud.net, the REGISTER Request-URI.
  std::string registrar() const;
  // sip:webrtc-C.aculabcloud.net, where the ICE-server OPTIONS goes.
  std::string ice_server_uri() const;
  // sip-C.aculab.com, the host of services.
  std::string service_host() const;
  // sip:SERVICE@sip-C.aculab.com;transport=tcp (`service` is already a URI user part).
  std::string service_uri(std::string_view service) const;
  // sip:OTHER@KEY.webrtc-C.aculabcloud.net;transport=tcp
  std::string client_uri(std::string_view other_client) const;
  // wss://webrtc-C.aculabcloud.net/sipproxy
  std::string default_url() const;
  // onIncoming's `type` from the From URI's host: "service", "client" or "other".
  std::string_view caller_type(std::string_view from_host) const;
};

}  // namespace acw::call
