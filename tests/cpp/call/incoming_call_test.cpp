// Incoming call scenarios against a scripted cloud: onIncoming, 100, ringing, answer, ACK, reject,
// 486/480, CANCEL, 2xx retransmission.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "sip/headers.hpp"
#include "sip/uri.hpp"

namespace acw::call::test {
namespace {

// Registered with an onIncoming handler; the INVITE delivered; returns the call handle.
CallHandle offer_call(Harness& h, const sip::Message& invite) {
  h.deliver(invite);
  auto incoming = h.callback("onIncoming");
  EXPECT_TRUE(incoming.has_value());
  return incoming ? incoming->call : 0;
}

Harness registered() {
  Harness h;
  h.engine.set_has_incoming_handler(h.now, true);
  h.register_ok();
  h.callback("onIncomingState");
  return h;
}

sip::Message ack_for(const sip::Message& ok, std::string_view branch) {
  sip::Message ack = sip::Message::request("ACK", "sip:contact@host.invalid;transport=ws");
  ack.add_header("Via", "SIP/2.0/WSS 127.0.0.1;branch=" + std::string(branch));
  ack.add_header("Max-Forwards", "70");
  ack.add_header("From", std::string(ok.header("From").value_or("")));
  ack.add_header("To", std::string(ok.header("To").value_or("")));
  ack.add_header("Call-ID", std::string(ok.call_id()));
  ack.add_header("CSeq",
                 std::to_string(sip::parse_cseq(ok.header("CSeq").value_or(""))->number) + " ACK");
  return ack;
}

TEST(IncomingCall, ServiceCallRingAnswerAckBye) {
  Harness h = registered();
  sip::Message invite = h.incoming_invite();
  h.deliver(invite);
  // 100 Trying at once, before the page says anything.
  auto trying = h.take_response(100);
  ASSERT_TRUE(trying);
  EXPECT_EQ(header_names(*trying),
            (std::vector<std::string>{"Via", "From", "To", "CSeq", "Call-ID", "Supported",
                                      "User-Agent", "Content-Length"}));
  EXPECT_EQ(trying->header("To").value_or(""), invite.header("To").value_or(""));  // no tag on 100
  auto incoming = h.callback("onIncoming");
  ASSERT_TRUE(incoming);
  EXPECT_EQ(
      incoming->json,
      R"({"callId":"stub-incoming-1","canReceiveAudio":true,"canReceiveVideo":false,"from":"441234567890",)"
      R"("offeringAudio":true,"offeringVideo":false,"type":"service"})");
  const CallHandle call = incoming->call;
  EXPECT_EQ(h.engine.call_id(call), "stub-incoming-1");
  EXPECT_EQ(h.engine.sip_headers(call, "Max-Forwards"), std::vector<std::string>{"70"});

  EXPECT_EQ(h.engine.ringing(h.now, call), "");
  h.drain();
  auto ringing = h.take_response(180);
  ASSERT_TRUE(ringing);
  EXPECT_EQ(header_names(*ringing),
            (std::vector<std::string>{"Via", "From", "To", "CSeq", "Call-ID", "Supported",
                                      "User-Agent", "Contact", "Content-Length"}));
  auto to = sip::parse_name_addr(ringing->header("To").value_or(""));
  ASSERT_TRUE(to);
  const std::string tag(to->tag());
  EXPECT_EQ(tag.size(), 10u);

  EXPECT_EQ(h.engine.answer(h.now, call, {}), "");
  h.drain();
  ASSERT_EQ(h.media.size(), 4u);
  EXPECT_EQ(h.media[0].kind, OutputKind::kCreatePeer);
  EXPECT_EQ(h.media[1].kind, OutputKind::kSetRemoteDescription);
  EXPECT_EQ(h.media[1].name, "offer");
  EXPECT_EQ(h.media[1].text, offer_sdp());
  EXPECT_EQ(h.media[2].kind, OutputKind::kCreateAnswer);
  EXPECT_EQ(h.media[3].kind, OutputKind::kSetLocalDescription);
  EXPECT_EQ(h.media[3].name, "answer");
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok);
  EXPECT_EQ(
      header_names(*ok),
      (std::vector<std::string>{"Via", "From", "To", "CSeq", "Call-ID", "Supported", "User-Agent",
                                "Allow", "Contact", "Content-Type", "Content-Length"}));
  EXPECT_EQ(ok->header("Allow").value_or(""),
            "ACK,BYE,CANCEL,INFO,INVITE,MESSAGE,NOTIFY,OPTIONS,PRACK,REFER,REGISTER,SUBSCRIBE");
  EXPECT_NE(ok->header("To").value_or("").find("tag=" + tag),
            std::string_view::npos);  // same tag as the 180
  EXPECT_EQ(ok->body(), with_candidate(answer_sdp()));
  EXPECT_FALSE(h.callback("onConnected"));  // not before the ACK

