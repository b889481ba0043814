// This client as a SIP user agent: the requests and responses it writes, in the public client's
// header order.
#include "call/user_agent.hpp"

#include <utility>

#include "sip/transaction.hpp"
#include "text/decimal.hpp"

namespace acw::call {

std::string UserAgent::via(std::string_view branch) const {
  return "SIP/2.0/WSS " + via_host_ + ";branch=" + std::string(branch);
}

std::string UserAgent::contact(bool outbound) const {
  return "<sip:" + contact_user_ + "@" + via_host_ + ";transport=ws" + (outbound ? ";ob>" : ">");
}

sip::Message UserAgent::register_request(std::string_view call_id, std::string_view from_tag,
                                         uint32_t cseq, std::string_view branch,
                                         std::string_view token, uint32_t expires) const {
  sip::Message m = sip::Message::request("REGISTER", addresses_.registrar());
  m.add_header("Via", via(branch));
  m.add_header("To", "<" + addresses_.aor() + ">");
  m.add_header("From", "<" + addresses_.aor() + ">;tag=" + std::string(from_tag));
  m.add_header("CSeq", text::decimal(cseq) + " REGISTER");
  m.add_header("Call-ID", std::string(call_id));
  m.add_header("Max-Forwards", "70");
  // RFC 8898 bearer token; the public client leaves it off the unregister (trace 2).
  if (!token.empty()) m.add_header("Authorization", "Bearer " + std::string(token));
  m.add_header("Contact", contact(false) + ";expires=" + text::decimal(expires));
  if (expires > 0) m.add_header("Allow", std::string(kAllowRequest));
  m.add_header("Supported", "outbound, path, gruu");
  m.add_header("User-Agent", std::string(kUserAgent));
  return m;
}

sip::Message UserAgent::ice_server_request(std::string_view call_id, std::string_view from_tag,
                                           std::string_view branch) const {
  sip::Message m = sip::Message::request("OPTIONS", addresses_.ice_server_uri());
  m.add_header("Via", via(branch));
  m.add_header("To", "<" + addresses_.ice_server_uri() + ">");
  m.add_header("From", "<" + addresses_.aor() + ">;tag=" + std::string(from_tag));
  m.add_header("CSeq", "1 OPTIONS");
  m.add_header("Call-ID", std::string(call_id));
  m.add_header("Max-Forwards", "70");
  m.add_header("X-AculabTurnRequest", "1");
  finish_request(m);
  return m;
}

sip::Message UserAgent::invite_request(std::string_view target, std::string_view call_id,
                                       std::string_view from_tag, std::string_view branch,
                                       std::string_view token,
                                       const std::vector<sip::HeaderField>& extra,
                                       std::string sdp) const {
  sip::Message m = sip::Message::request("INVITE", std::string(target));
  m.add_header("Via", via(branch));
  m.add_header("To", "<" + std::string(target) + ">");
  m.add_header("From", "<" + addresses_.aor() + ">;tag=" + std::string(from_tag));
  m.add_header("CSeq", "1 INVITE");
  m.add_header("Call-ID", std::string(call_id));
  m.add_header("Max-Forwards", "70");
  if (!token.empty()) m.add_header("Authorization", "Bearer " + std::string(token));
  for (const auto& field : extra) m.add_header(field.name, field.value);
  m.add_header("Contact", contact(true));
  m.add_header("Allow", std::string(kAllowRequest));
  finish_request(m);
  m.set_body(std::move(sdp), "application/sdp");
  return m;
}

void UserAgent::finish_request(sip::Message& request) const {
  request.add_header("Supported", "outbound");
  request.add_header("User-Agent", std::string(kUserAgent));
}

sip::Message UserAgent::response(const sip::Message& request, int status,
                                 std::string_view to_tag) const {
  sip::Message m = sip::make_response(request, status, to_tag);
  m.add_header("Supported", "outbound");
  m.add_header("User-Agent", std::string(kUserAgent));
  return m;
}

sip::Message UserAgent::invite_response(const sip::Message& invite, int status,
                                        std::string_view to_tag,
                                        const std::vector<sip::HeaderField>& extra,
                                        std::string sdp) const {
  sip::Message m = sip::make_response(invite, status, to_tag);
  // §12.1.1: a response that creates a dialog copies the Record-Route of the request.
  for (const auto& field : invite.fields()) {
    if (sip::header_name_equals(field.name, "Record-Route"))
      m.add_header("Record-Route", field.value);
  }
  for (const auto& field : extra) m.add_header(field.name, field.value);
  m.add_header("Supported", "outbound");
  m.add_header("User-Agent", std::string(kUserAgent));
  if (status >= 200 && status < 300) m.add_header("Allow", std::string(kAllowAnswer));
  m.add_header("Contact", contact(false));
  if (!sdp.empty()) m.set_body(std::move(sdp), "application/sdp");
  return m;
}

}  // namespace acw::call
