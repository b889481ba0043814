// ICE restarts under the virtual clock: the iceState input, the 2 s wait for `disconnected` (and
// for nothing heard from the far side: the mediaHeard input), the restart offer in a re-INVITE,
// its answer, glare, refusal, the media limit, and a signalling reconnect at the same time.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness.hpp"

namespace acw::call::test {
namespace {

constexpr std::string_view kNoKeepAlive = R"({"keepAlive":{"interval":0}})";

std::string with_ice_restart(std::string_view ice_restart) {
  return R"({"keepAlive":{"interval":0},"iceRestart":)" + std::string(ice_restart) + "}";
}

// The far side's answer to a restart offer: new ICE credentials, so a new o= version.
std::string restart_answer_sdp() {
  std::string sdp = answer_sdp();
  sdp.replace(sdp.find(" 2 IN IP4"), 9, " 3 IN IP4");
  return sdp;
}

std::size_t restart_offers(const Harness& h) {
  auto offers = h.media_of(OutputKind::kCreateOffer);
  return static_cast<std::size_t>(std::count_if(
      offers.begin(), offers.end(), [](const Output& o) { return o.name == "iceRestart"; }));
}

// Two minutes on (past the wait, the limit and Timer B), nothing of the call fires: no restart, no
// request in its dialog, no callback. (The ICE servers' refresh keeps a timer while a call is up.)
void stays_quiet(Harness& h) {
  const std::size_t callbacks = h.callbacks.size();
  const std::size_t offers = restart_offers(h);
  h.advance(120000);
  EXPECT_EQ(h.callbacks.size(), callbacks);
  EXPECT_EQ(restart_offers(h), offers);
  EXPECT_FALSE(h.take("INVITE").has_value());
  EXPECT_FALSE(h.take("BYE").has_value());
}

// The restart's re-INVITE answered 200: its ACK and the answer set in the browser.
void answer_restart(Harness& h, const sip::Message& reinvite) {
  h.reply_with_contact(reinvite, 200, restart_answer_sdp());
  std::optional<sip::Message> ack;
  while (auto next = h.take("ACK")) ack = next;  // the last one; earlier ones were for others
  ASSERT_TRUE(ack.has_value());
  std::string cseq(reinvite.header("CSeq").value_or(""));
  EXPECT_EQ(ack->header("CSeq").value_or(""), cseq.substr(0, cseq.find(' ')) + " ACK");
  auto set = h.media_of(OutputKind::kSetRemoteDescription);
  ASSERT_FALSE(set.empty());
  EXPECT_EQ(set.back().name, "answer");
  EXPECT_EQ(set.back().text, restart_answer_sdp());
}

TEST(IceRestart, DisconnectedBrieflyRecoversWithoutARestart) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "disconnected");
  h.advance(1999);
  ice(h, up, "connected");
  stays_quiet(h);
  EXPECT_EQ(restart_offers(h), 0u);
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 0u);
}

TEST(IceRestart, DisconnectedForTwoSecondsRestartsAndTheAnswerRestoresMedia) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "disconnected");
  h.advance(1999);
  EXPECT_EQ(restart_offers(h), 0u);
  h.advance(1);
  auto reconnecting = h.callback("onReconnecting");
  ASSERT_TRUE(reconnecting.has_value());
  EXPECT_EQ(reconnecting->call, up.call);
  EXPECT_EQ(reconnecting->json, R"({"reason":"media"})");
  EXPECT_EQ(restart_offers(h), 1u);
  auto local = h.media_of(OutputKind::kSetLocalDescription);
  ASSERT_EQ(local.size(), 2u);
  EXPECT_EQ(local.back().name, "offer");

  // §14.1 in the dialog: next CSeq, the same Contact, the restart offer as gathered.
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  EXPECT_EQ(reinvite->request_uri(), "sip:stub@127.0.0.1;transport=ws");
  EXPECT_EQ(reinvite->call_id(), up.invite.call_id());
  EXPECT_EQ(reinvite->header("To"), up.ack.header("To"));
  EXPECT_EQ(reinvite->header("CSeq").value_or(""), "2 INVITE");
  EXPECT_EQ(reinvite->header("Contact"), up.invite.header("Contact"));
  EXPECT_EQ(reinvite->body(), with_candidate(local.back().text));
  answer_restart(h, *reinvite);
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 0u);  // not before ICE says so
  ice(h, up, "checking");
  ice(h, up, "connected");
  auto reconnected = h.callback("onReconnected");
  ASSERT_TRUE(reconnected.has_value());
  EXPECT_EQ(reconnected->json, R"({"reason":"media"})");
  stays_quiet(h);

  // The call goes on in its dialog.
  EXPECT_EQ(h.engine.disconnect(h.now, up.call), "");
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(bye->header("CSeq").value_or(""), "3 BYE");
}

