// Codec preference: reorders m= formats, which list codecs in order of preference (RFC 3264 §5.1).
#include <algorithm>
#include <array>
#include <cstddef>
#include <string>

#include "sdp/attributes.hpp"
#include "sdp/grammar.hpp"
#include "sdp/session.hpp"

namespace acw::sdp {

// Only the m= line changes: rtpmap, fmtp and rtcp-fb lines keep their places, as the public
// client and browsers do, since the order of a= lines carries no preference. Payloads that only
// make sense with another (red, rtx, telephone-event, CN) are not named, so they keep their
// relative order after the chosen codecs.
void prefer_codecs(SessionDescription& sdp, std::string_view media,
                   const std::vector<std::string>& encodings) {
  constexpr std::size_t kPayloadTypes = 128;  // RFC 3550 §5.1: 7 bits
  if (encodings.empty()) return;
  for (MediaSection& section : sdp.media) {
    if (!grammar::iequals(section.media, media)) continue;
    // The encoding name of every RTP payload type from its first a=rtpmap (views into the
    // attributes, read once rather than for every format and encoding); else, when the view is
    // null, its RFC 3551 static assignment.
    std::array<std::string_view, kPayloadTypes> names{};
    for (const Attribute& attribute : section.attributes) {
      RtpmapView rtpmap;
      if (attribute.name != "rtpmap" || !read_rtpmap(attribute.value, &rtpmap)) continue;
      std::string_view& name = names[static_cast<std::size_t>(rtpmap.payload_type)];
      if (name.data() == nullptr) name = rtpmap.encoding;  // (an encoding is never empty)
    }
    const auto names_encoding = [&names](std::string_view format, std::string_view encoding) {
      const auto pt = grammar::decimal(format, kPayloadTypes - 1);
      if (!pt) return false;
      const std::string_view name =
          names[*pt].data() != nullptr ? names[*pt] : static_encoding(static_cast<int>(*pt));
      return grammar::iequals(name, encoding);
    };
    // For each wanted encoding in turn, the formats that name it, in their order, after those
    // already placed; then the others in their order: a format goes with the first encoding that
    // names it. (A loop of our own: std::stable_partition's buffered algorithm was 1 KB of wasm.)
    std::vector<std::string>& formats = section.formats;
    std::vector<bool> placed(formats.size());
    std::vector<std::string> ranked;
    const auto place = [&](std::size_t i) {
      placed[i] = true;
      ranked.push_back(std::move(formats[i]));
    };
    for (std::string_view encoding : encodings) {
      // "audio/opus" names opus (the media type prefix, in any case, is dropped).
      if (encoding.size() > media.size() && encoding[media.size()] == '/' &&
          grammar::iequals(encoding.substr(0, media.size()), media)) {
        encoding.remove_prefix(media.size() + 1);
      }
      if (encoding.empty()) continue;
      for (std::size_t i = 0; i < formats.size(); ++i) {
        if (!placed[i] && names_encoding(formats[i], encoding)) place(i);
      }
    }
    for (std::size_t i = 0; i < formats.size(); ++i) {
      if (!placed[i]) place(i);
    }
    formats = std::move(ranked);
  }
}

}  // namespace acw::sdp
