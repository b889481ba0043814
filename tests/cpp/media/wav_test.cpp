// Tests for WAV reading and writing.
#include "media/wav.hpp"

#include <gtest/gtest.h>

#include "media/byte_order.hpp"

namespace acw::media {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

// A WAV file built chunk by chunk, for the reader's corner cases.
struct WavBuilder {
  std::vector<std::uint8_t> chunks;
  void chunk(std::string_view tag, const std::vector<std::uint8_t>& body, std::uint32_t declared) {
    chunks.insert(chunks.end(), tag.begin(), tag.end());
    append_le32(chunks, declared);
    append_bytes(chunks, body);
    if (body.size() % 2 == 1) chunks.push_back(0);
  }
  void chunk(std::string_view tag, const std::vector<std::uint8_t>& body) {
    chunk(tag, body, static_cast<std::uint32_t>(body.size()));
  }
  std::vector<std::uint8_t> file() const {
    std::vector<std::uint8_t> out = bytes_of("RIFF");
    append_le32(out, static_cast<std::uint32_t>(4 + chunks.size()));
    append_bytes(out, bytes_of("WAVE"));
    append_bytes(out, chunks);
    return out;
  }
};

std::vector<std::uint8_t> fmt_body(std::uint16_t format, std::uint16_t channels, std::uint32_t rate,
                                   std::uint16_t bits) {
  std::vector<std::uint8_t> body;
  append_le16(body, format);
  append_le16(body, channels);
  append_le32(body, rate);
  append_le32(body, rate * channels * bits / 8);
  append_le16(body, static_cast<std::uint16_t>(channels * bits / 8));
  append_le16(body, bits);
  return body;
}

TEST(Wav, WritesTheCanonicalHeader) {
  const std::vector<std::int16_t> samples = {1, -2, 0x1234, -32768};
  auto file = write_wav(samples, 8000, 1);
  ASSERT_TRUE(file.ok());
  const std::vector<std::uint8_t> expected = {
      'R', 'I', 'F', 'F', 44, 0, 0,    0,    'W', 'A', 'V',  'E',  'f',  'm',  't',  ' ', 16, 0,
      0,   0,   1,   0,   1,  0, 0x40, 0x1F, 0,   0,   0x80, 0x3E, 0,    0,    2,    0,   16, 0,
      'd', 'a', 't', 'a', 8,  0, 0,    0,    1,   0,   0xFE, 0xFF, 0x34, 0x12, 0x00, 0x80};
  EXPECT_EQ(*file, expected);
}

TEST(Wav, RoundTripsStereo) {
  std::vector<std::int16_t> samples(2 * 480);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<std::int16_t>(i * 37 - 9000);
  auto file = write_wav(samples, 48000, 2);
  ASSERT_TRUE(file.ok());
  auto audio = read_wav(*file);
  ASSERT_TRUE(audio.ok()) << audio.error();
  EXPECT_EQ(audio->sample_rate, 48000);
  EXPECT_EQ(audio->channels, 2);
  EXPECT_EQ(audio->samples, samples);
}

TEST(Wav, SkipsOtherChunksWithTheirPadding) {
  WavBuilder wav;
  wav.chunk("fmt ", fmt_body(1, 1, 16000, 16));
  wav.chunk("LIST", bytes_of("INFOabc"));  // odd size: one pad byte follows
  wav.chunk("data", {0x01, 0x00, 0xFF, 0x7F});
  auto audio = read_wav(wav.file());
  ASSERT_TRUE(audio.ok()) << audio.error();
  EXPECT_EQ(audio->sample_rate, 16000);
  EXPECT_EQ(audio->samples, (std::vector<std::int16_t>{1, 32767}));
}

TEST(Wav, ReadsWaveFormatExtensiblePcm) {
  std::vector<std::uint8_t> fmt = fmt_body(0xFFFE, 1, 8000, 16);
  append_le16(fmt, 22);  // cbSize
  append_le16(fmt, 16);  // valid bits
  append_le32(fmt, 4);   // channel mask
  append_le16(fmt, 1);   // SubFormat GUID begins with the format code (PCM)
  fmt.resize(40, 0);
  WavBuilder wav;
  wav.chunk("fmt ", fmt);
  wav.chunk("data", {0x02, 0x00});
  auto audio = read_wav(wav.file());
  ASSERT_TRUE(audio.ok()) << audio.error();
  EXPECT_EQ(audio->samples, std::vector<std::int16_t>{2});
}

TEST(Wav, ATruncatedDataChunkGivesTheWholeFramesThere) {
  WavBuilder wav;
  wav.chunk("fmt ", fmt_body(1, 2, 8000, 16));
  // Claims 0xFFFFFFFF bytes (streamed); holds one frame and half of another.
  wav.chunk("data", {1, 0, 2, 0, 3, 0}, 0xFFFFFFFFu);
  auto audio = read_wav(wav.file());
  ASSERT_TRUE(audio.ok()) << audio.error();
  EXPECT_EQ(audio->samples, (std::vector<std::int16_t>{1, 2}));
}

TEST(Wav, RefusesWhatItCannotRead) {
  EXPECT_EQ(read_wav(bytes_of("RIFX....WAVE")).error(), "not a RIFF/WAVE file");
  EXPECT_EQ(read_wav({}).error(), "not a RIFF/WAVE file");
  {
    WavBuilder wav;
    wav.chunk("fmt ", fmt_body(3, 1, 8000, 32));  // IEEE float
    wav.chunk("data", {0, 0, 0, 0});
    EXPECT_EQ(read_wav(wav.file()).error(), "WAV data is not PCM");
  }
  {
    WavBuilder wav;
    wav.chunk("fmt ", fmt_body(1, 1, 8000, 8));
    EXPECT_EQ(read_wav(wav.file()).error(), "WAV data is not 16-bit");
  }
  {
    WavBuilder wav;
    wav.chunk("data", {0, 0});
    EXPECT_EQ(read_wav(wav.file()).error(), "WAV data chunk before fmt chunk");
  }
  {
    WavBuilder wav;
    wav.chunk("fmt ", fmt_body(1, 1, 8000, 16));
    EXPECT_EQ(read_wav(wav.file()).error(), "WAV file has no data chunk");
  }
  {
    WavBuilder wav;
    wav.chunk("fmt ", fmt_body(1, 1, 8000, 16), 1000);  // fmt size past the end
    EXPECT_EQ(read_wav(wav.file()).error(), "bad fmt chunk");
  }
  {
    WavBuilder wav;
    wav.chunk("fmt ", fmt_body(1, 0, 8000, 16));
    EXPECT_EQ(read_wav(wav.file()).error(), "WAV channel count out of range");
  }
  EXPECT_EQ(write_wav(std::vector<std::int16_t>(3), 8000, 2).error(),
            "sample count is not a whole number of frames");
  EXPECT_FALSE(write_wav({}, 0, 1).ok());
  EXPECT_FALSE(write_wav({}, 8000, 9).ok());
  EXPECT_TRUE(write_wav({}, 8000, 1).ok());
}

}  // namespace
}  // namespace acw::media
