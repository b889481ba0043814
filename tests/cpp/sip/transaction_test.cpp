// SIP transactions over a reliable transport (RFC 3261 §17, RFC 6026): matching, state changes,
// timers B/F/H, ACK and CANCEL.
#include "sip/transaction.hpp"

#include <gtest/gtest.h>

#include "sip/headers.hpp"
#include "sip/timers.hpp"

namespace acw::sip {
namespace {

Message request(std::string method, std::string branch, std::string cseq_method = {}) {
  Message m = Message::request(method, "sip:bob@example.com");
  m.add_header("Via", "SIP/2.0/WSS a.invalid;branch=" + branch);
  m.add_header("To", "<sip:bob@example.com>");
  m.add_header("From", "<sip:alice@example.com>;tag=a1");
  m.add_header("CSeq", "1 " + (cseq_method.empty() ? method : cseq_method));
  m.add_header("Call-ID", "call-1");
  m.add_header("Max-Forwards", "70");
  return m;
}

TEST(Timers, ReliableTransportValues) {
  EXPECT_EQ(timers::kT1, 500);
  EXPECT_EQ(timers::kTimerB, 32000);
  EXPECT_EQ(timers::kTimerF, 32000);
  EXPECT_EQ(timers::kTimerH, 32000);
  EXPECT_EQ(timers::kTimerD, 0);
  EXPECT_EQ(timers::kTimerI, 0);
  EXPECT_EQ(timers::kTimerJ, 0);
  EXPECT_EQ(timers::kTimerK, 0);
}

TEST(ClientTransaction, InviteProceedsAndIsAcceptedOn2xx) {
  TransactionLayer layer;
  Message invite = request("INVITE", "z9hG4bKinv1");
  TransactionId id = layer.send_request(invite, 0);
  ASSERT_NE(id, 0u);
  auto out = layer.take_outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], invite);
  EXPECT_EQ(layer.client(id)->state, TransactionState::kCalling);
  EXPECT_EQ(layer.next_deadline(), timers::kTimerB);

  auto m = layer.receive_response(make_response(invite, 180, "b1"), 100);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, id);
  EXPECT_TRUE(m->to_tu);
  EXPECT_EQ(layer.client(id)->state, TransactionState::kProceeding);
  EXPECT_EQ(layer.next_deadline(), kNever);  // Timer B guards Calling only

  m = layer.receive_response(make_response(invite, 200, "b1"), 200);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->to_tu);
  EXPECT_EQ(layer.client(id)->state, TransactionState::kAccepted);
  EXPECT_TRUE(layer.take_outbox().empty());  // the ACK for a 2xx is the TU's
  // RFC 6026: retransmissions and forks still reach the TU until Timer M.
  m = layer.receive_response(make_response(invite, 200, "b2"), 300);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->to_tu);
  EXPECT_TRUE(layer.handle_timeout(200 + timers::kTimerM).empty());
  EXPECT_FALSE(layer.exists(id));
}

TEST(ClientTransaction, InviteFailureIsAckedInTheTransaction) {
  TransactionLayer layer;
  Message invite = request("INVITE", "z9hG4bKinv2");
  invite.add_header("Route", "<sip:proxy.example;lr>");
  TransactionId id = layer.send_request(invite, 0);
  layer.take_outbox();
  auto m = layer.receive_response(make_response(invite, 486, "b1"), 10);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->to_tu);
  auto out = layer.take_outbox();
  ASSERT_EQ(out.size(), 1u);
  const Message& ack = out[0];
  EXPECT_EQ(ack.method(), "ACK");
  EXPECT_EQ(ack.request_uri(), "sip:bob@example.com");
  EXPECT_EQ(ack.header("Via").value_or(""), "SIP/2.0/WSS a.invalid;branch=z9hG4bKinv2");
  EXPECT_EQ(ack.header("To").value_or(""), "<sip:bob@example.com>;tag=b1");
  EXPECT_EQ(ack.header("CSeq").value_or(""), "1 ACK");
  EXPECT_EQ(ack.header("Route").value_or(""), "<sip:proxy.example;lr>");
  // Timer D is zero on a reliable transport: the transaction is gone, a copy is unmatched.
  EXPECT_FALSE(layer.exists(id));
  EXPECT_FALSE(layer.receive_response(make_response(invite, 486, "b1"), 20));
}

