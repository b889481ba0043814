// Registration scenarios (enableIncoming/disableIncoming) against a scripted cloud: REGISTER,
// refresh, failures, back-off, disable.
#include "call/registration.hpp"

#include <gtest/gtest.h>

#include "call/backoff.hpp"
#include "harness.hpp"
#include "sip/headers.hpp"
#include "sip/uri.hpp"

namespace acw::call::test {
namespace {

std::string state_json(bool ready, std::string_view cause, bool retry) {
  return std::string("{\"cause\":\"") + std::string(cause) +
         "\",\"ready\":" + (ready ? "true" : "false") + ",\"retry\":" + (retry ? "true" : "false") +
         "}";
}

uint32_t cseq_of(const sip::Message& m) {
  return sip::parse_cseq(m.header("CSeq").value_or(""))->number;
}

TEST(Registration, RegisterOkReportsReady) {
  Harness h;
  EXPECT_EQ(h.engine.enable_incoming(h.now, kToken), "");
  h.drain();
  ASSERT_EQ(h.opens, 1);
  EXPECT_EQ(h.history.front().text, "wss://webrtc-1-2-0.aculabcloud.net/sipproxy");
  EXPECT_EQ(h.frames.size(), 0u);  // nothing before the socket is open
  h.open();
  auto reg = h.take("REGISTER");
  ASSERT_TRUE(reg);
  EXPECT_EQ(reg->request_uri(), "sip:abc123.webrtc-1-2-0.aculabcloud.net");
  EXPECT_EQ(reg->header("Authorization").value_or(""), "Bearer " + std::string(kToken));
  EXPECT_EQ(reg->header("To").value_or(""), "<sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>");
  auto options = h.take("OPTIONS");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->header("X-AculabTurnRequest").value_or(""), "1");
  EXPECT_FALSE(h.callback("onIncomingState"));
  sip::Message ok = Harness::response(*reg, 200);
  ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(ok);
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->call, 0u);
  EXPECT_EQ(state->json, state_json(true, "NORMAL", true));
}

TEST(Registration, InvalidTokenIsRefusedWithTheDocumentedString) {
  Harness h;
  EXPECT_EQ(h.engine.enable_incoming(h.now, "not a token"), "Invalid token");
  EXPECT_EQ(h.engine.enable_incoming(h.now, "a.b"), "Invalid token");
  EXPECT_EQ(h.engine.enable_incoming(h.now, "a..b"), "Invalid token");
  EXPECT_EQ(h.engine.enable_incoming(h.now, "a.b.c.d"), "Invalid token");
  EXPECT_EQ(h.engine.enable_incoming(h.now, "a.b.c.d.e"), "");
  h.drain();
}

class RegistrationFailure : public ::testing::TestWithParam<std::tuple<int, const char*, bool>> {};

TEST_P(RegistrationFailure, ReportsCauseAndRetry) {
  auto [status, cause, retry] = GetParam();
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  ASSERT_TRUE(reg);
  h.reply(*reg, status);
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(false, cause, retry));
  // A bad token is not retried; other failures are, after a back-off.
  h.advance(40 * 60 * 1000);
  EXPECT_EQ(h.take("REGISTER").has_value(), retry);
}

INSTANTIATE_TEST_SUITE_P(Codes, RegistrationFailure,
                         ::testing::Values(std::make_tuple(401, "INVALIDTOKEN", false),
                                           std::make_tuple(403, "INVALIDTOKEN", false),
                                           std::make_tuple(404, "FAILED", true),
                                           std::make_tuple(500, "FAILED", true),
                                           std::make_tuple(503, "FAILED", true),
                                           std::make_tuple(603, "FAILED", true)));

TEST(Registration, RefusedTokenLetsTheSocketGoUntilANewOne) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  h.reply(*h.take("REGISTER"), 401);
  h.answer_ice_servers();
  EXPECT_EQ(h.closes, 1);
  EXPECT_EQ(h.engine.next_deadline(), -1);
  h.engine.enable_incoming(h.now, "new.token.here");
  h.drain();
  EXPECT_EQ(h.opens, 2);
  h.open();
  auto reg = h.take("REGISTER");
  ASSERT_TRUE(reg);
  EXPECT_EQ(reg->header("Authorization").value_or(""), "Bearer new.token.here");
}

