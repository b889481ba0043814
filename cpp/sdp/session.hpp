// SDP session descriptions (RFC 8866): parse, serialize, and the edits the client makes to offers and answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acw::sdp {

// a=name[:value]. Attributes keep their order; typed views below are computed from them.
struct Attribute {
  std::string name;
  std::string value;
  bool has_value = false;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

struct Rtpmap {  // a=rtpmap:<pt> <encoding>/<clock>[/<channels>]
  int payload_type = 0;
  std::string encoding;  // as written ("opus", "telephone-event", "PCMU")
  uint32_t clock_rate = 0;
  int channels = 1;
};

struct Fmtp {  // a=fmtp:<pt> <params>
  int payload_type = 0;
  std::string params;
};

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };

struct MediaSection {
  std::string media;  // "audio", "video", "application"
  uint16_t port = 0;
  uint16_t port_count = 0;  // 0 when absent
  std::string protocol;     // "UDP/TLS/RTP/SAVPF"
  std::vector<std::string> formats;  // payload types (or other fmt tokens) in preference order
  std::vector<std::string> lines;    // i=, c=, b=, k= lines, in order, without the "x=" ... kept raw: "c=IN IP4 0.0.0.0"
  std::vector<Attribute> attributes;

  std::optional<std::string_view> attribute(std::string_view name) const;  // first value
  std::vector<std::string_view> attributes_named(std::string_view name) const;
  std::vector<Rtpmap> rtpmaps() const;
  std::vector<Fmtp> fmtps() const;
  // The direction attribute, or the session's, or sendrecv (RFC 8866 §6.7) when neither says.
  Direction direction(Direction session_default = Direction::kSendRecv) const;
  std::string_view mid() const;
  bool rejected() const { return port == 0; }
};

struct SessionDescription {
  int version = 0;
  std::string origin;   // o= value
  std::string name = "-";  // s= value
  std::vector<std::string> lines;  // other session-level lines (i u e p c b t r z k), raw "t=0 0"
  std::vector<Attribute> attributes;  // session-level a=
  std::vector<MediaSection> media;

  std::optional<std::string_view> attribute(std::string_view name) const;
  Direction direction() const;  // session-level default (sendrecv when absent)
  // Wire form with CRLF line endings.
  std::string str() const;
};

// Any bytes give a description or nullopt with the reason in *error; never a crash.
// Accepts LF or CRLF line ends. Requires v=0 first and o= and s= (t= optional for leniency).
std::optional<SessionDescription> parse(std::string_view text, std::string* error = nullptr);

// What an offer proposes (for onIncoming): offering = the far side will send
// (sendrecv/sendonly, port != 0); canReceive = the far side will receive (sendrecv/recvonly).
struct OfferSummary {
  bool offering_audio = false;
  bool can_receive_audio = false;
  bool offering_video = false;
  bool can_receive_video = false;
};
OfferSummary summarize_offer(const SessionDescription& offer);

// Moves the named codecs (case-insensitive encoding names, e.g. {"opus","PCMU"}) to the front
// of every media section of that kind ("audio"/"video") in the given order; codecs not named
// keep their relative order after them. Helper payloads that refer to a codec (rtx apt=, red)
// stay. Unknown names are ignored.
void prefer_codecs(SessionDescription& sdp, std::string_view media,
                   const std::vector<std::string>& encodings);

// Caps audio bitrate at bits_per_second: b=AS (kbps, rounded up) and b=TIAS (bps) in each audio
// section, and maxaveragebitrate in every Opus fmtp (added or lowered, never raised).
void cap_audio_bitrate(SessionDescription& sdp, uint32_t bits_per_second);

}  // namespace acw::sdp
