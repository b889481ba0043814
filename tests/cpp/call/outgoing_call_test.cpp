// Outgoing call scenarios (callService/callClient) against a scripted cloud: INVITE, 1xx, 183 early
// media, 2xx/ACK, BYE, CANCEL, failures.
#include <gtest/gtest.h>

#include "call/cause.hpp"
#include "harness.hpp"
#include "sdp/session.hpp"
#include "sip/headers.hpp"
#include "sip/uri.hpp"

namespace acw::call::test {
namespace {

std::string branch_of(const sip::Message& m) {
  return std::string(sip::parse_via(m.header_values("Via").front())->branch());
}

struct Connected {
  CallHandle call = 0;
  sip::Message invite;
  sip::Message ok;
  sip::Message ack;
};

// A call to "echo" answered 200 with SDP; the callbacks up to onConnected are consumed.
Connected connect_call(Harness& h) {
  Connected c;
  auto invite = h.start_call(&c.call);
  EXPECT_TRUE(invite.has_value());
  c.invite = *invite;
  sip::Message ok = Harness::response(c.invite, 200, "stubtag1");
  ok.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  ok.set_body(answer_sdp(), "application/sdp");
  c.ok = ok;
  h.deliver(ok);
  auto ack = h.take("ACK");
  EXPECT_TRUE(ack.has_value());
  if (ack) c.ack = *ack;
  auto connected = h.callback("onConnected");
  EXPECT_TRUE(connected.has_value());
  return c;
}

TEST(OutgoingCall, ServiceCallFullFlow) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite);
  EXPECT_EQ(call, 1u);
  // The media steps, in order, before the INVITE.
  ASSERT_GE(h.media.size(), 3u);
  EXPECT_EQ(h.media[0].kind, OutputKind::kCreatePeer);
  EXPECT_EQ(h.media[1].kind, OutputKind::kCreateOffer);
  EXPECT_EQ(h.media[2].kind, OutputKind::kSetLocalDescription);
  EXPECT_EQ(h.media[2].name, "offer");
  EXPECT_EQ(h.media[2].text, offer_sdp());  // no options: the browser's SDP untouched

  EXPECT_EQ(invite->request_uri(), "sip:echo@sip-1-2-0.aculab.com;transport=tcp");
  EXPECT_EQ(invite->header("To").value_or(""), "<sip:echo@sip-1-2-0.aculab.com;transport=tcp>");
  EXPECT_EQ(invite->header("CSeq").value_or(""), "1 INVITE");
  EXPECT_EQ(invite->header("Content-Type").value_or(""), "application/sdp");
  EXPECT_EQ(invite->body(), with_candidate(offer_sdp()));  // sent after ICE gathering
  EXPECT_FALSE(invite->has_header("Authorization"));
  EXPECT_EQ(h.engine.call_id(call), invite->call_id());
  auto contact = sip::parse_name_addr(invite->header("Contact").value_or(""));
  ASSERT_TRUE(contact);
  EXPECT_TRUE(contact->uri.param("ob").has_value());

  h.reply(*invite, 100, "");
  EXPECT_FALSE(h.callback());
  h.reply(*invite, 180, "stubtag1");
  auto ringing = h.callback();
  ASSERT_TRUE(ringing);
  EXPECT_EQ(ringing->name, "onRinging");
  EXPECT_EQ(ringing->call, call);
  EXPECT_EQ(ringing->json, "{}");

  // 183 with SDP: early media, the answer is applied at once.
  sip::Message progress = Harness::response(*invite, 183, "stubtag1");
  progress.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  progress.set_body(answer_sdp(), "application/sdp");
  h.deliver(progress);
  auto remote = h.media_of(OutputKind::kSetRemoteDescription);
  ASSERT_EQ(remote.size(), 1u);
  EXPECT_EQ(remote[0].name, "answer");
  EXPECT_EQ(remote[0].text, answer_sdp());
  EXPECT_EQ(h.engine.send_dtmf(h.now, call, "12#"), "");  // early media: DTMF works

