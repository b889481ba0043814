// What an SDP offer proposes, from its media directions (RFC 3264 §5.1, §6).
#include "sdp/grammar.hpp"
#include "sdp/session.hpp"

namespace acw::sdp {

// RFC 3264 §5.1: a sendrecv or sendonly stream means the offerer will send; sendrecv or
// recvonly that it will receive; a port of zero rejects the stream (§5.1, §6), and the
// session-level direction applies to every stream that has none of its own (RFC 8866 §6.7).
OfferSummary summarize_offer(const SessionDescription& offer) {
  OfferSummary summary;
  const Direction session_default = offer.direction();
  for (const MediaSection& section : offer.media) {
    if (section.rejected()) continue;
    const bool audio = grammar::iequals(section.media, "audio");
    const bool video = grammar::iequals(section.media, "video");
    if (!audio && !video) continue;
    const Direction direction = section.direction(session_default);
    const bool sends = direction == Direction::kSendRecv || direction == Direction::kSendOnly;
    const bool receives = direction == Direction::kSendRecv || direction == Direction::kRecvOnly;
    (audio ? summary.offering_audio : summary.offering_video) |= sends;
    (audio ? summary.can_receive_audio : summary.can_receive_video) |= receives;
  }
  return summary;
}

}  // namespace acw::sdp
