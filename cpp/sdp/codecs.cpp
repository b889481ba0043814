// Codec preference: reorders m= formats, which list codecs in order of preference (RFC 3264 §5.1).
#include <array>
#include <cstddef>
#include <string>

#include "sdp/attributes.hpp"
#include "sdp/grammar.hpp"
#include "sdp/session.hpp"

namespace acw::sdp {
namespace {

constexpr std::size_t kPayloadTypes = 128;  // RFC 3550 §5.1: 7 bits

// The encoding name of every RTP payload type of a section: its first a=rtpmap, else its
// RFC 3551 static assignment. Built once so that the reordering stays linear.
std::array<std::string, kPayloadTypes> encodings_by_payload_type(const MediaSection& section) {
  std::array<std::string, kPayloadTypes> names;
  std::array<bool, kPayloadTypes> declared{};
  for (const Attribute& attribute : section.attributes) {
    if (attribute.name != "rtpmap" || !attribute.has_value) continue;
    auto rtpmap = parse_rtpmap(attribute.value);
    if (!rtpmap) continue;
    const auto pt = static_cast<std::size_t>(rtpmap->payload_type);
    if (declared[pt]) continue;
    declared[pt] = true;
    names[pt] = std::move(rtpmap->encoding);
  }
  for (std::size_t pt = 0; pt < kPayloadTypes; ++pt) {
    if (declared[pt]) continue;
    if (auto known = static_rtpmap(static_cast<int>(pt))) names[pt] = std::move(known->encoding);
  }
  return names;
}

}  // namespace

// Only the m= line changes: rtpmap, fmtp and rtcp-fb lines keep their places, as the public
// client and browsers do, since the order of a= lines carries no preference. Payloads that only
// make sense with another (red, rtx, telephone-event, CN) are not named, so they keep their
// relative order after the chosen codecs.
void prefer_codecs(SessionDescription& sdp, std::string_view media,
                   const std::vector<std::string>& encodings) {
  for (MediaSection& section : sdp.media) {
    if (!grammar::iequals(section.media, media)) continue;
    const auto names = encodings_by_payload_type(section);
    std::vector<std::string_view> format_encodings;
    format_encodings.reserve(section.formats.size());
    for (const std::string& format : section.formats) {
      const auto pt = grammar::decimal(format, kPayloadTypes - 1);
      format_encodings.push_back(pt ? std::string_view(names[*pt]) : std::string_view());
    }
    std::vector<bool> chosen(section.formats.size(), false);
    std::vector<std::string> reordered;
    reordered.reserve(section.formats.size());
    for (const std::string& encoding : encodings) {
      if (encoding.empty()) continue;
      for (std::size_t i = 0; i < section.formats.size(); ++i) {
        if (chosen[i] || !grammar::iequals(format_encodings[i], encoding)) continue;
        chosen[i] = true;
        reordered.push_back(section.formats[i]);
      }
    }
    for (std::size_t i = 0; i < section.formats.size(); ++i) {
      if (!chosen[i]) reordered.push_back(std::move(section.formats[i]));
    }
    section.formats = std::move(reordered);
  }
}

}  // namespace acw::sdp
