// What the call engine reads of a remote session description (RFC 8866) in the page's core: its
// origin, and what its audio and video sections send and receive. A light reader, not the full
// parser (session.hpp's parse(), 3.3 KB of the page's gzip when the core used it, now only in the
// lazily loaded SDP module): the browser's setRemoteDescription checks everything else, and what
// it refuses ends the call as any media failure does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sdp/session.hpp"

namespace acw::sdp {

struct Essentials {
  std::string origin;      // the o= value
  OfferSummary summary;    // as summarize_offer gives it for the full parse
  bool has_media = false;  // an audio or video section that is not rejected (port 0)
};

// nullopt, with why in *error, for text that does not have SDP's shape: larger than
// kMaxSessionDescriptionSize, a line not of the form <type>=<value> (LineReader's rules), a first
// line other than v=0, a second line other than o=, or an m= line without a media and a port.
// Whatever parse() accepts, this reads the same origin and summary.
std::optional<Essentials> read_essentials(std::string_view text, std::string* error = nullptr);

}  // namespace acw::sdp
