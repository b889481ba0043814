// Tests for the tone generator: cadence timing at several rates, level, pitch, continuity.
#include "media/tone_generator.hpp"

#include <gtest/gtest.h>

#include "signal_util.hpp"

namespace acw::media {
namespace {

// Lengths of the runs of sound and silence (a sample counts as sound when non-zero).
std::vector<std::pair<bool, std::size_t>> runs(const std::vector<std::int16_t>& pcm) {
  std::vector<std::pair<bool, std::size_t>> out;
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const bool sound = pcm[i] != 0;
    // A sine passes through zero now and then: only a gap of more than 4 zeros is silence.
    if (!out.empty() && out.back().first == sound) {
      ++out.back().second;
    } else {
      out.push_back({sound, 1});
    }
  }
  // Merge short zero runs inside sound, and one that starts a burst (the ramp's first sample).
  if (out.size() > 1 && !out[0].first && out[0].second <= 4) {
    out[1].second += out[0].second;
    out.erase(out.begin());
  }
  std::vector<std::pair<bool, std::size_t>> merged;
  for (const auto& run : out) {
    if (!run.first && run.second <= 4 && !merged.empty() && merged.back().first) {
      merged.back().second += run.second;
    } else if (!merged.empty() && merged.back().first == run.first) {
      merged.back().second += run.second;
    } else {
      merged.push_back(run);
    }
  }
  return merged;
}

TEST(ToneGenerator, UkRingbackCadenceAtEveryRate) {
  for (int rate : {8000, 16000, 44100, 48000}) {
    auto generator = ToneGenerator::create(ringback_cadence(ToneCountry::kUk), rate);
    ASSERT_TRUE(generator.ok());
    EXPECT_EQ(generator->cycle_samples(), static_cast<std::size_t>(3 * rate));
    const auto pcm = generator->generate(static_cast<std::size_t>(6 * rate));
    const auto r = runs(pcm);
    // 0.4 on, 0.2 off, 0.4 on, 2.0 off, twice. The first and last sample of each burst are
    // zero (the ramps), so a sound run is 2 short and a silence 2 long.
    ASSERT_EQ(r.size(), 8u) << rate;
    const std::size_t ms = static_cast<std::size_t>(rate) / 1000;
    const std::size_t expected[] = {400, 200, 400, 2000, 400, 200, 400, 2000};
    for (std::size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(r[i].first, i % 2 == 0) << rate << " run " << i;
      const double want = static_cast<double>(expected[i]) * static_cast<double>(rate) / 1000.0;
      EXPECT_NEAR(static_cast<double>(r[i].second), want, 2.0 + (rate % 1000 ? 1.0 : 0.0))
          << rate << " run " << i << " ms " << ms;
    }
  }
}

TEST(ToneGenerator, LevelAndPitch) {
  auto generator = ToneGenerator::create(busy_cadence(ToneCountry::kUs), 8000, -13.0);
  ASSERT_TRUE(generator.ok());
  const auto pcm = generator->generate(4000);  // the first 500 ms: tone on
  const std::span<const std::int16_t> steady(pcm.data() + 400, 3200);
  const double expected = test::dbfs_to_amplitude(-13.0);
  EXPECT_NEAR(test::tone_amplitude(steady, 480, 8000), expected, expected * 0.02);
  EXPECT_NEAR(test::tone_amplitude(steady, 620, 8000), expected, expected * 0.02);
  EXPECT_LT(test::tone_amplitude(steady, 1000, 8000), expected * 0.01);
}

TEST(ToneGenerator, BlocksJoinWithoutASeam) {
  auto whole = ToneGenerator::create(ringtone_cadence(ToneCountry::kUs), 48000);
  auto pieces = ToneGenerator::create(ringtone_cadence(ToneCountry::kUs), 48000);
  const auto a = whole->generate(48000 * 7);
  std::vector<std::int16_t> b;
  for (std::size_t n : {1u, 7u, 960u, 333u, 48000u}) {
    while (b.size() + n <= a.size()) {
      const auto block = pieces->generate(n);
      b.insert(b.end(), block.begin(), block.end());
      if (b.size() > a.size() / 2 && n < 48000) break;
    }
  }
  const auto rest = pieces->generate(a.size() - b.size());
  b.insert(b.end(), rest.begin(), rest.end());
  EXPECT_EQ(a, b);
}

TEST(ToneGenerator, OneShotEndsInSilence) {
  auto cadence = dtmf_cadence("5", 50, 0);
  auto generator = ToneGenerator::create(*cadence, 8000, -10);
  ASSERT_TRUE(generator.ok());
  const auto pcm = generator->generate(800);
  EXPECT_TRUE(generator->finished());
  EXPECT_GT(test::rms(std::span(pcm).first(400)), 1000.0);
  for (std::size_t i = 400; i < 800; ++i) ASSERT_EQ(pcm[i], 0) << i;
  generator->restart();
  EXPECT_FALSE(generator->finished());
  EXPECT_EQ(generator->generate(800), pcm);
}

TEST(ToneGenerator, RefusesBadSettings) {
  EXPECT_FALSE(ToneGenerator::create(ringback_cadence(ToneCountry::kUk), 500).ok());
  EXPECT_FALSE(ToneGenerator::create(ringback_cadence(ToneCountry::kUk), 8000, 1.0).ok());
  EXPECT_FALSE(ToneGenerator::create({}, 8000).ok());
  EXPECT_FALSE(ToneGenerator::create({{{0, 0, 0}}, true}, 8000).ok());
  EXPECT_EQ(ToneGenerator::create({{{5000, 0, 10}}, true}, 8000).error(),
            "tone frequency at or above Nyquist");
  EXPECT_FALSE(ToneGenerator::create({{{100, 0, -5}}, true}, 8000).ok());
  EXPECT_EQ(ToneGenerator::create({{{100, 0, 3600001}}, true}, 8000).error(),
            "tone cadence longer than an hour");
}

TEST(ToneGenerator, FullScalePairClipsInsteadOfWrapping) {
  auto generator = ToneGenerator::create({{{1000, 1000, 100}}, true}, 8000, 0.0);
  ASSERT_TRUE(generator.ok());
  const auto pcm = generator->generate(800);
  const auto [lo, hi] = std::minmax_element(pcm.begin(), pcm.end());
  EXPECT_EQ(*hi, 32767);
  EXPECT_EQ(*lo, -32768);
}

}  // namespace
}  // namespace acw::media
