// Tests for the Ogg Opus reader: round trips, damaged and truncated files, other streams.
#include "media/ogg_opus_reader.hpp"

#include <gtest/gtest.h>

#include "media/ogg_page.hpp"
#include "media/opus_decoder.hpp"
#include "media/wav.hpp"
#include "ogg_opus_fixture.hpp"

namespace acw::media {
namespace {

// Byte offsets where each page starts.
std::vector<std::size_t> page_offsets(const std::vector<std::uint8_t>& file) {
  std::vector<std::size_t> offsets;
  std::size_t pos = 0;
  while (pos < file.size()) {
    offsets.push_back(pos);
    pos += parse_ogg_page(std::span(file).subspan(pos))->size;
  }
  return offsets;
}

TEST(OggOpusReader, ReadsBackWhatTheWriterWrote) {
  for (int channels : {1, 2}) {
    const auto sample = test::make_ogg_opus(3, channels, 500);
    auto file = read_ogg_opus(sample.file);
    ASSERT_TRUE(file.ok()) << file.error();
    EXPECT_TRUE(file->complete) << file->damage;
    EXPECT_EQ(file->serial, 0x5EEDu);
    EXPECT_EQ(file->head.channels, channels);
    EXPECT_EQ(file->head.pre_skip, 312);
    EXPECT_EQ(file->tags.comments, std::vector<std::string>{"TITLE=tone"});
    EXPECT_EQ(file->packets, sample.packets);
    EXPECT_EQ(file->granule_position, 143500u);
    EXPECT_EQ(file->playable_samples(), 143500u - 312u);
  }
}

TEST(OggOpusReader, DecodedFileMatchesTheTone) {
  const auto sample = test::make_ogg_opus(1);
  auto file = read_ogg_opus(sample.file);
  ASSERT_TRUE(file.ok());
  auto decoder = OpusDecoder::create({});
  std::vector<std::int16_t> pcm;
  for (const auto& packet : file->packets) {
    auto frame = decoder->decode(packet);
    ASSERT_TRUE(frame.ok());
    pcm.insert(pcm.end(), frame->begin(), frame->end());
  }
  // Drop the pre-skip, keep the playable length.
  pcm.erase(pcm.begin(), pcm.begin() + file->head.pre_skip);
  pcm.resize(file->playable_samples());
  const auto reference = test::sine(1000, -12, 48000, pcm.size());
  EXPECT_GT(test::snr_db(reference, pcm, 0, 9600, 28800), 10.0);
}

TEST(OggOpusReader, ACorruptPageIsSkippedAndReported) {
  const auto sample = test::make_ogg_opus(3);
  const auto offsets = page_offsets(sample.file);
  ASSERT_EQ(offsets.size(), 5u);
  auto damaged = sample.file;
  damaged[offsets[3] + 100] ^= 0x5A;  // inside the second audio page
  auto file = read_ogg_opus(damaged);
  ASSERT_TRUE(file.ok()) << file.error();
  EXPECT_FALSE(file->complete);
  EXPECT_EQ(file->damage, "Ogg page CRC mismatch");
  // Pages 1 and 3 of audio survive: 100 packets.
  ASSERT_EQ(file->packets.size(), 100u);
  EXPECT_EQ(file->packets[49], sample.packets[49]);
  EXPECT_EQ(file->packets[50], sample.packets[100]);
}

TEST(OggOpusReader, ATruncatedFileGivesWhatIsThere) {
  const auto sample = test::make_ogg_opus(3);
  const auto offsets = page_offsets(sample.file);
  auto cut = std::vector<std::uint8_t>(
      sample.file.begin(), sample.file.begin() + static_cast<std::ptrdiff_t>(offsets[3] + 200));
  auto file = read_ogg_opus(cut);
  ASSERT_TRUE(file.ok()) << file.error();
  EXPECT_FALSE(file->complete);
  EXPECT_EQ(file->damage, "truncated Ogg page body");
  EXPECT_EQ(file->packets.size(), 50u);
  EXPECT_EQ(file->granule_position, 48000u);
  // Cut at a page boundary: no damage but no EOS either.
  cut.resize(offsets[3]);
  file = read_ogg_opus(cut);
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE(file->complete);
  EXPECT_EQ(file->damage, "Ogg Opus stream ends without an EOS page");
}

TEST(OggOpusReader, AMissingPageIsReported) {
  const auto sample = test::make_ogg_opus(3);
  const auto offsets = page_offsets(sample.file);
  auto gap = sample.file;
  gap.erase(gap.begin() + static_cast<std::ptrdiff_t>(offsets[2]),
            gap.begin() + static_cast<std::ptrdiff_t>(offsets[3]));
  auto file = read_ogg_opus(gap);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->damage, "Ogg page missing");
  EXPECT_EQ(file->packets.size(), 100u);
}

TEST(OggOpusReader, OtherStreamsAreSkipped) {
  const auto sample = test::make_ogg_opus(1);
  // A foreign BOS page first (another codec's stream), and one of its pages in the middle.
  OggPage other;
  other.first = true;
  other.serial = 77;
  append_lacing(other.segments, 8);
  other.body = {'f', 'i', 's', 'h', 'e', 'a', 'd', 0};
  auto foreign_bos = *serialize_ogg_page(other);
  other.first = false;
  other.sequence = 1;
  auto foreign_page = *serialize_ogg_page(other);
  const auto offsets = page_offsets(sample.file);
  std::vector<std::uint8_t> muxed = foreign_bos;
  muxed.insert(muxed.end(), sample.file.begin(),
               sample.file.begin() + static_cast<std::ptrdiff_t>(offsets[2]));
  muxed.insert(muxed.end(), foreign_page.begin(), foreign_page.end());
  muxed.insert(muxed.end(), sample.file.begin() + static_cast<std::ptrdiff_t>(offsets[2]),
               sample.file.end());
  // And a chained stream after the end, ignored.
  muxed.insert(muxed.end(), foreign_bos.begin(), foreign_bos.end());
  auto file = read_ogg_opus(muxed);
  ASSERT_TRUE(file.ok()) << file.error();
  EXPECT_TRUE(file->complete) << file->damage;
  EXPECT_EQ(file->packets, sample.packets);
}

TEST(OggOpusReader, RefusesFilesWithoutValidHeaders) {
  EXPECT_EQ(read_ogg_opus({}).error(), "no Ogg Opus stream");
  const std::vector<std::uint8_t> junk = {'R', 'I', 'F', 'F', 0, 0, 0, 0};
  EXPECT_EQ(read_ogg_opus(junk).error(), "truncated Ogg page header");
  const auto sample = test::make_ogg_opus(1);
  const auto offsets = page_offsets(sample.file);
  // Only the first page: no OpusTags.
  EXPECT_EQ(read_ogg_opus(std::span(sample.file).first(offsets[1])).error(),
            "Ogg Opus headers incomplete");
  // Damage in the header pages is fatal.
  auto bad = sample.file;
  bad[offsets[1] + 30] ^= 1;
  EXPECT_EQ(read_ogg_opus(bad).error(), "Ogg page CRC mismatch");
  // A first page that is not BOS.
  bad = std::vector<std::uint8_t>(sample.file.begin() + static_cast<std::ptrdiff_t>(offsets[1]),
                                  sample.file.end());
  EXPECT_EQ(read_ogg_opus(bad).error(), "Ogg stream does not start with a BOS page");
}

TEST(OggOpusReader, RefusesMultichannelMappings) {
  OpusHead head;
  head.channels = 3;
  head.mapping_family = 1;
  head.stream_count = 2;
  head.coupled_count = 1;
  head.mapping = {0, 2, 1};
  OggPage page;
  page.first = true;
  page.body = *serialize_opus_head(head);
  append_lacing(page.segments, page.body.size());
  EXPECT_EQ(read_ogg_opus(*serialize_ogg_page(page)).error(),
            "Ogg Opus channel mapping family not supported");
}

TEST(OggOpusReader, ReadsAFileOpusencWrote) {
  if (!test::have_tool("opusenc")) GTEST_SKIP() << "opusenc (opus-tools) not installed";
  // Two seconds of a 16 kHz tone encoded by the reference tool: its paging, not ours.
  const auto pcm = test::sine(440, -12, 16000, 32000);
  const std::string wav_path = test::temp_path("acw_reader_in.wav");
  const std::string opus_path = test::temp_path("acw_reader_in.opus");
  test::write_file(wav_path, *write_wav(pcm, 16000, 1));
  std::string output;
  ASSERT_EQ(test::run_tool("opusenc --quiet " + wav_path + " " + opus_path, output), 0) << output;
  auto file = read_ogg_opus(test::read_file(opus_path));
  ASSERT_TRUE(file.ok()) << file.error();
  EXPECT_TRUE(file->complete) << file->damage;
  EXPECT_EQ(file->head.input_sample_rate, 16000u);
  EXPECT_EQ(file->head.channels, 1);
  // opusenc trims the end so the playable length is exactly the input's, at 48 kHz.
  EXPECT_EQ(file->playable_samples(), 96000u);
  std::uint64_t total = 0;
  for (const auto& packet : file->packets)
    total += static_cast<std::uint64_t>(*opus_packet_samples(packet, 48000));
  EXPECT_GE(total, file->granule_position);
}

}  // namespace
}  // namespace acw::media