  h.deliver(ack_for(*ok, "z9hG4bKstubACK1"));
  auto connected = h.callback("onConnected");
  ASSERT_TRUE(connected);
  EXPECT_EQ(connected->call, call);
  h.advance(10000);
  EXPECT_FALSE(h.take_response(200));  // no retransmission after the ACK

  sip::Message bye = Harness::in_dialog("BYE", *ok, 2, "z9hG4bKstubBYE2", false);
  h.deliver(bye);
  auto bye_ok = h.take_response(200);
  ASSERT_TRUE(bye_ok);
  EXPECT_EQ(bye_ok->header("CSeq").value_or(""), "2 BYE");
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
  EXPECT_EQ(h.engine.active_calls(), 0u);
}

TEST(IncomingCall, CallerTypeFromTheFromHost) {
  Harness h = registered();
  h.engine.set_max_concurrent(h.now, 3);
  h.deliver(h.incoming_invite("c1", "<sip:bob@abc123.webrtc-1-2-0.aculabcloud.net>;tag=a",
                              offer_sdp(), "z9hG4bK1"));
  auto client = h.callback("onIncoming");
  ASSERT_TRUE(client);
  EXPECT_NE(client->json.find(R"("from":"bob")"), std::string::npos);
  EXPECT_NE(client->json.find(R"("type":"client")"), std::string::npos);
  h.deliver(
      h.incoming_invite("c2", "\"Carol\" <sip:carol@example.com>;tag=b", offer_sdp(), "z9hG4bK2"));
  auto other = h.callback("onIncoming");
  ASSERT_TRUE(other);
  EXPECT_NE(other->json.find(R"("from":"carol")"), std::string::npos);
  EXPECT_NE(other->json.find(R"("type":"other")"), std::string::npos);
  // Host names compare without case.
  h.deliver(
      h.incoming_invite("c3", "<sip:svc@SIP-1-2-0.Aculab.com>;tag=c", offer_sdp(), "z9hG4bK3"));
  auto service = h.callback("onIncoming");
  ASSERT_TRUE(service);
  EXPECT_NE(service->json.find(R"("type":"service")"), std::string::npos);
}

TEST(IncomingCall, OfferDirectionsAreSummarised) {
  Harness h = registered();
  std::string recvonly = offer_sdp();
  recvonly.replace(recvonly.find("a=sendrecv"), 10, "a=recvonly");
  recvonly +=
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=sendonly\r\na=rtpmap:96 "
      "VP8/90000\r\n";
  h.deliver(h.incoming_invite("v1", "<sip:x@sip-1-2-0.aculab.com>;tag=a", recvonly));
  auto incoming = h.callback("onIncoming");
  ASSERT_TRUE(incoming);
  EXPECT_EQ(
      incoming->json,
      R"({"callId":"v1","canReceiveAudio":true,"canReceiveVideo":false,"from":"x","offeringAudio":false,)"
      R"("offeringVideo":true,"type":"service"})");
}

class RejectCode : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(RejectCode, SendsTheCodeOr486) {
  auto [given, sent] = GetParam();
  Harness h = registered();
  CallHandle call = offer_call(h, h.incoming_invite());
  EXPECT_EQ(h.engine.reject(h.now, call, given), "");
  h.drain();
  auto final_response = h.take_response(sent);
  ASSERT_TRUE(final_response) << h.untaken_summary();
  EXPECT_TRUE(
      sip::parse_name_addr(final_response->header("To").value_or(""))->param("tag").has_value());
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
  // The cloud's ACK for the failure is absorbed by the transaction.
  h.deliver(ack_for(*final_response, "z9hG4bKstubinv1"));
  EXPECT_EQ(h.untaken_frames(), 1u) << h.untaken_summary();  // only the 100
}

INSTANTIATE_TEST_SUITE_P(Codes, RejectCode,
                         ::testing::Values(std::make_pair(0, 486), std::make_pair(603, 603),
                                           std::make_pair(400, 400), std::make_pair(699, 699),
                                           std::make_pair(399, 486), std::make_pair(700, 486),
                                           std::make_pair(-1, 486), std::make_pair(480, 480)));

TEST(IncomingCall, BusyAtMaxConcurrent) {
  Harness h = registered();
  CallHandle first = offer_call(h, h.incoming_invite());
  EXPECT_NE(first, 0u);
  h.deliver(h.incoming_invite("second", "<sip:b@sip-1-2-0.aculab.com>;tag=z", offer_sdp(),
                              "z9hG4bKsecond"));
  EXPECT_FALSE(h.callback("onIncoming"));
  auto busy = h.take_response(486);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->call_id(), "second");
  // An outgoing call counts as well.
  h.engine.reject(h.now, first, 0);
  h.drain();
  ASSERT_TRUE(h.take_response(486));
  auto out = h.engine.call_service(h.now, "echo", {});
  EXPECT_EQ(out.error, "");
  h.deliver(h.incoming_invite("third", "<sip:b@sip-1-2-0.aculab.com>;tag=y", offer_sdp(),
                              "z9hG4bKthird"));
  EXPECT_FALSE(h.callback("onIncoming"));
  auto busy2 = h.take_response(486);
  ASSERT_TRUE(busy2);
  EXPECT_EQ(busy2->call_id(), "third");
}

