// Call quality: the E-model against worked examples, and every warning raised and cleared by
// sample sequences on a virtual clock (one sample a second, as the shim takes them).
#include "quality/monitor.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace acw::quality {
namespace {

// G.107 Annex B's MOS from R, worked by hand: 1 + 0.035 R + R (R - 60) (100 - R) 7e-6.
TEST(EModel, MosFromRWorkedExamples) {
  EXPECT_NEAR(mos_from_r(93.2), 4.409, 0.001);  // 1 + 3.262 + 93.2 * 33.2 * 6.8 * 7e-6
  EXPECT_NEAR(mos_from_r(70), 3.597, 0.001);    // 1 + 2.45 + 70 * 10 * 30 * 7e-6
  EXPECT_NEAR(mos_from_r(50), 2.575, 0.001);    // 1 + 1.75 - 50 * 10 * 50 * 7e-6
  EXPECT_EQ(mos_from_r(0), 1);
  EXPECT_EQ(mos_from_r(-12), 1);
  EXPECT_EQ(mos_from_r(100), 4.5);
  EXPECT_EQ(mos_from_r(120), 4.5);
}

TEST(EModel, RFactorWorkedExamples) {
  EXPECT_NEAR(r_factor(0, 0, kG711), 93.2, 1e-9);
  // Id at d = 177.3 ms: 0.024 * 177.3 = 4.2552 (the knee: no second term yet).
  EXPECT_NEAR(r_factor(177.3, 0, kG711), 88.9448, 1e-4);
  // d = 300 ms: 7.2 + 0.11 * 122.7 = 20.697.
  EXPECT_NEAR(r_factor(300, 0, kG711), 72.503, 1e-3);
  // 5% random loss with Bpl 25.1: Ie-eff = 95 * 5 / 30.1 = 15.7807.
  EXPECT_NEAR(r_factor(0, 5, kG711), 77.4193, 1e-4);
  // Negative delays count as none; loss is capped at 100%.
  EXPECT_NEAR(r_factor(-10, 0, kG711), 93.2, 1e-9);
  EXPECT_NEAR(r_factor(0, 150, kG711), r_factor(0, 100, kG711), 1e-9);
}

TEST(EModel, CodecNamed) {
  EXPECT_EQ(codec_named("PCMU").delay_ms, kG711.delay_ms);
  EXPECT_EQ(codec_named("pcma").delay_ms, kG711.delay_ms);
  EXPECT_EQ(codec_named("opus").delay_ms, kOpus.delay_ms);
  EXPECT_EQ(codec_named("").delay_ms, kOpus.delay_ms);
}

// A call whose samples the tests shape: a clean second of audio unless told otherwise.
class Call {
 public:
  Sample next() {
    Sample s;
    s.now = now_ += 1000;
    s.packets_received = received_ += 50;  // 20 ms frames
    s.packets_lost = lost_;
    s.jitter_ms = 5;
    s.rtt_ms = 40;
    s.level_in = 0.1 + 0.01 * static_cast<double>(now_ % 7000) / 1000;
    s.level_out = 0.2 + 0.01 * static_cast<double>(now_ % 5000) / 1000;
    return s;
  }
  // Of the next second's 50 packets, `n` lost (the receiver counts them as lost, not received).
  Sample with_lost(int n) {
    Sample s = next();
    received_ -= static_cast<uint64_t>(n);
    s.packets_received = received_;
    s.packets_lost = lost_ += n;
    return s;
  }
  Sample without_packets() {
    Sample s = next();
    s.packets_received = received_ -= 50;
    return s;
  }