TEST(IceRestart, FailedRestartsAtOnce) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "failed");
  EXPECT_TRUE(h.callback("onReconnecting").has_value());
  EXPECT_EQ(restart_offers(h), 1u);
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  answer_restart(h, *reinvite);
  ice(h, up, "completed");
  EXPECT_TRUE(h.callback("onReconnected").has_value());
  EXPECT_EQ(count_callbacks(h, "onDisconnect"), 0u);
}

TEST(IceRestart, MediaBackBeforeTheAnswerWaitsForIt) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "failed");
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  ice(h, up, "connected");  // the browser holds our offer: the answer still has to come
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 0u);
  answer_restart(h, *reinvite);
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 1u);
  stays_quiet(h);
}

void heard(Harness& h, const Up& up, bool on) {
  h.engine.media_heard(h.now, up.call, on);
  h.drain();
}

TEST(IceRestart, NothingHeardForTheWaitRestartsThoughIceSaysConnected) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  heard(h, up, false);
  h.advance(1999);
  EXPECT_EQ(restart_offers(h), 0u);
  h.advance(1);
  auto reconnecting = h.callback("onReconnecting");
  ASSERT_TRUE(reconnecting.has_value());
  EXPECT_EQ(reconnecting->json, R"({"reason":"media"})");
  EXPECT_EQ(restart_offers(h), 1u);
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  answer_restart(h, *reinvite);
  // ICE never left `connected`: the media is back when the far side is heard again.
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 0u);
  h.advance(3000);
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 0u);
  heard(h, up, true);
  auto reconnected = h.callback("onReconnected");
  ASSERT_TRUE(reconnected.has_value());
  EXPECT_EQ(reconnected->json, R"({"reason":"media"})");
  stays_quiet(h);
}

TEST(IceRestart, ABriefSilenceRestartsNothing) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  for (int i = 0; i < 3; ++i) {
    heard(h, up, false);
    h.advance(1999);
    heard(h, up, true);
  }
  stays_quiet(h);
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 0u);
}

TEST(IceRestart, HeardAgainDuringTheRestartWaitsForItsAnswer) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  heard(h, up, false);
  h.advance(2000);
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  heard(h, up, true);  // the old path is back, and the browser holds our offer
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 0u);
  answer_restart(h, *reinvite);
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 1u);
  stays_quiet(h);
}

TEST(IceRestart, SilenceOnHoldOrWhileIceIsDownLeavesItToIce) {
  {
    // Held, the far side sends nothing: not a loss.
    Harness h(config_with_options(std::string(kNoKeepAlive)));
    Up up = confirmed_call(h);
    EXPECT_EQ(h.engine.hold(h.now, up.call, true), "");
    h.drain();
    auto reinvite = h.take("INVITE");
    ASSERT_TRUE(reinvite.has_value());
    heard(h, up, false);  // the hold is asked for, not yet answered
    std::string answer = answer_sdp("recvonly");
    answer.replace(answer.find(" 2 IN IP4"), 9, " 3 IN IP4");
    h.reply_with_contact(*reinvite, 200, answer);
    EXPECT_TRUE(h.callback("onHold").has_value());
    stays_quiet(h);
    EXPECT_EQ(restart_offers(h), 0u);
  }
  {
    // ICE disconnected: its 2 s wait runs from then; silence after it changes nothing, and ICE
    // connecting again counts as heard.
    Harness h(config_with_options(std::string(kNoKeepAlive)));
    Up up = confirmed_call(h);
    ice(h, up, "disconnected");
    h.advance(1000);
    heard(h, up, false);
    h.advance(999);
    ice(h, up, "connected");
    stays_quiet(h);
    EXPECT_EQ(restart_offers(h), 0u);
  }
}