  sip::Message ok = Harness::response(*invite, 200, "stubtag1");
  ok.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  ok.add_header("X-Extra", "hello");
  ok.set_body(answer_sdp(), "application/sdp");
  h.deliver(ok);
  // The same answer is not applied twice.
  EXPECT_EQ(h.media_of(OutputKind::kSetRemoteDescription).size(), 1u);
  auto ack = h.take("ACK");
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->request_uri(), "sip:stub@127.0.0.1;transport=ws");
  EXPECT_EQ(ack->header("CSeq").value_or(""), "1 ACK");
  EXPECT_NE(branch_of(*ack), branch_of(*invite));  // §13.2.2.4: a new branch
  EXPECT_EQ(ack->header("To").value_or(""), ok.header("To").value_or(""));
  EXPECT_EQ(ack->header("From").value_or(""), invite->header("From").value_or(""));
  EXPECT_EQ(ack->body(), "");
  EXPECT_EQ(header_names(*ack),
            (std::vector<std::string>{"Via", "To", "From", "CSeq", "Call-ID", "Max-Forwards",
                                      "Supported", "User-Agent", "Content-Length"}));
  auto connected = h.callback();
  ASSERT_TRUE(connected);
  EXPECT_EQ(connected->name, "onConnected");
  EXPECT_EQ(h.engine.sip_headers(call, "X-Extra"), std::vector<std::string>{"hello"});

  // BYE from the cloud.
  sip::Message bye = Harness::in_dialog("BYE", *ack, 1, "z9hG4bKstubbye1", true);
  h.deliver(bye);
  auto bye_ok = h.take_response(200);
  ASSERT_TRUE(bye_ok);
  EXPECT_EQ(header_names(*bye_ok),
            (std::vector<std::string>{"Via", "From", "To", "CSeq", "Call-ID", "Supported",
                                      "User-Agent", "Content-Length"}));
  EXPECT_EQ(bye_ok->header("CSeq").value_or(""), "1 BYE");
  auto disconnected = h.callback();
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->name, "onDisconnect");
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
  EXPECT_EQ(h.media.back().kind, OutputKind::kClosePeer);
  EXPECT_EQ(h.engine.active_calls(), 0u);
  EXPECT_EQ(h.engine.send_dtmf(h.now, call, "1"), "DTMF send error");
  EXPECT_EQ(h.engine.disconnect(h.now, call),
            "");  // harmless after the end (the seed guide does it)
  h.drain();
  EXPECT_EQ(h.untaken_frames(), 0u) << h.untaken_summary();
  // Nothing left to do: the socket goes once the last transaction ends (the INVITE's, Timer M).
  EXPECT_EQ(h.closes, 0);
  h.advance(32000);
  EXPECT_EQ(h.closes, 1);
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

TEST(OutgoingCall, ByeFromUs) {
  Harness h;
  auto c = connect_call(h);
  EXPECT_EQ(h.engine.disconnect(h.now, c.call), "");
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->request_uri(), "sip:stub@127.0.0.1;transport=ws");
  EXPECT_EQ(bye->header("CSeq").value_or(""), "2 BYE");
  EXPECT_EQ(bye->header("To").value_or(""), c.ok.header("To").value_or(""));
  EXPECT_EQ(header_names(*bye),
            (std::vector<std::string>{"Via", "To", "From", "CSeq", "Call-ID", "Max-Forwards",
                                      "Supported", "User-Agent", "Content-Length"}));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
  h.reply(*bye, 200, "");
  h.advance(32000);
  EXPECT_EQ(h.closes, 1);
}

// reject() of an outgoing call is disconnect(): a BYE without Reason once up, a CANCEL (NOANSWER)
// while ringing.
TEST(OutgoingCall, RejectIsDisconnect) {
  Harness h;
  auto c = connect_call(h);
  EXPECT_EQ(h.engine.reject(h.now, c.call, 603), "");
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  EXPECT_FALSE(bye->has_header("Reason"));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");

  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite);
  h.reply(*invite, 180, "stubtag3");
  h.callback("onRinging");
  EXPECT_EQ(h.engine.reject(h.now, call, 486), "");
  h.drain();
  auto cancel = h.take("CANCEL");
  ASSERT_TRUE(cancel);
  h.reply(*cancel, 200, "stubtag3");
  h.reply(*invite, 487, "stubtag3");
  disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NOANSWER"})");
}