TEST(ClientTransaction, TimerBFiresOnlyInCalling) {
  TransactionLayer layer;
  TransactionId id = layer.send_request(request("INVITE", "z9hG4bKb"), 0);
  EXPECT_TRUE(layer.handle_timeout(timers::kTimerB - 1).empty());
  auto fired = layer.handle_timeout(timers::kTimerB);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].id, id);
  EXPECT_TRUE(fired[0].client);
  EXPECT_EQ(fired[0].method, "INVITE");
  EXPECT_FALSE(layer.exists(id));
}

TEST(ClientTransaction, NonInviteTimerFRunsThroughProceeding) {
  TransactionLayer layer;
  Message reg = request("REGISTER", "z9hG4bKreg");
  TransactionId id = layer.send_request(reg, 0);
  EXPECT_EQ(layer.client(id)->state, TransactionState::kTrying);
  layer.receive_response(make_response(reg, 100), 10);
  EXPECT_EQ(layer.client(id)->state, TransactionState::kProceeding);
  auto fired = layer.handle_timeout(timers::kTimerF);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].method, "REGISTER");
}

TEST(ClientTransaction, NonInviteFinalEndsIt) {
  TransactionLayer layer;
  Message bye = request("BYE", "z9hG4bKbye");
  TransactionId id = layer.send_request(bye, 0);
  auto m = layer.receive_response(make_response(bye, 200), 5);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->method, "BYE");
  EXPECT_FALSE(layer.exists(id));  // Timer K is zero
  EXPECT_EQ(layer.next_deadline(), kNever);
}

TEST(ClientTransaction, MatchingNeedsBranchAndCSeqMethod) {
  TransactionLayer layer;
  Message invite = request("INVITE", "z9hG4bKsame");
  TransactionId invite_id = layer.send_request(invite, 0);
  Message cancel = make_cancel(invite);
  TransactionId cancel_id = layer.send_request(cancel, 1);
  ASSERT_NE(cancel_id, 0u);
  // §17.1.3: same branch, different CSeq method: different transactions.
  auto m = layer.receive_response(make_response(cancel, 200, "b"), 2);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, cancel_id);
  m = layer.receive_response(make_response(invite, 487, "b"), 3);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, invite_id);
  EXPECT_FALSE(layer.receive_response(make_response(request("INVITE", "z9hG4bKother"), 200), 4));
}

TEST(ClientTransaction, RefusesWhatItCannotTrack) {
  TransactionLayer layer(2);
  EXPECT_EQ(layer.send_request(request("ACK", "z9hG4bKack"), 0), 0u);
  Message no_branch = request("OPTIONS", "x");
  no_branch.set_header("Via", "SIP/2.0/WSS a.invalid");
  EXPECT_EQ(layer.send_request(no_branch, 0), 0u);
  EXPECT_NE(layer.send_request(request("OPTIONS", "z9hG4bK1"), 0), 0u);
  EXPECT_NE(layer.send_request(request("OPTIONS", "z9hG4bK2"), 0), 0u);
  EXPECT_EQ(layer.send_request(request("OPTIONS", "z9hG4bK3"), 0), 0u);  // full
}

TEST(ServerTransaction, InviteFailureWaitsForAckThenTimerH) {
  TransactionLayer layer;
  Message invite = request("INVITE", "z9hG4bKsrv");
  auto d = layer.receive_request(invite, 0);
  EXPECT_EQ(d.match, RequestMatch::kNew);
  EXPECT_EQ(layer.server(d.id)->state, TransactionState::kProceeding);
  EXPECT_TRUE(layer.respond(d.id, make_response(invite, 100), 0));
  EXPECT_TRUE(layer.respond(d.id, make_response(invite, 180, "t"), 1));
  layer.take_outbox();
  // §17.2.1: a retransmitted INVITE gets the latest provisional again.
  auto again = layer.receive_request(invite, 2);
  EXPECT_EQ(again.match, RequestMatch::kRetransmission);
  auto out = layer.take_outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 180);
  EXPECT_TRUE(layer.respond(d.id, make_response(invite, 486, "t"), 3));
  EXPECT_FALSE(layer.respond(d.id, make_response(invite, 500, "t"), 3));  // one final only
  EXPECT_EQ(layer.server(d.id)->state, TransactionState::kCompleted);
  layer.take_outbox();
  layer.receive_request(invite, 4);
  out = layer.take_outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 486);
  auto fired = layer.handle_timeout(3 + timers::kTimerH);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_FALSE(fired[0].client);
  EXPECT_FALSE(layer.exists(d.id));
}

