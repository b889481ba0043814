// Dead socket detection through the engine under the virtual clock: the keep-alive OPTIONS after
// 25 s of silence, any answer or traffic keeps the socket, no answer in 5 s loses it.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness.hpp"

namespace acw::call::test {
namespace {

// The next keep-alive the engine sent: an OPTIONS without the ICE servers' header.
std::optional<sip::Message> take_keep_alive(Harness& h) {
  for (auto& frame : h.frames) {
    if (!frame.taken && frame.message.is_request() && frame.message.method() == "OPTIONS" &&
        !frame.message.has_header("X-AculabTurnRequest")) {
      frame.taken = true;
      return frame.message;
    }
  }
  return std::nullopt;
}

// Registered with the default options (keep-alive every 25 s, 5 s for the answer); the last
// frame from the cloud arrived at h.now.
Harness registered(std::string options = "") {
  Harness h(config_with_options(std::move(options)));
  h.register_ok();
  return h;
}

TEST(KeepAlive, OptionsAfterTwentyFiveSecondsOfSilence) {
  Harness h = registered();
  const int64_t heard = h.now;
  h.advance(24999);
  EXPECT_FALSE(take_keep_alive(h).has_value());
  h.advance(1);
  auto options = take_keep_alive(h);
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(h.now, heard + 25000);
  // Out of dialog, to the cloud like the ICE servers' request, and with the usual tail.
  EXPECT_FALSE(options->header("To").value_or("").find("tag=") != std::string_view::npos);
  EXPECT_EQ(options->header("CSeq").value_or(""), "1 OPTIONS");
  EXPECT_TRUE(options->has_header("User-Agent"));
  EXPECT_EQ(h.closes, 0);
}

TEST(KeepAlive, AnyResponseKeepsTheSocket) {
  for (int status : {200, 404, 503}) {
    Harness h = registered();
    h.advance(25000);
    auto options = take_keep_alive(h);
    ASSERT_TRUE(options.has_value()) << status;
    h.advance(4000);
    h.reply(*options, status);
    h.answer_ice_servers();  // the ICE servers' refresh meanwhile
    h.advance(20000);
    EXPECT_EQ(h.closes, 0) << status;
    EXPECT_EQ(h.opens, 1) << status;
    // The registration stayed: one report (ready), no "not ready" after it.
    EXPECT_EQ(std::count_if(h.callbacks.begin(), h.callbacks.end(),
                            [](const Output& o) { return o.name == "onIncomingState"; }),
              1)
        << status;
  }
}

TEST(KeepAlive, TrafficRestartsTheSilenceClock) {
  Harness h = registered();
  h.advance(20000);
  h.deliver("\r\n");  // RFC 5626 CRLF: nothing to parse, but the socket is alive
  h.advance(24999);
  EXPECT_FALSE(take_keep_alive(h).has_value());
  h.advance(1);
  ASSERT_TRUE(take_keep_alive(h).has_value());
  // While one waits for its answer, a request from the cloud also proves the socket alive.
  h.advance(3000);
  sip::Message request = sip::Message::request("OPTIONS", "sip:x@y.invalid;transport=ws");
  request.add_header("Via", "SIP/2.0/WSS 127.0.0.1;branch=z9hG4bKping1");
  request.add_header("Max-Forwards", "70");
  request.add_header("From", "<sip:cloud@127.0.0.1>;tag=c1");
  request.add_header("To", "<sip:alice@127.0.0.1>");
  request.add_header("Call-ID", "ping-1");
  request.add_header("CSeq", "1 OPTIONS");
  h.deliver(request);
  h.answer_ice_servers();
  h.advance(10000);
  EXPECT_EQ(h.closes, 0);
}

TEST(KeepAlive, NoAnswerInFiveSecondsLosesTheSocketAndReconnects) {
  Harness h = registered();
  h.advance(25000);
  ASSERT_TRUE(take_keep_alive(h).has_value());
  h.advance(4999);
  EXPECT_EQ(h.closes, 0);
  h.advance(1);
  EXPECT_EQ(h.closes, 1);  // the host closes the half-dead socket
  auto report = h.callback("onIncomingState");
  ASSERT_TRUE(report.has_value());
  report = h.callback("onIncomingState");
  ASSERT_TRUE(report.has_value());
  EXPECT_NE(report->json.find("\"ready\":false"), std::string::npos) << report->json;
  // The same path as a socket close: a reconnect after the back-off (1 s at most), a new REGISTER.
  h.advance(1000);
  EXPECT_EQ(h.opens, 2);
  h.open();
  EXPECT_TRUE(h.take("REGISTER").has_value());
}

TEST(KeepAlive, NoTimerLeftWhenTheSocketCloses) {
  Harness h = registered();
  h.advance(25000);
  ASSERT_TRUE(take_keep_alive(h).has_value());
  EXPECT_EQ(h.engine.disable_incoming(h.now), "");
  h.drain();
  if (auto reg = h.take("REGISTER")) h.reply(*reg, 200);  // the unregister
  h.drain();
  // The keep-alive's transaction may hold the socket until its Timer F; then nothing is due.
  h.advance(64 * 500);
  EXPECT_EQ(h.engine.next_deadline(), -1);
  EXPECT_EQ(h.closes, 1);
}

TEST(KeepAlive, IntervalAndTimeoutFromTheOptions) {
  Harness h = registered(R"({"keepAlive":{"interval":2000,"timeout":500}})");
  h.advance(2000);
  ASSERT_TRUE(take_keep_alive(h).has_value());
  h.advance(500);
  EXPECT_EQ(h.closes, 1);

  Harness off = registered(R"({"keepAlive":{"interval":0}})");
  off.advance(600000);
  EXPECT_FALSE(take_keep_alive(off).has_value());
  EXPECT_EQ(off.closes, 0);
}

TEST(KeepAlive, BadOptionsAreTheConstructorsError) {
  Engine engine(config_with_options(R"({"keepAlive":{"interval":"soon"}})"));
  EXPECT_EQ(engine.config_error().rfind("Invalid client options: keepAlive.interval", 0), 0u)
      << engine.config_error();
  EXPECT_EQ(engine.enable_incoming(0, kToken), engine.config_error());
}

}  // namespace
}  // namespace acw::call::test
