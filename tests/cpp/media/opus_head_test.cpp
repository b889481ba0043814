// Tests for the OpusHead and OpusTags header packets (RFC 7845 §5).
#include "media/opus_head.hpp"

#include <gtest/gtest.h>

namespace acw::media {
namespace {

TEST(OpusHead, SerializesTheRfc7845Layout) {
  OpusHead head;
  head.channels = 2;
  head.pre_skip = 312;
  head.input_sample_rate = 44100;
  head.output_gain = -256;  // -1 dB in Q7.8
  auto bytes = serialize_opus_head(head);
  ASSERT_TRUE(bytes.ok());
  const std::vector<std::uint8_t> expected = {'O',  'p',  'u',  's',  'H', 'e', 'a',  'd',  1, 2,
                                              0x38, 0x01, 0x44, 0xAC, 0,   0,   0x00, 0xFF, 0};
  EXPECT_EQ(*bytes, expected);
  auto parsed = parse_opus_head(*bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->channels, 2);
  EXPECT_EQ(parsed->pre_skip, 312);
  EXPECT_EQ(parsed->input_sample_rate, 44100u);
  EXPECT_EQ(parsed->output_gain, -256);
  EXPECT_EQ(parsed->coupled_count, 1);
}

TEST(OpusHead, ParsesAChannelMappingTable) {
  // Family 1, 3 channels (L, C, R): 2 streams, 1 coupled, mapping 0 2 1.
  const std::vector<std::uint8_t> bytes = {'O',  'p',  'u', 's', 'H', 'e', 'a', 'd', 1, 3, 0, 0,
                                           0x80, 0xBB, 0,   0,   0,   0,   1,   2,   1, 0, 2, 1};
  auto head = parse_opus_head(bytes);
  ASSERT_TRUE(head.ok()) << head.error();
  EXPECT_EQ(head->mapping_family, 1);
  EXPECT_EQ(head->stream_count, 2);
  EXPECT_EQ(head->mapping, (std::vector<std::uint8_t>{0, 2, 1}));
  EXPECT_EQ(*serialize_opus_head(*head), bytes);
  auto bad = bytes;
  bad[23] = 3;  // index 3 >= streams + coupled
  EXPECT_EQ(parse_opus_head(bad).error(), "OpusHead channel mapping out of range");
  bad.pop_back();
  EXPECT_EQ(parse_opus_head(bad).error(), "truncated OpusHead channel mapping");
}

TEST(OpusHead, RefusesBadHeads) {
  OpusHead head;
  auto good = *serialize_opus_head(head);
  EXPECT_EQ(parse_opus_head(std::span(good).first(18)).error(), "not an OpusHead packet");
  auto bad = good;
  bad[8] = 0x10;  // major version 1
  EXPECT_EQ(parse_opus_head(bad).error(), "unsupported OpusHead version");
  bad = good;
  bad[8] = 0x0F;  // minor versions are compatible
  EXPECT_TRUE(parse_opus_head(bad).ok());
  bad = good;
  bad[9] = 0;
  EXPECT_EQ(parse_opus_head(bad).error(), "OpusHead with zero channels");
  bad[9] = 3;
  EXPECT_EQ(parse_opus_head(bad).error(), "OpusHead family 0 with more than 2 channels");
  head.channels = 3;
  EXPECT_FALSE(serialize_opus_head(head).ok());
}

TEST(OpusTags, RoundTripsVendorAndComments) {
  const OpusTags tags{"libacw", {"TITLE=ring", "ARTIST=Aculab"}};
  const auto bytes = serialize_opus_tags(tags);
  ASSERT_EQ(bytes.size(), 8u + 4u + 6u + 4u + 4u + 10u + 4u + 13u);
  auto parsed = parse_opus_tags(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->vendor, "libacw");
  EXPECT_EQ(parsed->comments, tags.comments);
}

TEST(OpusTags, RefusesLengthsPastTheEnd) {
  auto bytes = serialize_opus_tags({"v", {"A=b"}});
  EXPECT_FALSE(parse_opus_tags(std::span(bytes).first(bytes.size() - 1)).ok());
  auto huge_count = serialize_opus_tags({"v", {}});
  huge_count[13] = 0xFF;  // count 255
  EXPECT_EQ(parse_opus_tags(huge_count).error(), "OpusTags comment count past the end");
  auto huge_vendor = bytes;
  huge_vendor[11] = 0x7F;
  EXPECT_EQ(parse_opus_tags(huge_vendor).error(), "OpusTags vendor string past the end");
  EXPECT_EQ(parse_opus_tags({}).error(), "not an OpusTags packet");
}

}  // namespace
}  // namespace acw::media
