// ICE-server scenarios: the OPTIONS with X-AculabTurnRequest, the 30 s refresh, the 60 s retry, and
// the page's override.
#include "call/ice_servers.hpp"

#include <gtest/gtest.h>

#include "harness.hpp"

namespace acw::call::test {
namespace {

constexpr std::string_view kServers =
    R"([{"urls":"turn:turn.example:3478","username":"u","credential":"c"}])";

TEST(IceServers, OptionsRequestAndAnswerGoToThePeer) {
  Harness h;
  CallHandle call = 0;
  auto result = h.engine.call_service(h.now, "echo", {});
  call = result.call;
  h.drain();
  h.open();
  auto options = h.take("OPTIONS");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->request_uri(), "sip:webrtc-1-2-0.aculabcloud.net");
  EXPECT_EQ(options->header("To").value_or(""), "<sip:webrtc-1-2-0.aculabcloud.net>");
  EXPECT_EQ(options->header("CSeq").value_or(""), "1 OPTIONS");
  // No peer connection before the servers are known.
  EXPECT_TRUE(h.media_of(OutputKind::kCreatePeer).empty());
  sip::Message ok = Harness::response(*options, 200);
  ok.set_body(std::string(kServers), "application/json");
  h.deliver(ok);
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].call, call);
  EXPECT_EQ(peers[0].text, kServers);
  EXPECT_EQ(peers[0].json,
            R"({"iceTransportPolicy":"all","receiveAudio":null,"receiveVideo":null})");
}

TEST(IceServers, RefreshedEvery30Seconds) {
  Harness h;
  h.register_ok();
  h.advance(29999);
  EXPECT_FALSE(h.take("OPTIONS"));
  h.advance(1);
  auto again = h.take("OPTIONS");
  ASSERT_TRUE(again);
  h.answer_ice_servers();  // nothing left: answer this one by hand
  sip::Message ok = Harness::response(*again, 200);
  ok.set_body("[]", "application/json");
  h.deliver(ok);
  h.advance(30000);
  EXPECT_TRUE(h.take("OPTIONS"));
}

// Registered, so the socket stays up while no call needs it.
void register_without_ice_answer(Harness& h) {
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  sip::Message ok = Harness::response(*reg, 200);
  ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(ok);
}

TEST(IceServers, FailureRetriesIn60SecondsAndCallsGoAheadWithNone) {
  Harness h;
  register_without_ice_answer(h);
  auto options = h.take("OPTIONS");
  ASSERT_TRUE(options);
  h.reply(*options, 500);
  h.engine.call_service(h.now, "echo", {});
  h.drain();
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].text, "[]");
  h.advance(59999);
  EXPECT_FALSE(h.take("OPTIONS"));
  h.advance(1);
  EXPECT_TRUE(h.take("OPTIONS"));
}

TEST(IceServers, BodyThatIsNotAnArrayIsAFailure) {
  Harness h;
  register_without_ice_answer(h);
  auto options = h.take("OPTIONS");
  sip::Message ok = Harness::response(*options, 200);
  ok.set_body("{\"urls\":\"x\"}", "application/json");
  h.deliver(ok);
  h.engine.call_service(h.now, "echo", {});
  h.drain();
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].text, "[]");
  h.advance(60000);
  EXPECT_TRUE(h.take("OPTIONS"));
}

TEST(IceServers, TimeoutIsAFailure) {
  Harness h;
  h.engine.call_service(h.now, "echo", {});
  h.drain();
  h.open();
  ASSERT_TRUE(h.take("OPTIONS"));
  h.advance(32000);  // Timer F
  EXPECT_EQ(h.media_of(OutputKind::kCreatePeer).size(), 1u);
}

TEST(IceServers, PageOverrideWinsAndNeedsNoAnswer) {
  Harness h;
  EXPECT_EQ(h.engine.set_peer_connection_configuration(h.now, std::string(kServers), "relay"), "");
  h.engine.call_service(h.now, "echo", {});
  h.drain();
  h.open();
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].text, kServers);
  EXPECT_EQ(peers[0].json,
            R"({"iceTransportPolicy":"relay","receiveAudio":null,"receiveVideo":null})");
}

TEST(IceServers, EmptyOverrideMeansNone) {
  Harness h;
  h.engine.set_peer_connection_configuration(h.now, std::string("[]"), "");
  h.engine.call_service(h.now, "echo", {});
  h.drain();
  h.open();
  h.answer_ice_servers(std::string(kServers));
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].text, "[]");
}

TEST(IceServers, BadOverridesAreRefused) {
  Harness h;
  EXPECT_EQ(h.engine.set_peer_connection_configuration(h.now, std::string("{}"), ""),
            "iceServers must be null or an array");
  EXPECT_EQ(h.engine.set_peer_connection_configuration(h.now, std::nullopt, "none"),
            "iceTransportPolicy must be \"all\" or \"relay\"");
  EXPECT_EQ(h.engine.set_peer_connection_configuration(h.now, std::nullopt, "all"), "");
}

TEST(IceServers, ANewConnectionAsksAgainBeforeACallUsesThem) {
  Harness h;
  h.register_ok();
  h.engine.disable_incoming(h.now);
  h.drain();
  h.reply(*h.take("REGISTER"), 200);
  ASSERT_EQ(h.closes, 1);
  h.engine.call_service(h.now, "echo", {});
  h.drain();
  ASSERT_EQ(h.opens, 2);
  h.open();
  EXPECT_TRUE(h.media_of(OutputKind::kCreatePeer).empty());  // the old credentials are not used
  h.answer_ice_servers(std::string(kServers));
  auto peers = h.media_of(OutputKind::kCreatePeer);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].text, kServers);
}

TEST(IceServers, UnitStateMachine) {
  IceServers ice;
  EXPECT_FALSE(ice.ready());
  EXPECT_EQ(ice.servers(), "[]");
  EXPECT_EQ(ice.next_deadline(), sip::kNever);
  ice.on_transport_up();
  EXPECT_EQ(ice.next_deadline(), 0);
  ice.set_override(std::string("[1]"), "");
  EXPECT_TRUE(ice.ready());
  EXPECT_EQ(ice.servers(), "[1]");
  EXPECT_EQ(ice.policy(), "all");
  ice.set_override(std::nullopt, "relay");
  EXPECT_FALSE(ice.ready());
  EXPECT_EQ(ice.policy(), "relay");
}

}  // namespace
}  // namespace acw::call::test