TEST(IceRestart, AnotherFailureAfterARestartRestartsAgainWithinTheSameLimit) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  const int64_t lost_at = h.now;
  ice(h, up, "failed");
  auto first = h.take("INVITE");
  ASSERT_TRUE(first.has_value());
  h.advance(1000);
  answer_restart(h, *first);
  ice(h, up, "failed");
  EXPECT_EQ(restart_offers(h), 2u);
  auto second = h.take("INVITE");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->header("CSeq").value_or(""), "3 INVITE");
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 1u);
  h.advance(lost_at + 30000 - h.now);  // counted from the first loss
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"ERROR"})");
}

TEST(IceRestart, GlareWaitsAndSendsTheSameOfferAgain) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "failed");
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  // §14.2: their offer while ours is pending gets 491.
  sip::Message theirs = Harness::in_dialog("INVITE", up.ack, 7, "z9hG4bKglare1", true);
  theirs.set_body(answer_sdp(), "application/sdp");
  h.deliver(theirs);
  EXPECT_TRUE(h.take_response(491).has_value());
  // §14.1: a 491 to ours: the owner of the Call-ID tries again after 2.1-4 s.
  const int64_t refused_at = h.now;
  h.reply(*reinvite, 491);
  auto ack_491 = h.take("ACK");  // §17.1.1.3, by the transaction
  ASSERT_TRUE(ack_491.has_value());
  EXPECT_EQ(ack_491->header("CSeq").value_or(""), "2 ACK");
  EXPECT_FALSE(h.callback("onDisconnect").has_value());
  h.advance(2099);
  EXPECT_FALSE(h.take("INVITE").has_value());
  h.advance(4000 - 2099);
  auto again = h.take("INVITE");
  ASSERT_TRUE(again.has_value());
  EXPECT_LE(h.now - refused_at, 4000);
  EXPECT_EQ(again->header("CSeq").value_or(""), "3 INVITE");
  EXPECT_EQ(again->body(), reinvite->body());
  EXPECT_EQ(restart_offers(h), 1u);  // the browser's offer, not a new one
  answer_restart(h, *again);
  ice(h, up, "connected");
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 1u);
}

TEST(IceRestart, RefusedWhileMediaIsLostEndsTheCallWithError) {
  struct Case {
    int status;
    bool bye;
  };
  for (Case c : {Case{488, true}, Case{500, true}, Case{481, false}, Case{408, false}}) {
    Harness h(config_with_options(std::string(kNoKeepAlive)));
    Up up = confirmed_call(h);
    ice(h, up, "failed");
    auto reinvite = h.take("INVITE");
    ASSERT_TRUE(reinvite.has_value());
    h.reply(*reinvite, c.status);
    auto error = h.callback("onError");
    ASSERT_TRUE(error.has_value()) << c.status;
    auto ended = h.callback("onDisconnect");
    ASSERT_TRUE(ended.has_value()) << c.status;
    EXPECT_EQ(ended->call, up.call);
    EXPECT_EQ(ended->json, R"({"cause":"ERROR"})") << c.status;
    EXPECT_EQ(h.take("BYE").has_value(), c.bye) << c.status;
    EXPECT_EQ(h.media_of(OutputKind::kClosePeer).size(), 1u);
  }
}

