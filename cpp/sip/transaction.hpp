// SIP transactions over a reliable transport (RFC 3261 §17, with RFC 6026's Accepted state): client
// and server, INVITE and non-INVITE.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"

namespace acw::sip {

// A transaction's handle: unique in one TransactionLayer and never reused, so a handle kept by
// the transaction user (TU) after the transaction ended simply finds nothing.
using TransactionId = uint64_t;

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// States of Figures 5-8 (RFC 3261 §17) plus Accepted (RFC 6026 §7.1, §7.2). Trying is the
// non-INVITE counterpart of Calling (client) and the first state of a server non-INVITE.
enum class TransactionState {
  kCalling,
  kTrying,
  kProceeding,
  kAccepted,
  kCompleted,
  kConfirmed,
  kTerminated
};
std::string_view state_name(TransactionState state);

// A client (§17.1) or a server (§17.2) transaction: one type for both tables, so that they share
// their code (vector growth, erase, moves) in the wasm. Each side leaves the other's members
// empty.
struct Transaction {
  TransactionId id = 0;
  std::string branch;  // client: the branch of the request's top Via
  std::string key;     // server: the §17.2.3 matching key (see transaction.cpp)
  std::string method;  // of the request that created it: INVITE, CANCEL, BYE, REGISTER...
  Message request;
  TransactionState state = TransactionState::kCalling;  // set by the layer on creation
  int64_t deadline = kNever;             // the one running timer: client B, F or M; server H or L
  int last_status = 0;                   // client: of the last response received
  std::optional<Message> last_response;  // server: the last response sent
};
using ClientTransaction = Transaction;
using ServerTransaction = Transaction;

// A response matched to a client transaction (§17.1.3).
struct ResponseMatch {
  TransactionId id = 0;
  std::string method;  // the transaction's method
  bool to_tu = true;   // false: absorbed by the transaction (nothing for the TU to do)
};

enum class RequestMatch {
  kNew,             // a new server transaction: the TU answers it with respond()
  kRetransmission,  // absorbed; the last response, if any, was sent again
  kAckAbsorbed,     // ACK for a non-2xx final response, absorbed (§17.2.1)
  kAckForTu,        // ACK matching no transaction: the ACK for a 2xx, for the dialog (§13.3.1.4)
  kRefused,         // the table is full: answered 503 statelessly (or dropped for an ACK)
};

struct RequestDisposition {
  RequestMatch match = RequestMatch::kNew;
  TransactionId id = 0;
  // For a new CANCEL: the INVITE server transaction it matches (§9.2), 0 when none.
  TransactionId cancels = 0;
};

// A timer that ended a transaction with a failure the TU must hear about: B or F (no final
// response) for a client transaction, H (no ACK) for a server INVITE transaction.
struct TransactionTimeout {
  TransactionId id = 0;
  bool client = true;
  std::string method;
};

// The transaction layer: a table of client and server transactions, their timers, and the
// messages they send. Sans-I/O: messages to send are queued in an outbox that the owner
// drains (take_outbox) after every call; every input carries `now` in milliseconds.
class TransactionLayer {
 public:
  explicit TransactionLayer(std::size_t max_transactions = 256) : max_(max_transactions) {}

  // §17.1: starts a client transaction for a request the TU built (its top Via carries a fresh
  // branch and CSeq names its method) and queues the request. ACK is never sent through here
  // (§17.1.1.3: the ACK for a 2xx is the TU's). Returns 0 when the table is full or the request
  // has no branch/CSeq.
  TransactionId send_request(Message request, int64_t now);

  // §17.1.3: the client transaction a response belongs to, or nullopt when none matches (the
  // caller logs and ignores it). For an INVITE answered 300-699 the ACK is queued here (§17.1.1.3).
  std::optional<ResponseMatch> receive_response(const Message& response, int64_t now);

  // §17.2.3: what a request is to the server side. Retransmissions are absorbed here.
  RequestDisposition receive_request(const Message& request, int64_t now);

  // Sends a response within a server transaction and moves it on (§17.2.1, §17.2.2).
  // Returns false if the transaction is gone or already sent a final response.
  bool respond(TransactionId id, Message response, int64_t now);

  // The earliest timer deadline, kNever when none runs.
  int64_t next_deadline() const;
  // Fires every timer due at `now`; returns the failures the TU must hear about. Harmless when
  // nothing is due.
  std::vector<TransactionTimeout> handle_timeout(int64_t now);

  // Messages to send, in order. The owner serialises them onto the transport.
  std::vector<Message> take_outbox();

  const ClientTransaction* client(TransactionId id) const;
  const ServerTransaction* server(TransactionId id) const;
  bool exists(TransactionId id) const { return client(id) != nullptr || server(id) != nullptr; }
  std::size_t size() const { return clients_.size() + servers_.size(); }

  // The transport went away: every transaction ends without a word (§17.1.4: the TU treats
  // its pending requests as failed itself).
  void clear();

 private:
  bool full() const { return size() >= max_; }
  // Each transaction on the heap: growing or erasing from a table moves pointers only.
  using Table = std::vector<std::unique_ptr<Transaction>>;
  Table::iterator find_server_key(std::string_view key);

  std::size_t max_;
  TransactionId next_id_ = 1;
  // In creation order, which is id order (ids only grow). A live server transaction's key is
  // unique among them: a request with a known key is a retransmission, never a new transaction.
  Table clients_;
  Table servers_;
  std::vector<Message> outbox_;
};

// §8.1.1.7: a branch that starts with the magic cookie, from one random value.
std::string make_branch(uint64_t random);

// §8.2.6: a response to `request`: the Via fields, From, To (with `to_tag` added when the To has
// no tag, `to_tag` is not empty and status > 100), CSeq and Call-ID copied in this order, which is
// the order the public client writes them. The caller appends its own fields after these.
Message make_response(const Message& request, int status, std::string_view to_tag = {});

// §17.1.1.3: the ACK a client INVITE transaction sends for a 300-699 response, header for header
// as the public client writes it (Via, To, From, Call-ID, CSeq, Max-Forwards; Route copied).
Message make_ack_for_failure(const Message& invite, const Message& response);

// §9.1: a CANCEL for `invite`: same Request-URI, Call-ID, To, From, CSeq number and top Via
// (so the same branch), Route copied. The caller appends Supported/User-Agent.
Message make_cancel(const Message& invite);

}  // namespace acw::sip
