// This client as a SIP user agent: its Contact and Via, and the requests and responses it writes,
// header for header as the public client writes them (traces/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/addresses.hpp"
#include "sip/headers.hpp"
#include "sip/message.hpp"

namespace acw::call {

inline constexpr std::string_view kUserAgent = "AculabCloudClient";
// The Allow list of REGISTER and INVITE, and the one of a 200 answering an INVITE, as the
// public client sends them (traces/). They also go on 405 responses.
inline constexpr std::string_view kAllowRequest =
    "ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER";
inline constexpr std::string_view kAllowAnswer =
    "ACK,BYE,CANCEL,INFO,INVITE,MESSAGE,NOTIFY,OPTIONS,PRACK,REFER,REGISTER,SUBSCRIBE";

// A message with a body and Content-Type application/sdp (any case, parameters allowed).
bool has_sdp_body(const sip::Message& message);
// A header's value ("" when absent), its CSeq and an unsigned number in it (nullopt when absent
// or malformed): one call where each site did the lookup and the parse.
std::string_view header_text(const sip::Message& message, std::string_view name);
std::optional<sip::CSeq> message_cseq(const sip::Message& message);
std::optional<uint32_t> header_uint(const sip::Message& message, std::string_view name);

class UserAgent {
 public:
  // RFC 7118 §5: a WebSocket client has no reachable address, so Contact and Via use a random
  // user and a random host under .invalid, fixed for the life of the client.
  UserAgent(CloudAddresses addresses, std::string contact_user, std::string via_host)
      : addresses_(std::move(addresses)),
        contact_user_(std::move(contact_user)),
        via_host_(std::move(via_host)) {}

  const CloudAddresses& addresses() const { return addresses_; }
  const std::string& contact_user() const { return contact_user_; }

  // SIP/2.0/WSS HOST.invalid;branch=BRANCH
  std::string via(std::string_view branch) const;
  // <sip:USER@HOST.invalid;transport=ws> and, on an INVITE, ;ob (RFC 5626 §5.4, as the trace).
  std::string contact(bool outbound) const;

  // §10.2 REGISTER; without a token (unregister, expires 0) there is no Authorization and, as
  // in the trace, no Allow.
  sip::Message register_request(std::string_view call_id, std::string_view from_tag, uint32_t cseq,
                                std::string_view branch, std::string_view token,
                                uint32_t expires) const;
  // §11 OPTIONS asking the cloud for TURN/STUN servers (X-AculabTurnRequest: 1).
  sip::Message ice_server_request(std::string_view call_id, std::string_view from_tag,
                                  std::string_view branch) const;
  // §11 OPTIONS as a keep-alive (the ICE servers' request without X-AculabTurnRequest): any
  // response shows the socket carries SIP.
  sip::Message keep_alive_request(std::string_view call_id, std::string_view from_tag,
                                  std::string_view branch) const;
  // §13.2.1 the initial INVITE with its SDP offer. `token` (may be empty) becomes
  // Authorization: Bearer; `extra` are the page's X- headers.
  sip::Message invite_request(std::string_view target, std::string_view call_id,
                              std::string_view from_tag, std::string_view branch,
                              std::string_view token, const std::vector<sip::HeaderField>& extra,
                              std::string sdp) const;

  // Appends Supported: outbound and User-Agent, the tail of every other request we send
  // (CANCEL, ACK for a 2xx, BYE, ...).
  void finish_request(sip::Message& request) const;

  // A response: sip::make_response's fields, then Supported and User-Agent.
  sip::Message response(const sip::Message& request, int status,
                        std::string_view to_tag = {}) const;
  // A 1xx/2xx to an INVITE that makes a dialog: Record-Route copied (§12.1.1), the page's X-
  // headers, Supported, User-Agent, Allow (2xx), Contact, and the SDP when given.
  sip::Message invite_response(const sip::Message& invite, int status, std::string_view to_tag,
                               const std::vector<sip::HeaderField>& extra,
                               std::string sdp = {}) const;

 private:
  // The request line and the fields every request starts with: Via, To <to>, From, CSeq,
  // Call-ID, Max-Forwards.
  sip::Message request(std::string_view method, std::string_view uri, std::string_view to,
                       std::string_view call_id, std::string_view from_tag, uint32_t cseq,
                       std::string_view branch) const;

  CloudAddresses addresses_;
  std::string contact_user_;
  std::string via_host_;
};

}  // namespace acw::call
