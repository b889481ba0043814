// RTP sequence number extension and source validation (RFC 3550 §A.1, update_seq).
#include "media/rtp_depacketizer.hpp"

namespace acw::media {

Result<ReceivedRtp> RtpDepacketizer::refuse(const char* reason) {
  ++stats_.refused;
  return Error{reason};
}

void RtpDepacketizer::start_source(std::uint32_t ssrc, std::uint16_t sequence) {
  ssrc_ = ssrc;
  max_sequence_ = sequence;
  cycles_ = 0;
  probation_ssrc_.reset();
}

Result<ReceivedRtp> RtpDepacketizer::receive(std::span<const std::uint8_t> bytes) {
  auto parsed = parse_rtp(bytes);
  if (!parsed) {
    ++stats_.refused;
    return Error{parsed.error()};
  }
  ReceivedRtp out;
  out.packet = std::move(*parsed);
  const std::uint32_t ssrc = out.packet.header.ssrc;
  const std::uint16_t sequence = out.packet.header.sequence_number;
  if (!ssrc_) {
    start_source(ssrc, sequence);
    out.new_source = true;
  } else if (ssrc != *ssrc_) {
    // Another source on this stream: follow it once it sends two packets in sequence (a sender
    // that restarted after a re-INVITE), drop a stray.
    if (probation_ssrc_ == ssrc && sequence == probation_next_) {
      start_source(ssrc, sequence);
      out.new_source = true;
    } else {
      probation_ssrc_ = ssrc;
      probation_next_ = static_cast<std::uint16_t>(sequence + 1);
      return refuse("RTP packet from another SSRC");
    }
  } else {
    const auto delta = static_cast<std::uint16_t>(sequence - max_sequence_);
    if (delta < kMaxDropout) {
      // In order, maybe with a gap: a smaller number than the highest means it wrapped.
      if (sequence < max_sequence_) cycles_ += 65536;
      max_sequence_ = sequence;
      probation_ssrc_.reset();
    } else if (delta <= 65536 - kMaxMisorder) {
      // A jump: the sender restarted, or a stray. Two in a row confirm it (§A.1 bad_seq).
      if (probation_ssrc_ == ssrc && sequence == probation_next_) {
        start_source(ssrc, sequence);
        out.new_source = true;
      } else {
        probation_ssrc_ = ssrc;
        probation_next_ = static_cast<std::uint16_t>(sequence + 1);
        return refuse("RTP sequence number jump");
      }
    } else {
      // Duplicate or reordered (at most kMaxMisorder back): a larger number than the highest
      // belongs to the cycle before the current one.
      out.extended_sequence = (sequence > max_sequence_ ? cycles_ - 65536 : cycles_) + sequence;
      ++stats_.received;
      return out;
    }
  }
  out.extended_sequence = cycles_ + max_sequence_;
  ++stats_.received;
  return out;
}

}  // namespace acw::media