TEST(OutgoingCall, ByeWithReasonGivesItsCause) {
  Harness h;
  auto c = connect_call(h);
  sip::Message bye = Harness::in_dialog("BYE", c.ack, 1, "z9hG4bKb2", true);
  bye.add_header("Reason", "SIP ;cause=486 ;text=\"Busy Here\"");
  h.deliver(bye);
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"BUSY"})");
}

TEST(OutgoingCall, CancelWhileRinging) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite);
  h.reply(*invite, 100, "");
  h.reply(*invite, 180, "stubtag2");
  h.callback("onRinging");
  EXPECT_EQ(h.engine.disconnect(h.now, call), "");
  h.drain();
  auto cancel = h.take("CANCEL");
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->request_uri(), invite->request_uri());
  EXPECT_EQ(branch_of(*cancel), branch_of(*invite));  // §9.1: the INVITE's branch
  EXPECT_EQ(cancel->header("CSeq").value_or(""), "1 CANCEL");
  EXPECT_EQ(cancel->header("To").value_or(""), invite->header("To").value_or(""));
  EXPECT_EQ(header_names(*cancel),
            (std::vector<std::string>{"Via", "To", "From", "CSeq", "Call-ID", "Max-Forwards",
                                      "Supported", "User-Agent", "Content-Length"}));
  EXPECT_FALSE(h.callback("onDisconnect"));  // not until the 487
  h.reply(*cancel, 200, "stubtag2");
  h.reply(*invite, 487, "stubtag2");
  auto ack = h.take("ACK");
  ASSERT_TRUE(ack);
  EXPECT_EQ(branch_of(*ack),
            branch_of(*invite));  // §17.1.1.3: ACK for a failure is in the transaction
  EXPECT_EQ(ack->header("To").value_or("").find("tag=stubtag2") != std::string_view::npos, true);
  EXPECT_EQ(header_names(*ack), (std::vector<std::string>{"Via", "To", "From", "Call-ID", "CSeq",
                                                          "Max-Forwards", "Content-Length"}));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NOANSWER"})");
}

TEST(OutgoingCall, CancelWaitsForTheFirstProvisional) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite);
  h.engine.disconnect(h.now, call);
  h.drain();
  EXPECT_FALSE(h.take("CANCEL"));  // §9.1: not before a provisional response
  h.reply(*invite, 100, "");
  EXPECT_TRUE(h.take("CANCEL"));
  h.reply(*invite, 487, "x1");
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NOANSWER"})");
}

TEST(OutgoingCall, CancelWithNoFinalResponseGivesUpAfter64T1) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  h.reply(*invite, 180, "t");
  h.engine.disconnect(h.now, call);
  h.drain();
  auto cancel = h.take("CANCEL");
  ASSERT_TRUE(cancel);
  h.reply(*cancel, 200, "t");
  h.advance(31999);
  EXPECT_FALSE(h.callback("onDisconnect"));
  h.advance(1);
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NOANSWER"})");
}

TEST(OutgoingCall, DisconnectBeforeTheInviteSendsNothing) {
  Harness h;
  auto result = h.engine.call_service(h.now, "echo", {});
  h.drain();
  h.open();  // OPTIONS not answered yet: the call waits for ICE servers
  EXPECT_EQ(h.engine.disconnect(h.now, result.call), "");
  h.drain();
  h.answer_ice_servers();
  EXPECT_FALSE(h.take("INVITE"));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NOANSWER"})");
  EXPECT_TRUE(h.media.empty());
}

TEST(OutgoingCall, TimerBEndsAnUnansweredInvite) {
  Harness h;
  CallHandle call = 0;
  ASSERT_TRUE(h.start_call(&call));
  h.advance(31999);
  EXPECT_FALSE(h.callback("onDisconnect"));
  h.advance(1);
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"FAILED"})");
}