 private:
  int64_t now_ = 0;
  uint64_t received_ = 0;
  int64_t lost_ = 0;
};

// The warnings raised (+) and cleared (-) by each sample, as "+high-rtt" lines in order.
std::vector<std::string> changes_of(Monitor& m, const Sample& s) {
  std::vector<std::string> out;
  for (const Change& c : m.add(s))
    out.push_back((c.raised ? "+" : "-") + std::string(warning_name(c.warning)));
  return out;
}

using Strings = std::vector<std::string>;

TEST(Monitor, ACleanCallRaisesNothingAndItsFiguresAreTheEModels) {
  Monitor m;
  Call call;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(m.add(call.next()).size(), 0u) << "sample " << i;
  const Figures f = m.figures();
  EXPECT_DOUBLE_EQ(f.rtt_ms, 40);
  EXPECT_DOUBLE_EQ(f.jitter_ms, 5);
  EXPECT_DOUBLE_EQ(f.loss, 0);
  // One-way delay 40 / 2 + 2 * 5 + 26.5 = 56.5 ms: Id 1.356, R 91.844.
  EXPECT_NEAR(f.mos, mos_from_r(93.2 - 0.024 * 56.5), 1e-9);
  EXPECT_GT(f.mos, 4.3);
  const Summary s = m.summary();
  EXPECT_EQ(s.samples, 20u);
  EXPECT_EQ(s.warnings_raised, 0u);
  EXPECT_DOUBLE_EQ(s.loss, 0);
  EXPECT_DOUBLE_EQ(s.rtt_max_ms, 40);
}

TEST(Monitor, HighRttRaisedAfterThreeBadOfFiveClearedAfterFiveGood) {
  Monitor m;
  Call call;
  for (int i = 0; i < 3; ++i) m.add(call.next());
  auto slow = [&] {
    Sample s = call.next();
    s.rtt_ms = 500;
    return s;
  };
  EXPECT_EQ(changes_of(m, slow()), Strings{});
  EXPECT_EQ(changes_of(m, call.next()), Strings{});        // a good one between
  EXPECT_EQ(changes_of(m, slow()), Strings{});             // 2 bad of the last 3
  EXPECT_EQ(changes_of(m, slow()), Strings{"+high-rtt"});  // 3 of the last 4
  const auto changes = Monitor(m).add(slow());  // (a copy: the raised warning stays raised)
  EXPECT_EQ(changes.size(), 0u);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(changes_of(m, call.next()), Strings{}) << "good sample " << i;
  EXPECT_TRUE(m.raised(Warning::kHighRtt));
  EXPECT_EQ(changes_of(m, call.next()), Strings{"-high-rtt"});
  EXPECT_FALSE(m.raised(Warning::kHighRtt));
  EXPECT_DOUBLE_EQ(m.summary().rtt_max_ms, 500);
}

TEST(Monitor, ARaisedWarningCarriesItsValueAndThreshold) {
  Monitor m;
  Call call;
  m.add(call.next());
  std::vector<Change> last;
  for (int i = 0; i < 3; ++i) {
    Sample s = call.next();
    s.jitter_ms = 45;
    last = m.add(s);
  }
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].warning, Warning::kHighJitter);
  EXPECT_TRUE(last[0].raised);
  EXPECT_DOUBLE_EQ(last[0].value, 45);
  EXPECT_DOUBLE_EQ(last[0].threshold, 30);
}

TEST(Monitor, PacketLossAboveThreePercentRaisesAndLowersTheMos) {
  Monitor m;
  Call call;
  m.add(call.next());
  const double clean_mos = (m.add(call.next()), m.figures().mos);
  EXPECT_EQ(changes_of(m, call.with_lost(5)), Strings{});  // 10%
  EXPECT_EQ(changes_of(m, call.with_lost(5)), Strings{});
  EXPECT_EQ(changes_of(m, call.with_lost(5)), Strings{"+high-packet-loss"});
  EXPECT_NEAR(m.figures().loss, 15.0 / 200.0, 1e-9);  // 4 seconds so far: 15 of 200 lost
  EXPECT_LT(m.figures().mos, clean_mos - 0.5);
  // One packet in 50 (2%) is under the threshold: good samples.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(changes_of(m, call.with_lost(1)), Strings{}) << i;
  EXPECT_EQ(changes_of(m, call.with_lost(1)), Strings{"-high-packet-loss"});
  EXPECT_NEAR(m.figures().loss, 5.0 / 250.0, 1e-9);   // the window's 5 seconds: 1 in 50 each
  EXPECT_NEAR(m.summary().loss, 20.0 / 450.0, 1e-9);  // 9 seconds since the first sample
}

