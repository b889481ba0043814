// Tests for the Opus encoder: options, frame sizes, bitrate, DTX, FEC, and tone round trips.
#include "media/opus_encoder.hpp"

#include <gtest/gtest.h>

#include "media/opus_decoder.hpp"
#include "media/opus_packet.hpp"
#include "signal_util.hpp"

namespace acw::media {
namespace {

using test::sine;
using test::snr_db;
using test::tone_amplitude;

OpusEncoder make_encoder(OpusEncoderOptions options = {}) {
  auto encoder = OpusEncoder::create(options);
  EXPECT_TRUE(encoder.ok()) << encoder.error();
  return std::move(encoder).value();
}

// Encodes and decodes pcm in frames of frame samples per channel; returns the decoded signal.
std::vector<std::int16_t> round_trip(OpusEncoder& encoder, std::span<const std::int16_t> pcm,
                                     std::size_t frame, std::size_t* bytes = nullptr) {
  const int channels = encoder.options().channels;
  auto decoder = OpusDecoder::create({encoder.options().sample_rate, channels});
  EXPECT_TRUE(decoder.ok());
  std::vector<std::int16_t> out;
  const std::size_t step = frame * static_cast<std::size_t>(channels);
  for (std::size_t i = 0; i + step <= pcm.size(); i += step) {
    auto packet = encoder.encode(pcm.subspan(i, step));
    EXPECT_TRUE(packet.ok()) << packet.error();
    if (bytes) *bytes += packet->size();
    auto decoded = decoder->decode(*packet);
    EXPECT_TRUE(decoded.ok()) << decoded.error();
    out.insert(out.end(), decoded->begin(), decoded->end());
  }
  return out;
}

TEST(OpusEncoder, RefusesBadOptions) {
  EXPECT_EQ(OpusEncoder::create({.sample_rate = 44100}).error(),
            "Opus sample rate must be 8, 12, 16, 24 or 48 kHz");
  EXPECT_EQ(OpusEncoder::create({.channels = 3}).error(), "Opus channels must be 1 or 2");
  EXPECT_EQ(OpusEncoder::create({.bitrate = 100}).error(), "Opus bitrate out of range");
  EXPECT_EQ(OpusEncoder::create({.complexity = 11}).error(), "Opus complexity out of range");
  EXPECT_FALSE(OpusEncoder::create({.packet_loss_percent = 101}).ok());
}

TEST(OpusEncoder, AcceptsOnlyOpusFrameSizes) {
  OpusEncoder encoder = make_encoder();
  std::vector<std::int16_t> pcm(2880, 0);
  for (std::size_t ms10 : {25u, 50u, 100u, 200u, 400u, 600u}) {
    EXPECT_TRUE(encoder.encode(std::span(pcm).first(ms10 * 48 / 10)).ok()) << ms10;
  }
  EXPECT_EQ(encoder.encode(std::span(pcm).first(961)).error(),
            "frame is not 2.5, 5, 10, 20, 40 or 60 ms of audio");
  EXPECT_FALSE(encoder.encode(std::span(pcm).first(0)).ok());
  EXPECT_FALSE(encoder.encode_float(std::vector<float>(100)).ok());
}

TEST(OpusEncoder, PacketsCarryTheFrameDuration) {
  for (int ms : {10, 20, 40, 60}) {
    OpusEncoder encoder = make_encoder();
    const auto pcm = sine(440, -12, 48000, static_cast<std::size_t>(ms) * 48);
    auto packet = encoder.encode(pcm);
    ASSERT_TRUE(packet.ok());
    auto info = parse_opus_packet_info(*packet);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->samples_48k(), ms * 48) << ms << " ms";
    EXPECT_FALSE(info->stereo);
  }
}

TEST(OpusEncoder, ToneRoundTripAt48kHzMono) {
  OpusEncoder encoder = make_encoder({.bitrate = 32000, .complexity = 10});
  const auto pcm = sine(1000, -12, 48000, 48000);
  std::size_t bytes = 0;
  const auto out = round_trip(encoder, pcm, 960, &bytes);
  ASSERT_EQ(out.size(), pcm.size());
  const auto delay = static_cast<std::size_t>(encoder.lookahead_48k());
  EXPECT_EQ(delay, 312u);  // 6.5 ms at 48 kHz: libopus 1.3.1's VoIP lookahead
  // Past the first frames (the codec settles), the tone comes back at its level. Opus is a
  // perceptual codec: at 32 kbit/s a pure tone keeps its level and pitch but not its exact
  // waveform, so the bound on waveform SNR is modest (measured 12.4 dB here).
  EXPECT_GT(snr_db(pcm, out, delay, 9600, 36000), 10.0);
  const double level = tone_amplitude(std::span(out).subspan(9600, 28800), 1000, 48000);
  EXPECT_NEAR(20 * std::log10(level / test::dbfs_to_amplitude(-12)), 0.0, 0.5);
  // 50 packets of 20 ms at 32 kbit/s: about 4000 bytes (VBR, so within 25%).
  EXPECT_NEAR(static_cast<double>(bytes), 4000.0, 1000.0);
}

TEST(OpusEncoder, ToneRoundTripAtNarrowbandAndStereo) {
  OpusEncoder narrow = make_encoder({.sample_rate = 8000, .bitrate = 16000});
  const auto pcm8 = sine(700, -12, 8000, 8000);
  const auto out8 = round_trip(narrow, pcm8, 160);
  ASSERT_EQ(out8.size(), pcm8.size());
  // Measured 19.1 dB (SILK narrowband) and 15.7 dB (stereo CELT at 64 kbit/s).
  EXPECT_GT(snr_db(pcm8, out8, static_cast<std::size_t>(narrow.lookahead_48k() / 6), 1600, 6000),
            16.0);

  OpusEncoder stereo = make_encoder({.channels = 2, .bitrate = 64000});
  const auto pcm2 = sine(500, -12, 48000, 48000, 2);
  const auto out2 = round_trip(stereo, pcm2, 960);
  ASSERT_EQ(out2.size(), pcm2.size());
  EXPECT_GT(snr_db(pcm2, out2, 2 * static_cast<std::size_t>(stereo.lookahead_48k()), 19200, 72000),
            13.0);
}

TEST(OpusEncoder, BitrateSetsPacketSize) {
  const auto pcm = test::speech_like(48000, 48000);
  std::size_t low = 0, high = 0;
  OpusEncoder a = make_encoder({.bitrate = 12000});
  round_trip(a, pcm, 960, &low);
  OpusEncoder b = make_encoder({.bitrate = 12000});
  ASSERT_TRUE(b.set_bitrate(64000).ok());
  EXPECT_EQ(b.options().bitrate, 64000);
  round_trip(b, pcm, 960, &high);
  // 1 s at 12 and 64 kbit/s: about 1500 and 8000 bytes.
  EXPECT_NEAR(static_cast<double>(low), 1500.0, 500.0);
  EXPECT_NEAR(static_cast<double>(high), 8000.0, 2000.0);
  EXPECT_FALSE(b.set_bitrate(0).ok());
  EXPECT_TRUE(b.set_complexity(5).ok());
  EXPECT_FALSE(b.set_complexity(-1).ok());
}

TEST(OpusEncoder, DtxSendsTinyPacketsInSilence) {
  OpusEncoder encoder = make_encoder({.dtx = true});
  const std::vector<std::int16_t> silence(960, 0);
  std::size_t tiny = 0;
  for (int i = 0; i < 50; ++i) {
    auto packet = encoder.encode(silence);
    ASSERT_TRUE(packet.ok());
    if (packet->size() <= 2) ++tiny;
  }
  // After a few frames of hangover, silence costs at most two bytes per frame.
  EXPECT_GE(tiny, 35u);
  OpusEncoder plain = make_encoder();
  auto packet = plain.encode(silence);
  ASSERT_TRUE(packet.ok());
  EXPECT_GT(packet->size(), 2u);
  EXPECT_TRUE(plain.set_dtx(true).ok());
  EXPECT_TRUE(plain.options().dtx);
}

TEST(OpusEncoder, FecRecoversALostFrameBetterThanConcealment) {
  OpusEncoder encoder = make_encoder({.bitrate = 32000, .fec = true, .packet_loss_percent = 20});
  const auto pcm = test::speech_like(48000, 48000);
  std::vector<std::vector<std::uint8_t>> packets;
  for (std::size_t i = 0; i + 960 <= pcm.size(); i += 960) {
    auto packet = encoder.encode(std::span(pcm).subspan(i, 960));
    ASSERT_TRUE(packet.ok());
    packets.push_back(std::move(*packet));
  }
  // Lose packet 25 and recover it two ways: from packet 26's FEC data, and by concealment.
  const auto decode_with_loss = [&](bool use_fec) {
    auto decoder = OpusDecoder::create({});
    std::vector<std::int16_t> out;
    for (std::size_t i = 0; i < packets.size(); ++i) {
      Result<std::vector<std::int16_t>> frame =
          i != 25 ? decoder->decode(packets[i])
                  : (use_fec ? decoder->decode_fec(packets[26], 960) : decoder->conceal(960));
      EXPECT_TRUE(frame.ok());
      out.insert(out.end(), frame->begin(), frame->end());
    }
    return out;
  };
  const auto with_fec = decode_with_loss(true);
  const auto concealed = decode_with_loss(false);
  const auto delay = static_cast<std::size_t>(encoder.lookahead_48k());
  const double fec_snr = snr_db(pcm, with_fec, delay, 25 * 960, 960);
  const double plc_snr = snr_db(pcm, concealed, delay, 25 * 960, 960);
  EXPECT_GT(fec_snr, plc_snr + 3.0) << "fec " << fec_snr << " plc " << plc_snr;
  EXPECT_TRUE(encoder.set_fec(false, 0).ok());
  EXPECT_FALSE(encoder.set_fec(true, 200).ok());
}

TEST(OpusEncoder, EncodeIntoMatchesEncode) {
  OpusEncoder a = make_encoder();
  OpusEncoder b = make_encoder();
  const auto pcm = sine(440, -6, 48000, 960 * 3);
  std::vector<std::uint8_t> buffer(4000);
  for (std::size_t i = 0; i < 3; ++i) {
    auto expected = a.encode(std::span(pcm).subspan(i * 960, 960));
    auto n = b.encode_into(std::span(pcm).subspan(i * 960, 960), buffer);
    ASSERT_TRUE(n.ok()) << n.error();
    EXPECT_EQ(
        std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n)),
        *expected);
  }
  EXPECT_FALSE(b.encode_into(std::span(pcm).first(100), buffer).ok());
  EXPECT_EQ(b.encode_into(std::span(pcm).first(960), {}).error(), "no room for the Opus packet");
  // A small buffer caps the packet: libopus squeezes the frame into what room there is.
  std::vector<std::uint8_t> tiny(3);
  auto squeezed = b.encode_into(std::span(pcm).first(960), tiny);
  ASSERT_TRUE(squeezed.ok());
  EXPECT_LE(*squeezed, 3u);
}

TEST(OpusEncoder, FloatInputMatchesShortInput) {
  OpusEncoder a = make_encoder();
  OpusEncoder b = make_encoder();
  const auto pcm = sine(440, -6, 48000, 960);
  std::vector<float> pcm_float(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) pcm_float[i] = pcm[i] / 32768.0f;
  auto pa = a.encode(pcm);
  auto pb = b.encode_float(pcm_float);
  ASSERT_TRUE(pa.ok());
  ASSERT_TRUE(pb.ok());
  EXPECT_EQ(*pa, *pb);
}

}  // namespace
}  // namespace acw::media
