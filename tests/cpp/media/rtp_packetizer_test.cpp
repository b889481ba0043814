// Tests for the RTP packetizer: numbering, wrap-around, marker, other payload types.
#include "media/rtp_packetizer.hpp"

#include <gtest/gtest.h>

#include "media/rtp_packet.hpp"

namespace acw::media {
namespace {

TEST(RtpPacketizer, SequenceAndTimestampWrapAround) {
  RtpPacketizer packetizer({.ssrc = 0xCAFEBABE,
                            .payload_type = 111,
                            .first_sequence_number = 65534,
                            .first_timestamp = 0xFFFFFC40u});  // 960 before the wrap
  const std::vector<std::uint8_t> payload = {1, 2, 3};
  const std::uint16_t sequences[] = {65534, 65535, 0, 1};
  const std::uint32_t timestamps[] = {0xFFFFFC40u, 0, 960, 1920};  // 2^32 wraps to 0
  for (int i = 0; i < 4; ++i) {
    auto bytes = packetizer.packetize(payload, 960, i == 0);
    ASSERT_TRUE(bytes.ok());
    auto packet = parse_rtp(*bytes);
    ASSERT_TRUE(packet.ok());
    EXPECT_EQ(packet->header.sequence_number, sequences[i]) << i;
    EXPECT_EQ(packet->header.timestamp, timestamps[i]) << i;
    EXPECT_EQ(packet->header.ssrc, 0xCAFEBABEu);
    EXPECT_EQ(packet->header.payload_type, 111);
    EXPECT_EQ(packet->header.marker, i == 0);
    EXPECT_EQ(packet->payload, payload);
  }
  EXPECT_EQ(packetizer.next_sequence_number(), 2);
  EXPECT_EQ(packetizer.next_timestamp(), 2880u);
}

TEST(RtpPacketizer, SkipMovesTimeWithoutUsingSequenceNumbers) {
  RtpPacketizer packetizer({.ssrc = 1, .first_sequence_number = 10, .first_timestamp = 1000});
  packetizer.skip(4800);
  auto packet = parse_rtp(*packetizer.packetize(std::vector<std::uint8_t>{9}, 960, true));
  EXPECT_EQ(packet->header.sequence_number, 10);
  EXPECT_EQ(packet->header.timestamp, 5800u);
}

TEST(RtpPacketizer, OtherPayloadTypesShareTheNumbering) {
  RtpPacketizer packetizer(
      {.ssrc = 7, .payload_type = 111, .first_sequence_number = 100, .first_timestamp = 5000});
  auto event = parse_rtp(
      *packetizer.packetize_other(std::vector<std::uint8_t>{1, 0, 0, 160}, 101, 320, true));
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->header.payload_type, 101);
  EXPECT_EQ(event->header.sequence_number, 100);
  EXPECT_EQ(event->header.timestamp, 5320u);
  EXPECT_TRUE(event->header.marker);
  EXPECT_EQ(packetizer.next_timestamp(), 5000u);
  auto audio = parse_rtp(*packetizer.packetize(std::vector<std::uint8_t>{1}, 960));
  EXPECT_EQ(audio->header.sequence_number, 101);
  EXPECT_FALSE(packetizer.packetize_other({}, 200, 0, false).ok());
  EXPECT_EQ(packetizer.next_sequence_number(), 102);  // a refused packet uses no number
}

}  // namespace
}  // namespace acw::media
