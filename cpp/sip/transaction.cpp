// SIP transactions over a reliable transport (RFC 3261 §17, RFC 6026).
#include "sip/transaction.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "sip/dialog.hpp"
#include "sip/headers.hpp"
#include "sip/internal.hpp"
#include "sip/timers.hpp"
#include "sip/uri.hpp"
#include "text/decimal.hpp"

namespace acw::sip {
namespace {

constexpr std::string_view kMagicCookie = "z9hG4bK";

std::optional<Via> top_via(const Message& message) {
  return parse_via(internal::first_value(message, "Via"));
}

std::optional<CSeq> cseq_of(const Message& message) {
  return parse_cseq(message.header("CSeq").value_or(""));
}

// §17.2.3: with an RFC 3261 branch, a request matches a transaction when branch, sent-by and
// method agree (ACK matching the INVITE). Without the magic cookie (RFC 2543 peers) the
// Request-URI, From tag, Call-ID, CSeq number and top Via are compared instead; the To tag is
// left out so that an ACK still finds its INVITE.
std::string server_key(const Message& request, std::string_view method) {
  std::string key;
  auto add = [&key](std::string_view part) { key.append(part) += '|'; };
  auto via = top_via(request);
  const std::string_view branch = via ? via->branch() : std::string_view();
  if (branch.size() > kMagicCookie.size() &&
      branch.substr(0, kMagicCookie.size()) == kMagicCookie) {
    add(branch);
    key += via->host;
    if (via->port != 0) key += ':';
    text::append_signed_decimal(key, via->port);
    key += '|';
  } else {
    // (From tag, Call-ID)
    const DialogId id = request_dialog_id(request);
    add("2543");
    add(request.request_uri());
    add(id.remote_tag);
    add(id.call_id);
    if (auto cseq = cseq_of(request)) text::append_decimal(key, cseq->number);
    key += '|';
    add(internal::first_value(request, "Via"));
  }
  key += method == "ACK" ? std::string_view("INVITE") : method;
  return key;
}

bool has_tag(std::string_view name_addr_text) {
  auto parsed = parse_name_addr(name_addr_text);
  return parsed && !parsed->tag().empty();
}

void copy_fields(const Message& from, Message& to, std::string_view name) {
  for (const auto& field : from.fields()) {
    if (header_name_equals(field.name, name)) to.add_header(name, field.value);
  }
}

}  // namespace

std::string_view state_name(TransactionState state) {
  switch (state) {
    case TransactionState::kCalling:
      return "Calling";
    case TransactionState::kTrying:
      return "Trying";
    case TransactionState::kProceeding:
      return "Proceeding";
    case TransactionState::kAccepted:
      return "Accepted";
    case TransactionState::kCompleted:
      return "Completed";
    case TransactionState::kConfirmed:
      return "Confirmed";
    case TransactionState::kTerminated:
      return "Terminated";
  }
  return "?";
}

TransactionId TransactionLayer::send_request(Message request, int64_t now) {
  auto via = top_via(request);
  auto cseq = cseq_of(request);
  if (!via || via->branch().empty() || !cseq || cseq->method == "ACK" || full()) return 0;
  auto owned = std::make_unique<Transaction>();
  Transaction& t = *owned;
  t.id = next_id_++;
  t.branch = via->branch();
  t.method = cseq->method;
  // §17.1.1.2: an INVITE transaction starts in Calling with Timer B; §17.1.2.2: a non-INVITE
  // one in Trying with Timer F. Timers A and E (retransmission) stay off on a reliable transport.
  if (t.method == "INVITE") {
    t.state = TransactionState::kCalling;
    t.deadline = now + timers::kTimerB;
  } else {
    t.state = TransactionState::kTrying;
    t.deadline = now + timers::kTimerF;
  }
  outbox_.push_back(request);
  t.request = std::move(request);
  TransactionId id = t.id;
  clients_.push_back(std::move(owned));
  return id;
}

std::optional<ResponseMatch> TransactionLayer::receive_response(const Message& response,
                                                                int64_t now) {
  auto via = top_via(response);
  auto cseq = cseq_of(response);
  if (!via || !cseq) return std::nullopt;
  // §17.1.3: same branch as the request's top Via, and the CSeq method of the transaction
  // (a CANCEL shares its INVITE's branch but is a transaction of its own).
  auto it = clients_.begin();
  for (; it != clients_.end(); ++it) {
    if ((*it)->branch == via->branch() && (*it)->method == cseq->method) break;
  }
  if (it == clients_.end()) return std::nullopt;
  Transaction& t = **it;
  const int status = response.status();
  ResponseMatch match{t.id, t.method, true};

  if (t.method == "INVITE") {
    switch (t.state) {
      case TransactionState::kCalling:
      case TransactionState::kProceeding:
        t.last_status = status;
        if (status < 200) {
          // §17.1.1.2: Proceeding; Timer B only guards the Calling state.
          t.state = TransactionState::kProceeding;
          t.deadline = kNever;
        } else if (status < 300) {
          // RFC 6026 §7.2: Accepted, so 2xx retransmissions and forks still reach the TU.
          t.state = TransactionState::kAccepted;
          t.deadline = now + timers::kTimerM;
        } else {
          // §17.1.1.3: ACK the failure, then Completed for Timer D (zero here) and Terminated.
          const Message ack = make_ack_for_failure(t.request, response);
          outbox_.push_back(ack);
          t.state = TransactionState::kCompleted;
          t.deadline = now + timers::kTimerD;
          if (timers::kTimerD == 0) clients_.erase(it);
        }
        return match;
      case TransactionState::kAccepted:
        match.to_tu = status >= 200 && status < 300;
        return match;
      default:
        match.to_tu = false;
        return match;
    }
  }

  switch (t.state) {
    case TransactionState::kTrying:
    case TransactionState::kProceeding:
      t.last_status = status;
      if (status < 200) {
        t.state = TransactionState::kProceeding;  // §17.1.2.2: Timer F keeps running
      } else {
        t.state = TransactionState::kCompleted;
        t.deadline = now + timers::kTimerK;
        if (timers::kTimerK == 0) clients_.erase(it);
      }
      return match;
    default:
      match.to_tu = false;
      return match;
  }
}

RequestDisposition TransactionLayer::receive_request(const Message& request, int64_t now) {
  const std::string method(request.method());
  const std::string key = server_key(request, method);
  auto it = find_server_key(key);

  if (method == "ACK") {
    if (it == servers_.end()) return {RequestMatch::kAckForTu, 0, 0};
    Transaction& t = **it;
    if (t.state == TransactionState::kCompleted) {
      // §17.2.1: the ACK for a failure moves Completed to Confirmed; Timer I is zero here.
      t.state = TransactionState::kConfirmed;
      t.deadline = now + timers::kTimerI;
      TransactionId id = t.id;
      if (timers::kTimerI == 0) servers_.erase(it);
      return {RequestMatch::kAckAbsorbed, id, 0};
    }
    if (t.state == TransactionState::kAccepted) return {RequestMatch::kAckForTu, t.id, 0};
    return {RequestMatch::kAckAbsorbed, t.id, 0};
  }

  if (it != servers_.end()) {
    const Transaction& t = **it;
    // §17.2.1, §17.2.2: a retransmitted request gets the most recent response again; in
    // Accepted (RFC 6026 §8.7) the TU retransmits its 2xx itself.
    if (t.last_response && t.state != TransactionState::kAccepted)
      outbox_.push_back(*t.last_response);
    return {RequestMatch::kRetransmission, t.id, 0};
  }

  if (full()) {
    // Too many transactions at once: refuse without keeping state (§21.5.4 503).
    const Message refusal = make_response(request, 503);
    outbox_.push_back(refusal);
    return {RequestMatch::kRefused, 0, 0};
  }

  auto owned = std::make_unique<Transaction>();
  Transaction& t = *owned;
  t.id = next_id_++;
  t.key = key;
  t.method = method;
  t.request = request;
  // §17.2.1: an INVITE server transaction is created in Proceeding; §17.2.2: others in Trying.
  t.state = method == "INVITE" ? TransactionState::kProceeding : TransactionState::kTrying;
  RequestDisposition disposition{RequestMatch::kNew, t.id, 0};
  if (method == "CANCEL") {
    // §9.2: the CANCEL matches the INVITE server transaction with the same branch and sent-by.
    auto invite = find_server_key(server_key(request, "INVITE"));
    if (invite != servers_.end()) disposition.cancels = (*invite)->id;
  }
  servers_.push_back(std::move(owned));
  return disposition;
}

bool TransactionLayer::respond(TransactionId id, Message response, int64_t now) {
  auto it =
      std::find_if(servers_.begin(), servers_.end(), [id](const auto& t) { return t->id == id; });
  if (it == servers_.end()) return false;
  Transaction& t = **it;
  if (t.state != TransactionState::kTrying && t.state != TransactionState::kProceeding)
    return false;
  const int status = response.status();
  outbox_.push_back(response);
  t.last_response = std::move(response);
  if (status < 200) {
    t.state = TransactionState::kProceeding;
    return true;
  }
  if (t.method == "INVITE") {
    if (status < 300) {
      // RFC 6026 §7.1: Accepted for Timer L; the TU owns 2xx retransmission (§13.3.1.4).
      t.state = TransactionState::kAccepted;
      t.deadline = now + timers::kTimerL;
    } else {
      // §17.2.1: Completed, waiting for the ACK until Timer H (Timer G is off: reliable).
      t.state = TransactionState::kCompleted;
      t.deadline = now + timers::kTimerH;
    }
    return true;
  }
  // §17.2.2: Completed for Timer J, which is zero on a reliable transport.
  t.state = TransactionState::kCompleted;
  t.deadline = now + timers::kTimerJ;
  if (timers::kTimerJ == 0) servers_.erase(it);
  return true;
}

int64_t TransactionLayer::next_deadline() const {
  int64_t next = kNever;
  for (const auto& t : clients_) next = std::min(next, t->deadline);
  for (const auto& t : servers_) next = std::min(next, t->deadline);
  return next;
}

std::vector<TransactionTimeout> TransactionLayer::handle_timeout(int64_t now) {
  std::vector<TransactionTimeout> failures;
  for (Table* table : {&clients_, &servers_}) {
    const bool client = table == &clients_;
    for (auto it = table->begin(); it != table->end();) {
      const Transaction& t = **it;
      if (t.deadline > now) {
        ++it;
        continue;
      }
      using enum TransactionState;
      const bool invite = t.method == "INVITE";
      // Client: Timer B fires only in Calling (§17.1.1.2) and Timer F in Trying/Proceeding
      // (§17.1.2.2): both report a timeout; M, D and K just end the transaction. Server: Timer H
      // (no ACK for a failure, §17.2.1) is a transaction failure for the TU; L just ends it.
      const bool failed =
          client ? t.state == kCalling || t.state == kTrying || (t.state == kProceeding && !invite)
                 : t.state == kCompleted && invite;
      if (failed) failures.push_back({t.id, client, t.method});
      it = table->erase(it);
    }
  }
  return failures;
}

std::vector<Message> TransactionLayer::take_outbox() {
  std::vector<Message> out;
  out.swap(outbox_);
  return out;
}

const ClientTransaction* TransactionLayer::client(TransactionId id) const {
  for (const auto& t : clients_) {
    if (t->id == id) return t.get();
  }
  return nullptr;
}

const ServerTransaction* TransactionLayer::server(TransactionId id) const {
  for (const auto& t : servers_) {
    if (t->id == id) return t.get();
  }
  return nullptr;
}

void TransactionLayer::clear() {
  clients_.clear();
  servers_.clear();
}

TransactionLayer::Table::iterator TransactionLayer::find_server_key(std::string_view key) {
  return std::find_if(servers_.begin(), servers_.end(),
                      [key](const auto& t) { return t->key == key; });
}

Message make_response(const Message& request, int status, std::string_view to_tag) {
  Message response = Message::response(status, reason_phrase(status));
  copy_fields(request, response, "Via");
  response.add_header("From", request.header("From").value_or(""));
  std::string to(request.header("To").value_or(""));
  // §8.2.6.2: a response other than 100 carries the UAS's To tag when the request had none.
  if (status > 100 && !to_tag.empty() && !has_tag(to)) to.append(";tag=").append(to_tag);
  response.add_header("To", to);
  response.add_header("CSeq", request.header("CSeq").value_or(""));
  response.add_header("Call-ID", request.call_id());
  return response;
}

namespace internal {

std::string_view first_value(const Message& message, std::string_view name) {
  const auto values = message.header_values(name);
  return values.empty() ? std::string_view() : values.front();
}

Message new_request(std::string_view method, std::string_view request_uri, std::string_view via,
                    std::string_view to, std::string_view from, uint32_t cseq,
                    std::string_view call_id, bool call_id_first) {
  Message out = Message::request(method, request_uri);
  out.add_header("Via", via);
  out.add_header("To", to);
  out.add_header("From", from);
  std::string cseq_value = text::decimal(cseq);
  cseq_value += ' ';
  cseq_value += method;
  if (call_id_first) out.add_header("Call-ID", call_id);
  out.add_header("CSeq", cseq_value);
  if (!call_id_first) out.add_header("Call-ID", call_id);
  out.add_header("Max-Forwards", "70");
  return out;
}

}  // namespace internal

namespace {

// The ACK for a failure and the CANCEL share all but the To field and the order of Call-ID and
// CSeq (each as the public client writes it): one routine for both.
Message invite_sibling(const Message& invite, std::string_view method, std::string_view to,
                       bool call_id_first) {
  auto cseq = cseq_of(invite);
  Message out = internal::new_request(
      method, invite.request_uri(), internal::first_value(invite, "Via"), to,
      invite.header("From").value_or(""), cseq ? cseq->number : 0, invite.call_id(), call_id_first);
  copy_fields(invite, out, "Route");
  return out;
}

}  // namespace

Message make_ack_for_failure(const Message& invite, const Message& response) {
  return invite_sibling(invite, "ACK", response.header("To").value_or(""), true);
}

Message make_cancel(const Message& invite) {
  return invite_sibling(invite, "CANCEL", invite.header("To").value_or(""), false);
}

}  // namespace acw::sip
