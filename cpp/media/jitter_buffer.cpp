// Jitter buffer: reordering, duplicate and late detection, loss reporting, bounded depth.
#include "media/jitter_buffer.hpp"

namespace acw::media {

JitterBuffer::JitterBuffer(const JitterBufferOptions& options) : options_(options) {
  if (options_.max_packets < 1) options_.max_packets = 1;
  if (options_.target_packets < 1) options_.target_packets = 1;
  if (options_.target_packets > options_.max_packets)
    options_.target_packets = options_.max_packets;
}

void JitterBuffer::clear() {
  packets_.clear();
  next_.reset();
  highest_.reset();
  buffering_ = true;
}

JitterBufferInsert JitterBuffer::insert(ReceivedRtp received) {
  // A new source starts its own numbering: what is held belongs to the old one.
  if (received.new_source) clear();
  const std::int64_t sequence = received.extended_sequence;
  if (next_ && sequence < *next_) {
    ++stats_.late;
    return JitterBufferInsert::kLate;
  }
  if (packets_.count(sequence) != 0) {
    ++stats_.duplicates;
    return JitterBufferInsert::kDuplicate;
  }
  if (packets_.size() >= options_.max_packets) {
    // Full: the oldest goes (it is the one most overdue), unless the newcomer is older still.
    if (sequence < packets_.begin()->first) {
      ++stats_.overflow;
      return JitterBufferInsert::kOverflow;
    }
    ++stats_.overflow;
    const std::int64_t dropped = packets_.begin()->first;
    packets_.erase(packets_.begin());
    if (next_ && *next_ <= dropped) next_ = dropped + 1;
  }
  if (highest_ && sequence < *highest_) ++stats_.reordered;
  if (!highest_ || sequence > *highest_) highest_ = sequence;
  packets_.emplace(sequence, std::move(received.packet));
  ++stats_.accepted;
  return JitterBufferInsert::kAccepted;
}

std::optional<JitterBufferFrame> JitterBuffer::pop() {
  if (buffering_) {
    if (packets_.size() < options_.target_packets) return std::nullopt;
    buffering_ = false;
    // Playout (re)starts at the oldest held packet; what was skipped before it is lost.
    const std::int64_t first = packets_.begin()->first;
    if (next_ && first > *next_) stats_.lost += static_cast<std::uint64_t>(first - *next_);
    next_ = first;
  }
  if (packets_.empty()) {
    ++stats_.underruns;
    buffering_ = true;
    return std::nullopt;
  }
  auto oldest = packets_.begin();
  if (oldest->first != *next_ && packets_.size() > options_.target_packets) {
    // Behind a gap with more than enough queued: skip the gap rather than conceal it packet by
    // packet, which would keep the extra delay for good.
    stats_.lost += static_cast<std::uint64_t>(oldest->first - *next_);
    next_ = oldest->first;
  }
  JitterBufferFrame frame;
  frame.extended_sequence = *next_;
  if (oldest->first == *next_) {
    frame.kind = JitterBufferFrame::Kind::kPacket;
    frame.packet = std::move(oldest->second);
    packets_.erase(oldest);
  } else {
    frame.kind = JitterBufferFrame::Kind::kLost;
    ++stats_.lost;
  }
  ++*next_;
  return frame;
}

}  // namespace acw::media
