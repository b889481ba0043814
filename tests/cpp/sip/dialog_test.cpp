// SIP dialogs (RFC 3261 §12): creation on both sides, route sets, targets, CSeq, in-dialog requests
// and ACK.
#include "sip/dialog.hpp"

#include <gtest/gtest.h>

#include "sip/transaction.hpp"

namespace acw::sip {
namespace {

Message invite() {
  Message m = Message::request("INVITE", "sip:bob@example.com");
  m.add_header("Via", "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
  m.add_header("To", "<sip:bob@example.com>");
  m.add_header("From", "\"Alice\" <sip:alice@example.com>;tag=a1");
  m.add_header("CSeq", "5 INVITE");
  m.add_header("Call-ID", "dlg-1");
  m.add_header("Contact", "<sip:alice@a.invalid;transport=ws;ob>");
  return m;
}

Message answer(const Message& request, int status, std::string_view tag) {
  Message r = make_response(request, status, tag);
  r.add_header("Record-Route", "<sip:p1.example;lr>, <sip:p2.example;lr>");
  r.add_header("Contact", "<sip:bob@192.0.2.4;transport=ws>");
  return r;
}

TEST(Dialog, UacFromTwoHundred) {
  Message req = invite();
  auto d = Dialog::from_uac(req, answer(req, 200, "b1"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, (DialogId{"dlg-1", "a1", "b1"}));
  EXPECT_FALSE(d->early);
  EXPECT_EQ(d->local_seq, 5u);
  EXPECT_FALSE(d->remote_seq);
  EXPECT_EQ(d->remote_target, "sip:bob@192.0.2.4;transport=ws");
  // §12.1.2: the Record-Route list reversed.
  EXPECT_EQ(d->route_set, (std::vector<std::string>{"<sip:p2.example;lr>", "<sip:p1.example;lr>"}));
  Message bye = d->make_request("BYE", "SIP/2.0/WSS a.invalid;branch=z9hG4bK2");
  EXPECT_EQ(bye.request_uri(), "sip:bob@192.0.2.4;transport=ws");
  EXPECT_EQ(bye.header("CSeq").value_or(""), "6 BYE");
  EXPECT_EQ(bye.header("To").value_or(""), "<sip:bob@example.com>;tag=b1");
  EXPECT_EQ(bye.header("From").value_or(""), "\"Alice\" <sip:alice@example.com>;tag=a1");
  EXPECT_EQ(bye.header_values("Route"),
            (std::vector<std::string_view>{"<sip:p2.example;lr>", "<sip:p1.example;lr>"}));
  EXPECT_EQ(d->make_request("INFO", "v").header("CSeq").value_or(""), "7 INFO");
}

TEST(Dialog, UacEarlyFromProvisionalWithTag) {
  Message req = invite();
  Message trying = make_response(req, 100);
  EXPECT_FALSE(Dialog::from_uac(req, trying));  // no To tag, no dialog
  Message ringing = make_response(req, 180, "b1");
  auto d = Dialog::from_uac(req, ringing);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->early);
  EXPECT_EQ(d->remote_target, "sip:bob@example.com");  // no Contact yet
  d->confirm_with(answer(req, 200, "b1"));
  EXPECT_FALSE(d->early);
  EXPECT_EQ(d->remote_target, "sip:bob@192.0.2.4;transport=ws");
  EXPECT_EQ(d->route_set.size(), 2u);
}

TEST(Dialog, AckForTwoHundredKeepsTheInviteCSeq) {
  Message req = invite();
  auto d = Dialog::from_uac(req, answer(req, 200, "b1"));
  Message ack = d->make_ack(5, "SIP/2.0/WSS a.invalid;branch=z9hG4bKack");
  EXPECT_EQ(ack.method(), "ACK");
  EXPECT_EQ(ack.header("CSeq").value_or(""), "5 ACK");
  EXPECT_EQ(ack.header("Via").value_or(""), "SIP/2.0/WSS a.invalid;branch=z9hG4bKack");
  EXPECT_EQ(d->local_seq, 5u);  // unchanged
}

TEST(Dialog, UasFromInvite) {
  Message req = invite();
  req.add_header("Record-Route", "<sip:p1.example;lr>");
  req.add_header("Record-Route", "<sip:p2.example;lr>");
  auto d = Dialog::from_uas(req, "b9");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, (DialogId{"dlg-1", "b9", "a1"}));
  EXPECT_EQ(d->local, "<sip:bob@example.com>;tag=b9");
  EXPECT_EQ(d->remote, "\"Alice\" <sip:alice@example.com>;tag=a1");
  EXPECT_EQ(d->remote_seq, 5u);
  EXPECT_FALSE(d->local_seq);
  EXPECT_EQ(d->remote_target, "sip:alice@a.invalid;transport=ws;ob");
  EXPECT_EQ(d->route_set, (std::vector<std::string>{"<sip:p1.example;lr>", "<sip:p2.example;lr>"}));
  Message bye = d->make_request("BYE", "v");
  EXPECT_EQ(bye.header("CSeq").value_or(""), "1 BYE");  // empty local seq starts at 1
  EXPECT_EQ(bye.header("To").value_or(""), d->remote);
  EXPECT_EQ(bye.header("From").value_or(""), d->local);
  Message no_contact = invite();
  no_contact.remove_header("Contact");
  EXPECT_FALSE(Dialog::from_uas(no_contact, "b9"));
}

TEST(Dialog, UasKeepsATagTheToAlreadyHas) {
  Message req = invite();
  req.set_header("To", "<sip:bob@example.com>;tag=old");
  auto d = Dialog::from_uas(req, "b9");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->local, "<sip:bob@example.com>;tag=old");
  EXPECT_EQ(d->id, (DialogId{"dlg-1", "b9", "a1"}));
}

TEST(Dialog, UacTargetIsTheRequestUriUntilAContact) {
  Message req = invite();
  Message ringing = make_response(req, 180, "b1");
  auto d = Dialog::from_uac(req, ringing);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->early);
  EXPECT_EQ(d->remote_target, "sip:bob@example.com");
  EXPECT_TRUE(d->route_set.empty());
  d->confirm_with(answer(req, 200, "b1"));
  EXPECT_FALSE(d->early);
  EXPECT_EQ(d->remote_target, "sip:bob@192.0.2.4;transport=ws");
  EXPECT_EQ(d->route_set, (std::vector<std::string>{"<sip:p2.example;lr>", "<sip:p1.example;lr>"}));
}

