// Engine scenarios not tied to one call machine: the config, bad input from the network,
// out-of-dialog requests, close(), limits.
#include "call/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "harness.hpp"

namespace acw::call::test {
namespace {

TEST(Engine, ConfigIsCheckedWithTheDocumentedStrings) {
  auto with = [](auto change) {
    Config config = default_config();
    change(config);
    return Engine(config).config_error();
  };
  EXPECT_EQ(with([](Config&) {}), "");
  EXPECT_EQ(with([](Config& c) { c.cloud_id = "1-2"; }), "Invalid cloudId");
  EXPECT_EQ(with([](Config& c) { c.cloud_id = "1-2-x"; }), "Invalid cloudId");
  EXPECT_EQ(with([](Config& c) { c.cloud_id = "-1-2-3"; }), "Invalid cloudId");
  EXPECT_EQ(with([](Config& c) { c.cloud_id = "10-20-30"; }), "");
  EXPECT_EQ(with([](Config& c) { c.web_rtc_access_key = "ABC"; }), "Invalid webRtcAccessKey");
  EXPECT_EQ(with([](Config& c) { c.web_rtc_access_key = ""; }), "Invalid webRtcAccessKey");
  EXPECT_EQ(with([](Config& c) { c.web_rtc_access_key = std::string(64, 'a'); }),
            "Invalid webRtcAccessKey");
  EXPECT_EQ(with([](Config& c) { c.web_rtc_access_key = std::string(63, 'a'); }), "");
  EXPECT_EQ(with([](Config& c) { c.client_id = "al ice"; }), "Invalid clientId");
  EXPECT_EQ(with([](Config& c) { c.client_id = "sip:"; }), "Invalid clientId");
  EXPECT_EQ(with([](Config& c) { c.client_id = "a+b-c_d.e"; }), "");
  EXPECT_EQ(with([](Config& c) { c.url = "http://x/"; }), "Invalid cloud URL");
  EXPECT_EQ(with([](Config& c) { c.url = "ws://127.0.0.1:8080/sipproxy"; }), "");
}

TEST(Engine, InvalidConfigMakesEveryCommandFail) {
  Config config = default_config();
  config.cloud_id = "nope";
  Engine engine(config);
  EXPECT_EQ(engine.enable_incoming(0, kToken), "Invalid cloudId");
  EXPECT_EQ(engine.call_service(0, "echo", {}).error, "Invalid cloudId");
  engine.socket_opened(0);
  engine.frame_received(0, "SIP/2.0 200 OK\r\n\r\n");
  EXPECT_FALSE(engine.poll());
  EXPECT_EQ(engine.next_deadline(), -1);
}

TEST(Engine, ClientIdPrefixesAreStripped) {
  for (std::string id :
       {"sip:alice", "sip%3Aalice", "sip%3aalice", "webrtc:alice", "webrtc%3Aalice"}) {
    Config config = default_config();
    config.client_id = id;
    Harness h(config);
    EXPECT_EQ(h.engine.config().client_id, "alice") << id;
    h.engine.enable_incoming(h.now, kToken);
    h.drain();
    h.open();
    auto reg = h.take("REGISTER");
    ASSERT_TRUE(reg);
    EXPECT_EQ(reg->header("From").value_or("").substr(0, 47),
              "<sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>");
  }
}

TEST(Engine, UrlOverrideIsWhereTheSocketGoes) {
  Config config = default_config();
  config.url = "ws://127.0.0.1:9000/sipproxy";
  Harness h(config);
  h.engine.call_service(h.now, "echo", {});
  h.drain();
  ASSERT_FALSE(h.history.empty());
  EXPECT_EQ(h.history.front().kind, OutputKind::kOpenSocket);
  EXPECT_EQ(h.history.front().text, "ws://127.0.0.1:9000/sipproxy");
}

TEST(Engine, TimeoutWhenNothingIsDueDoesNothing) {
  Harness h;
  EXPECT_EQ(h.engine.next_deadline(), -1);
  h.engine.timeout(h.now);
  EXPECT_FALSE(h.engine.poll());
  h.register_ok();
  std::size_t before = h.history.size();
  h.engine.timeout(h.now);  // deadlines are in the future
  h.drain();
  EXPECT_EQ(h.history.size(), before);
}

class Bad : public ::testing::Test {
 protected:
  void SetUp() override {
    h.engine.set_has_incoming_handler(h.now, true);
    h.register_ok();
    h.callback("onIncomingState");
  }
  Harness h;
};

TEST_F(Bad, OversizedFrameIsRefusedUnread) {
  sip::Message invite = h.incoming_invite();
  invite.set_body(offer_sdp() + "a=x:" + std::string(70000, 'x') + "\r\n", "application/sdp");
  h.deliver(invite);
  EXPECT_EQ(h.untaken_frames(), 0u);
  EXPECT_FALSE(h.callback());
}

TEST_F(Bad, GarbageIsDropped) {
  for (const std::string& garbage : std::vector<std::string>{
           "hello", "INVITE\r\n\r\n", "SIP/2.0 999999 x\r\n\r\n", std::string("\0\1\2", 3),
           "INVITE sip:a SIP/2.0\r\nContent-Length: 50\r\n\r\nshort"}) {
    h.deliver(garbage);
  }
  EXPECT_EQ(h.untaken_frames(), 0u) << h.untaken_summary();
  EXPECT_EQ(h.engine.active_calls(), 0u);
  h.deliver("\r\n\r\n");  // keep-alive
  EXPECT_EQ(h.untaken_frames(), 0u);
}

TEST_F(Bad, RequestThatCanBeAnsweredGets400) {
  sip::Message invite = h.incoming_invite();
  invite.set_header("CSeq", "1 BYE");  // does not match the request line
  h.deliver(invite);
  auto bad = h.take_response(400);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->call_id(), "stub-incoming-1");
  EXPECT_FALSE(h.callback("onIncoming"));
  // Without a Via there is nowhere to send a response: dropped.
  sip::Message no_via = h.incoming_invite();
  no_via.remove_header("Via");
  h.deliver(no_via);
  EXPECT_EQ(h.untaken_frames(), 0u) << h.untaken_summary();
}

TEST_F(Bad, ResponseMatchingNothingIsIgnored) {
  sip::Message stray = sip::Message::response(200, "OK");
  stray.add_header("Via", "SIP/2.0/WSS x.invalid;branch=z9hG4bKnothing");
  stray.add_header("From", "<sip:a@b>;tag=1");
  stray.add_header("To", "<sip:a@b>;tag=2");
  stray.add_header("Call-ID", "x");
  stray.add_header("CSeq", "1 INVITE");
  h.deliver(stray);
  EXPECT_EQ(h.untaken_frames(), 0u);
  EXPECT_FALSE(h.callback());
}

TEST_F(Bad, OutOfDialogRequests) {
  auto request = [&](std::string method, std::string_view to_tag = {}) {
    sip::Message m = sip::Message::request(method, "sip:contact@host.invalid;transport=ws");
    m.add_header("Via", "SIP/2.0/WSS 127.0.0.1;branch=z9hG4bK" + method + std::string(to_tag));
    m.add_header("From", "<sip:x@sip-1-2-0.aculab.com>;tag=f");
    m.add_header("To", "<sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>" +
                           (to_tag.empty() ? std::string() : ";tag=" + std::string(to_tag)));
    m.add_header("Call-ID", "ood-" + method);
    m.add_header("CSeq", "1 " + method);
    return m;
  };
  h.deliver(request("OPTIONS"));
  auto options = h.take_response(200);
  ASSERT_TRUE(options);
  EXPECT_TRUE(options->has_header("Allow"));
  EXPECT_EQ(options->header("Accept").value_or(""), "application/sdp");
  h.deliver(request("BYE", "nosuch"));
  EXPECT_TRUE(h.take_response(481));
  h.deliver(request("INFO"));
  EXPECT_TRUE(h.take_response(481));
  h.deliver(request("MESSAGE"));
  auto message_ok = h.take_response(200);
  ASSERT_TRUE(message_ok);
  EXPECT_FALSE(message_ok->has_header("Allow"));
  h.deliver(request("NOTIFY"));
  EXPECT_TRUE(h.take_response(481));
  h.deliver(request("REFER"));
  EXPECT_TRUE(h.take_response(405));  // outside a call REFER is only not allowed
  h.deliver(request("SUBSCRIBE"));
  auto not_allowed = h.take_response(405);
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->header("Allow").value_or(""),
            "ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER");
  h.deliver(request("FROBNICATE"));
  EXPECT_TRUE(h.take_response(501));
  for (const char* method : {"PUBLISH", "UPDATE", "PRACK", "REGISTER"}) {
    h.deliver(request(method));
    auto refused = h.take_response(405);
    ASSERT_TRUE(refused) << method;
    EXPECT_TRUE(refused->has_header("Allow")) << method;
  }
  // Methods are case-sensitive (§7.1) and matched whole: none of these is one we know.
  for (const char* method : {"options", "OPTION", "OPTIONSX", "SUBSCRIBEX"}) {
    h.deliver(request(method));
    auto unknown = h.take_response(501);
    ASSERT_TRUE(unknown) << method;
    EXPECT_FALSE(unknown->has_header("Allow")) << method;
  }
  h.deliver(request("ACK", "nosuch"));
  EXPECT_EQ(h.untaken_frames(), 0u) << h.untaken_summary();  // an ACK is never answered
}

