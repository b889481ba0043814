// Typed views of SDP attributes: rtpmap, fmtp, rtcp-fb, extmap, ssrc, candidate, group.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sdp/session.hpp"

namespace acw::sdp {

// Each parses the value of one attribute (the text after "a=name:"); nullopt when malformed.
std::optional<Rtpmap> parse_rtpmap(std::string_view value);
std::optional<Fmtp> parse_fmtp(
    std::string_view value);  // nullopt too when the format is not a payload type
std::optional<RtcpFeedback> parse_rtcp_feedback(std::string_view value);
std::optional<Extmap> parse_extmap(std::string_view value);
std::optional<SsrcAttribute> parse_ssrc(std::string_view value);
std::optional<Candidate> parse_candidate(std::string_view value);
std::optional<Group> parse_group(std::string_view value);

// RFC 3551 §6 Table 4 and 5: the encodings of the static payload types (0 = PCMU/8000).
std::optional<Rtpmap> static_rtpmap(int payload_type);
// Only the encoding name of a static payload type; empty when it has none.
std::string_view static_encoding(int payload_type);

// An a=rtpmap value read without copying: the encoding is a view into the value.
struct RtpmapView {
  int payload_type = 0;
  std::string_view encoding;
  uint32_t clock_rate = 0;
  int channels = 1;
};
// Fills *out and returns true when the value is a well-formed a=rtpmap (else leaves it).
bool read_rtpmap(std::string_view value, RtpmapView* out);

// Whether value is fields separated by single spaces as spec, one letter per field, describes
// them (the letters are listed in attributes.cpp; "aaa" is exactly three fields of any text).
bool check_fields(std::string_view value, const char* spec);

// The Direction value of a direction attribute's name ("sendrecv" 0, ...), or -1: what
// direction_from_name says, as a plain int for the parser.
int direction_index(std::string_view name);

// Checks one attribute whose syntax this library knows, without copying anything.
// Returns nullptr when it is well-formed or unknown to us, else a short reason for the error.
const char* check_attribute(std::string_view name, bool has_value, std::string_view value);

}  // namespace acw::sdp