TEST(IceRestart, NetworkChangeRestartsQuietlyAndARefusalLeavesTheCallAsItWas) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  h.engine.handle(make_input(InputKind::kNetwork, h.now, 0, {}, {}, 2));
  h.drain();
  EXPECT_EQ(restart_offers(h), 1u);
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  h.reply(*reinvite, 488);
  // §14.1: the session as before the re-INVITE: the browser's offer rolled back.
  auto local = h.media_of(OutputKind::kSetLocalDescription);
  EXPECT_EQ(local.back().name, "rollback");
  EXPECT_EQ(count_callbacks(h, "onDisconnect"), 0u);
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 0u);  // media was never lost

  // The next change restarts again; its answer needs no onReconnected either.
  h.engine.handle(make_input(InputKind::kNetwork, h.now, 0, {}, {}, 2));
  h.drain();
  EXPECT_EQ(restart_offers(h), 2u);
  auto again = h.take("INVITE");
  ASSERT_TRUE(again.has_value());
  answer_restart(h, *again);
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 0u);
  stays_quiet(h);
}

TEST(IceRestart, OnlineAfterOfflineRestarts) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  h.engine.network(h.now, true);  // online while online: nothing changed
  h.drain();
  EXPECT_EQ(restart_offers(h), 0u);
  h.engine.network(h.now, false);
  h.drain();
  EXPECT_EQ(restart_offers(h), 0u);
  h.engine.network(h.now, true);
  h.drain();
  EXPECT_EQ(restart_offers(h), 1u);
  EXPECT_TRUE(h.take("INVITE").has_value());
  EXPECT_EQ(up.call, up.call);
}

TEST(IceRestart, MediaNotBackWithinTheLimitEndsTheCallWithTheMediaFailureCause) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "disconnected");
  h.advance(2000);
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  h.reply(*reinvite, 100);
  h.advance(29999);  // the limit counts from the loss, 2 s after `disconnected`
  EXPECT_EQ(count_callbacks(h, "onDisconnect"), 0u);
  h.advance(1);
  auto error = h.callback("onError");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->json.find(R"("cause":"ERROR")"), std::string::npos);
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"ERROR"})");
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye.has_value());
  h.reply(*bye, 200);
  // No timer of the call is left (the INVITE transaction ends with Timer B).
  h.advance(60000);
  EXPECT_EQ(h.engine.next_deadline(), -1);
  EXPECT_EQ(h.engine.active_calls(), 0u);
}

TEST(IceRestart, TheLimitIsConfigurable) {
  Harness h(config_with_options(with_ice_restart(R"({"wait":500,"limit":5000})")));
  Up up = confirmed_call(h);
  ice(h, up, "disconnected");
  h.advance(499);
  EXPECT_EQ(restart_offers(h), 0u);
  h.advance(1);
  EXPECT_EQ(restart_offers(h), 1u);
  h.advance(4999);
  EXPECT_EQ(count_callbacks(h, "onDisconnect"), 0u);
  h.advance(1);
  EXPECT_EQ(count_callbacks(h, "onDisconnect"), 1u);
}

TEST(IceRestart, LimitZeroEndsTheCallOnIceFailureAsBefore) {
  Harness h(config_with_options(with_ice_restart(R"({"limit":0})")));
  Up up = confirmed_call(h);
  ice(h, up, "disconnected");
  h.advance(60000);
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 0u);
  ice(h, up, "failed");
  EXPECT_EQ(restart_offers(h), 0u);
  EXPECT_TRUE(h.callback("onError").has_value());
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"ERROR"})");
  EXPECT_TRUE(h.take("BYE").has_value());
}

TEST(IceRestart, FailureBeforeTheCallIsConfirmedEndsItAsBefore) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite.has_value());
  h.reply(*invite, 180);
  h.engine.ice_state(h.now, call, "failed");
  h.drain();
  EXPECT_EQ(restart_offers(h), 0u);
  EXPECT_TRUE(h.callback("onError").has_value());
  EXPECT_TRUE(h.take("CANCEL").has_value());
}

