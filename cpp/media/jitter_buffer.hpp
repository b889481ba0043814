// A small RTP jitter buffer: reorders packets by extended sequence number, plays them out one
// per packet interval, and reports the ones that never came so the decoder can conceal them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "media/rtp_depacketizer.hpp"

namespace acw::media {

struct JitterBufferOptions {
  // Packets held before playout starts (and again after an underrun): 3 x 20 ms = 60 ms.
  std::size_t target_packets = 3;
  // Hard bound on what is held; beyond it the oldest packet is dropped.
  std::size_t max_packets = 50;
};

struct JitterBufferStats {
  std::uint64_t accepted = 0;
  std::uint64_t reordered = 0;   // accepted, but after a later packet
  std::uint64_t duplicates = 0;  // dropped
  std::uint64_t late = 0;        // dropped: its turn had passed
  std::uint64_t overflow = 0;    // dropped: the buffer was full
  std::uint64_t lost = 0;        // never arrived in time (reported or skipped)
  std::uint64_t underruns = 0;   // pop() found nothing to play
};

// What pop() gives for one packet interval.
struct JitterBufferFrame {
  enum class Kind { kPacket, kLost };
  Kind kind = Kind::kPacket;
  std::int64_t extended_sequence = 0;
  RtpPacket packet;  // for kPacket
};

enum class JitterBufferInsert { kAccepted, kDuplicate, kLate, kOverflow };

class JitterBuffer {
 public:
  explicit JitterBuffer(const JitterBufferOptions& options = {});

  JitterBufferInsert insert(ReceivedRtp received);

  // Called once per packet interval by the playout clock. Gives the next packet in sequence; or
  // kLost when it is missing but later ones are here (conceal it); or nothing while (re)filling
  // to the target depth (play silence or conceal). When more than the target is held behind a
  // gap, the gap is skipped at once (counted as lost) so that delay does not build up.
  std::optional<JitterBufferFrame> pop();

  std::size_t size() const { return packets_.size(); }
  bool buffering() const { return buffering_; }
  const JitterBufferStats& stats() const { return stats_; }
  void clear();

 private:
  JitterBufferOptions options_;
  std::map<std::int64_t, RtpPacket> packets_;
  std::optional<std::int64_t> next_;     // the sequence number to play next
  std::optional<std::int64_t> highest_;  // the highest accepted
  bool buffering_ = true;
  JitterBufferStats stats_;
};

}  // namespace acw::media
