// SDP session descriptions (RFC 8866): parse, serialize, and the client's edits to offers/answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/name_value.hpp"

namespace acw::sdp {

// Bounds on what parse() accepts, so that memory and time stay bounded for any input.
inline constexpr std::size_t kMaxSessionDescriptionSize = 64 * 1024;
inline constexpr std::size_t kMaxMediaSections = 64;
inline constexpr std::size_t kMaxFormats = 256;  // per m= line; RTP has 128 payload types

// a=name[:value]: name, value, has_value (whether ":value" was written; the value may be empty).
// Attributes keep their order; typed views below are computed from them.
using Attribute = text::NameValue;

struct Rtpmap {  // a=rtpmap:<pt> <encoding>/<clock>[/<channels>]
  int payload_type = 0;
  std::string encoding;  // as written ("opus", "telephone-event", "PCMU")
  uint32_t clock_rate = 0;
  int channels = 1;
  friend bool operator==(const Rtpmap&, const Rtpmap&) = default;
};

struct Fmtp {  // a=fmtp:<pt> <params>
  int payload_type = 0;
  std::string params;
  friend bool operator==(const Fmtp&, const Fmtp&) = default;
};

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };

struct RtcpFeedback {        // a=rtcp-fb:<pt or *> <type>[ <parameters>] (RFC 4585 §4.2)
  std::string payload_type;  // a format, or "*" for all
  std::string type;          // "nack", "transport-cc", "ccm"
  std::string parameters;    // "pli", "fir"; empty when absent
  friend bool operator==(const RtcpFeedback&, const RtcpFeedback&) = default;
};

struct Extmap {  // a=extmap:<id>[/<direction>] <uri>[ <attributes>] (RFC 8285 §8)
  int id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;  // extension attributes; empty when absent
  friend bool operator==(const Extmap&, const Extmap&) = default;
};

struct SsrcAttribute {  // a=ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576 §4.1)
  uint32_t ssrc = 0;
  std::string attribute;  // "cname", "msid"
  std::string value;
  friend bool operator==(const SsrcAttribute&, const SsrcAttribute&) = default;
};

struct Candidate {  // a=candidate (RFC 8839 §5.1)
  std::string foundation;
  int component = 0;
  std::string transport;  // "udp", "tcp" (as written)
  uint32_t priority = 0;
  std::string address;
  uint16_t port = 0;
  std::string type;                                             // "host", "srflx", "prflx", "relay"
  std::string related_address;                                  // raddr; empty when absent
  std::optional<uint16_t> related_port;                         // rport
  std::vector<std::pair<std::string, std::string>> extensions;  // {"generation", "0"}, ...
  friend bool operator==(const Candidate&, const Candidate&) = default;
};

struct Group {            // a=group:<semantics> *(SP <mid>) (RFC 5888 §5)
  std::string semantics;  // "BUNDLE", "LS"
  std::vector<std::string> mids;
  friend bool operator==(const Group&, const Group&) = default;
};

struct MediaSection {
  std::string media;  // "audio", "video", "application"
  uint16_t port = 0;
  uint16_t port_count = 0;           // 0 when absent
  std::string protocol;              // "UDP/TLS/RTP/SAVPF"
  std::vector<std::string> formats;  // payload types (or other fmt tokens) in preference order
  // i=, c=, b=, k= lines in order, kept raw with their type: "c=IN IP4 0.0.0.0".
  std::vector<std::string> lines;
  std::vector<Attribute> attributes;

  std::optional<std::string_view> attribute(std::string_view name) const;  // first value
  std::vector<std::string_view> attributes_named(std::string_view name) const;
  std::vector<Rtpmap> rtpmaps() const;  // the well-formed a=rtpmap lines, in order
  std::vector<Fmtp> fmtps() const;      // the well-formed a=fmtp lines with a payload type
  // The a=rtpmap for this payload type, else its RFC 3551 static assignment (0 = PCMU/8000).
  std::optional<Rtpmap> rtpmap(int payload_type) const;
  // The parameters of the first a=fmtp for this payload type.
  std::optional<std::string_view> fmtp(int payload_type) const;
  std::vector<RtcpFeedback> rtcp_feedback() const;
  std::vector<Extmap> extmaps() const;
  std::vector<SsrcAttribute> ssrcs() const;
  std::vector<Candidate> candidates() const;
  // The direction attribute, or the session's, or sendrecv (RFC 8866 §6.7) when neither says.
  Direction direction(Direction session_default = Direction::kSendRecv) const;
  std::string_view mid() const;
  bool rejected() const { return port == 0; }
};

struct SessionDescription {
  int version = 0;
  std::string origin;      // o= value
  std::string name = "-";  // s= value
  // Other session-level lines (i u e p c b t r z k) kept raw with their type: "t=0 0".
  // parse() accepts them in any order; str() writes them in RFC 8866 §5 order (stable).
  std::vector<std::string> lines;
  std::vector<Attribute> attributes;  // session-level a=
  std::vector<MediaSection> media;

  std::optional<std::string_view> attribute(std::string_view name) const;
  Direction direction() const;  // session-level default (sendrecv when absent)
  std::vector<Group> groups() const;
  // The media identifications of the first a=group:BUNDLE (RFC 8843), empty when none.
  std::vector<std::string> bundle() const;
  // Wire form with CRLF line endings.
  std::string str() const;
};

// Any bytes give a description or nullopt with the reason in *error; never a crash.
// Accepts LF or CRLF line ends. Requires v=0 first and o= and s= (t= optional for leniency).
// Input over kMaxSessionDescriptionSize, more than kMaxMediaSections m= lines or more than
// kMaxFormats formats on one m= line is refused.
std::optional<SessionDescription> parse(std::string_view text, std::string* error = nullptr);

// The attribute name of a direction ("sendrecv", ...) and back.
std::string_view direction_name(Direction direction);
std::optional<Direction> direction_from_name(std::string_view name);

// What an offer proposes (for onIncoming): offering = the far side will send
// (sendrecv/sendonly, port != 0); canReceive = the far side will receive (sendrecv/recvonly).
struct OfferSummary {
  bool offering_audio = false;
  bool can_receive_audio = false;
  bool offering_video = false;
  bool can_receive_video = false;
  friend bool operator==(const OfferSummary&, const OfferSummary&) = default;
};
OfferSummary summarize_offer(const SessionDescription& offer);

// Moves the named codecs (case-insensitive encoding names, e.g. {"opus","PCMU"}) to the front
// of every media section of that kind ("audio"/"video") in the given order; codecs not named
// keep their relative order after them. Helper payloads that refer to a codec (rtx apt=, red)
// stay. Unknown names are ignored. A name may carry the media type as a prefix in any case
// ("audio/opus" for media "audio" names opus), as the public client's codec options do.
void prefer_codecs(SessionDescription& sdp, std::string_view media,
                   const std::vector<std::string>& encodings);

// Caps audio bitrate at bits_per_second: b=AS (kbps, rounded up) and b=TIAS (bps) in each audio
// section, and maxaveragebitrate in every Opus fmtp (added or lowered, never raised).
// The cap is first clamped to Opus's 6000..510000 (RFC 7587 §6.1).
void cap_audio_bitrate(SessionDescription& sdp, uint32_t bits_per_second);

// Caps video bitrate at bits_per_second: b=AS (kbps, rounded up) and b=TIAS (bps) in each video
// section, replacing what was there; 0 changes nothing (the public client's "no cap").
void cap_video_bitrate(SessionDescription& sdp, uint32_t bits_per_second);

}  // namespace acw::sdp
