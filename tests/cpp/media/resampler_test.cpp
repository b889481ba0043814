// Tests for the resampler: lengths, passband level, stopband (no aliasing), seamless blocks.
#include "media/resampler.hpp"

#include <gtest/gtest.h>

#include "signal_util.hpp"

namespace acw::media {
namespace {

Resampler make(int in, int out, int channels = 1) {
  auto resampler = Resampler::create(in, out, channels);
  EXPECT_TRUE(resampler.ok()) << resampler.error();
  return std::move(resampler).value();
}

double level_db(std::span<const std::int16_t> pcm, double hz, int rate, double reference_dbfs) {
  return 20 *
         std::log10(test::tone_amplitude(pcm, hz, rate) / test::dbfs_to_amplitude(reference_dbfs));
}

TEST(Resampler, OutputLengthFollowsTheRatio) {
  const std::pair<int, int> pairs[] = {{48000, 16000}, {48000, 8000}, {16000, 8000},
                                       {8000, 16000},  {8000, 48000}, {16000, 48000},
                                       {44100, 48000}, {48000, 48000}};
  for (const auto& [in, out] : pairs) {
    Resampler resampler = make(in, out);
    std::size_t produced = 0;
    // Odd block sizes: the total still follows the ratio exactly (rounded up).
    std::size_t consumed = 0;
    for (std::size_t block : {1u, 7u, 441u, 960u, 1000u, 333u}) {
      produced += resampler.process(std::vector<std::int16_t>(block, 0)).size();
      consumed += block;
    }
    const auto expected =
        (consumed * static_cast<std::size_t>(out) + static_cast<std::size_t>(in) - 1) /
        static_cast<std::size_t>(in);
    EXPECT_EQ(produced, expected) << in << " -> " << out;
  }
}

TEST(Resampler, PassbandTonesKeepTheirLevel) {
  struct Case {
    int in, out;
    double hz;
  };
  for (const Case c : {Case{48000, 8000, 1000}, Case{48000, 8000, 3300}, Case{8000, 48000, 1000},
                       Case{48000, 16000, 6000}, Case{16000, 8000, 300}, Case{8000, 16000, 3000},
                       Case{44100, 48000, 10000}}) {
    Resampler resampler = make(c.in, c.out);
    const auto input = test::sine(c.hz, -6, c.in, static_cast<std::size_t>(c.in));
    const auto output = resampler.process(input);
    // Skip the filter's start-up; measure over the middle half.
    const std::span<const std::int16_t> middle(output.data() + output.size() / 4,
                                               output.size() / 2);
    EXPECT_NEAR(level_db(middle, c.hz, c.out, -6), 0.0, 0.2)
        << c.in << "->" << c.out << " " << c.hz;
  }
}

TEST(Resampler, TonesAboveTheNewNyquistAreRemoved) {
  // 48 -> 8 kHz: a 6 kHz tone would alias to 2 kHz; 4.5 kHz to 3.5 kHz.
  for (double hz : {4500.0, 6000.0, 11000.0}) {
    Resampler resampler = make(48000, 8000);
    const auto output = resampler.process(test::sine(hz, -6, 48000, 48000));
    const std::span<const std::int16_t> middle(output.data() + 2000, 4000);
    EXPECT_LT(20 * std::log10(test::rms(middle) / test::dbfs_to_amplitude(-6)), -55.0) << hz;
  }
  // 8 -> 48 kHz: the images of a 1 kHz tone at 7 and 9 kHz are gone.
  Resampler up = make(8000, 48000);
  const auto output = up.process(test::sine(1000, -6, 8000, 8000));
  const std::span<const std::int16_t> middle(output.data() + 12000, 24000);
  EXPECT_LT(level_db(middle, 7000, 48000, -6), -55.0);
  EXPECT_LT(level_db(middle, 9000, 48000, -6), -55.0);
}

TEST(Resampler, BlocksJoinWithoutASeam) {
  Resampler whole = make(16000, 48000);
  Resampler pieces = make(16000, 48000);
  const auto input = test::speech_like(16000, 16000);
  const auto a = whole.process(input);
  std::vector<std::int16_t> b;
  std::size_t pos = 0;
  for (std::size_t block = 1; pos < input.size(); block = block * 3 % 997 + 1) {
    const std::size_t n = std::min(block, input.size() - pos);
    const auto out = pieces.process(std::span(input).subspan(pos, n));
    b.insert(b.end(), out.begin(), out.end());
    pos += n;
  }
  EXPECT_EQ(a, b);
}

TEST(Resampler, StereoChannelsStaySeparate) {
  Resampler resampler = make(48000, 16000, 2);
  std::vector<std::int16_t> input(2 * 48000);
  const auto left = test::sine(500, -6, 48000, 48000);
  const auto right = test::sine(2000, -6, 48000, 48000);
  for (std::size_t i = 0; i < 48000; ++i) {
    input[2 * i] = left[i];
    input[2 * i + 1] = right[i];
  }
  const auto output = resampler.process(input);
  ASSERT_EQ(output.size(), 2u * 16000);
  std::vector<std::int16_t> l, r;
  for (std::size_t i = 4000; i < 12000; ++i) {
    l.push_back(output[2 * i]);
    r.push_back(output[2 * i + 1]);
  }
  EXPECT_NEAR(level_db(l, 500, 16000, -6), 0.0, 0.2);
  EXPECT_LT(level_db(l, 2000, 16000, -6), -60.0);
  EXPECT_NEAR(level_db(r, 2000, 16000, -6), 0.0, 0.2);
  EXPECT_LT(level_db(r, 500, 16000, -6), -60.0);
}

TEST(Resampler, DelayIsHalfTheFilter) {
  Resampler resampler = make(8000, 48000);
  // An impulse comes out centred delay() samples later.
  std::vector<std::int16_t> impulse(800, 0);
  impulse[100] = 20000;
  const auto output = resampler.process(impulse);
  const auto peak = std::max_element(output.begin(), output.end()) - output.begin();
  EXPECT_NEAR(static_cast<double>(peak), 600.0 + resampler.delay(), 1.0);
  EXPECT_EQ(make(48000, 48000).delay(), 0.0);
}

TEST(Resampler, SameRatePassesThrough) {
  Resampler resampler = make(16000, 16000);
  const auto input = test::speech_like(16000, 1000);
  EXPECT_EQ(resampler.process(input), input);
}

TEST(Resampler, FloatPathMatches) {
  Resampler a = make(48000, 8000);
  Resampler b = make(48000, 8000);
  const auto input = test::sine(700, -6, 48000, 4800);
  std::vector<float> input_float(input.begin(), input.end());
  const auto s = a.process(input);
  const auto f = b.process_float(input_float);
  ASSERT_EQ(s.size(), f.size());
  for (std::size_t i = 0; i < s.size(); ++i) ASSERT_NEAR(f[i], s[i], 0.5f);
}

TEST(Resampler, RefusesBadSettings) {
  EXPECT_FALSE(Resampler::create(0, 8000).ok());
  EXPECT_FALSE(Resampler::create(8000, 500000).ok());
  EXPECT_FALSE(Resampler::create(8000, 16000, 0).ok());
  EXPECT_EQ(Resampler::create(48000, 47999).error(), "resampling ratio too complex");
  EXPECT_TRUE(Resampler::create(44100, 48000).ok());
  // A partial frame at the end of a block is left out, never read past.
  Resampler stereo = make(16000, 8000, 2);
  EXPECT_EQ(stereo.process(std::vector<std::int16_t>(3, 1)).size(), 2u);
}

}  // namespace
}  // namespace acw::media