TEST(Registration, FailureRetriesAfterBackoffWithJitter) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  const int64_t failed_at = h.now;
  h.reply(*reg, 500);
  // The first retry comes 15-30 s later (30 s cut to 50-100%).
  h.advance(14999);
  EXPECT_FALSE(h.take("REGISTER"));
  h.advance(15001);
  auto again = h.take("REGISTER");
  ASSERT_TRUE(again);
  EXPECT_EQ(cseq_of(*again), cseq_of(*reg) + 1);
  EXPECT_EQ(again->call_id(), reg->call_id());
  EXPECT_GE(h.now - failed_at, 15000);
  sip::Message ok = Harness::response(*again, 200);
  ok.add_header("Contact", std::string(again->header("Contact").value_or("")));
  h.deliver(ok);
  h.callback("onIncomingState");  // FAILED
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(true, "NORMAL", true));
}

TEST(Registration, RetryAfterIsHonoured) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  sip::Message busy = Harness::response(*reg, 503);
  busy.add_header("Retry-After", "120");
  h.deliver(busy);
  h.advance(119999);
  EXPECT_FALSE(h.take("REGISTER"));
  h.advance(1);
  EXPECT_TRUE(h.take("REGISTER"));
}

TEST(Registration, TimeoutAfterTimerFIsFailedWithRetry) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  ASSERT_TRUE(h.take("REGISTER"));
  h.advance(31999);
  EXPECT_FALSE(h.callback("onIncomingState"));
  h.advance(1);  // Timer F = 64*T1 = 32 s
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(false, "FAILED", true));
}

TEST(Registration, RefreshesBeforeTheGrantedExpiry) {
  Harness h;
  h.register_ok();
  // register_ok echoes expires=600: refresh at 90%, 540 s.
  h.callback("onIncomingState");
  h.advance(539999);
  EXPECT_FALSE(h.take("REGISTER"));
  h.advance(1);
  auto refresh = h.take("REGISTER");
  ASSERT_TRUE(refresh);
  EXPECT_EQ(refresh->header("Authorization").value_or(""), "Bearer " + std::string(kToken));
  sip::Message ok = Harness::response(*refresh, 200);
  ok.add_header("Contact", std::string(refresh->header("Contact").value_or("")));
  h.deliver(ok);
  // A refresh that succeeds changes nothing for the page.
  EXPECT_FALSE(h.callback("onIncomingState"));
}

TEST(Registration, UsesTheExpiresTheRegistrarGrants) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  sip::Message ok = Harness::response(*reg, 200);
  std::string contact(reg->header("Contact").value_or(""));
  contact.replace(contact.find("expires=600"), 11, "expires=100");
  ok.add_header("Contact", "<sip:someoneelse@x.invalid;transport=ws>;expires=5");
  ok.add_header("Contact", contact);
  h.deliver(ok);
  h.advance(89999);
  EXPECT_FALSE(h.take("REGISTER"));
  h.advance(1);
  EXPECT_TRUE(h.take("REGISTER"));
}

TEST(Registration, ExpiryWithoutRefreshReportsFailed) {
  Harness h;
  h.register_ok();
  h.callback("onIncomingState");
  h.advance(540000);
  ASSERT_TRUE(h.take("REGISTER"));  // refresh sent, never answered before expiry? Timer F is 32 s
  h.advance(32000);
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(false, "FAILED", true));
}

TEST(Registration, IntervalTooBriefRetriesWithMinExpires) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  sip::Message brief = Harness::response(*reg, 423);
  brief.add_header("Min-Expires", "1200");
  h.deliver(brief);
  auto again = h.take("REGISTER");
  ASSERT_TRUE(again);
  EXPECT_NE(again->header("Contact").value_or("").find(";expires=1200"), std::string_view::npos);
  EXPECT_FALSE(h.callback("onIncomingState"));
}

TEST(Registration, DisableSendsExpiresZeroWithoutAuthorizationAndReportsNormal) {
  Harness h;
  h.register_ok();
  h.callback("onIncomingState");
  auto first = h.frames.front().message;
  EXPECT_EQ(h.engine.disable_incoming(h.now), "");
  h.drain();
  auto unreg = h.take("REGISTER");
  ASSERT_TRUE(unreg);
  EXPECT_FALSE(unreg->has_header("Authorization"));
  EXPECT_FALSE(unreg->has_header("Allow"));
  EXPECT_NE(unreg->header("Contact").value_or("").find(";expires=0"), std::string_view::npos);
  EXPECT_EQ(unreg->call_id(), first.call_id());
  EXPECT_EQ(cseq_of(*unreg), cseq_of(first) + 1);
  EXPECT_FALSE(h.callback("onIncomingState"));  // not before the registrar answers
  sip::Message ok = Harness::response(*unreg, 200);
  h.deliver(ok);
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(false, "NORMAL", false));
  // Nothing needs the cloud any more: the socket is let go.
  EXPECT_EQ(h.closes, 1);
  EXPECT_EQ(h.engine.next_deadline(), -1);
}

