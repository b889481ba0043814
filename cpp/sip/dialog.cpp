// SIP dialogs (RFC 3261 §12).
#include "sip/dialog.hpp"

#include <algorithm>
#include <utility>

#include "sip/grammar.hpp"
#include "sip/headers.hpp"
#include "sip/internal.hpp"
#include "sip/transaction.hpp"
#include "sip/uri.hpp"
#include "text/decimal.hpp"

namespace acw::sip {
namespace {

std::string tag_of(std::optional<std::string_view> value) {
  if (!value) return {};
  auto parsed = parse_name_addr(*value);
  return parsed ? std::string(parsed->tag()) : std::string();
}

std::optional<uint32_t> cseq_number(const Message& message) {
  auto value = message.header("CSeq");
  if (!value) return std::nullopt;
  auto cseq = parse_cseq(*value);
  if (!cseq) return std::nullopt;
  return cseq->number;
}

std::string contact_target(const Message& message) {
  const std::string_view contact = internal::first_value(message, "Contact");
  return contact.empty() ? std::string() : uri_text(contact);
}

// §12.1.1 / §12.1.2: the route set is the Record-Route list, in reverse order at the UAC; the
// remote target is the Contact's URI (kept as it was when there is none).
void take_route_set(Dialog& dialog, const Message& message, bool uac) {
  dialog.route_set.clear();
  for (auto value : message.header_values("Record-Route")) dialog.route_set.emplace_back(value);
  if (uac) std::reverse(dialog.route_set.begin(), dialog.route_set.end());
  dialog.refresh_target(message);
}

bool is_loose_route(std::string_view route) {
  auto parsed = parse_name_addr(route);
  return parsed && parsed->uri.param("lr").has_value();
}

}  // namespace

DialogId request_dialog_id(const Message& request) {
  return {std::string(request.call_id()), tag_of(request.header("To")),
          tag_of(request.header("From"))};
}

DialogId response_dialog_id(const Message& response) {
  return {std::string(response.call_id()), tag_of(response.header("From")),
          tag_of(response.header("To"))};
}

// (Each builds in the optional it returns: one return object, so no move.)
std::optional<Dialog> Dialog::from_uac(const Message& request, const Message& response) {
  std::optional<Dialog> result(std::in_place);
  Dialog& dialog = *result;
  dialog.id = response_dialog_id(response);
  auto from = request.header("From");
  auto to = response.header("To");
  auto seq = cseq_number(request);
  if (dialog.id.call_id.empty() || dialog.id.local_tag.empty() || dialog.id.remote_tag.empty() ||
      !from || !to || !seq) {
    result.reset();
    return result;
  }
  dialog.local = *from;
  dialog.remote = *to;
  dialog.local_seq = *seq;
  // Without a Contact (a 1xx may lack one) the target stays the Request-URI until a response
  // brings one.
  dialog.remote_target = request.request_uri();
  take_route_set(dialog, response, true);
  dialog.early = response.status() < 200;
  return result;
}

std::optional<Dialog> Dialog::from_uas(const Message& request, std::string_view local_tag) {
  std::optional<Dialog> result(std::in_place);
  Dialog& dialog = *result;
  dialog.id = request_dialog_id(request);
  auto from = request.header("From");
  auto to = request.header("To");
  auto seq = cseq_number(request);
  if (!dialog.id.call_id.empty() && !local_tag.empty() && from && to && seq) {
    dialog.local = *to;
    if (dialog.id.local_tag.empty()) dialog.local.append(";tag=").append(local_tag);
    dialog.id.local_tag = local_tag;
    dialog.remote = *from;
    dialog.remote_seq = *seq;
    take_route_set(dialog, request, false);
  }
  // §12.1.1 needs the peer's Contact (so an empty target also stands for the failures above).
  if (dialog.remote_target.empty()) result.reset();
  return result;
}

void Dialog::confirm_with(const Message& response) {
  early = false;
  take_route_set(*this, response, true);
  if (auto to = response.header("To")) remote = *to;
}

void Dialog::refresh_target(const Message& message) {
  auto target = contact_target(message);
  if (!target.empty()) remote_target = std::move(target);
}

Message Dialog::make_request(std::string_view method, std::string via) {
  // §12.2.1.1: an empty local sequence number starts anywhere; we start at 1.
  local_seq = local_seq ? *local_seq + 1 : 1;
  return build_request(method, *local_seq, std::move(via));
}

Message Dialog::make_ack(uint32_t invite_cseq, std::string via) const {
  // §13.2.2.4: built like any in-dialog request, but with the INVITE's CSeq number; the local
  // sequence number does not move.
  return build_request("ACK", invite_cseq, std::move(via));
}

Message Dialog::build_request(std::string_view method, uint32_t cseq, std::string via) const {
  // §12.2.1.1 strict routing: the first route becomes the Request-URI and the remote target
  // goes last in the Route list.
  const bool strict = !route_set.empty() && !is_loose_route(route_set.front());
  Message request =
      internal::new_request(method, strict ? uri_text(route_set.front()) : remote_target, via,
                            remote, local, cseq, id.call_id, false);
  for (std::size_t i = strict; i < route_set.size(); ++i) request.add_header("Route", route_set[i]);
  if (strict) request.add_header("Route", "<" + remote_target + ">");
  return request;
}

bool Dialog::accept_remote_cseq(uint32_t cseq) {
  if (remote_seq && cseq < *remote_seq) return false;
  remote_seq = cseq;
  return true;
}

namespace {
// `digits` base-36 digits of a random value, least significant first, appended to `out`.
void append_base36(std::string& out, uint64_t random, int digits) {
  for (int i = 0; i < digits; ++i) {
    out += "0123456789abcdefghijklmnopqrstuvwxyz"[random % 36];
    random /= 36;
  }
}
}  // namespace

std::string make_tag(uint64_t random) {
  std::string out;
  append_base36(out, random, 10);
  return out;
}

std::string make_call_id(uint64_t random1, uint64_t random2) {
  std::string out;
  append_base36(out, random1, 10);
  append_base36(out, random2, 10);
  return out;
}

// (declared in transaction.hpp) The magic cookie then twelve base-36 digits: 62 bits of the random
// value, unique enough for one client's transactions and in the same character class as the
// public client's branches.
std::string make_branch(uint64_t random) {
  std::string out("z9hG4bK");
  append_base36(out, random, 12);
  return out;
}

std::string uri_text(std::string_view name_addr) {
  if (!parse_name_addr(name_addr)) return {};
  auto open = name_addr.find('<');
  if (open != std::string_view::npos) {
    auto close = name_addr.find('>', open);
    if (close == std::string_view::npos) return {};
    return std::string(name_addr.substr(open + 1, close - open - 1));
  }
  // addr-spec: parameters after the URI belong to the header (§20), so the URI ends at ';'.
  const std::string_view addr_spec = name_addr.substr(grammar::skip_lws(name_addr, 0));
  return std::string(addr_spec.substr(0, addr_spec.find_first_of("; \t")));
}

}  // namespace acw::sip
