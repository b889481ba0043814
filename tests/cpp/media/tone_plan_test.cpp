// Tests for the tone plans: DTMF pairs and UK/US cadences.
#include "media/tone_plan.hpp"

#include <gtest/gtest.h>

namespace acw::media {
namespace {

TEST(TonePlan, DtmfPairsFollowQ23) {
  const std::string digits = "123A456B789C*0#D";
  const double rows[] = {697, 770, 852, 941};
  const double columns[] = {1209, 1336, 1477, 1633};
  for (std::size_t i = 0; i < digits.size(); ++i) {
    auto pair = dtmf_frequencies(digits[i]);
    ASSERT_TRUE(pair.ok()) << digits[i];
    EXPECT_EQ(pair->first, rows[i / 4]) << digits[i];
    EXPECT_EQ(pair->second, columns[i % 4]) << digits[i];
  }
  EXPECT_EQ(dtmf_frequencies('a')->second, 1633);
  for (char bad : {'E', 'e', ' ', '\0', '+', 'w'}) {
    EXPECT_EQ(dtmf_frequencies(bad).error(), "not a DTMF digit") << int(bad);
  }
}

TEST(TonePlan, DtmfCadencePlaysEachDigitOnce) {
  auto cadence = dtmf_cadence("1#", 80, 40);
  ASSERT_TRUE(cadence.ok());
  EXPECT_FALSE(cadence->repeat);
  ASSERT_EQ(cadence->segments.size(), 4u);
  EXPECT_EQ(cadence->segments[0].frequency1_hz, 697);
  EXPECT_EQ(cadence->segments[0].frequency2_hz, 1209);
  EXPECT_EQ(cadence->segments[0].duration_ms, 80);
  EXPECT_TRUE(cadence->segments[1].silent());
  EXPECT_EQ(cadence->segments[1].duration_ms, 40);
  EXPECT_EQ(cadence->segments[2].frequency2_hz, 1477);
  EXPECT_EQ(cadence->cycle_ms(), 240);
  EXPECT_EQ(dtmf_cadence("12x").error(), "not a DTMF digit");
  EXPECT_FALSE(dtmf_cadence("1", 0, 10).ok());
  EXPECT_EQ(dtmf_cadence("1", 50, 0)->segments.size(), 1u);
}

TEST(TonePlan, UkRingbackIsSin350) {
  const ToneCadence uk = ringback_cadence(ToneCountry::kUk);
  ASSERT_EQ(uk.segments.size(), 4u);
  EXPECT_EQ(uk.segments[0].frequency1_hz, 400);
  EXPECT_EQ(uk.segments[0].frequency2_hz, 450);
  EXPECT_EQ(uk.segments[0].duration_ms, 400);
  EXPECT_EQ(uk.segments[1].duration_ms, 200);
  EXPECT_EQ(uk.segments[2].duration_ms, 400);
  EXPECT_EQ(uk.segments[3].duration_ms, 2000);
  EXPECT_TRUE(uk.repeat);
  EXPECT_EQ(uk.cycle_ms(), 3000);
}

TEST(TonePlan, UsRingbackAndBusy) {
  const ToneCadence us = ringback_cadence(ToneCountry::kUs);
  ASSERT_EQ(us.segments.size(), 2u);
  EXPECT_EQ(us.segments[0].frequency1_hz, 440);
  EXPECT_EQ(us.segments[0].frequency2_hz, 480);
  EXPECT_EQ(us.cycle_ms(), 6000);
  const ToneCadence busy = busy_cadence(ToneCountry::kUs);
  EXPECT_EQ(busy.segments[0].frequency1_hz, 480);
  EXPECT_EQ(busy.segments[0].frequency2_hz, 620);
  EXPECT_EQ(busy.cycle_ms(), 1000);
  const ToneCadence uk_busy = busy_cadence(ToneCountry::kUk);
  EXPECT_EQ(uk_busy.segments[0].frequency1_hz, 400);
  EXPECT_EQ(uk_busy.segments[0].frequency2_hz, 0);
  EXPECT_EQ(uk_busy.cycle_ms(), 750);
}

TEST(TonePlan, RingtoneFollowsTheRingingCadenceWithAWarble) {
  for (ToneCountry country : {ToneCountry::kUk, ToneCountry::kUs}) {
    const ToneCadence ring = ringtone_cadence(country);
    EXPECT_EQ(ring.cycle_ms(), ringback_cadence(country).cycle_ms());
    EXPECT_TRUE(ring.repeat);
  }
  const ToneCadence uk = ringtone_cadence(ToneCountry::kUk);
  // 400 ms on = 16 warble steps of 25 ms alternating 800/1000 Hz, then 200 ms off.
  ASSERT_GE(uk.segments.size(), 17u);
  EXPECT_EQ(uk.segments[0].frequency1_hz, 800);
  EXPECT_EQ(uk.segments[1].frequency1_hz, 1000);
  EXPECT_EQ(uk.segments[0].duration_ms, 25);
  EXPECT_TRUE(uk.segments[16].silent());
  EXPECT_EQ(uk.segments[16].duration_ms, 200);
}

TEST(TonePlan, ParsesCountryCodes) {
  EXPECT_EQ(*parse_tone_country("UK"), ToneCountry::kUk);
  EXPECT_EQ(*parse_tone_country("gb"), ToneCountry::kUk);
  EXPECT_EQ(*parse_tone_country("us"), ToneCountry::kUs);
  EXPECT_FALSE(parse_tone_country("fr").ok());
  EXPECT_FALSE(parse_tone_country("").ok());
}

}  // namespace
}  // namespace acw::media