TEST_F(Bad, FloodOfInvitesStaysBounded) {
  for (int i = 0; i < 400; ++i) {
    h.deliver(h.incoming_invite("flood-" + std::to_string(i), "<sip:x@sip-1-2-0.aculab.com>;tag=f",
                                offer_sdp(), "z9hG4bKflood" + std::to_string(i)));
  }
  EXPECT_LE(h.engine.active_calls(), 1u);
  int refused = 0;
  while (h.take_response(503)) ++refused;
  EXPECT_GT(refused, 0);  // the transaction table is full: stateless 503
  h.advance(40000);       // Timer H empties the table
  h.deliver(h.incoming_invite("after", "<sip:x@sip-1-2-0.aculab.com>;tag=f", offer_sdp(),
                              "z9hG4bKafter"));
  bool answered = false;
  while (auto r = h.take_response()) answered = answered || r->call_id() == "after";
  EXPECT_TRUE(answered);
}

// Whether the engine did anything the page or the cloud would see, or logged why not.
bool answered_or_logged(const std::vector<Output>& outputs) {
  return std::ranges::any_of(outputs, [](const Output& out) {
    return out.kind == OutputKind::kSendFrame || out.kind == OutputKind::kCallback ||
           out.kind == OutputKind::kLog;
  });
}

