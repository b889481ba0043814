// Tests for the RTP depacketizer: extended sequence numbers, reordering at the wrap, jumps,
// SSRC changes (RFC 3550 §A.1).
#include "media/rtp_depacketizer.hpp"

#include <gtest/gtest.h>

namespace acw::media {
namespace {

std::vector<std::uint8_t> rtp(std::uint16_t sequence, std::uint32_t ssrc = 42) {
  RtpPacket packet;
  packet.header.payload_type = 111;
  packet.header.sequence_number = sequence;
  packet.header.timestamp = sequence * 960u;
  packet.header.ssrc = ssrc;
  packet.payload = {static_cast<std::uint8_t>(sequence)};
  return *serialize_rtp(packet);
}

TEST(RtpDepacketizer, ExtendsSequenceNumbersAcrossTheWrap) {
  RtpDepacketizer depacketizer;
  std::vector<std::int64_t> extended;
  for (std::uint16_t s : {65533, 65534, 65535, 0, 1, 2}) {
    auto received = depacketizer.receive(rtp(s));
    ASSERT_TRUE(received.ok()) << received.error();
    extended.push_back(received->extended_sequence);
    EXPECT_EQ(received->new_source, s == 65533);
  }
  EXPECT_EQ(extended, (std::vector<std::int64_t>{65533, 65534, 65535, 65536, 65537, 65538}));
  EXPECT_EQ(depacketizer.ssrc(), 42u);
  EXPECT_EQ(depacketizer.stats().received, 6u);
}

TEST(RtpDepacketizer, ReorderedPacketsAroundTheWrapKeepTheirPlace) {
  RtpDepacketizer depacketizer;
  std::vector<std::int64_t> extended;
  for (std::uint16_t s : {65534, 0, 65535, 2, 1}) {
    auto received = depacketizer.receive(rtp(s));
    ASSERT_TRUE(received.ok());
    extended.push_back(received->extended_sequence);
  }
  EXPECT_EQ(extended, (std::vector<std::int64_t>{65534, 65536, 65535, 65538, 65537}));
}

TEST(RtpDepacketizer, AGapUnderMaxDropoutIsLossNotAJump) {
  RtpDepacketizer depacketizer;
  ASSERT_TRUE(depacketizer.receive(rtp(100)).ok());
  auto later = depacketizer.receive(rtp(100 + 2999));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->extended_sequence, 3099);
  EXPECT_FALSE(later->new_source);
}

TEST(RtpDepacketizer, AJumpNeedsTwoPacketsInSequence) {
  RtpDepacketizer depacketizer;
  ASSERT_TRUE(depacketizer.receive(rtp(100)).ok());
  EXPECT_EQ(depacketizer.receive(rtp(20000)).error(), "RTP sequence number jump");
  // The stream goes on where it was: the stray is forgotten.
  EXPECT_EQ(depacketizer.receive(rtp(101))->extended_sequence, 101);
  EXPECT_FALSE(depacketizer.receive(rtp(30000)).ok());
  auto restarted = depacketizer.receive(rtp(30001));
  ASSERT_TRUE(restarted.ok());
  EXPECT_TRUE(restarted->new_source);
  EXPECT_EQ(restarted->extended_sequence, 30001);
  EXPECT_EQ(depacketizer.receive(rtp(30002))->extended_sequence, 30002);
  EXPECT_EQ(depacketizer.stats().refused, 2u);
}

TEST(RtpDepacketizer, ANewSsrcIsFollowedOnceConfirmed) {
  RtpDepacketizer depacketizer;
  ASSERT_TRUE(depacketizer.receive(rtp(5, 1)).ok());
  EXPECT_EQ(depacketizer.receive(rtp(900, 2)).error(), "RTP packet from another SSRC");
  EXPECT_TRUE(depacketizer.receive(rtp(6, 1)).ok());
  EXPECT_FALSE(depacketizer.receive(rtp(901, 2)).ok());  // not in sequence with the last stray
  auto switched = depacketizer.receive(rtp(902, 2));
  ASSERT_TRUE(switched.ok());
  EXPECT_TRUE(switched->new_source);
  EXPECT_EQ(depacketizer.ssrc(), 2u);
  EXPECT_FALSE(depacketizer.receive(rtp(7, 1)).ok());
}

TEST(RtpDepacketizer, MalformedPacketsAreRefusedAndCounted) {
  RtpDepacketizer depacketizer;
  EXPECT_FALSE(depacketizer.receive(std::vector<std::uint8_t>{0x80, 0, 0}).ok());
  EXPECT_FALSE(depacketizer.ssrc().has_value());
  EXPECT_EQ(depacketizer.stats().refused, 1u);
}

}  // namespace
}  // namespace acw::media
