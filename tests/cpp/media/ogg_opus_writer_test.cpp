// Tests for the Ogg Opus writer: page layout, granule positions, end trimming, and acceptance
// by opus-tools (opusinfo, opusdec) when they are installed.
#include "media/ogg_opus_writer.hpp"

#include <gtest/gtest.h>

#include "media/ogg_page.hpp"
#include "media/opus_head.hpp"
#include "media/wav.hpp"
#include "ogg_opus_fixture.hpp"

namespace acw::media {
namespace {

std::vector<OggPage> pages_of(const std::vector<std::uint8_t>& file) {
  std::vector<OggPage> pages;
  std::size_t pos = 0;
  while (pos < file.size()) {
    auto parsed = parse_ogg_page(std::span(file).subspan(pos));
    EXPECT_TRUE(parsed.ok()) << parsed.error();
    if (!parsed) break;
    pages.push_back(parsed->page);
    pos += parsed->size;
  }
  return pages;
}

TEST(OggOpusWriter, HeaderPagesComeFirstAndAlone) {
  const auto sample = test::make_ogg_opus(3);
  const auto pages = pages_of(sample.file);
  // OpusHead, OpusTags, three 1 s pages (50 packets each) of which the last is EOS.
  ASSERT_EQ(pages.size(), 5u);
  EXPECT_TRUE(pages[0].first);
  EXPECT_EQ(pages[0].granule_position, 0u);
  EXPECT_EQ(pages[0].segments.size(), 1u);
  auto head = parse_opus_head(pages[0].body);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->pre_skip, 312);
  EXPECT_EQ(head->channels, 1);
  EXPECT_FALSE(pages[1].first);
  EXPECT_EQ(pages[1].granule_position, 0u);
  auto tags = parse_opus_tags(pages[1].body);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->vendor, "aculab-webrtc-wasm");
  EXPECT_EQ(tags->comments, std::vector<std::string>{"TITLE=tone"});
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].serial, 0x5EEDu);
    EXPECT_EQ(pages[i].sequence, i);
    EXPECT_EQ(pages[i].last, i + 1 == pages.size());
  }
}

TEST(OggOpusWriter, GranulePositionsCountEndedPackets) {
  const auto sample = test::make_ogg_opus(3, 1, 500);
  const auto pages = pages_of(sample.file);
  ASSERT_EQ(pages.size(), 5u);
  EXPECT_EQ(pages[2].segments.size(), 50u);
  EXPECT_EQ(pages[2].granule_position, 48000u);
  EXPECT_EQ(pages[3].granule_position, 96000u);
  // The last page ends trimmed: 144000 samples of packets, 500 cut.
  EXPECT_EQ(pages[4].granule_position, 143500u);
}

TEST(OggOpusWriter, TrimmingStopsAtThePreviousPage) {
  const auto sample = test::make_ogg_opus(2, 1, 1000000);
  const auto pages = pages_of(sample.file);
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[3].granule_position, pages[2].granule_position);
}

TEST(OggOpusWriter, ShortPagesForLiveStreams) {
  const auto sample = test::make_ogg_opus(1, 1, 0, 100);
  const auto pages = pages_of(sample.file);
  ASSERT_EQ(pages.size(), 2u + 10u);
  EXPECT_EQ(pages[2].segments.size(), 5u);
  EXPECT_EQ(pages[2].granule_position, 4800u);
}

TEST(OggOpusWriter, LargePacketsSpanNoPageBoundary) {
  auto writer = OggOpusWriter::create({.serial = 9});
  std::vector<std::uint8_t> out = writer->headers();
  // Maximum-size 20 ms CELT packets (1275 bytes: six lacing values each).
  std::vector<std::uint8_t> packet(1275, 0x55);
  packet[0] = 31 << 3;
  for (int i = 0; i < 50; ++i) {
    auto bytes = writer->write_packet(packet);
    ASSERT_TRUE(bytes.ok());
    out.insert(out.end(), bytes->begin(), bytes->end());
  }
  const auto end = writer->finish();
  out.insert(out.end(), end.begin(), end.end());
  const auto pages = pages_of(out);
  // 42 packets fill 252 of 255 segments; the 43rd starts a new page.
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[2].segments.size(), 252u);
  EXPECT_EQ(pages[2].granule_position, 42u * 960);
  EXPECT_FALSE(pages[3].continued);
  EXPECT_EQ(pages[3].granule_position, 50u * 960);
}

TEST(OggOpusWriter, RefusesBadInput) {
  EXPECT_FALSE(OggOpusWriter::create({.channels = 3}).ok());
  EXPECT_FALSE(OggOpusWriter::create({.pre_skip = 70000}).ok());
  EXPECT_FALSE(OggOpusWriter::create({.max_page_ms = 5}).ok());
  auto writer = OggOpusWriter::create({});
  EXPECT_EQ(writer->write_packet({}).error(), "empty Opus packet");
  EXPECT_FALSE(writer->write_packet(std::vector<std::uint8_t>{0xFB, 0}).ok());
  EXPECT_FALSE(writer->finish().empty());
  EXPECT_TRUE(writer->finish().empty());
  EXPECT_EQ(writer->write_packet(std::vector<std::uint8_t>{0xF8}).error(),
            "Ogg Opus stream already finished");
}

TEST(OggOpusWriter, OpusinfoAcceptsTheFile) {
  if (!test::have_tool("opusinfo")) GTEST_SKIP() << "opusinfo (opus-tools) not installed";
  for (int channels : {1, 2}) {
    const auto sample = test::make_ogg_opus(3, channels, 500);
    const std::string path = test::temp_path("acw_writer_" + std::to_string(channels) + ".opus");
    test::write_file(path, sample.file);
    std::string output;
    EXPECT_EQ(test::run_tool("opusinfo " + path, output), 0) << output;
    EXPECT_EQ(output.find("WARNING"), std::string::npos) << output;
    EXPECT_EQ(output.find("ERROR"), std::string::npos) << output;
    EXPECT_NE(output.find("Channels: " + std::to_string(channels)), std::string::npos) << output;
    EXPECT_NE(output.find("Pre-skip: 312"), std::string::npos) << output;
    // (144000 - 500 - 312) / 48000 s.
    EXPECT_NE(output.find("Playback length: 0m:02.983s"), std::string::npos) << output;
  }
}

TEST(OggOpusWriter, OpusdecDecodesTheFileToTheTrimmedLength) {
  if (!test::have_tool("opusdec")) GTEST_SKIP() << "opusdec (opus-tools) not installed";
  const auto sample = test::make_ogg_opus(2, 1, 700);
  const std::string path = test::temp_path("acw_writer_dec.opus");
  const std::string wav_path = test::temp_path("acw_writer_dec.wav");
  test::write_file(path, sample.file);
  std::string output;
  ASSERT_EQ(test::run_tool("opusdec --quiet " + path + " " + wav_path, output), 0) << output;
  auto wav = read_wav(test::read_file(wav_path));
  ASSERT_TRUE(wav.ok()) << wav.error();
  EXPECT_EQ(wav->sample_rate, 48000);
  EXPECT_EQ(wav->channels, 1);
  EXPECT_EQ(wav->samples.size(), 96000u - 700u - 312u);
  // The tone is there at its level in the middle.
  const double level =
      test::tone_amplitude(std::span(wav->samples).subspan(24000, 48000), 1000, 48000);
  EXPECT_NEAR(20 * std::log10(level / test::dbfs_to_amplitude(-12)), 0.0, 0.5);
}

}  // namespace
}  // namespace acw::media
