// Confirmed calls kept across a lost socket, under the virtual clock: onReconnecting, the
// reconnect delays, the target-refresh re-INVITE on the new socket and every way it can end.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness.hpp"

namespace acw::call::test {
namespace {

constexpr std::string_view kNoKeepAlive = R"({"keepAlive":{"interval":0}})";

std::string with_reconnect(std::string_view reconnect) {
  return R"({"keepAlive":{"interval":0},"reconnect":)" + std::string(reconnect) + "}";
}

// The socket drops; the engine reopens it at once (the first delay is 0) and the host opens it.
void lose_and_reopen(Harness& h) {
  h.close_socket();
  h.advance(0);
  h.open();
}

TEST(Reconnect, ConfirmedCallIsKeptAndRefreshedOnTheNewSocket) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  h.close_socket();
  auto reconnecting = h.callback();
  ASSERT_TRUE(reconnecting.has_value());
  EXPECT_EQ(reconnecting->name, "onReconnecting");
  EXPECT_EQ(reconnecting->call, up.call);
  EXPECT_EQ(reconnecting->json, R"({"reason":"signalling"})");
  EXPECT_TRUE(h.media_of(OutputKind::kClosePeer).empty());  // media goes on
  EXPECT_EQ(h.engine.active_calls(), 1u);
  h.advance(0);
  EXPECT_EQ(h.opens, 2);  // at once
  h.open();

  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  // §12.2.1.1 in the dialog: the 2xx's Contact as Request-URI, both tags, the next CSeq; the same
  // Contact (this instance) and RFC 3264 §8's repeated offer.
  EXPECT_EQ(refresh->request_uri(), "sip:stub@127.0.0.1;transport=ws");
  EXPECT_EQ(refresh->call_id(), up.invite.call_id());
  EXPECT_EQ(refresh->header("From"), up.ack.header("From"));
  EXPECT_EQ(refresh->header("To"), up.ack.header("To"));
  EXPECT_EQ(refresh->header("CSeq").value_or(""), "2 INVITE");
  EXPECT_EQ(refresh->header("Contact"), up.invite.header("Contact"));
  EXPECT_EQ(refresh->body(), up.invite.body());
  EXPECT_EQ(h.untaken_callbacks(), 0u);

  h.reply_with_contact(*refresh, 200, answer_sdp());
  auto ack = h.take("ACK");
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->header("CSeq").value_or(""), "2 ACK");
  auto reconnected = h.callback();
  ASSERT_TRUE(reconnected.has_value());
  EXPECT_EQ(reconnected->name, "onReconnected");
  EXPECT_EQ(reconnected->json, R"({"reason":"signalling"})");
  // The browser is left alone: no new description, no new peer.
  EXPECT_EQ(h.media_of(OutputKind::kSetRemoteDescription).size(), 1u);
  EXPECT_EQ(h.media_of(OutputKind::kCreatePeer).size(), 1u);

  // The call goes on in its dialog: a hang-up is a BYE with the next CSeq.
  EXPECT_EQ(h.engine.disconnect(h.now, up.call), "");
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(bye->header("CSeq").value_or(""), "3 BYE");
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"NORMAL"})");
}

TEST(Reconnect, CallsBeingSetUpEndAsBefore) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  h.engine.set_max_concurrent(h.now, 2);
  Up up = confirmed_call(h);
  CallResult second = h.engine.call_service(h.now, "echo", {});
  ASSERT_EQ(second.error, "");
  h.drain();
  ASSERT_TRUE(h.take("INVITE").has_value());  // the second call: Inviting
  h.close_socket();
  auto first = h.callback();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->name, "onReconnecting");
  EXPECT_EQ(first->call, up.call);
  auto failed = h.callback();
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->name, "onDisconnect");
  EXPECT_EQ(failed->call, second.call);
  EXPECT_EQ(failed->json, R"({"cause":"FAILED"})");
}

TEST(Reconnect, LimitZeroEndsEveryCallAsThePublicClientDoes) {
  Harness h(config_with_options(with_reconnect(R"({"limit":0})")));
  Up up = confirmed_call(h);
  h.close_socket();
  auto ended = h.callback();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->name, "onDisconnect");
  EXPECT_EQ(ended->call, up.call);
  EXPECT_EQ(ended->json, R"({"cause":"FAILED"})");
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

