// Tests for the Goertzel DTMF detector: every digit at -20 dBFS in noise, at several rates; no
// false digits in noise, speech-like sound or single tones; repeats need a pause.
#include "media/dtmf_detector.hpp"

#include <gtest/gtest.h>

#include "media/tone_generator.hpp"
#include "signal_util.hpp"

namespace acw::media {
namespace {

std::vector<std::int16_t> dtmf_signal(std::string_view digits, int rate, double dbfs, int on_ms,
                                      int off_ms) {
  auto cadence = dtmf_cadence(digits, on_ms, off_ms);
  EXPECT_TRUE(cadence.ok());
  auto generator = ToneGenerator::create(*cadence, rate, dbfs);
  EXPECT_TRUE(generator.ok());
  // Lead-in and tail of silence so the first and last digits are not at the edges.
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(rate / 10), 0);
  const auto tones = generator->generate(generator->cycle_samples());
  pcm.insert(pcm.end(), tones.begin(), tones.end());
  pcm.resize(pcm.size() + static_cast<std::size_t>(rate / 10), 0);
  return pcm;
}

DtmfDetector make_detector(int rate) {
  auto detector = DtmfDetector::create({.sample_rate = rate});
  EXPECT_TRUE(detector.ok());
  return std::move(detector).value();
}

TEST(DtmfDetector, FindsEveryDigitAtMinus20DbfsInNoise) {
  const std::string digits = "123A456B789C*0#D";
  for (int rate : {8000, 16000, 48000}) {
    auto pcm = dtmf_signal(digits, rate, -20.0, 70, 70);
    // White noise 20 dB under each tone.
    test::add_noise(pcm, -40.0, static_cast<std::uint32_t>(rate));
    DtmfDetector detector = make_detector(rate);
    EXPECT_EQ(detector.process(pcm), digits) << rate;
  }
}

TEST(DtmfDetector, FindsDigitsFedInSmallBlocks) {
  const auto pcm = dtmf_signal("9#0", 8000, -20.0, 100, 100);
  DtmfDetector detector = make_detector(8000);
  std::string found;
  for (std::size_t i = 0; i < pcm.size(); i += 80) {
    found += detector.process(std::span(pcm).subspan(i, std::min<std::size_t>(80, pcm.size() - i)));
  }
  EXPECT_EQ(found, "9#0");
}

TEST(DtmfDetector, RepeatedDigitsNeedAPause) {
  DtmfDetector detector = make_detector(8000);
  EXPECT_EQ(detector.process(dtmf_signal("555", 8000, -20.0, 80, 60)), "555");
  // One long press is one digit.
  EXPECT_EQ(detector.process(dtmf_signal("5", 8000, -20.0, 1500, 0)), "5");
}

TEST(DtmfDetector, FindsDigitsAtLowLevelsAndWithTwist) {
  DtmfDetector detector = make_detector(8000);
  EXPECT_EQ(detector.process(dtmf_signal("47", 8000, -35.0, 70, 70)), "47");
  // The high tone 6 dB below the low one (twist within 8 dB) still counts.
  auto rows = ToneGenerator::create({{{770, 0, 100}, {0, 0, 100}}, false}, 8000, -20.0);
  auto columns = ToneGenerator::create({{{1336, 0, 100}, {0, 0, 100}}, false}, 8000, -26.0);
  auto a = rows->generate(1600);
  const auto b = columns->generate(1600);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::int16_t>(a[i] + b[i]);
  EXPECT_EQ(detector.process(a), "5");
}

TEST(DtmfDetector, NothingInNoise) {
  for (double level : {-60.0, -30.0, -10.0}) {
    std::vector<std::int16_t> pcm(8000 * 5, 0);
    test::add_noise(pcm, level, 99);
    DtmfDetector detector = make_detector(8000);
    EXPECT_EQ(detector.process(pcm), "") << level;
  }
}

TEST(DtmfDetector, NothingInSpeechLikeSound) {
  for (int rate : {8000, 48000}) {
    for (double pitch : {110.0, 155.0, 300.0}) {
      for (std::uint32_t seed : {1u, 2u}) {
        auto pcm = test::speech_like(rate, static_cast<std::size_t>(rate) * 10, seed, pitch);
        DtmfDetector detector = make_detector(rate);
        EXPECT_EQ(detector.process(pcm), "") << rate << " pitch " << pitch << " seed " << seed;
      }
    }
  }
}

TEST(DtmfDetector, FrequencyTolerance) {
  // ITU-T Q.24: accept pairs within 1.5% of nominal, reject pairs 3.5% or more away.
  const auto pair = [](double scale) {
    auto tone = ToneGenerator::create({{{852 * scale, 1477 * scale, 100}, {0, 0, 100}}, false},
                                      8000, -20.0);
    return tone->generate(1600);
  };
  for (double scale : {0.985, 1.0, 1.015}) {
    DtmfDetector detector = make_detector(8000);
    EXPECT_EQ(detector.process(pair(scale)), "9") << scale;
  }
  for (double scale : {0.965, 1.035, 1.05}) {
    DtmfDetector detector = make_detector(8000);
    EXPECT_EQ(detector.process(pair(scale)), "") << scale;
  }
}

TEST(DtmfDetector, NothingForSingleTonesOrCallProgressTones) {
  DtmfDetector detector = make_detector(8000);
  for (double hz : {697.0, 1209.0, 1000.0, 1633.0}) {
    auto tone = ToneGenerator::create({{{hz, 0, 500}}, false}, 8000, -10.0);
    EXPECT_EQ(detector.process(tone->generate(4000)), "") << hz;
  }
  for (auto cadence : {ringback_cadence(ToneCountry::kUk), ringback_cadence(ToneCountry::kUs),
                       busy_cadence(ToneCountry::kUs), ringtone_cadence(ToneCountry::kUk)}) {
    auto tone = ToneGenerator::create(cadence, 8000, -10.0);
    EXPECT_EQ(detector.process(tone->generate(8000 * 6)), "");
  }
}

TEST(DtmfDetector, ResetForgetsAToneInProgress) {
  DtmfDetector detector = make_detector(8000);
  const auto pcm = dtmf_signal("8", 8000, -20.0, 500, 0);
  EXPECT_EQ(detector.process(std::span(pcm).first(2400)), "8");
  detector.reset();
  // The same tone continuing counts again after a reset (a new call, say).
  EXPECT_EQ(detector.process(std::span(pcm).subspan(2400, 2400)), "8");
}

TEST(DtmfDetector, RefusesBadOptions) {
  EXPECT_FALSE(DtmfDetector::create({.sample_rate = 1000}).ok());
  EXPECT_FALSE(DtmfDetector::create({.min_energy_share = 0}).ok());
  EXPECT_FALSE(DtmfDetector::create({.min_level_dbfs = 3}).ok());
}

}  // namespace
}  // namespace acw::media