TEST(Engine, MutatedTraceMessagesAreEachAnsweredOrLoggedAndLeaveNothingBehind) {
  // A cheap, deterministic mutation loop over real messages; the fuzzers go further.
  std::vector<std::string> seeds;
  for (const auto& entry : load_trace("official-client-incoming-cancel-unregister.txt")) {
    if (entry.direction == "out") seeds.push_back(crlf(entry.text));
  }
  ASSERT_FALSE(seeds.empty());
  Config config = default_config();
  config.log_level = 5;  // every drop is logged, without the SIP traces (level 6)
  Harness h(config);
  h.engine.set_has_incoming_handler(h.now, true);
  h.engine.set_max_concurrent(h.now, static_cast<int>(Engine::kMaxCalls));
  h.register_ok();
  Random random(7);
  for (int i = 0; i < 3000; ++i) {
    std::string text = seeds[random.next() % seeds.size()];
    int edits = 1 + static_cast<int>(random.next() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      std::size_t at = random.next() % text.size();
      switch (random.next() % 3) {
        case 0:
          text[at] = static_cast<char>(random.next() & 0xff);
          break;
        case 1:
          text.erase(at, 1 + random.next() % 8);
          break;
        case 2:
          text.insert(at, text.substr(random.next() % text.size(), 1 + random.next() % 16));
          break;
      }
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;  // a keep-alive
    const std::size_t before = h.history.size();
    h.deliver(text);
    std::vector<Output> outputs(h.history.begin() + static_cast<std::ptrdiff_t>(before),
                                h.history.end());
    ASSERT_TRUE(answered_or_logged(outputs)) << "message " << i << " vanished:\n" << text;
    h.now += 10;
  }
  // Let everything go: each call is hung up, incoming disabled, and once every timer has run
  // nothing is left: no call, no deadline.
  for (CallHandle call = 1; call <= 3000; ++call) h.engine.disconnect(h.now, call);
  h.engine.disable_incoming(h.now);
  h.drain();
  h.advance(10 * 60 * 1000);
  EXPECT_EQ(h.engine.active_calls(), 0u);
  EXPECT_EQ(h.engine.next_deadline(), -1);
  EXPECT_FALSE(h.engine.socket_wanted());
}

TEST(Engine, CloseEndsCallsUnregistersAndClosesTheSocketLast) {
  Harness h;
  h.register_ok();
  h.callback("onIncomingState");
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  sip::Message ok = Harness::response(*invite, 200, "t");
  ok.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  ok.set_body(answer_sdp(), "application/sdp");
  h.deliver(ok);
  ASSERT_TRUE(h.take("ACK"));
  std::size_t before = h.history.size();
  h.engine.close(h.now);
  h.drain();
  std::vector<Output> tail(h.history.begin() + static_cast<std::ptrdiff_t>(before),
                           h.history.end());
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back().kind, OutputKind::kCloseSocket);
  EXPECT_TRUE(h.take("BYE"));
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
  auto unreg = h.take("REGISTER");
  ASSERT_TRUE(unreg);
  EXPECT_NE(unreg->header("Contact").value_or("").find("expires=0"), std::string_view::npos);
  EXPECT_EQ(h.engine.call_service(h.now, "echo", {}).error, "Client closed");
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

TEST(Engine, CloseTellsThePageIncomingIsNoLongerReady) {
  Harness h;
  h.register_ok();
  auto ready = h.callback("onIncomingState");
  ASSERT_TRUE(ready);
  EXPECT_NE(ready->json.find(R"("ready":true)"), std::string::npos);
  h.engine.close(h.now);
  h.drain();
  auto closed = h.callback("onIncomingState");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->json, R"({"cause":"NORMAL","ready":false,"retry":false})");
  EXPECT_FALSE(h.callback("onIncomingState"));
}

