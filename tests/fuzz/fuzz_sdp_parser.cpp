// libFuzzer target for cpp/sdp: what parses serializes to a fixed point and survives every edit,
// and the engine's light reader (read_essentials) agrees with the full parse on all of it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/essentials.hpp"
#include "sdp/grammar.hpp"
#include "sdp/session.hpp"

namespace {

// What parse() accepts, str() writes, and what str() writes parses to the same text again.
// (Unless it grew past the size limit: LF becomes CRLF and edits add lines.)
void check_fixed_point(const std::string& wire) {
  if (wire.size() > acw::sdp::kMaxSessionDescriptionSize) return;
  const auto again = acw::sdp::parse(wire);
  if (!again || again->str() != wire) std::abort();
}

void read_every_view(const acw::sdp::SessionDescription& sdp) {
  (void)sdp.direction();
  if (sdp.groups().size() !=
      static_cast<std::size_t>(std::count_if(sdp.attributes.begin(), sdp.attributes.end(),
                                             [](const auto& a) { return a.name == "group"; }))) {
    std::abort();
  }
  (void)sdp.bundle();
  for (const auto& media : sdp.media) {
    (void)media.rtpmaps();
    (void)media.fmtps();
    (void)media.rtcp_feedback();
    (void)media.extmaps();
    (void)media.ssrcs();
    (void)media.candidates();
    // parse() checked these with the views' own grammar: every one of them reads.
    if (media.candidates().size() != media.attributes_named("candidate").size() ||
        media.extmaps().size() != media.attributes_named("extmap").size() ||
        media.ssrcs().size() != media.attributes_named("ssrc").size() ||
        media.rtcp_feedback().size() != media.attributes_named("rtcp-fb").size()) {
      std::abort();
    }
    (void)media.direction(sdp.direction());
    (void)media.mid();
    for (const auto& format : media.formats) {
      if (format.size() <= 3) {
        const int pt = std::atoi(format.c_str());
        (void)media.rtpmap(pt);
        (void)media.fmtp(pt);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto sdp = acw::sdp::parse(text, &error);
  std::string essentials_error;
  const auto essentials = acw::sdp::read_essentials(text, &essentials_error);
  if (!essentials && essentials_error.empty()) std::abort();  // every refusal says why
  if (!sdp) {
    if (error.empty()) std::abort();  // every refusal says why
    return 0;
  }
  // What the full parser accepts, the engine's reader reads the same way.
  const acw::sdp::OfferSummary summary = acw::sdp::summarize_offer(*sdp);
  const bool has_media = std::any_of(sdp->media.begin(), sdp->media.end(), [](const auto& m) {
    return !m.rejected() && (acw::sdp::grammar::iequals(m.media, "audio") ||
                             acw::sdp::grammar::iequals(m.media, "video"));
  });
  if (!essentials || essentials->origin != sdp->origin || essentials->summary != summary ||
      essentials->has_media != has_media) {
    std::abort();
  }
  const std::string wire = sdp->str();
  check_fixed_point(wire);
  read_every_view(*sdp);

  acw::sdp::SessionDescription edited = *sdp;
  acw::sdp::prefer_codecs(edited, "audio", {"PCMU", "opus", "telephone-event"});
  acw::sdp::prefer_codecs(edited, "video", {"H264", "vp8"});
  // The reordering is a permutation of each m= line's formats.
  for (std::size_t i = 0; i < edited.media.size(); ++i) {
    auto before = sdp->media[i].formats;
    auto after = edited.media[i].formats;
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    if (before != after || sdp->media[i].attributes != edited.media[i].attributes) std::abort();
  }
  // A cap taken from the input, so that every branch (clamps included) is reached.
  const uint32_t cap = size == 0 ? 0 : static_cast<uint32_t>(data[0]) * 2500u;
  acw::sdp::cap_audio_bitrate(edited, cap);
  check_fixed_point(edited.str());
  return 0;
}