TEST(ServerTransaction, AckForFailureIsAbsorbed) {
  TransactionLayer layer;
  Message invite = request("INVITE", "z9hG4bKsrv2");
  auto d = layer.receive_request(invite, 0);
  layer.respond(d.id, make_response(invite, 603, "t"), 1);
  Message ack = request("ACK", "z9hG4bKsrv2");
  auto a = layer.receive_request(ack, 2);
  EXPECT_EQ(a.match, RequestMatch::kAckAbsorbed);
  EXPECT_FALSE(layer.exists(d.id));  // Confirmed, Timer I zero
  // An ACK with another branch is for a 2xx: the TU's.
  EXPECT_EQ(layer.receive_request(request("ACK", "z9hG4bKnew"), 3).match, RequestMatch::kAckForTu);
}

TEST(ServerTransaction, InviteAcceptedAbsorbsRetransmissions) {
  TransactionLayer layer;
  Message invite = request("INVITE", "z9hG4bKsrv3");
  auto d = layer.receive_request(invite, 0);
  layer.respond(d.id, make_response(invite, 200, "t"), 1);
  EXPECT_EQ(layer.server(d.id)->state, TransactionState::kAccepted);
  layer.take_outbox();
  EXPECT_EQ(layer.receive_request(invite, 2).match, RequestMatch::kRetransmission);
  EXPECT_TRUE(layer.take_outbox().empty());  // RFC 6026: the TU retransmits its 2xx
  EXPECT_TRUE(layer.handle_timeout(1 + timers::kTimerL).empty());
  EXPECT_FALSE(layer.exists(d.id));
}

TEST(ServerTransaction, CancelMatchesItsInvite) {
  TransactionLayer layer;
  Message invite = request("INVITE", "z9hG4bKc1");
  auto d = layer.receive_request(invite, 0);
  Message cancel = request("CANCEL", "z9hG4bKc1");
  auto c = layer.receive_request(cancel, 1);
  EXPECT_EQ(c.match, RequestMatch::kNew);
  EXPECT_NE(c.id, d.id);
  EXPECT_EQ(c.cancels, d.id);
  Message other = request("CANCEL", "z9hG4bKc2");
  EXPECT_EQ(layer.receive_request(other, 2).cancels, 0u);
  // A different sent-by is a different transaction (§17.2.3).
  Message moved = cancel;
  moved.set_header("Via", "SIP/2.0/WSS b.invalid;branch=z9hG4bKc1");
  EXPECT_EQ(layer.receive_request(moved, 3).cancels, 0u);
}

TEST(ServerTransaction, NonInviteEndsOnFinal) {
  TransactionLayer layer;
  Message bye = request("BYE", "z9hG4bKbye");
  auto d = layer.receive_request(bye, 0);
  EXPECT_EQ(layer.server(d.id)->state, TransactionState::kTrying);
  EXPECT_TRUE(layer.respond(d.id, make_response(bye, 200), 1));
  EXPECT_FALSE(layer.exists(d.id));  // Timer J zero
}

