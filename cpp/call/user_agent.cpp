// This client as a SIP user agent: the requests and responses it writes, in the public client's
// header order.
#include "call/user_agent.hpp"

#include <utility>

#include "call/join.hpp"
#include "sip/grammar.hpp"
#include "sip/headers.hpp"
#include "sip/transaction.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

// One header whose value is joined from parts (one call where each site built its temporaries).
void add(sip::Message& m, std::string_view name, std::initializer_list<std::string_view> value) {
  m.add_header(name, join(value));
}

void add_authorization(sip::Message& m, std::string_view token) {
  // RFC 8898 bearer token.
  if (!token.empty()) add(m, "Authorization", {"Bearer ", token});
}

}  // namespace

bool has_sdp_body(const sip::Message& message) {
  return !message.body().empty() &&
         sip::grammar::istarts_with(header_text(message, "Content-Type"), "application/sdp");
}

std::string_view header_text(const sip::Message& message, std::string_view name) {
  return message.header(name).value_or(std::string_view());
}

std::optional<sip::CSeq> message_cseq(const sip::Message& message) {
  return sip::parse_cseq(header_text(message, "CSeq"));
}

std::optional<uint32_t> header_uint(const sip::Message& message, std::string_view name) {
  return sip::parse_uint(header_text(message, name));
}

std::string UserAgent::via(std::string_view branch) const {
  return join({"SIP/2.0/WSS ", via_host_, ";branch=", branch});
}

std::string UserAgent::contact(bool outbound) const {
  return join({"<sip:", contact_user_, "@", via_host_, ";transport=ws", outbound ? ";ob>" : ">"});
}

sip::Message UserAgent::request(std::string_view method, std::string_view uri, std::string_view to,
                                std::string_view call_id, std::string_view from_tag, uint32_t cseq,
                                std::string_view branch) const {
  sip::Message m = sip::Message::request(method, uri);
  m.add_header("Via", via(branch));
  add(m, "To", {"<", to, ">"});
  add(m, "From", {"<", addresses_.aor(), ">;tag=", from_tag});
  add(m, "CSeq", {text::decimal(cseq), " ", method});
  m.add_header("Call-ID", call_id);
  m.add_header("Max-Forwards", "70");
  return m;
}

sip::Message UserAgent::register_request(std::string_view call_id, std::string_view from_tag,
                                         uint32_t cseq, std::string_view branch,
                                         std::string_view token, uint32_t expires) const {
  const std::string registrar = addresses_.registrar();
  sip::Message m =
      request("REGISTER", registrar, addresses_.aor(), call_id, from_tag, cseq, branch);
  // The public client leaves the token off the unregister (trace 2).
  add_authorization(m, token);
  add(m, "Contact", {contact(false), ";expires=", text::decimal(expires)});
  if (expires > 0) m.add_header("Allow", kAllowRequest);
  m.add_header("Supported", "outbound, path, gruu");
  m.add_header("User-Agent", kUserAgent);
  return m;
}

sip::Message UserAgent::ice_server_request(std::string_view call_id, std::string_view from_tag,
                                           std::string_view branch) const {
  const std::string uri = addresses_.ice_server_uri();
  sip::Message m = request("OPTIONS", uri, uri, call_id, from_tag, 1, branch);
  m.add_header("X-AculabTurnRequest", "1");
  finish_request(m);
  return m;
}

sip::Message UserAgent::keep_alive_request(std::string_view call_id, std::string_view from_tag,
                                           std::string_view branch) const {
  const std::string uri = addresses_.ice_server_uri();
  sip::Message m = request("OPTIONS", uri, uri, call_id, from_tag, 1, branch);
  finish_request(m);
  return m;
}

sip::Message UserAgent::invite_request(std::string_view target, std::string_view call_id,
                                       std::string_view from_tag, std::string_view branch,
                                       std::string_view token,
                                       const std::vector<sip::HeaderField>& extra,
                                       std::string sdp) const {
  sip::Message m = request("INVITE", target, target, call_id, from_tag, 1, branch);
  add_authorization(m, token);
  for (const auto& field : extra) m.add_header(field.name, field.value);
  m.add_header("Contact", contact(true));
  m.add_header("Allow", kAllowRequest);
  finish_request(m);
  m.set_body(std::move(sdp), "application/sdp");
  return m;
}

void UserAgent::finish_request(sip::Message& request) const {
  request.add_header("Supported", "outbound");
  request.add_header("User-Agent", kUserAgent);
}

sip::Message UserAgent::response(const sip::Message& request, int status,
                                 std::string_view to_tag) const {
  sip::Message m = sip::make_response(request, status, to_tag);
  finish_request(m);
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
  finish_request(m);
  if (status >= 200 && status < 300) m.add_header("Allow", kAllowAnswer);
  m.add_header("Contact", contact(false));
  if (!sdp.empty()) m.set_body(std::move(sdp), "application/sdp");
  return m;
}

}  // namespace acw::call