TEST(Dialog, MatchingAndRemoteCSeq) {
  Message req = invite();
  auto d = Dialog::from_uas(req, "b9");
  Message bye = Message::request("BYE", "sip:bob@x");
  bye.add_header("From", "<sip:alice@example.com>;tag=a1");
  bye.add_header("To", "<sip:bob@example.com>;tag=b9");
  bye.add_header("Call-ID", "dlg-1");
  EXPECT_TRUE(d->matches_request(bye));
  bye.set_header("To", "<sip:bob@example.com>;tag=zz");
  EXPECT_FALSE(d->matches_request(bye));
  // §12.2.2: lower is out of order; equal or higher is taken.
  EXPECT_FALSE(d->accept_remote_cseq(4));
  EXPECT_TRUE(d->accept_remote_cseq(6));
  EXPECT_FALSE(d->accept_remote_cseq(5));
  EXPECT_EQ(d->remote_seq, 6u);
}

TEST(Dialog, StrictRouteBecomesTheRequestUri) {
  Message req = invite();
  Message ok = make_response(req, 200, "b1");
  ok.add_header("Record-Route", "<sip:strict.example>");
  ok.add_header("Contact", "<sip:bob@192.0.2.4>");
  auto d = Dialog::from_uac(req, ok);
  Message bye = d->make_request("BYE", "v");
  EXPECT_EQ(bye.request_uri(), "sip:strict.example");
  EXPECT_EQ(bye.header_values("Route"), (std::vector<std::string_view>{"<sip:bob@192.0.2.4>"}));
}

TEST(Dialog, TargetRefresh) {
  Message req = invite();
  auto d = Dialog::from_uac(req, answer(req, 200, "b1"));
  Message reinvite = Message::request("INVITE", "sip:alice@a.invalid");
  reinvite.add_header("Contact", "Bob <sip:bob@198.51.100.7;transport=ws>;expires=60");
  d->refresh_target(reinvite);
  EXPECT_EQ(d->remote_target, "sip:bob@198.51.100.7;transport=ws");
  Message none = Message::request("INVITE", "sip:alice@a.invalid");
  d->refresh_target(none);
  EXPECT_EQ(d->remote_target, "sip:bob@198.51.100.7;transport=ws");
}

TEST(Identifiers, TagsAndCallIds) {
  EXPECT_EQ(make_tag(0).size(), 10u);
  EXPECT_EQ(make_call_id(1, 2).size(), 20u);
  EXPECT_NE(make_tag(1), make_tag(2));
  EXPECT_EQ(uri_text("\"A\" <sip:a@b;x=1>;tag=2"), "sip:a@b;x=1");
  EXPECT_EQ(uri_text("sip:a@b;tag=2"), "sip:a@b");
  EXPECT_EQ(uri_text("<sip:a@b"), "");
}

}  // namespace
}  // namespace acw::sip
