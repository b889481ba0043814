// RTP packets (RFC 3550 §5.1): parse a received packet, serialize one to send.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;  // 0-127
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::vector<std::uint32_t> csrcs;  // at most 15
  bool has_extension = false;        // the header extension is skipped, never interpreted
};

struct RtpPacket {
  RtpHeader header;
  std::vector<std::uint8_t> payload;  // without padding
};

// RFC 3550 §5.1 and §A.1's validity checks: version 2, CSRC list, header extension (§5.3.1) and
// padding (the last byte counts it, itself included) all within the packet. An RTCP packet sent
// on the same port (RFC 5761 §4: what reads as payload type 72-76) is refused here.
Result<RtpPacket> parse_rtp(std::span<const std::uint8_t> packet);

// The wire form: header, CSRCs, payload; no extension, no padding. Refuses a payload type over
// 127 or more than 15 CSRCs.
Result<std::vector<std::uint8_t>> serialize_rtp(const RtpPacket& packet);

}  // namespace acw::media
