// Hold (RFC 3264 §8.4) under the virtual clock: our hold and unhold as re-INVITEs with the
// browser's offer, their refusal and glare, a hold asked for during an ICE restart, and the far
// side holding us.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace acw::call::test {
namespace {

constexpr std::string_view kNoKeepAlive = R"({"keepAlive":{"interval":0}})";

// The far side's answer to a re-offer: a new o= version.
std::string reanswer_sdp(std::string_view direction) {
  std::string sdp = answer_sdp(direction);
  sdp.replace(sdp.find(" 2 IN IP4"), 9, " 3 IN IP4");
  return sdp;
}

// Asks for hold (or unhold) and returns the re-INVITE that carries the browser's offer, after
// checking what the offer was asked to be.
std::optional<sip::Message> hold(Harness& h, const Up& up, bool on) {
  EXPECT_EQ(h.engine.hold(h.now, up.call, on), "");
  h.drain();
  auto offers = h.media_of(OutputKind::kCreateOffer);
  EXPECT_FALSE(offers.empty());
  if (offers.empty()) return std::nullopt;
  EXPECT_EQ(offers.back().name, "");  // no ICE restart
  EXPECT_EQ(offers.back().text, on ? "hold" : "");
  return h.take("INVITE");
}

std::string held(bool on) {
  return on ? R"({"held":true})" : R"({"held":false})";
}

TEST(Hold, HoldAndUnholdAreReInvitesAndOnHoldSaysWhenTheyAreAnswered) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  auto reinvite = hold(h, up, true);
  ASSERT_TRUE(reinvite.has_value());
  EXPECT_EQ(reinvite->call_id(), up.invite.call_id());
  EXPECT_EQ(reinvite->header("CSeq").value_or(""), "2 INVITE");
  EXPECT_EQ(count_callbacks(h, "onHold"), 0u);  // not before the answer
  h.reply_with_contact(*reinvite, 200, reanswer_sdp("recvonly"));
  EXPECT_TRUE(h.take("ACK").has_value());
  auto on = h.callback("onHold");
  ASSERT_TRUE(on.has_value());
  EXPECT_EQ(on->call, up.call);
  EXPECT_EQ(on->json, held(true));
  EXPECT_EQ(h.media_of(OutputKind::kSetRemoteDescription).back().text, reanswer_sdp("recvonly"));

  // Asked again: nothing to do.
  EXPECT_EQ(h.engine.hold(h.now, up.call, true), "");
  h.drain();
  EXPECT_FALSE(h.take("INVITE").has_value());

  auto unhold = hold(h, up, false);
  ASSERT_TRUE(unhold.has_value());
  EXPECT_EQ(unhold->header("CSeq").value_or(""), "3 INVITE");
  h.reply_with_contact(*unhold, 200, reanswer_sdp("sendrecv"));
  auto off = h.callback("onHold");
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->json, held(false));
  EXPECT_EQ(count_callbacks(h, "onDisconnect"), 0u);
  EXPECT_EQ(count_callbacks(h, "onError"), 0u);
}

TEST(Hold, OnlyAConnectedCallHolds) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  CallHandle call = 0;
  auto invite = h.start_call(&call);
  ASSERT_TRUE(invite.has_value());
  EXPECT_EQ(h.engine.hold(h.now, call, true), "Not connected error");
  EXPECT_EQ(h.engine.hold(h.now, call + 99, true), "Not connected error");
  h.drain();
  EXPECT_TRUE(h.media_of(OutputKind::kCreateOffer).size() <= 1u);  // the INVITE's own offer
}

TEST(Hold, ARefusedHoldRollsBackAndTheCallGoesOn) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  auto reinvite = hold(h, up, true);
  ASSERT_TRUE(reinvite.has_value());
  h.reply(*reinvite, 488);
  EXPECT_TRUE(h.take("ACK").has_value());  // §17.1.1.3, for the non-2xx
  auto rollback = h.media_of(OutputKind::kSetLocalDescription);
  ASSERT_FALSE(rollback.empty());
  EXPECT_EQ(rollback.back().name, "rollback");
  auto told = h.callback("onHold");
  ASSERT_TRUE(told.has_value());
  EXPECT_EQ(told->json, held(false));  // asked, and not held
  EXPECT_FALSE(h.take("BYE").has_value());
  EXPECT_EQ(count_callbacks(h, "onDisconnect"), 0u);
  EXPECT_EQ(h.engine.active_calls(), 1u);
  // It can be asked again.
  auto again = hold(h, up, true);
  ASSERT_TRUE(again.has_value());
  h.reply_with_contact(*again, 200, reanswer_sdp("recvonly"));
  auto on = h.callback("onHold");
  ASSERT_TRUE(on.has_value());
  EXPECT_EQ(on->json, held(true));
}