TEST(Reconnect, RetriesFollowTheDelaysWithJitter) {
  Harness h(config_with_options(with_reconnect(R"({"delays":[0,400,1000]})")));
  confirmed_call(h);
  h.close_socket();
  std::vector<int64_t> opened_at;
  int64_t lost_at = h.now;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int opens = h.opens;
    h.advance(0);
    for (int step = 0; step < 2000 && h.opens == opens; ++step) h.advance(1);
    ASSERT_EQ(h.opens, opens + 1) << attempt;
    opened_at.push_back(h.now - lost_at);
    h.close_socket();  // refused: the host reports the failed socket closed
    lost_at = h.now;
  }
  // Each wait is its delay cut to 50-100% (the last repeats); the first at once.
  const int64_t delays[] = {0, 400, 1000, 1000, 1000};
  for (int i = 0; i < 5; ++i) {
    EXPECT_GE(opened_at[i], delays[i] / 2) << i;
    EXPECT_LE(opened_at[i], delays[i]) << i;
  }
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 1u);  // once per loss of signalling, not per try
}

TEST(Reconnect, SignallingNotBackWithinTheLimitEndsTheCall) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  h.close_socket();
  // Every reconnect is refused until the limit.
  const int64_t lost_at = h.now;
  while (h.now < lost_at + 29999) {
    const int opens = h.opens;
    h.advance(1);
    if (h.opens != opens && h.now < lost_at + 29999) h.close_socket();
  }
  EXPECT_FALSE(h.callback("onDisconnect").has_value());
  h.advance(1);
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->call, up.call);
  EXPECT_EQ(ended->json, R"({"cause":"FAILED"})");
  EXPECT_FALSE(h.take("BYE").has_value());
  EXPECT_EQ(h.media_of(OutputKind::kClosePeer).size(), 1u);
  // Nothing needs the cloud any more: no timer left.
  h.close_socket();
  h.advance(60000);
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

TEST(Reconnect, RefusedTargetRefreshEndsTheCall) {
  struct Case {
    int status;
    bool bye;
  };
  for (Case c : {Case{481, false}, Case{408, false}, Case{403, true}, Case{500, true}}) {
    Harness h(config_with_options(std::string(kNoKeepAlive)));
    Up up = confirmed_call(h);
    lose_and_reopen(h);
    auto refresh = h.take("INVITE");
    ASSERT_TRUE(refresh.has_value());
    h.reply(*refresh, c.status);
    auto ended = h.callback("onDisconnect");
    ASSERT_TRUE(ended.has_value()) << c.status;
    EXPECT_EQ(ended->call, up.call);
    EXPECT_EQ(ended->json, R"({"cause":"FAILED"})") << c.status;
    EXPECT_EQ(h.take("BYE").has_value(), c.bye) << c.status;
    EXPECT_EQ(count_callbacks(h, "onReconnected"), 0u);
  }
}

TEST(Reconnect, UnansweredTargetRefreshEndsTheCallWithBye) {
  Harness h(config_with_options(with_reconnect(R"({"limit":100000})")));
  Up up = confirmed_call(h);
  lose_and_reopen(h);
  ASSERT_TRUE(h.take("INVITE").has_value());
  h.answer_ice_servers();
  h.advance(64 * 500 - 1);
  EXPECT_FALSE(h.callback("onDisconnect").has_value());
  h.advance(1);  // Timer B
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"FAILED"})");
  EXPECT_TRUE(h.take("BYE").has_value());
}

TEST(Reconnect, TheLimitAlsoCoversAPendingTargetRefresh) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  confirmed_call(h);
  lose_and_reopen(h);
  ASSERT_TRUE(h.take("INVITE").has_value());
  h.answer_ice_servers();
  h.advance(30000);
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"FAILED"})");
  EXPECT_TRUE(h.take("BYE").has_value());
}

TEST(Reconnect, AnAnswerWithAChangedSessionEndsTheCallWithError) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  confirmed_call(h);
  lose_and_reopen(h);
  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  std::string changed = answer_sdp();
  changed.replace(changed.find(" 2 IN IP4"), 9, " 3 IN IP4");  // o= version moved on
  h.reply_with_contact(*refresh, 200, changed);
  EXPECT_TRUE(h.take("ACK").has_value());
  EXPECT_TRUE(h.take("BYE").has_value());
  EXPECT_TRUE(h.callback("onError").has_value());  // ERROR is told first, as for media failures
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"ERROR"})");
  EXPECT_EQ(h.media_of(OutputKind::kSetRemoteDescription).size(), 1u);
}

