// RTP receiver side (RFC 3550 §A.1): one source's packets, with sequence numbers extended past
// wrap-around and stray or jumped packets filtered.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "media/result.hpp"
#include "media/rtp_packet.hpp"

namespace acw::media {

struct ReceivedRtp {
  RtpPacket packet;
  // The sequence number with its wrap count (cycles * 65536 + sequence): monotonic in sending
  // order, what a jitter buffer sorts on.
  std::int64_t extended_sequence = 0;
  bool new_source = false;  // the first packet of the stream, or of a new SSRC / restarted stream
};

struct RtpReceiveStats {
  std::uint64_t received = 0;
  std::uint64_t refused = 0;  // malformed, wrong payload, another source, or a jump on probation
};

class RtpDepacketizer {
 public:
  // RFC 3550 §A.1's constants: a forward gap under 3000 is loss, a step back under 100 is
  // reordering, anything else a jump that two consecutive packets must confirm.
  static constexpr std::uint16_t kMaxDropout = 3000;
  static constexpr std::uint16_t kMaxMisorder = 100;

  Result<ReceivedRtp> receive(std::span<const std::uint8_t> bytes);
  const RtpReceiveStats& stats() const { return stats_; }
  std::optional<std::uint32_t> ssrc() const { return ssrc_; }

 private:
  Result<ReceivedRtp> refuse(const char* reason);
  void start_source(std::uint32_t ssrc, std::uint16_t sequence);

  std::optional<std::uint32_t> ssrc_;
  std::uint16_t max_sequence_ = 0;
  std::int64_t cycles_ = 0;
  // A packet that jumped (or came from another SSRC) starts this probation: if the next one
  // follows it in sequence, the stream restarts there (§A.1 bad_seq).
  std::optional<std::uint32_t> probation_ssrc_;
  std::uint16_t probation_next_ = 0;
  RtpReceiveStats stats_;
};

}  // namespace acw::media
