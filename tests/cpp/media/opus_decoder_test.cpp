// Tests for the Opus decoder: corrupt packets, concealment, FEC fallback, float output, durations.
#include "media/opus_decoder.hpp"

#include <gtest/gtest.h>

#include "media/opus_encoder.hpp"
#include "signal_util.hpp"

namespace acw::media {
namespace {

std::vector<std::vector<std::uint8_t>> encode_tone(int frames, int frame_samples = 960) {
  auto encoder = OpusEncoder::create({});
  EXPECT_TRUE(encoder.ok());
  const auto pcm = test::sine(440, -12, 48000, static_cast<std::size_t>(frames * frame_samples));
  std::vector<std::vector<std::uint8_t>> packets;
  for (int i = 0; i < frames; ++i) {
    auto packet = encoder->encode(std::span(pcm).subspan(
        static_cast<std::size_t>(i * frame_samples), static_cast<std::size_t>(frame_samples)));
    EXPECT_TRUE(packet.ok());
    packets.push_back(*packet);
  }
  return packets;
}

TEST(OpusDecoder, RefusesBadOptions) {
  EXPECT_FALSE(OpusDecoder::create({.sample_rate = 22050}).ok());
  EXPECT_FALSE(OpusDecoder::create({.channels = 0}).ok());
  EXPECT_TRUE(OpusDecoder::create({.sample_rate = 16000, .channels = 2}).ok());
}

TEST(OpusDecoder, DecodesAtAnyOutputRate) {
  const auto packets = encode_tone(5);
  for (int rate : {8000, 12000, 16000, 24000, 48000}) {
    auto decoder = OpusDecoder::create({.sample_rate = rate});
    ASSERT_TRUE(decoder.ok());
    auto pcm = decoder->decode(packets[0]);
    ASSERT_TRUE(pcm.ok()) << pcm.error();
    EXPECT_EQ(pcm->size(), static_cast<std::size_t>(rate / 50)) << rate;
    EXPECT_EQ(decoder->last_packet_duration(), rate / 50);
  }
}

TEST(OpusDecoder, StereoDecoderUpmixesAMonoStream) {
  const auto packets = encode_tone(3);
  auto decoder = OpusDecoder::create({.channels = 2});
  auto pcm = decoder->decode(packets[2]);
  ASSERT_TRUE(pcm.ok());
  ASSERT_EQ(pcm->size(), 1920u);
  for (std::size_t i = 0; i < 960; ++i) ASSERT_EQ((*pcm)[2 * i], (*pcm)[2 * i + 1]);
}

TEST(OpusDecoder, CorruptPacketsGiveErrorsAndTheDecoderGoesOn) {
  const auto packets = encode_tone(10);
  auto decoder = OpusDecoder::create({});
  ASSERT_TRUE(decoder->decode(packets[0]).ok());
  EXPECT_EQ(decoder->decode({}).error(), "empty Opus packet");
  // Code 3 with zero frames, a code 1 packet with an odd payload, a code 2 length past the end.
  EXPECT_FALSE(decoder->decode(std::vector<std::uint8_t>{0xFB, 0x00}).ok());
  EXPECT_FALSE(decoder->decode(std::vector<std::uint8_t>{0xF9, 1, 2, 3}).ok());
  EXPECT_FALSE(decoder->decode(std::vector<std::uint8_t>{0xFA, 250, 1, 2}).ok());
  // A valid TOC with random bytes decodes to something (Opus has no checksum) without harm.
  std::vector<std::uint8_t> junk(60);
  test::Noise noise(3);
  for (auto& b : junk) b = static_cast<std::uint8_t>(noise.uniform() * 127 + 128);
  junk[0] = packets[1][0];
  auto decoded = decoder->decode(junk);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->size(), 960u);
  EXPECT_TRUE(decoder->decode(packets[2]).ok());
}

TEST(OpusDecoder, ConcealmentFillsTheGap) {
  const auto packets = encode_tone(10);
  auto decoder = OpusDecoder::create({});
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(decoder->decode(packets[static_cast<std::size_t>(i)]).ok());
  auto concealed = decoder->conceal(960);
  ASSERT_TRUE(concealed.ok());
  ASSERT_EQ(concealed->size(), 960u);
  // The concealment continues the tone rather than going silent.
  EXPECT_GT(test::rms(*concealed), 0.3 * test::dbfs_to_amplitude(-12) / std::sqrt(2.0));
  EXPECT_TRUE(decoder->conceal(480).ok());
  EXPECT_FALSE(decoder->conceal(0).ok());
  EXPECT_FALSE(decoder->conceal(100).ok());
  EXPECT_FALSE(decoder->conceal(5761).ok());
  // FEC with no next packet conceals.
  auto fec = decoder->decode_fec({}, 960);
  ASSERT_TRUE(fec.ok());
  EXPECT_EQ(fec->size(), 960u);
  EXPECT_FALSE(decoder->decode_fec(std::vector<std::uint8_t>{0xFB, 0}, 960).ok());
}

TEST(OpusDecoder, FloatOutputMatchesShortOutput) {
  const auto packets = encode_tone(4);
  auto a = OpusDecoder::create({});
  auto b = OpusDecoder::create({});
  for (const auto& packet : packets) {
    auto s = a->decode(packet);
    auto f = b->decode_float(packet);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(s->size(), f->size());
    for (std::size_t i = 0; i < s->size(); ++i) {
      ASSERT_NEAR((*f)[i] * 32768.0f, (*s)[i], 1.0f);
    }
  }
  EXPECT_FALSE(b->decode_float({}).ok());
}

TEST(OpusDecoder, DecodeIntoMatchesDecode) {
  const auto packets = encode_tone(4, 1920);
  auto a = OpusDecoder::create({});
  auto b = OpusDecoder::create({});
  std::vector<std::int16_t> buffer(5760);
  for (const auto& packet : packets) {
    auto expected = a->decode(packet);
    auto n = b->decode_into(packet, buffer);
    ASSERT_TRUE(n.ok()) << n.error();
    ASSERT_EQ(*n, 1920u);
    EXPECT_EQ(std::vector<std::int16_t>(buffer.begin(), buffer.begin() + 1920), *expected);
  }
  EXPECT_EQ(b->decode_into(packets[0], std::span(buffer).first(960)).error(),
            "output buffer too small for the Opus packet");
  EXPECT_FALSE(b->decode_into({}, buffer).ok());
  EXPECT_FALSE(b->decode_into(std::vector<std::uint8_t>{0xFB, 0}, buffer).ok());
}

TEST(OpusDecoder, ResetForgetsHistory) {
  const auto packets = encode_tone(6);
  auto a = OpusDecoder::create({});
  auto b = OpusDecoder::create({});
  for (const auto& packet : packets) ASSERT_TRUE(a->decode(packet).ok());
  a->reset();
  EXPECT_EQ(*a->decode(packets[0]), *b->decode(packets[0]));
}

TEST(OpusDecoder, PacketSamples) {
  const auto packets = encode_tone(1, 2880);
  EXPECT_EQ(*opus_packet_samples(packets[0], 48000), 2880);
  EXPECT_EQ(*opus_packet_samples(packets[0], 8000), 480);
  EXPECT_FALSE(opus_packet_samples({}, 48000).ok());
  EXPECT_FALSE(opus_packet_samples(packets[0], 44100).ok());
  EXPECT_FALSE(opus_packet_samples(std::vector<std::uint8_t>{0xFB, 0}, 48000).ok());
}

}  // namespace
}  // namespace acw::media
