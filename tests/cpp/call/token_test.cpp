// A JWT's expiry read, onTokenExpiring on the virtual clock, and tokens redacted for journals.
#include "call/token.hpp"

#include <gtest/gtest.h>

#include "call/journal.hpp"
#include "call/replay.hpp"
#include "harness.hpp"

namespace acw::call::test {
namespace {

// {"alg":"HS256"} . {"sub":"alice","exp":1000100} . "signature"
constexpr std::string_view kJwt =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTAwMDEwMH0.c2lnbmF0dXJl";
constexpr int64_t kWall = 1000000000;  // 100 s before its exp, in ms
constexpr std::string_view kJwe = "aGVhZA.a2V5.aXY.Y2lwaGVy.dGFn";

TEST(Token, ExpiryOfAJwsOnly) {
  EXPECT_EQ(jwt_expiry(kJwt), 1000100);
  EXPECT_EQ(jwt_expiry(kToken), std::nullopt);  // no exp
  EXPECT_EQ(jwt_expiry(kJwe), std::nullopt);
  EXPECT_EQ(jwt_expiry("a.b"), std::nullopt);
  EXPECT_EQ(jwt_expiry("a.!!.c"), std::nullopt);
  EXPECT_EQ(jwt_expiry("a.eyJleHAiOiJ4In0.c"), std::nullopt);  // {"exp":"x"}
  EXPECT_EQ(jwt_expiry("a.eyJleHAiOjEyLjV9.c"), 12);           // {"exp":12.5}
  EXPECT_EQ(jwt_expiry("a.eyJleHAiOjFlOX0.c"), std::nullopt);  // {"exp":1e9}
}

TEST(Token, RedactedKeepsOnlyWhatIsNotSecret) {
  EXPECT_EQ(redact_token(kJwt),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTAwMDEwMH0.redacted");
  EXPECT_EQ(redact_token(kJwe), "aGVhZA.redacted.redacted.redacted.redacted");
  EXPECT_EQ(redact_token("opaque"), "redacted");
  EXPECT_EQ(redact_token("a b.c"), "redacted");
  EXPECT_EQ(redact_token(""), "");
  EXPECT_EQ(jwt_expiry(redact_token(kJwt)), 1000100);
}

TEST(Token, FrameAuthorizationRedacted) {
  std::string frame =
      "INVITE sip:a@b SIP/2.0\r\nauthorization: Bearer s3cret\r\n\tfolded-s3cret\r\n"
      "Proxy-Authorization: Digest x=\"s3cret\"\r\nX-Authorization-Ref: keep\r\n\r\n"
      "Authorization: body\r\n";
  EXPECT_EQ(redact_frame(frame),
            "INVITE sip:a@b SIP/2.0\r\nauthorization: redacted\r\n"
            "Proxy-Authorization: redacted\r\nX-Authorization-Ref: keep\r\n\r\n"
            "Authorization: body\r\n");
}

TEST(Token, ExpiringFiresOnceAtTheMargin) {
  Harness h;
  h.engine.enable_incoming(h.now, kJwt, kWall);
  h.drain();
  h.advance(100000 - Engine::kTokenWarning - 1);
  EXPECT_EQ(count_callbacks(h, "onTokenExpiring"), 0u);
  h.advance(1);
  ASSERT_EQ(count_callbacks(h, "onTokenExpiring"), 1u);
  auto warning = h.callback("onTokenExpiring");
  EXPECT_EQ(warning->call, 0u);
  EXPECT_EQ(warning->json, R"({"secondsLeft":60})");
  h.advance(600000);
  EXPECT_EQ(count_callbacks(h, "onTokenExpiring"), 1u);
}

TEST(Token, ExpiringAtOnceWhenLessIsLeftAndRearmedByANewToken) {
  Harness h;
  h.engine.enable_incoming(h.now, kJwt, kWall + 70000);  // 30 s left
  h.drain();
  h.advance(0);
  ASSERT_EQ(count_callbacks(h, "onTokenExpiring"), 1u);
  EXPECT_EQ(h.callback("onTokenExpiring")->json, R"({"secondsLeft":30})");
  h.engine.enable_incoming(h.now, kJwt, kWall + 200000);  // expired 100 s ago
  h.drain();
  h.advance(0);
  ASSERT_EQ(count_callbacks(h, "onTokenExpiring"), 2u);
  EXPECT_EQ(h.callback("onTokenExpiring")->json, R"({"secondsLeft":0})");
}

TEST(Token, NoWarningWithoutAJwtExpOrAClockOrOnceDisabled) {
  for (int step = 0; step < 4; ++step) {
    Harness h;
    if (step == 0) h.engine.enable_incoming(h.now, kJwe, kWall);
    if (step == 1) h.engine.enable_incoming(h.now, kToken, kWall);
    if (step == 2) h.engine.enable_incoming(h.now, kJwt);
    if (step == 3) {
      h.engine.enable_incoming(h.now, kJwt, kWall);
      h.engine.disable_incoming(h.now);
    }
    h.drain();
    h.advance(3600000);
    EXPECT_EQ(count_callbacks(h, "onTokenExpiring"), 0u) << step;
  }
}

// A default journal has no token and no received Authorization value, and still replays the
// session: the same outputs, with the token redacted in what was sent.
TEST(Token, RedactedJournalReplays) {
  Harness h(default_config(7));
  ASSERT_TRUE(h.engine.start_recording());
  h.engine.enable_incoming(h.now, kJwt, kWall);
  h.drain();
  h.open();
  h.deliver(std::string("OPTIONS sip:x@y SIP/2.0\r\nAuthorization: Bearer farend-s3cret\r\n\r\n"));
  h.advance(50000);
  const std::string journal = h.engine.journal();
  EXPECT_EQ(journal.find(kJwt), std::string::npos);
  EXPECT_EQ(journal.find("c2lnbmF0dXJl"), std::string::npos);
  EXPECT_EQ(journal.find("farend-s3cret"), std::string::npos);
  EXPECT_NE(journal.find("\"secrets\":\"redacted\""), std::string::npos);
  auto replayed = parse_journal(journal);
  ASSERT_TRUE(replayed);
  auto outputs = replay(*replayed);
  ASSERT_EQ(outputs.size(), h.history.size());
  std::size_t warnings = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    Output expected = h.history[i];
    for (auto pos = expected.text.find(kJwt); pos != std::string::npos;
         pos = expected.text.find(kJwt)) {
      expected.text.replace(pos, kJwt.size(), redact_token(kJwt));
    }
    EXPECT_EQ(outputs[i], expected) << i;
    warnings += outputs[i].name == "onTokenExpiring" ? 1 : 0;
  }
  EXPECT_EQ(warnings, 1u);
}

TEST(Token, FullJournalEndsWithAMarkAndReplaysToIt) {
  Harness h;
  ASSERT_TRUE(h.engine.start_recording(false, 600));
  h.register_ok();
  h.advance(100000);
  // The cap holds the records (what the page keeps in memory) to it, the "full" mark included.
  EXPECT_LE(h.engine.records().size(), 600u);
  const std::string journal = h.engine.journal();
  EXPECT_NE(journal.find("{\"full\":600,\"t\":"), std::string::npos) << journal;
  auto replayed = parse_journal(journal);
  ASSERT_TRUE(replayed);
  EXPECT_TRUE(replayed->full);
  EXPECT_FALSE(replayed->inputs.empty());
}

}  // namespace
}  // namespace acw::call::test