// Client and server timeouts due at once: client failures first, each table in creation order;
// the transactions that end without a failure (Timer L) go too, the others stay.
TEST(TransactionTimeouts, BothSidesAtOnce) {
  TransactionLayer layer;
  const TransactionId options = layer.send_request(request("OPTIONS", "z9hG4bKo1"), 0);
  const TransactionId invite = layer.send_request(request("INVITE", "z9hG4bKi1"), 0);
  const TransactionId later = layer.send_request(request("BYE", "z9hG4bKb1"), 10);
  Message incoming = request("INVITE", "z9hG4bKs1");
  const auto failed = layer.receive_request(incoming, 0);
  EXPECT_TRUE(layer.respond(failed.id, make_response(incoming, 486, "t"), 0));
  Message accepted_invite = request("INVITE", "z9hG4bKs2");
  const auto accepted = layer.receive_request(accepted_invite, 0);
  EXPECT_TRUE(layer.respond(accepted.id, make_response(accepted_invite, 200, "t"), 0));
  EXPECT_EQ(layer.size(), 5u);
  const auto fired = layer.handle_timeout(32000);
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[0].id, options);
  EXPECT_TRUE(fired[0].client);
  EXPECT_EQ(fired[0].method, "OPTIONS");
  EXPECT_EQ(fired[1].id, invite);
  EXPECT_EQ(fired[2].id, failed.id);
  EXPECT_FALSE(fired[2].client);
  EXPECT_EQ(fired[2].method, "INVITE");
  EXPECT_FALSE(layer.exists(accepted.id));  // Timer L (32 s) ends it without a failure
  ASSERT_NE(layer.client(later), nullptr);
  EXPECT_EQ(layer.client(later)->method, "BYE");
  EXPECT_EQ(layer.size(), 1u);
}

TEST(ServerTransaction, Rfc2543RequestsMatchWithoutTheCookie) {
  TransactionLayer layer;
  Message old = request("INVITE", "old1");
  old.set_header("Via", "SIP/2.0/UDP host.example");
  auto d = layer.receive_request(old, 0);
  EXPECT_EQ(d.match, RequestMatch::kNew);
  EXPECT_EQ(layer.receive_request(old, 1).match, RequestMatch::kRetransmission);
}

TEST(ServerTransaction, Rfc2543KeysTellRequestsApart) {
  // Without the cookie: Request-URI, From tag, Call-ID, CSeq number and top Via make the key (not
  // the To tag, so that the ACK finds its INVITE; the CSeq method only through INVITE = ACK).
  auto old = [](std::string_view name, std::string_view value) {
    Message m = request("INVITE", "old1");
    m.set_header("Via", "SIP/2.0/UDP host.example");
    if (!name.empty()) m.set_header(name, value);
    return m;
  };
  TransactionLayer layer;
  EXPECT_EQ(layer.receive_request(old("", ""), 0).match, RequestMatch::kNew);
  EXPECT_EQ(layer.receive_request(old("To", "<sip:bob@example.com>;tag=b2"), 0).match,
            RequestMatch::kRetransmission);
  EXPECT_EQ(layer.receive_request(old("From", "<sip:alice@example.com>;tag=a2"), 0).match,
            RequestMatch::kNew);
  EXPECT_EQ(layer.receive_request(old("Call-ID", "call-2"), 0).match, RequestMatch::kNew);
  EXPECT_EQ(layer.receive_request(old("CSeq", "2 INVITE"), 0).match, RequestMatch::kNew);
  EXPECT_EQ(layer.receive_request(old("Via", "SIP/2.0/UDP other.example"), 0).match,
            RequestMatch::kNew);
  const Message first = old("To", "<sip:bob@example.com>;tag=b2");
  Message ack = Message::request("ACK", "sip:bob@example.com");
  Message other = Message::request("INVITE", "sip:carol@example.com");
  for (const HeaderField& field : first.fields()) {
    ack.add_header(field.name, field.name == "CSeq" ? "1 ACK" : field.value);
    other.add_header(field.name, field.value);
  }
  // The first INVITE got no final response, so its ACK is absorbed rather than passed on.
  EXPECT_EQ(layer.receive_request(ack, 0).match, RequestMatch::kAckAbsorbed);
  EXPECT_EQ(layer.receive_request(other, 0).match, RequestMatch::kNew);
}