TEST(Reconnect, GlareBothWays) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  lose_and_reopen(h);
  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  // §14.2: their re-INVITE while ours is pending gets 491.
  sip::Message theirs = Harness::in_dialog("INVITE", up.ack, 7, "z9hG4bKglare1", true);
  theirs.set_body(answer_sdp(), "application/sdp");
  h.deliver(theirs);
  EXPECT_TRUE(h.take_response(491).has_value());
  // §14.1: a 491 to ours: the owner of the Call-ID tries again after 2.1-4 s.
  const int64_t refused_at = h.now;
  h.reply(*refresh, 491);
  EXPECT_FALSE(h.callback("onDisconnect").has_value());
  h.advance(2099);
  EXPECT_FALSE(h.take("INVITE").has_value());
  h.advance(4000 - 2099);
  auto again = h.take("INVITE");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->header("CSeq").value_or(""), "3 INVITE");
  EXPECT_LE(h.now - refused_at, 4000);
  h.reply_with_contact(*again, 200, answer_sdp());
  EXPECT_TRUE(h.take("ACK").has_value());
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 1u);
}

TEST(Reconnect, RegistrationComesBackOnTheNewSocket) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  h.register_ok();
  Up up = confirmed_call(h);
  lose_and_reopen(h);
  EXPECT_TRUE(h.take("REGISTER").has_value());
  EXPECT_TRUE(h.take("INVITE").has_value());
  EXPECT_EQ(up.call, up.call);
}

TEST(Reconnect, IncomingCallIsRefreshedWithOurAnswer) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  h.engine.set_has_incoming_handler(h.now, true);
  h.register_ok();
  h.deliver(h.incoming_invite());
  auto incoming = h.callback("onIncoming");
  ASSERT_TRUE(incoming.has_value());
  ASSERT_EQ(h.engine.answer(h.now, incoming->call, {}), "");
  h.drain();
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok.has_value());
  sip::Message ack = Harness::in_dialog("ACK", *ok, 1, "z9hG4bKack1", false);
  h.deliver(ack);
  ASSERT_TRUE(h.callback("onConnected").has_value());
  lose_and_reopen(h);
  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  EXPECT_EQ(refresh->request_uri(), "sip:svc@127.0.0.1;transport=ws");
  EXPECT_EQ(refresh->header("From"), ok->header("To"));
  EXPECT_EQ(refresh->body(), ok->body());
  // The far side's answer repeats its offer's origin.
  h.reply_with_contact(*refresh, 200, offer_sdp());
  EXPECT_TRUE(h.take("ACK").has_value());
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 1u);
}

TEST(Reconnect, KeepAliveTimeoutKeepsTheCall) {
  Harness h(config_with_options(R"({"keepAlive":{"interval":2000,"timeout":1000}})"));
  Up up = confirmed_call(h);
  h.advance(3000);
  EXPECT_EQ(h.closes, 1);
  auto reconnecting = h.callback("onReconnecting");
  ASSERT_TRUE(reconnecting.has_value());
  EXPECT_EQ(reconnecting->call, up.call);
  EXPECT_FALSE(h.callback("onDisconnect").has_value());
}

TEST(Reconnect, HangUpWhileTheSocketIsDown) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  h.close_socket();
  EXPECT_EQ(h.engine.disconnect(h.now, up.call), "");
  h.drain();
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"NORMAL"})");
  h.advance(60000);
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

TEST(Reconnect, OfflineReconnectsWaitForOnline) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  h.engine.network(h.now, false);
  h.drain();
  h.close_socket();
  EXPECT_TRUE(h.callback("onReconnecting").has_value());
  h.advance(10000);
  EXPECT_EQ(h.opens, 1);  // no attempt burnt while offline
  h.engine.network(h.now, true);
  h.drain();
  EXPECT_EQ(h.opens, 2);  // online: at once
  h.open();
  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  h.reply_with_contact(*refresh, 200, answer_sdp());
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 1u);
  EXPECT_EQ(up.call, up.call);
}

TEST(Reconnect, OfflineStillEndsKeptCallsAtTheLimit) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  confirmed_call(h);
  h.close_socket();
  h.engine.network(h.now, false);
  h.drain();
  h.advance(30000);
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"FAILED"})");
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

}  // namespace
}  // namespace acw::call::test