TEST(IncomingCall, NoHandlerGives480) {
  Harness h;
  h.register_ok();
  h.deliver(h.incoming_invite());
  EXPECT_TRUE(h.take_response(100));
  EXPECT_TRUE(h.take_response(480));
  EXPECT_FALSE(h.callback("onIncoming"));
}

TEST(IncomingCall, NoOfferGives488) {
  Harness h = registered();
  h.deliver(h.incoming_invite("n1", "<sip:x@sip-1-2-0.aculab.com>;tag=a", ""));
  EXPECT_TRUE(h.take_response(488));
  h.deliver(h.incoming_invite("n2", "<sip:x@sip-1-2-0.aculab.com>;tag=a", "this is not sdp",
                              "z9hG4bKn2"));
  EXPECT_TRUE(h.take_response(488));
  EXPECT_FALSE(h.callback("onIncoming"));
}

TEST(IncomingCall, CancelFromTheFarSide) {
  Harness h = registered();
  sip::Message invite = h.incoming_invite();
  CallHandle call = offer_call(h, invite);
  h.engine.ringing(h.now, call);
  h.drain();
  auto ringing = h.take_response(180);
  sip::Message cancel = sip::Message::request("CANCEL", std::string(invite.request_uri()));
  cancel.add_header("Via", std::string(invite.header("Via").value_or("")));
  cancel.add_header("Max-Forwards", "70");
  cancel.add_header("From", std::string(invite.header("From").value_or("")));
  cancel.add_header("To", std::string(invite.header("To").value_or("")));
  cancel.add_header("Call-ID", std::string(invite.call_id()));
  cancel.add_header("CSeq", "1 CANCEL");
  h.deliver(cancel);
  auto cancel_ok = h.take_response(200);
  ASSERT_TRUE(cancel_ok);
  EXPECT_EQ(cancel_ok->header("CSeq").value_or(""), "1 CANCEL");
  EXPECT_EQ(cancel_ok->header("To").value_or(""), ringing->header("To").value_or(""));
  auto terminated = h.take_response(487);
  ASSERT_TRUE(terminated);
  EXPECT_EQ(terminated->header("CSeq").value_or(""), "1 INVITE");
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NOANSWER"})");
  // The page asks for the call's identity in onDisconnect, after the engine has let the call go.
  EXPECT_EQ(h.engine.call_id(call), invite.call_id());
  EXPECT_EQ(h.engine.sip_headers(call, "Call-ID"),
            std::vector<std::string>{std::string(invite.call_id())});
  // Answering now does nothing.
  EXPECT_EQ(h.engine.answer(h.now, call, {}), "");
  h.drain();
  EXPECT_TRUE(h.media.empty());
  // A CANCEL for nothing gets 481.
  cancel.set_header("Via", "SIP/2.0/WSS 127.0.0.1;branch=z9hG4bKnothing");
  h.deliver(cancel);
  EXPECT_TRUE(h.take_response(481));
}

TEST(IncomingCall, OkIsRetransmittedUntilAckThenByeAfter64T1) {
  Harness h = registered();
  CallHandle call = offer_call(h, h.incoming_invite());
  h.engine.answer(h.now, call, {});
  h.drain();
  ASSERT_TRUE(h.take_response(200));
  // §13.3.1.4: T1, then 2*T1 ... capped at T2 (500, 1000, 2000, 4000, 4000 ...).
  h.advance(499);
  EXPECT_FALSE(h.take_response(200));
  h.advance(1);
  EXPECT_TRUE(h.take_response(200));
  h.advance(1000);
  EXPECT_TRUE(h.take_response(200));
  h.advance(2000);
  EXPECT_TRUE(h.take_response(200));
  h.advance(4000);
  EXPECT_TRUE(h.take_response(200));
  h.advance(4000);
  EXPECT_TRUE(h.take_response(200));
  h.advance(32000 - 11500);
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"FAILED"})");
}

