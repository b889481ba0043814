// RTP sender side (RFC 3550 §5.1): one stream's SSRC, sequence numbers and timestamps.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

struct RtpPacketizerOptions {
  // §5.1: SSRC, first sequence number and first timestamp should be random; the caller draws
  // them (the core has no randomness of its own).
  std::uint32_t ssrc = 0;
  std::uint8_t payload_type = 111;  // the negotiated Opus payload type
  std::uint16_t first_sequence_number = 0;
  std::uint32_t first_timestamp = 0;
};

class RtpPacketizer {
 public:
  explicit RtpPacketizer(const RtpPacketizerOptions& options);

  // The next audio packet: the payload at the current timestamp, then the timestamp moves on by
  // the payload's duration in clock units (960 for 20 ms at 48 kHz). Set marker on the first
  // packet of a talkspurt (RFC 3551 §4.1). Sequence and timestamp wrap around modulo 2^16/2^32.
  Result<std::vector<std::uint8_t>> packetize(std::span<const std::uint8_t> payload,
                                              std::uint32_t duration, bool marker = false);

  // A packet of another payload type in the same stream (RFC 4733 events), at the given timestamp
  // offset from the current one; takes the next sequence number, leaves the timestamp alone.
  Result<std::vector<std::uint8_t>> packetize_other(std::span<const std::uint8_t> payload,
                                                    std::uint8_t payload_type,
                                                    std::uint32_t timestamp_offset, bool marker);

  // Time passes with nothing sent (DTX, or audio replaced by events): no sequence number used.
  void skip(std::uint32_t duration) { timestamp_ += duration; }

  std::uint32_t ssrc() const { return ssrc_; }
  std::uint16_t next_sequence_number() const { return sequence_; }
  std::uint32_t next_timestamp() const { return timestamp_; }

 private:
  std::uint32_t ssrc_;
  std::uint8_t payload_type_;
  std::uint16_t sequence_;
  std::uint32_t timestamp_;
};

}  // namespace acw::media
