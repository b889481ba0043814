// RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1, §5.3.1).
#include "media/rtp_packet.hpp"

#include "media/byte_order.hpp"

namespace acw::media {

Result<RtpPacket> parse_rtp(std::span<const std::uint8_t> packet) {
  // §5.1: 12 bytes of fixed header.
  if (packet.size() < 12) return Error{"RTP packet shorter than its header"};
  const std::uint8_t first = packet[0];
  if ((first >> 6) != 2) return Error{"RTP version is not 2"};
  const bool padding = (first & 0x20) != 0;
  const bool extension = (first & 0x10) != 0;
  const std::size_t csrc_count = first & 0x0F;
  RtpPacket out;
  out.header.marker = (packet[1] & 0x80) != 0;
  out.header.payload_type = packet[1] & 0x7F;
  // RFC 5761 §4: RTCP SR, RR, SDES, BYE and APP (200-204) read as the marker bit and payload
  // types 72-76, which RTP must therefore not use.
  if (out.header.payload_type >= 72 && out.header.payload_type <= 76) {
    return Error{"RTCP packet on the RTP path"};
  }
  out.header.sequence_number = load_be16(packet.data() + 2);
  out.header.timestamp = load_be32(packet.data() + 4);
  out.header.ssrc = load_be32(packet.data() + 8);
  std::size_t pos = 12;
  if (packet.size() - pos < 4 * csrc_count) return Error{"RTP CSRC list past the end"};
  for (std::size_t i = 0; i < csrc_count; ++i, pos += 4) {
    out.header.csrcs.push_back(load_be32(packet.data() + pos));
  }
  std::size_t end = packet.size();
  // §5.1 P: the last byte of the packet counts the padding bytes, itself included.
  if (padding) {
    const std::size_t pad = packet[end - 1];
    if (pad == 0 || pad > end - pos) return Error{"RTP padding count out of range"};
    end -= pad;
  }
  // §5.3.1: 16 bits defined by profile, 16 bits length in 32-bit words, then the words. Skipped.
  if (extension) {
    if (end - pos < 4) return Error{"RTP header extension past the end"};
    const std::size_t words = load_be16(packet.data() + pos + 2);
    pos += 4;
    if ((end - pos) / 4 < words) return Error{"RTP header extension past the end"};
    pos += 4 * words;
    out.header.has_extension = true;
  }
  out.payload.assign(packet.begin() + static_cast<std::ptrdiff_t>(pos),
                     packet.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

Result<std::vector<std::uint8_t>> serialize_rtp(const RtpPacket& packet) {
  if (packet.header.payload_type > 127) return Error{"RTP payload type over 127"};
  if (packet.header.csrcs.size() > 15) return Error{"more than 15 CSRCs"};
  std::vector<std::uint8_t> out;
  out.reserve(12 + 4 * packet.header.csrcs.size() + packet.payload.size());
  out.push_back(static_cast<std::uint8_t>(0x80 | packet.header.csrcs.size()));
  out.push_back(
      static_cast<std::uint8_t>((packet.header.marker ? 0x80 : 0) | packet.header.payload_type));
  append_be16(out, packet.header.sequence_number);
  append_be32(out, packet.header.timestamp);
  append_be32(out, packet.header.ssrc);
  for (const std::uint32_t csrc : packet.header.csrcs) append_be32(out, csrc);
  append_bytes(out, packet.payload);
  return out;
}

}  // namespace acw::media