TEST(OutgoingCall, TimerCCancelsAfterThreeMinutesOfRinging) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  h.reply(*invite, 180, "t");
  h.advance(179999);
  EXPECT_FALSE(h.take("CANCEL"));
  h.advance(1);
  EXPECT_TRUE(h.take("CANCEL"));
  h.reply(*invite, 487, "t");
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NOANSWER"})");
}

class FailureCode : public ::testing::TestWithParam<std::pair<int, const char*>> {};

TEST_P(FailureCode, MapsToCause) {
  auto [status, expected] = GetParam();
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite);
  h.reply(*invite, status, "t");
  auto ack = h.take("ACK");
  ASSERT_TRUE(ack);
  EXPECT_EQ(branch_of(*ack), branch_of(*invite));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, std::string(R"({"cause":")") + expected + "\"}");
  EXPECT_EQ(cause_for_status(status), expected);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, FailureCode,
    ::testing::Values(std::make_pair(300, "MOVED"), std::make_pair(301, "MOVED"),
                      std::make_pair(302, "MOVED"), std::make_pair(380, "MOVED"),
                      std::make_pair(400, "FAILED"), std::make_pair(403, "FAILED"),
                      std::make_pair(404, "UNOBTAINABLE"), std::make_pair(408, "FAILED"),
                      std::make_pair(410, "UNOBTAINABLE"), std::make_pair(480, "UNOBTAINABLE"),
                      std::make_pair(486, "BUSY"), std::make_pair(487, "NOANSWER"),
                      std::make_pair(488, "FAILED"), std::make_pair(500, "FAILED"),
                      std::make_pair(503, "FAILED"), std::make_pair(600, "BUSY"),
                      std::make_pair(603, "BUSY"), std::make_pair(604, "UNOBTAINABLE"),
                      std::make_pair(606, "REJECTED"), std::make_pair(699, "REJECTED")));

TEST(OutgoingCall, ClientCallCarriesTokenAndExtraHeaders) {
  Harness h;
  CallOptions options;
  options.extra_sip_headers = {"X-Account: 42", "X-Other:value with spaces "};
  auto result = h.engine.call_client(h.now, "webrtc:bob", kToken, options);
  ASSERT_EQ(result.error, "");
  h.drain();
  h.connect();
  auto invite = h.take("INVITE");
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->request_uri(), "sip:bob@abc123.webrtc-1-2-0.aculabcloud.net;transport=tcp");
  EXPECT_EQ(invite->header("To").value_or(""),
            "<sip:bob@abc123.webrtc-1-2-0.aculabcloud.net;transport=tcp>");
  EXPECT_EQ(invite->header("Authorization").value_or(""), "Bearer " + std::string(kToken));
  EXPECT_EQ(invite->header("X-Account").value_or(""), "42");
  EXPECT_EQ(invite->header("X-Other").value_or(""), "value with spaces");
  EXPECT_EQ(
      header_names(*invite),
      (std::vector<std::string>{"Via", "To", "From", "CSeq", "Call-ID", "Max-Forwards",
                                "Authorization", "X-Account", "X-Other", "Contact", "Allow",
                                "Supported", "User-Agent", "Content-Type", "Content-Length"}));
}