TEST(Engine, CloseWhileRegisteringReportsOnceAndNeverEnabledReportsNothing) {
  {
    Harness h;
    h.engine.enable_incoming(h.now, kToken);
    h.drain();
    h.open();
    ASSERT_TRUE(h.take("REGISTER"));  // no answer yet
    h.engine.close(h.now);
    h.drain();
    auto closed = h.callback("onIncomingState");
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->json, R"({"cause":"NORMAL","ready":false,"retry":false})");
    EXPECT_FALSE(h.callback("onIncomingState"));
  }
  {
    Harness h;
    h.engine.call_service(h.now, "echo", {});
    h.drain();
    h.engine.close(h.now);
    h.drain();
    EXPECT_FALSE(h.callback("onIncomingState"));
  }
}

TEST(Engine, MaxConcurrentIsCapped) {
  Harness h;
  EXPECT_EQ(h.engine.set_max_concurrent(h.now, 1000), "");
  for (std::size_t i = 0; i < Engine::kMaxCalls; ++i) {
    EXPECT_EQ(h.engine.call_service(h.now, "echo", {}).error, "") << i;
  }
  EXPECT_EQ(h.engine.call_service(h.now, "echo", {}).error, "Too many calls");
}

TEST(Engine, EndedCallsKeepTheirCallIdForTheLastKMaxCalls) {
  Harness h;
  std::vector<CallHandle> handles;
  for (std::size_t i = 0; i < Engine::kMaxCalls + 8; ++i) {
    CallResult r = h.engine.call_service(h.now, "echo", {});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(h.engine.disconnect(h.now, r.call), "");
    h.drain();
    handles.push_back(r.call);
  }
  EXPECT_EQ(h.engine.call_id(handles.front()), "");  // the oldest are forgotten: memory is bounded
  EXPECT_EQ(h.engine.call_id(handles[7]), "");
  EXPECT_NE(h.engine.call_id(handles[8]), "");
  EXPECT_NE(h.engine.call_id(handles.back()), "");
  EXPECT_NE(h.engine.call_id(handles.back()), h.engine.call_id(handles[8]));
}

TEST(Engine, LogsFollowTheLevel) {
  Config config = default_config();
  config.log_level = 6;
  Harness h(config);
  h.register_ok();
  bool trace = false;
  for (const auto& out : h.history) {
    if (out.kind == OutputKind::kLog && out.level == 6 &&
        out.text.rfind("send:\nREGISTER ", 0) == 0)
      trace = true;
  }
  EXPECT_TRUE(trace);
  Harness quiet;
  quiet.register_ok();
  for (const auto& out : quiet.history) EXPECT_NE(out.kind, OutputKind::kLog);
}

}  // namespace
}  // namespace acw::call::test
