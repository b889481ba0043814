// Tests for Ogg page framing: CRC, lacing, round trip and refusal of damaged pages.
#include "media/ogg_page.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace acw::media {
namespace {

TEST(OggPage, CrcIsTheOggVariant) {
  // CRC-32 with polynomial 0x04C11DB7, init 0, no reflection, no final XOR (the check value of
  // "123456789" is that of CRC-32/POSIX without its final inversion: ~0x765E7680).
  const std::string_view check = "123456789";
  EXPECT_EQ(ogg_crc(std::span(reinterpret_cast<const std::uint8_t*>(check.data()), check.size())),
            0x89A1897Fu);
  EXPECT_EQ(ogg_crc({}), 0u);
}

TEST(OggPage, LacingValues) {
  std::vector<std::uint8_t> lacing;
  append_lacing(lacing, 0);
  EXPECT_EQ(lacing, std::vector<std::uint8_t>{0});
  lacing.clear();
  append_lacing(lacing, 254);
  EXPECT_EQ(lacing, std::vector<std::uint8_t>{254});
  lacing.clear();
  append_lacing(lacing, 255);  // a multiple of 255 ends with a 0
  EXPECT_EQ(lacing, (std::vector<std::uint8_t>{255, 0}));
  lacing.clear();
  append_lacing(lacing, 600);
  EXPECT_EQ(lacing, (std::vector<std::uint8_t>{255, 255, 90}));
}

OggPage sample_page() {
  OggPage page;
  page.first = true;
  page.granule_position = 0x0102030405060708u;
  page.serial = 0xA1B2C3D4u;
  page.sequence = 7;
  append_lacing(page.segments, 3);
  page.body = {'a', 'b', 'c'};
  return page;
}

TEST(OggPage, SerializesTheRfc3533Layout) {
  auto bytes = serialize_ogg_page(sample_page());
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), 27u + 1u + 3u);
  const std::vector<std::uint8_t> head(bytes->begin(), bytes->begin() + 22);
  const std::vector<std::uint8_t> expected = {'O', 'g', 'g', 'S',  0,    0x02, 8,    7, 6, 5, 4,
                                              3,   2,   1,   0xD4, 0xC3, 0xB2, 0xA1, 7, 0, 0, 0};
  EXPECT_EQ(head, expected);
  EXPECT_EQ((*bytes)[26], 1);
  EXPECT_EQ((*bytes)[27], 3);
  // The stored CRC is that of the page with the CRC field zeroed.
  auto zeroed = *bytes;
  for (int i = 22; i < 26; ++i) zeroed[static_cast<std::size_t>(i)] = 0;
  const std::uint32_t crc = ogg_crc(zeroed);
  EXPECT_EQ((*bytes)[22], crc & 0xFF);
  EXPECT_EQ((*bytes)[25], crc >> 24);
}

TEST(OggPage, RoundTrips) {
  auto bytes = serialize_ogg_page(sample_page());
  bytes->push_back(0xEE);  // whatever follows is not part of the page
  auto parsed = parse_ogg_page(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->size, 31u);
  EXPECT_TRUE(parsed->page.first);
  EXPECT_FALSE(parsed->page.continued);
  EXPECT_FALSE(parsed->page.last);
  EXPECT_EQ(parsed->page.granule_position, 0x0102030405060708u);
  EXPECT_EQ(parsed->page.serial, 0xA1B2C3D4u);
  EXPECT_EQ(parsed->page.sequence, 7u);
  EXPECT_EQ(parsed->page.body, (std::vector<std::uint8_t>{'a', 'b', 'c'}));
}

TEST(OggPage, RefusesDamage) {
  const auto good = *serialize_ogg_page(sample_page());
  EXPECT_EQ(parse_ogg_page(std::span(good).first(26)).error(), "truncated Ogg page header");
  EXPECT_EQ(parse_ogg_page(std::span(good).first(27)).error(), "truncated Ogg lacing table");
  EXPECT_EQ(parse_ogg_page(std::span(good).first(30)).error(), "truncated Ogg page body");
  auto bad = good;
  bad[0] = 'o';
  EXPECT_EQ(parse_ogg_page(bad).error(), "no Ogg capture pattern");
  bad = good;
  bad[4] = 1;
  EXPECT_EQ(parse_ogg_page(bad).error(), "unknown Ogg page version");
  bad = good;
  bad[5] = 0x08;
  EXPECT_EQ(parse_ogg_page(bad).error(), "unknown Ogg header type flags");
  bad = good;
  bad[29] ^= 1;
  EXPECT_EQ(parse_ogg_page(bad).error(), "Ogg page CRC mismatch");
  bad = good;
  bad[22] ^= 0x80;
  EXPECT_EQ(parse_ogg_page(bad).error(), "Ogg page CRC mismatch");
}

TEST(OggPage, SerializeChecksTheLacing) {
  OggPage page = sample_page();
  page.body.push_back('d');
  EXPECT_EQ(serialize_ogg_page(page).error(), "Ogg lacing does not match the body");
  page.segments.assign(256, 0);
  page.body.clear();
  EXPECT_EQ(serialize_ogg_page(page).error(), "more than 255 Ogg segments");
}

}  // namespace
}  // namespace acw::media