TEST(OutgoingCall, ArgumentErrorsUseTheDocumentedStrings) {
  Harness h;
  EXPECT_EQ(h.engine.call_service(h.now, "bad name", {}).error, "Invalid serviceName");
  EXPECT_EQ(h.engine.call_service(h.now, "", {}).error, "Invalid serviceName");
  EXPECT_EQ(h.engine.call_client(h.now, "bob smith", kToken, {}).error, "Invalid clientId");
  EXPECT_EQ(h.engine.call_client(h.now, "bob", "nope", {}).error, "Invalid token");
  CallOptions bad;
  bad.extra_sip_headers = {"Subject: hi"};
  EXPECT_EQ(h.engine.call_service(h.now, "echo", bad).error, "extraSipHeader must start with 'X-'");
  bad.extra_sip_headers = {"X-Evil: a\r\nVia: x"};
  EXPECT_EQ(h.engine.call_service(h.now, "echo", bad).error,
            "extraSipHeader must be 'X-Name: value'");
  h.drain();
  EXPECT_EQ(h.opens, 0);  // a refused call changes nothing
  EXPECT_EQ(h.engine.call_service(h.now, "sip:echo", {}).error, "");
  EXPECT_EQ(h.engine.call_service(h.now, "echo", {}).error, "Too many calls");
  EXPECT_EQ(h.engine.set_max_concurrent(h.now, 0), "maxConcurrent must be 1 or greater");
  EXPECT_EQ(h.engine.set_max_concurrent(h.now, 2), "");
  EXPECT_EQ(h.engine.call_service(h.now, "caf%C3%A9%20bar_(x)!~*.-", {}).error, "");
  // At the limit: both count the calls before the headers (and callClient before its token), the
  // public client's order (its call classes' constructors check the headers).
  bad.extra_sip_headers = {"Subject: hi"};
  EXPECT_EQ(h.engine.call_service(h.now, "echo", bad).error, "Too many calls");
  EXPECT_EQ(h.engine.call_service(h.now, "bad name", {}).error, "Invalid serviceName");
  EXPECT_EQ(h.engine.call_client(h.now, "bob", "nope", bad).error, "Too many calls");
  EXPECT_EQ(h.engine.call_client(h.now, "bob smith", "nope", bad).error, "Invalid clientId");
}

TEST(OutgoingCall, EscapedServiceNameGoesIntoTheRequestUri) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call, "my%20service");
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->request_uri(), "sip:my%20service@sip-1-2-0.aculab.com;transport=tcp");
}

TEST(OutgoingCall, CodecsAndBitrateCapGoToThePageWithCreatePeer) {
  Harness h;
  CallOptions options;
  options.audio_codecs = {"audio/PCMA", "opus"};
  options.max_bitrate_audio = 32000;
  options.max_bitrate_video = 500000;
  options.receive_video = false;
  options.extra_sip_headers = {"X-Ref: 1"};
  CallHandle call = 0;
  auto invite = h.start_call(&call, "echo", options);
  ASSERT_TRUE(invite);
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  // Only the options that edit the SDP, as read_call_options reads them (the acw-sdp module).
  EXPECT_EQ(peers[0].json,
            R"({"iceTransportPolicy":"all","receiveAudio":null,"receiveVideo":false,)"
            R"("sdpOptions":{"audioCodecs":["audio/PCMA","opus"],"maxBitrateAudio":32000,)"
            R"("maxBitrateVideo":500000}})");
  // The page edits the SDP (sdp_munge_test.cpp); the engine passes on what it is given.
  auto local = h.media_of(OutputKind::kSetLocalDescription);
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0].text, offer_sdp());
  EXPECT_NE(invite->body().find("m=audio 9 UDP/TLS/RTP/SAVPF 111 "), std::string_view::npos);
}

TEST(OutgoingCall, NoSdpOptionsWithoutCodecsOrBitrate) {
  Harness h;
  CallOptions options;
  options.receive_audio = true;
  options.extra_sip_headers = {"X-Ref: 1"};
  CallHandle call = 0;
  ASSERT_TRUE(h.start_call(&call, "echo", options));
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].json,
            R"({"iceTransportPolicy":"all","receiveAudio":true,"receiveVideo":null})");
}

TEST(OutgoingCall, DeviceErrorBeforeTheInvite) {
  Harness h;
  h.auto_media = false;
  auto result = h.engine.call_service(h.now, "echo", {});
  h.drain();
  h.connect();
  ASSERT_EQ(h.media_of(OutputKind::kCreateOffer).size(), 1u);
  h.engine.media_failed(h.now, result.call, "DEVICE_ERROR", "NotAllowedError");
  h.drain();
  // onError first (the guide's clean-up hook), then onDisconnect with the cause.
  auto error = h.callback();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "onError");
  EXPECT_EQ(error->json, R"({"cause":"DEVICE_ERROR","error":"NotAllowedError"})");
  auto disconnected = h.callback();
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"DEVICE_ERROR"})");
  EXPECT_EQ(h.media.back().kind, OutputKind::kClosePeer);
  EXPECT_FALSE(h.take("INVITE"));
}