TEST(Hold, ChangedMindWhileTheOfferIsOutGetsAnotherOffer) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  auto reinvite = hold(h, up, true);
  ASSERT_TRUE(reinvite.has_value());
  EXPECT_EQ(h.engine.hold(h.now, up.call, false), "");  // the browser holds the hold offer
  h.drain();
  EXPECT_FALSE(h.take("INVITE").has_value());  // one offer at a time (§14.1)
  h.reply_with_contact(*reinvite, 200, reanswer_sdp("recvonly"));
  EXPECT_EQ(h.callback("onHold")->json, held(true));
  auto offers = h.media_of(OutputKind::kCreateOffer);
  EXPECT_EQ(offers.back().text, "");  // the unhold's offer
  auto unhold = h.take("INVITE");
  ASSERT_TRUE(unhold.has_value());
  h.reply_with_contact(*unhold, 200, reanswer_sdp("sendrecv"));
  EXPECT_EQ(h.callback("onHold")->json, held(false));
}

TEST(Hold, HoldThenUnholdBeforeAnyOfferSendsNone) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  const std::size_t offers = h.media_of(OutputKind::kCreateOffer).size();
  // Both before drain(): the offer is asked for from drive(), after each command.
  EXPECT_EQ(h.engine.hold(h.now, up.call, false), "");
  h.drain();
  EXPECT_EQ(h.media_of(OutputKind::kCreateOffer).size(), offers);
  EXPECT_FALSE(h.take("INVITE").has_value());
  EXPECT_EQ(count_callbacks(h, "onHold"), 0u);
}

TEST(Hold, GlareWaitsAndSendsTheSameHoldOfferAgain) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  auto reinvite = hold(h, up, true);
  ASSERT_TRUE(reinvite.has_value());
  h.reply(*reinvite, 491);
  EXPECT_TRUE(h.take("ACK").has_value());
  h.advance(4000);  // the owner of the Call-ID waits 2.1-4 s
  auto again = h.take("INVITE");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->body(), reinvite->body());
  h.reply_with_contact(*again, 200, reanswer_sdp("recvonly"));
  EXPECT_EQ(h.callback("onHold")->json, held(true));
}

TEST(Hold, HoldAskedDuringAnIceRestartFollowsIt) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  ice(h, up, "failed");
  auto restart = h.take("INVITE");
  ASSERT_TRUE(restart.has_value());
  EXPECT_EQ(h.media_of(OutputKind::kCreateOffer).back().name, "iceRestart");
  EXPECT_EQ(h.engine.hold(h.now, up.call, true), "");
  h.drain();
  EXPECT_FALSE(h.take("INVITE").has_value());
  h.reply_with_contact(*restart, 200, reanswer_sdp("sendrecv"));
  ice(h, up, "connected");
  EXPECT_TRUE(h.callback("onReconnected").has_value());
  auto offer = h.media_of(OutputKind::kCreateOffer).back();
  EXPECT_EQ(offer.name, "");
  EXPECT_EQ(offer.text, "hold");
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  h.reply_with_contact(*reinvite, 200, reanswer_sdp("recvonly"));
  EXPECT_EQ(h.callback("onHold")->json, held(true));
}

TEST(Hold, MediaBackByItselfKeepsAHoldAskedForDuringAReconnect) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  const std::size_t offers = h.media_of(OutputKind::kCreateOffer).size();
  h.close_socket();  // Reconnecting: offers wait for the target refresh
  ice(h, up, "failed");
  EXPECT_EQ(h.engine.hold(h.now, up.call, true), "");
  ice(h, up, "connected");  // no restart needed any more; the hold still is
  EXPECT_EQ(h.media_of(OutputKind::kCreateOffer).size(), offers);
  h.advance(0);
  h.open();
  auto refresh = h.take("INVITE");
  ASSERT_TRUE(refresh.has_value());
  h.reply_with_contact(*refresh, 200, answer_sdp());
  EXPECT_TRUE(h.callback("onReconnected").has_value());
  auto offer = h.media_of(OutputKind::kCreateOffer).back();
  EXPECT_EQ(offer.name, "");
  EXPECT_EQ(offer.text, "hold");
  auto reinvite = h.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  h.reply_with_contact(*reinvite, 200, reanswer_sdp("recvonly"));
  EXPECT_EQ(h.callback("onHold")->json, held(true));
}