TEST(Registration, DisableWhileRegisteringUnregistersAfterTheAnswer) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  h.engine.disable_incoming(h.now);
  h.drain();
  EXPECT_FALSE(h.take("REGISTER"));  // §10.2: one REGISTER at a time
  sip::Message ok = Harness::response(*reg, 200);
  ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(ok);
  auto unreg = h.take("REGISTER");
  ASSERT_TRUE(unreg);
  EXPECT_NE(unreg->header("Contact").value_or("").find(";expires=0"), std::string_view::npos);
  h.reply(*unreg, 200);
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(false, "NORMAL", false));
  EXPECT_FALSE(h.callback("onIncomingState"));
}

TEST(Registration, DisableWhenNeverEnabledSaysNothing) {
  Harness h;
  EXPECT_EQ(h.engine.disable_incoming(h.now), "");
  h.drain();
  EXPECT_FALSE(h.callback());
  EXPECT_EQ(h.opens, 0);
}

TEST(Registration, EnableAgainWithANewTokenReRegisters) {
  Harness h;
  h.register_ok();
  h.callback("onIncomingState");
  const std::string token2 = "aaa.bbb.ccc";
  h.engine.enable_incoming(h.now, token2);
  h.drain();
  auto reg = h.take("REGISTER");
  ASSERT_TRUE(reg);
  EXPECT_EQ(reg->header("Authorization").value_or(""), "Bearer " + token2);
  sip::Message ok = Harness::response(*reg, 200);
  ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(ok);
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(true, "NORMAL", true));
}

TEST(Registration, SocketLossReportsDisconnectedThenReconnectsAndReRegisters) {
  Harness h;
  h.register_ok();
  h.callback("onIncomingState");
  h.close_socket();
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(false, "DISCONNECTED", true));
  EXPECT_EQ(h.opens, 1);
  // First reconnect 0.5-1 s later.
  h.advance(499);
  EXPECT_EQ(h.opens, 1);
  h.advance(501);
  EXPECT_EQ(h.opens, 2);
  // It fails: the next wait is 1-2 s.
  h.close_socket();
  EXPECT_FALSE(h.callback("onIncomingState"));  // same state: no new report
  h.advance(999);
  EXPECT_EQ(h.opens, 2);
  h.advance(1001);
  EXPECT_EQ(h.opens, 3);
  h.open();
  auto reg = h.take("REGISTER");
  ASSERT_TRUE(reg);
  ASSERT_TRUE(h.take("OPTIONS"));  // ICE servers refreshed on reconnect
  sip::Message ok = Harness::response(*reg, 200);
  ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(ok);
  state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(true, "NORMAL", true));
}

TEST(Registration, ConnectTimeoutCountsAsALostSocket) {
  Harness h;
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  EXPECT_EQ(h.opens, 1);
  h.advance(30000);
  EXPECT_EQ(h.closes, 1);
  auto state = h.callback("onIncomingState");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->json, state_json(false, "DISCONNECTED", true));
  h.advance(1000);
  EXPECT_EQ(h.opens, 2);
}

TEST(Backoff, RegisterRetryWaitDoublesAndIsCapped) {
  EXPECT_EQ(register_retry_wait(1, 500), 30000);  // 500 % 501 = 500 -> 100%
  EXPECT_EQ(register_retry_wait(1, 0), 15000);
  EXPECT_EQ(register_retry_wait(2, 500), 60000);
  EXPECT_EQ(register_retry_wait(7, 500), 1800000);
  EXPECT_EQ(register_retry_wait(40, 500), 1800000);
  EXPECT_EQ(reconnect_wait(0, 500), 1000);
  EXPECT_EQ(reconnect_wait(0, 0), 500);
  EXPECT_EQ(reconnect_wait(3, 500), 8000);
  EXPECT_EQ(reconnect_wait(10, 500), 30000);
}

}  // namespace
}  // namespace acw::call::test