TEST(IncomingCall, DisconnectBeforeAnswerRejects486) {
  Harness h = registered();
  CallHandle call = offer_call(h, h.incoming_invite());
  h.engine.disconnect(h.now, call);
  h.drain();
  EXPECT_TRUE(h.take_response(486));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
}

TEST(IncomingCall, DisconnectBeforeTheAckWaitsForItToSendBye) {
  Harness h = registered();
  CallHandle call = offer_call(h, h.incoming_invite());
  h.engine.answer(h.now, call, {});
  h.drain();
  auto ok = h.take_response(200);
  h.engine.disconnect(h.now, call);
  h.drain();
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
  EXPECT_FALSE(h.take("BYE"));  // §15: not before the ACK
  h.deliver(ack_for(*ok, "z9hG4bKack"));
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->request_uri(), "sip:svc@127.0.0.1;transport=ws");
  EXPECT_EQ(bye->header("CSeq").value_or(""), "1 BYE");
  EXPECT_FALSE(h.callback("onConnected"));
}

TEST(IncomingCall, RejectAfterAnswerSendsByeWithReason) {
  Harness h = registered();
  CallHandle call = offer_call(h, h.incoming_invite());
  h.engine.answer(h.now, call, {});
  h.drain();
  auto ok = h.take_response(200);
  h.deliver(ack_for(*ok, "z9hG4bKack"));
  h.engine.reject(h.now, call, 603);
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->header("Reason").value_or(""), "SIP; cause=603; text=\"Rejected\"");
}

TEST(IncomingCall, AnswerWaitsForIceServers) {
  Harness h;
  h.engine.set_has_incoming_handler(h.now, true);
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  sip::Message ok = Harness::response(*reg, 200);
  ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(ok);
  CallHandle call = offer_call(h, h.incoming_invite());
  h.engine.answer(h.now, call, {});
  h.drain();
  EXPECT_TRUE(h.media.empty());
  h.answer_ice_servers(R"([{"urls":"stun:x"}])");
  ASSERT_FALSE(h.media.empty());
  EXPECT_EQ(h.media[0].text, R"([{"urls":"stun:x"}])");
  EXPECT_TRUE(h.take_response(200));
}

TEST(IncomingCall, DeviceErrorWhileAnsweringGives488) {
  Harness h = registered();
  h.auto_media = false;
  CallHandle call = offer_call(h, h.incoming_invite());
  h.engine.answer(h.now, call, {});
  h.drain();
  h.engine.media_failed(h.now, call, "DEVICE_ERROR", "NotFoundError");
  h.drain();
  EXPECT_TRUE(h.take_response(488));
  auto error = h.callback("onError");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->json, R"({"cause":"DEVICE_ERROR","error":"NotFoundError"})");
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"DEVICE_ERROR"})");
}

TEST(IncomingCall, AnswerWithExtraHeaders) {
  Harness h = registered();
  CallHandle call = offer_call(h, h.incoming_invite());
  CallOptions options;
  options.extra_sip_headers = {"X-Agent: 7"};
  EXPECT_EQ(h.engine.answer(h.now, call, options), "");
  h.drain();
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->header("X-Agent").value_or(""), "7");
  CallOptions bad;
  bad.extra_sip_headers = {"Agent: 7"};
  EXPECT_EQ(h.engine.answer(h.now, call, bad), "extraSipHeader must start with 'X-'");
}

TEST(IncomingCall, RetransmittedInviteGetsTheLastProvisionalAgain) {
  Harness h = registered();
  sip::Message invite = h.incoming_invite();
  CallHandle call = offer_call(h, invite);
  h.engine.ringing(h.now, call);
  h.drain();
  ASSERT_TRUE(h.take_response(100));
  ASSERT_TRUE(h.take_response(180));
  h.deliver(invite);
  EXPECT_TRUE(h.take_response(180));
  EXPECT_FALSE(h.callback("onIncoming"));
}

TEST(IncomingCall, RecordRouteIsCopiedAndUsedAsRouteSet) {
  Harness h = registered();
  sip::Message invite = h.incoming_invite();
  invite.add_header("Record-Route", "<sip:proxy1.example;lr>, <sip:proxy2.example;lr>");
  CallHandle call = offer_call(h, invite);
  h.engine.answer(h.now, call, {});
  h.drain();
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->header("Record-Route").value_or(""),
            "<sip:proxy1.example;lr>, <sip:proxy2.example;lr>");
  h.deliver(ack_for(*ok, "z9hG4bKack"));
  h.engine.disconnect(h.now, call);
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->request_uri(), "sip:svc@127.0.0.1;transport=ws");
  EXPECT_EQ(bye->header_values("Route"),
            (std::vector<std::string_view>{"<sip:proxy1.example;lr>", "<sip:proxy2.example;lr>"}));
}

}  // namespace
}  // namespace acw::call::test
