// Tests for RTP header parsing and serialization (RFC 3550 §5.1, §5.3.1).
#include "media/rtp_packet.hpp"

#include <gtest/gtest.h>

namespace acw::media {
namespace {

TEST(RtpPacket, ParsesTheFixedHeader) {
  const std::vector<std::uint8_t> bytes = {0x80, 0xEF, 0x12, 0x34, 0xDE, 0xAD, 0xBE,
                                           0xEF, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB};
  auto packet = parse_rtp(bytes);
  ASSERT_TRUE(packet.ok()) << packet.error();
  EXPECT_TRUE(packet->header.marker);
  EXPECT_EQ(packet->header.payload_type, 111);
  EXPECT_EQ(packet->header.sequence_number, 0x1234);
  EXPECT_EQ(packet->header.timestamp, 0xDEADBEEFu);
  EXPECT_EQ(packet->header.ssrc, 0x01020304u);
  EXPECT_TRUE(packet->header.csrcs.empty());
  EXPECT_FALSE(packet->header.has_extension);
  EXPECT_EQ(packet->payload, (std::vector<std::uint8_t>{0xAA, 0xBB}));
  EXPECT_EQ(*serialize_rtp(*packet), bytes);
}

TEST(RtpPacket, CsrcsExtensionAndPaddingAreHandled) {
  // CC=2, X=1, P=1; extension of one word (RFC 8285 one-byte form, 0xBEDE); 3 bytes of padding.
  const std::vector<std::uint8_t> bytes = {
      0xB2, 0x00, 0x00, 0x01, 0,    0,    0,    2,    0, 0, 0, 3,  // header, PT 0
      0,    0,    0,    4,    0,    0,    0,    5,                 // CSRCs
      0xBE, 0xDE, 0x00, 0x01, 0x10, 0xFF, 0x00, 0x00,              // extension header + 1 word
      0x11, 0x22,                                                  // payload
      0x00, 0x00, 0x03};                                           // padding, count 3
  auto packet = parse_rtp(bytes);
  ASSERT_TRUE(packet.ok()) << packet.error();
  EXPECT_EQ(packet->header.csrcs, (std::vector<std::uint32_t>{4, 5}));
  EXPECT_TRUE(packet->header.has_extension);
  EXPECT_EQ(packet->payload, (std::vector<std::uint8_t>{0x11, 0x22}));
  // Serialized again: no extension, no padding, same CSRCs and payload.
  auto again = parse_rtp(*serialize_rtp(*packet));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->header.csrcs, packet->header.csrcs);
  EXPECT_EQ(again->payload, packet->payload);
}

TEST(RtpPacket, RefusesMalformedPackets) {
  std::vector<std::uint8_t> ok = {0x80, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  EXPECT_TRUE(parse_rtp(ok).ok());
  EXPECT_EQ(parse_rtp(std::span(ok).first(11)).error(), "RTP packet shorter than its header");
  auto v1 = ok;
  v1[0] = 0x40;
  EXPECT_EQ(parse_rtp(v1).error(), "RTP version is not 2");
  auto csrc = ok;
  csrc[0] = 0x81;
  EXPECT_EQ(parse_rtp(csrc).error(), "RTP CSRC list past the end");
  auto pad = ok;
  pad[0] = 0xA0;
  pad.push_back(0);  // padding count 0
  EXPECT_EQ(parse_rtp(pad).error(), "RTP padding count out of range");
  pad.back() = 2;  // more than the 1 byte after the header... it counts itself and one more
  EXPECT_EQ(parse_rtp(pad).error(), "RTP padding count out of range");
  pad.back() = 1;
  EXPECT_TRUE(parse_rtp(pad).ok());
  EXPECT_TRUE(parse_rtp(pad)->payload.empty());
  auto ext = ok;
  ext[0] = 0x90;
  ext.insert(ext.end(), {0xBE, 0xDE, 0x00, 0x02, 0, 0, 0, 0});  // claims 2 words, has 1
  EXPECT_EQ(parse_rtp(ext).error(), "RTP header extension past the end");
  ext.resize(14);
  EXPECT_EQ(parse_rtp(ext).error(), "RTP header extension past the end");
  // RTCP receiver report (type 201) arriving on the RTP path.
  const std::vector<std::uint8_t> rtcp = {0x81, 0xC9, 0x00, 0x07, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_EQ(parse_rtp(rtcp).error(), "RTCP packet on the RTP path");
}

TEST(RtpPacket, SerializeRefusesWhatTheHeaderCannotHold) {
  RtpPacket packet;
  packet.header.payload_type = 128;
  EXPECT_FALSE(serialize_rtp(packet).ok());
  packet.header.payload_type = 0;
  packet.header.csrcs.resize(16);
  EXPECT_FALSE(serialize_rtp(packet).ok());
  packet.header.csrcs.resize(15);
  auto bytes = serialize_rtp(packet);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), 12u + 60u);
  EXPECT_EQ((*bytes)[0], 0x8F);
}

}  // namespace
}  // namespace acw::media