TEST(Monitor, LowMosFollowsTheWindow) {
  Monitor m;
  Call call;
  Strings all;
  for (int i = 0; i < 6; ++i) {
    Sample s = call.next();
    s.rtt_ms = 900;  // one-way 450 + 10 + 26.5 ms: R about 50, MOS about 2.6
    for (const auto& c : changes_of(m, s)) all.push_back(c);
  }
  EXPECT_EQ(all, (Strings{"+high-rtt", "+low-mos"}));
  EXPECT_LT(m.figures().mos, 3.0);
  EXPECT_LT(m.summary().mos_min, 3.0);
}

TEST(Monitor, NoInboundAudioWhenPacketsStopOrTheFarEndIsSilent) {
  Monitor m;
  Call call;
  m.add(call.next());
  EXPECT_EQ(changes_of(m, call.without_packets()), Strings{});
  EXPECT_EQ(changes_of(m, call.without_packets()), Strings{});
  EXPECT_EQ(changes_of(m, call.without_packets()), Strings{"+no-inbound-audio"});
  for (int i = 0; i < 2; ++i) EXPECT_EQ(changes_of(m, call.next()), Strings{}) << i;
  EXPECT_EQ(changes_of(m, call.next()), Strings{"-no-inbound-audio"});
  // Packets that carry silence (level under -60 dBFS) count too.
  Strings all;
  for (int i = 0; i < 3; ++i) {
    Sample s = call.next();
    s.level_in = 0;
    for (const auto& c : changes_of(m, s)) all.push_back(c);
  }
  EXPECT_EQ(all, Strings{"+no-inbound-audio"});
}

TEST(Monitor, ConstantInputLevelIsADeadOrMutedMicrophone) {
  Monitor m;
  Call call;
  m.add(call.next());
  int raised_at = 0;
  for (int i = 1; i <= 8 && !raised_at; ++i) {
    Sample s = call.next();
    s.level_out = 0;
    if (changes_of(m, s) == Strings{"+constant-input-level"}) raised_at = i;
  }
  // The first zero level is a change from the last live one; five constant ones after it raise.
  EXPECT_EQ(raised_at, 6);
  EXPECT_EQ(changes_of(m, call.next()), Strings{});
  EXPECT_EQ(changes_of(m, call.next()), Strings{"-constant-input-level"});
}

TEST(Monitor, IceDisconnectedRaisedAndClearedAtOnceWhileAudioIsNotJudged) {
  Monitor m;
  Call call;
  m.add(call.next());
  Sample s = call.without_packets();
  s.connected = false;
  EXPECT_EQ(changes_of(m, s), Strings{"+ice-disconnected"});
  s = call.without_packets();
  s.connected = false;
  EXPECT_EQ(changes_of(m, s), Strings{});  // no-inbound-audio is not judged while disconnected
  EXPECT_EQ(changes_of(m, call.next()), Strings{"-ice-disconnected"});
}

TEST(Monitor, UnknownFiguresAreNotJudgedAndTimeGoingBackIsIgnored) {
  Monitor m;
  Call call;
  for (int i = 0; i < 6; ++i) {
    Sample s = call.next();
    s.rtt_ms = -1;
    s.jitter_ms = -1;
    s.level_in = -1;
    s.level_out = -1;
    EXPECT_EQ(m.add(s).size(), 0u);
  }
  EXPECT_LT(m.figures().rtt_ms, 0);
  EXPECT_LT(m.figures().mos, 0) << "no MOS without a round trip";
  EXPECT_LT(m.summary().mos_mean, 0);
  Sample late = call.next();
  late.now -= 5000;
  late.rtt_ms = 5000;
  EXPECT_EQ(m.add(late).size(), 0u);
  EXPECT_EQ(m.summary().samples, 6u);
}

}  // namespace
}  // namespace acw::quality