// The far side's re-INVITE with an offer.
void reoffer(Harness& h, const Up& up, int cseq, std::string_view direction) {
  sip::Message invite =
      Harness::in_dialog("INVITE", up.ack, cseq, "z9hG4bKro" + std::to_string(cseq), true);
  invite.set_body(reanswer_sdp(direction), "application/sdp");
  h.deliver(invite);
  EXPECT_TRUE(h.take_response(200).has_value());
  h.deliver(Harness::in_dialog("ACK", up.ack, cseq, "z9hG4bKra" + std::to_string(cseq), true));
}

TEST(Hold, TheFarSideHoldingUsIsOnRemoteHold) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h);
  reoffer(h, up, 2, "sendonly");
  auto on = h.callback("onRemoteHold");
  ASSERT_TRUE(on.has_value());
  EXPECT_EQ(on->call, up.call);
  EXPECT_EQ(on->json, held(true));
  reoffer(h, up, 3, "inactive");  // still held: no news
  EXPECT_EQ(count_callbacks(h, "onRemoteHold"), 1u);
  reoffer(h, up, 4, "sendrecv");
  auto off = h.callback("onRemoteHold");
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->json, held(false));
  reoffer(h, up, 5, "recvonly");  // it receives: not a hold
  EXPECT_EQ(count_callbacks(h, "onRemoteHold"), 2u);
  EXPECT_EQ(count_callbacks(h, "onHold"), 0u);
}

// addStream/removeStream/reinvite: the page changed the browser's streams and asks for an offer.
TEST(Reinvite, TheBrowsersOfferGoesInAReInviteOneAtATime) {
  Harness h(config_with_options(std::string(kNoKeepAlive)));
  CallHandle ringing = 0;
  ASSERT_TRUE(h.start_call(&ringing).has_value());
  EXPECT_EQ(h.engine.reinvite(h.now, ringing, false), "Re-invite in progress");  // its INVITE's
  EXPECT_EQ(h.engine.reinvite(h.now, ringing + 99, true), "Not connected error");

  Harness h2(config_with_options(std::string(kNoKeepAlive)));
  Up up = confirmed_call(h2);
  const std::size_t offers = h2.media_of(OutputKind::kCreateOffer).size();
  EXPECT_EQ(h2.engine.reinvite(h2.now, up.call, false), "");  // only the check
  h2.drain();
  EXPECT_EQ(h2.media_of(OutputKind::kCreateOffer).size(), offers);
  EXPECT_EQ(h2.engine.reinvite(h2.now, up.call, true), "");
  h2.drain();
  auto offer = h2.media_of(OutputKind::kCreateOffer);
  ASSERT_EQ(offer.size(), offers + 1);
  EXPECT_EQ(offer.back().name, "");
  EXPECT_EQ(offer.back().text, "");
  auto reinvite = h2.take("INVITE");
  ASSERT_TRUE(reinvite.has_value());
  EXPECT_EQ(h2.engine.reinvite(h2.now, up.call, false), "Re-invite in progress");
  EXPECT_EQ(h2.engine.reinvite(h2.now, up.call, true), "Re-invite in progress");
  h2.reply_with_contact(*reinvite, 200, reanswer_sdp("sendrecv"));
  EXPECT_EQ(h2.media_of(OutputKind::kSetRemoteDescription).back().text, reanswer_sdp("sendrecv"));
  EXPECT_EQ(count_callbacks(h2, "onHold"), 0u);
  EXPECT_EQ(h2.engine.reinvite(h2.now, up.call, false), "");  // settled: another may go
  // The far side's offer being answered: ours waits.
  sip::Message theirs = Harness::in_dialog("INVITE", up.ack, 9, "z9hG4bKri9", true);
  theirs.set_body(reanswer_sdp("sendrecv"), "application/sdp");
  h2.engine.frame_received(h2.now, theirs.serialize());
  EXPECT_EQ(h2.engine.reinvite(h2.now, up.call, true), "Re-invite in progress");
  // Ended: not connected.
  EXPECT_EQ(h2.engine.disconnect(h2.now, up.call), "");
  h2.drain();
  EXPECT_EQ(h2.engine.reinvite(h2.now, up.call, false), "Not connected error");
}

}  // namespace
}  // namespace acw::call::test
