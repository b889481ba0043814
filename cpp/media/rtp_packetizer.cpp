// RTP sender state: sequence numbers and timestamps that wrap (RFC 3550 §5.1).
#include "media/rtp_packetizer.hpp"

#include "media/rtp_packet.hpp"

namespace acw::media {

RtpPacketizer::RtpPacketizer(const RtpPacketizerOptions& options)
    : ssrc_(options.ssrc),
      payload_type_(options.payload_type),
      sequence_(options.first_sequence_number),
      timestamp_(options.first_timestamp) {}

Result<std::vector<std::uint8_t>> RtpPacketizer::packetize(std::span<const std::uint8_t> payload,
                                                           std::uint32_t duration, bool marker) {
  auto bytes = packetize_other(payload, payload_type_, 0, marker);
  if (bytes) timestamp_ += duration;  // unsigned: wraps modulo 2^32 as §5.1 says
  return bytes;
}

Result<std::vector<std::uint8_t>> RtpPacketizer::packetize_other(
    std::span<const std::uint8_t> payload, std::uint8_t payload_type,
    std::uint32_t timestamp_offset, bool marker) {
  RtpPacket packet;
  packet.header.marker = marker;
  packet.header.payload_type = payload_type;
  packet.header.sequence_number = sequence_;
  packet.header.timestamp = timestamp_ + timestamp_offset;
  packet.header.ssrc = ssrc_;
  packet.payload.assign(payload.begin(), payload.end());
  auto bytes = serialize_rtp(packet);
  if (bytes) ++sequence_;  // unsigned: wraps modulo 2^16
  return bytes;
}

}  // namespace acw::media