TEST(OutgoingCall, AnswerWithoutSdpEndsWithError) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  h.reply_with_contact(*invite, 200);
  EXPECT_TRUE(h.take("ACK"));
  EXPECT_TRUE(h.take("BYE"));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"ERROR"})");
}

// A stray CR before each CRLF of the answer (libwebrtc takes it) used to refuse the whole answer
// ("CR or NUL inside a line") and end the call: it connects, the browser gets the SDP as sent.
TEST(OutgoingCall, AnswerWithAStrayCrBeforeEachLineEndConnects) {
  Harness h;
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite);
  std::string sdp = answer_sdp();
  for (std::size_t at = 0; (at = sdp.find("\r\n", at)) != std::string::npos; at += 3) {
    sdp.insert(at, "\r");
  }
  sip::Message ok = Harness::response(*invite, 200, "stubtag1");
  ok.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  ok.set_body(sdp, "application/sdp");
  h.media.clear();
  h.deliver(ok);
  EXPECT_TRUE(h.take("ACK"));
  EXPECT_FALSE(h.take("BYE"));
  EXPECT_TRUE(h.callback("onConnected"));
  EXPECT_FALSE(h.callback("onDisconnect"));
  bool described = false;
  for (const auto& out : h.media) {
    if (out.kind == OutputKind::kSetRemoteDescription) described = out.text == sdp;
  }
  EXPECT_TRUE(described);
}

TEST(OutgoingCall, RetransmittedOkGetsTheSameAck) {
  Harness h;
  auto c = connect_call(h);
  h.deliver(c.ok);
  auto again = h.take("ACK");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->serialize(), c.ack.serialize());
  EXPECT_FALSE(h.callback("onConnected"));
  // After Timer M the transaction is gone; the dialog still answers a late copy.
  h.advance(40000);
  h.deliver(c.ok);
  EXPECT_TRUE(h.take("ACK"));
}

TEST(OutgoingCall, SecondForkIsAckedAndHungUp) {
  Harness h;
  auto c = connect_call(h);
  sip::Message fork = Harness::response(c.invite, 200, "fork2");
  fork.add_header("Contact", "<sip:fork@127.0.0.1;transport=ws>");
  fork.set_body(answer_sdp(), "application/sdp");
  h.deliver(fork);
  auto ack = h.take("ACK");
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->request_uri(), "sip:fork@127.0.0.1;transport=ws");
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  EXPECT_NE(bye->header("To").value_or("").find("fork2"), std::string_view::npos);
  EXPECT_FALSE(h.callback("onDisconnect"));  // our call goes on
  EXPECT_EQ(h.engine.active_calls(), 1u);
}

// With reconnect.limit 0, as the public client does (reconnect_test.cpp: confirmed calls kept).
TEST(OutgoingCall, SocketLossEndsCallsAsFailed) {
  Harness h(config_with_options(R"({"keepAlive":{"interval":0},"reconnect":{"limit":0}})"));
  auto c = connect_call(h);
  h.close_socket();
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->call, c.call);
  EXPECT_EQ(disconnected->json, R"({"cause":"FAILED"})");
  EXPECT_EQ(h.engine.next_deadline(), -1);  // nothing needs the cloud: no reconnect
}

