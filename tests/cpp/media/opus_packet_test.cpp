// Tests for Opus TOC parsing (RFC 6716 §3.1-3.2).
#include "media/opus_packet.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace acw::media {
namespace {

TEST(OpusPacketInfo, SilkWidebandTwentyMsMono) {
  // config 9 (SILK WB 20 ms), mono, code 0.
  const std::vector<std::uint8_t> packet = {9 << 3, 0xAA, 0xBB};
  auto info = parse_opus_packet_info(packet);
  ASSERT_TRUE(info.ok()) << info.error();
  EXPECT_EQ(info->config, 9);
  EXPECT_EQ(info->mode, OpusMode::kSilk);
  EXPECT_EQ(info->bandwidth_hz, 8000);
  EXPECT_FALSE(info->stereo);
  EXPECT_EQ(info->frame_count, 1);
  EXPECT_EQ(info->samples_per_frame_48k, 960);
  EXPECT_EQ(info->samples_48k(), 960);
}

TEST(OpusPacketInfo, EveryConfigHasTheTableFrameSize) {
  // RFC 6716 Table 2, frame sizes in 48 kHz samples per config.
  const int expected[32] = {480,  960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920,
                            2880, 480, 960,  480,  960, 120, 240,  480,  960, 120, 240,
                            480,  960, 120,  240,  480, 960, 120,  240,  480, 960};
  for (int config = 0; config < 32; ++config) {
    const std::vector<std::uint8_t> packet = {static_cast<std::uint8_t>(config << 3)};
    auto info = parse_opus_packet_info(packet);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->samples_per_frame_48k, expected[config]) << "config " << config;
  }
  EXPECT_EQ(parse_opus_packet_info(std::vector<std::uint8_t>{13 << 3})->mode, OpusMode::kHybrid);
  EXPECT_EQ(parse_opus_packet_info(std::vector<std::uint8_t>{13 << 3})->bandwidth_hz, 12000);
  EXPECT_EQ(parse_opus_packet_info(std::vector<std::uint8_t>{31 << 3})->mode, OpusMode::kCelt);
  EXPECT_EQ(parse_opus_packet_info(std::vector<std::uint8_t>{31 << 3})->bandwidth_hz, 20000);
}

TEST(OpusPacketInfo, FrameCountCodes) {
  // Code 1: two equal frames, stereo flag set.
  auto code1 = parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 0x04 | 1, 1, 2});
  ASSERT_TRUE(code1.ok());
  EXPECT_TRUE(code1->stereo);
  EXPECT_EQ(code1->frame_count, 2);
  EXPECT_EQ(code1->samples_48k(), 1920);
  // Code 3 with 3 frames of 20 ms (60 ms CELT).
  auto code3 = parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 3, 3, 0, 0});
  ASSERT_TRUE(code3.ok());
  EXPECT_EQ(code3->frame_count, 3);
  EXPECT_EQ(code3->samples_48k(), 2880);
}

TEST(OpusPacketInfo, RefusesWhatRfc6716RulesOut) {
  EXPECT_EQ(parse_opus_packet_info({}).error(), "empty Opus packet");
  EXPECT_FALSE(parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 1, 1}).ok());
  EXPECT_FALSE(parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 2}).ok());
  EXPECT_FALSE(parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 3}).ok());
  EXPECT_EQ(parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 3, 0}).error(),
            "code 3 Opus packet with zero frames");
  // 7 x 20 ms = 140 ms > 120 ms; 6 x 20 ms is the limit.
  EXPECT_EQ(parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 3, 7}).error(),
            "Opus packet longer than 120 ms");
  EXPECT_TRUE(parse_opus_packet_info(std::vector<std::uint8_t>{(31 << 3) | 3, 6}).ok());
  // 48 x 2.5 ms = 120 ms is allowed.
  EXPECT_TRUE(parse_opus_packet_info(std::vector<std::uint8_t>{(16 << 3) | 3, 48}).ok());
}

}  // namespace
}  // namespace acw::media