TEST(IceRestart, HangUpDuringARestartLeavesNoTimer) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "failed");
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  EXPECT_EQ(h.engine.disconnect(h.now, up.call), "");
  h.drain();
  auto bye = h.take("BYE");
  ASSERT_TRUE(bye.has_value());
  h.reply(*bye, 200);
  h.reply(*reinvite, 487);
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"NORMAL"})");
  h.advance(60000);
  EXPECT_EQ(h.engine.next_deadline(), -1);
  EXPECT_EQ(count_callbacks(h, "onError"), 0u);
}

TEST(IceRestart, TheFarSidesRestartOfferIsAnswered) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "disconnected");
  sip::Message theirs = Harness::in_dialog("INVITE", up.ack, 7, "z9hG4bKrestart1", true);
  theirs.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  theirs.set_body(restart_answer_sdp(), "application/sdp");
  h.deliver(theirs);
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok.has_value());
  auto set = h.media_of(OutputKind::kSetRemoteDescription);
  EXPECT_EQ(set.back().name, "offer");
  EXPECT_EQ(set.back().text, restart_answer_sdp());
  h.deliver(Harness::in_dialog("ACK", up.ack, 7, "z9hG4bKrestart1ack", true));
  ice(h, up, "connected");
  stays_quiet(h);
  EXPECT_EQ(restart_offers(h), 0u);
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 0u);
}

// Signalling and media lost together: the target refresh goes first (the restart needs the
// dialog on a live socket), then the restart; each keeps its own limit.
TEST(IceRestart, ASignallingReconnectGoesFirstThenTheRestart) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  h.close_socket();
  ice(h, up, "failed");
  EXPECT_EQ(count_callbacks(h, "onReconnecting"), 2u);  // signalling, then media
  EXPECT_EQ(restart_offers(h), 0u);
  h.advance(0);
  h.open();
  h.answer_ice_servers();
  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  EXPECT_EQ(refresh->body(), up.invite.body());  // the target refresh: the session unchanged
  EXPECT_EQ(restart_offers(h), 0u);
  h.reply_with_contact(*refresh, 200, answer_sdp());
  EXPECT_TRUE(h.take("ACK").has_value());
  EXPECT_EQ(restart_offers(h), 1u);
  auto restart = h.take("INVITE");
  ASSERT_TRUE(restart.has_value());
  EXPECT_EQ(restart->header("CSeq").value_or(""), "3 INVITE");
  answer_restart(h, *restart);
  ice(h, up, "connected");
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 2u);
  stays_quiet(h);
}

TEST(IceRestart, ARestartLostWithTheSocketIsSentAgainAfterTheTargetRefresh) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "failed");
  auto lost = h.take("INVITE");
  ASSERT_TRUE(lost.has_value());
  h.close_socket();
  h.advance(0);
  h.open();
  h.answer_ice_servers();
  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  EXPECT_EQ(refresh->body(), up.invite.body());
  EXPECT_FALSE(h.take("INVITE").has_value());  // one re-INVITE at a time
  h.reply_with_contact(*refresh, 200, answer_sdp());
  auto again = h.take("INVITE");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->body(), lost->body());
  EXPECT_EQ(restart_offers(h), 1u);
  answer_restart(h, *again);
  ice(h, up, "connected");
  EXPECT_EQ(count_callbacks(h, "onReconnected"), 2u);
}

TEST(IceRestart, TheMediaLimitEndsAKeptCallEvenWithoutSignalling) {
  Harness h(config_with_options(
      R"({"keepAlive":{"interval":0},"reconnect":{"limit":60000},"iceRestart":{"limit":10000}})"));
  Up up = confirmed_call(h);
  h.close_socket();
  ice(h, up, "failed");
  // Every reconnect is refused.
  for (int i = 0; i < 10000; ++i) {
    const int opens = h.opens;
    h.advance(1);
    if (h.opens != opens) h.close_socket();
    if (count_callbacks(h, "onDisconnect")) break;
  }
  auto ended = h.callback("onDisconnect");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->json, R"({"cause":"ERROR"})");
  EXPECT_FALSE(h.take("BYE").has_value());
  h.advance(120000);
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

}  // namespace
}  // namespace acw::call::test