TEST(OutgoingCall, InDialogRequestsAreAnswered) {
  Harness h;
  auto c = connect_call(h);
  h.deliver(Harness::in_dialog("INFO", c.ack, 2, "z9hG4bKi1", true));
  EXPECT_TRUE(h.take_response(200));
  h.deliver(Harness::in_dialog("NOTIFY", c.ack, 3, "z9hG4bKi2", true));
  EXPECT_TRUE(h.take_response(200));
  h.deliver(Harness::in_dialog("OPTIONS", c.ack, 4, "z9hG4bKi3", true));
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->has_header("Allow"));
  EXPECT_FALSE(ok->has_header("Accept"));  // only the out-of-dialog answer says what it takes
  h.deliver(Harness::in_dialog("MESSAGE", c.ack, 5, "z9hG4bKi7", true));
  auto message_ok = h.take_response(200);
  ASSERT_TRUE(message_ok);
  EXPECT_FALSE(message_ok->has_header("Allow"));
  h.deliver(Harness::in_dialog("REFER", c.ack, 5, "z9hG4bKi8", true));
  auto declined = h.take_response(603);  // no transfers in a call
  ASSERT_TRUE(declined);
  EXPECT_FALSE(declined->has_header("Allow"));
  h.deliver(Harness::in_dialog("UPDATE", c.ack, 5, "z9hG4bKi4", true));
  auto not_allowed = h.take_response(405);
  ASSERT_TRUE(not_allowed);
  EXPECT_TRUE(not_allowed->has_header("Allow"));
  h.deliver(Harness::in_dialog("FOO", c.ack, 6, "z9hG4bKi5", true));
  EXPECT_TRUE(h.take_response(501));
  // §12.2.2: an older CSeq is out of order.
  h.deliver(Harness::in_dialog("INFO", c.ack, 3, "z9hG4bKi6", true));
  EXPECT_TRUE(h.take_response(500));
  EXPECT_EQ(h.engine.active_calls(), 1u);
}

TEST(OutgoingCall, ReInviteIsAnsweredThroughThePeer) {
  Harness h;
  auto c = connect_call(h);
  sip::Message reinvite = Harness::in_dialog("INVITE", c.ack, 2, "z9hG4bKre1", true);
  reinvite.add_header("Contact", "<sip:moved@127.0.0.1;transport=ws>");
  reinvite.set_body(answer_sdp("sendonly"), "application/sdp");
  h.deliver(reinvite);
  auto remote = h.media_of(OutputKind::kSetRemoteDescription);
  ASSERT_EQ(remote.size(), 2u);
  EXPECT_EQ(remote[1].name, "offer");
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->header("CSeq").value_or(""), "2 INVITE");
  EXPECT_EQ(ok->header("Content-Type").value_or(""), "application/sdp");
  h.deliver(Harness::in_dialog("ACK", c.ack, 2, "z9hG4bKre2", true));
  // The target moved: our BYE goes to the new Contact.
  h.engine.disconnect(h.now, c.call);
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->request_uri(), "sip:moved@127.0.0.1;transport=ws");
}

TEST(OutgoingCall, ReInviteWithoutOfferIsRefused) {
  Harness h;
  auto c = connect_call(h);
  h.deliver(Harness::in_dialog("INVITE", c.ack, 2, "z9hG4bKre1", true));
  EXPECT_TRUE(h.take_response(488));
  EXPECT_EQ(h.engine.active_calls(), 1u);
}

TEST(OutgoingCall, DtmfIsCheckedAndSent) {
  Harness h;
  auto c = connect_call(h);
  EXPECT_EQ(h.engine.send_dtmf(h.now, c.call, "123x"), "Invalid DTMF string");
  EXPECT_EQ(h.engine.send_dtmf(h.now, c.call, "x123"), "Invalid DTMF string");
  EXPECT_EQ(h.engine.send_dtmf(h.now, c.call, ""), "Invalid DTMF string");
  EXPECT_EQ(h.engine.send_dtmf(h.now, c.call, "0123456789*#ABCDabcd"), "");
  h.drain();
  auto dtmf = h.media_of(OutputKind::kSendDtmf);
  ASSERT_EQ(dtmf.size(), 1u);
  EXPECT_EQ(dtmf[0].text, "0123456789*#ABCDABCD");
  EXPECT_EQ(h.engine.send_dtmf(h.now, 99, "1"), "DTMF send error");
}

}  // namespace
}  // namespace acw::call::test