TEST(ServerTransaction, FullTableAnswers503Statelessly) {
  TransactionLayer layer(1);
  layer.receive_request(request("INVITE", "z9hG4bKf1"), 0);
  Message second = request("INVITE", "z9hG4bKf2");
  auto d = layer.receive_request(second, 0);
  EXPECT_EQ(d.match, RequestMatch::kRefused);
  auto out = layer.take_outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].status(), 503);
  EXPECT_EQ(layer.size(), 1u);
}

TEST(MakeResponse, CopiesFieldsInOrderAndAddsTheToTag) {
  Message m = request("INVITE", "z9hG4bKr");
  m.add_header("v", "SIP/2.0/WSS proxy.example;branch=z9hG4bKp");  // compact Via
  Message trying = make_response(m, 100, "tag1");
  EXPECT_EQ(trying.header("To").value_or(""), "<sip:bob@example.com>");  // no tag on 100
  Message ok = make_response(m, 200, "tag1");
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.reason(), "OK");
  ASSERT_EQ(ok.fields().size(), 6u);
  EXPECT_EQ(ok.fields()[0].value, "SIP/2.0/WSS a.invalid;branch=z9hG4bKr");
  EXPECT_EQ(ok.fields()[1].value, "SIP/2.0/WSS proxy.example;branch=z9hG4bKp");
  EXPECT_EQ(ok.fields()[2].name, "From");
  EXPECT_EQ(ok.fields()[3].value, "<sip:bob@example.com>;tag=tag1");
  EXPECT_EQ(ok.fields()[4].name, "CSeq");
  EXPECT_EQ(ok.fields()[5].name, "Call-ID");
  Message tagged = m;
  tagged.set_header("To", "<sip:bob@example.com>;tag=old");
  EXPECT_EQ(make_response(tagged, 200, "new").header("To").value_or(""),
            "<sip:bob@example.com>;tag=old");
}

TEST(MakeCancel, SameBranchAndCSeqNumber) {
  Message invite = request("INVITE", "z9hG4bKcan");
  invite.set_header("CSeq", "7 INVITE");
  Message cancel = make_cancel(invite);
  EXPECT_EQ(cancel.method(), "CANCEL");
  EXPECT_EQ(cancel.request_uri(), invite.request_uri());
  EXPECT_EQ(cancel.header("Via"), invite.header("Via"));
  EXPECT_EQ(cancel.header("CSeq").value_or(""), "7 CANCEL");
  EXPECT_EQ(cancel.header("To"), invite.header("To"));
  EXPECT_EQ(cancel.header("From"), invite.header("From"));
}

TEST(MakeBranch, MagicCookieAndBase36) {
  EXPECT_EQ(make_branch(0), "z9hG4bK000000000000");
  EXPECT_EQ(make_branch(35), "z9hG4bKz00000000000");
  EXPECT_NE(make_branch(1), make_branch(2));
}

}  // namespace
}  // namespace acw::sip

namespace acw::sip {
namespace {

// The ACK for a failure and the CANCEL field for field, in the public client's order (Call-ID
// before CSeq in the ACK, after it in the CANCEL).
TEST(Messages, AckForFailureAndCancelText) {
  Message invite = request("INVITE", "z9hG4bKtext");
  invite.add_header("Route", "<sip:proxy.example;lr>");
  Message failure = make_response(invite, 486, "b1");
  EXPECT_EQ(make_ack_for_failure(invite, failure).serialize(),
            "ACK sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bKtext\r\n"
            "To: <sip:bob@example.com>;tag=b1\r\n"
            "From: <sip:alice@example.com>;tag=a1\r\n"
            "Call-ID: call-1\r\n"
            "CSeq: 1 ACK\r\n"
            "Max-Forwards: 70\r\n"
            "Route: <sip:proxy.example;lr>\r\n"
            "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(make_cancel(invite).serialize(),
            "CANCEL sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bKtext\r\n"
            "To: <sip:bob@example.com>\r\n"
            "From: <sip:alice@example.com>;tag=a1\r\n"
            "CSeq: 1 CANCEL\r\n"
            "Call-ID: call-1\r\n"
            "Max-Forwards: 70\r\n"
            "Route: <sip:proxy.example;lr>\r\n"
            "Content-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace acw::sip
