// The SDP edits that call options ask for (codec order, audio and video bitrate caps), made outside
// the page's core: the engine hands the options on with CreatePeer, and the lazily loaded acw-sdp
// module (bindings/sdp_tools.cpp) applies them to the local SDP and to the far side's before the
// browser is given it (a cap there limits this browser's sender), so a page that never sets them
// never loads them.
#pragma once

#include <string>
#include <string_view>

#include "call/input.hpp"

namespace acw::call {

// Whether the options change the local SDP at all (codecs, maxBitrateAudio or maxBitrateVideo set):
// only then does CreatePeer carry "sdpOptions" (payload.hpp) and the page load the module.
inline bool munges_sdp(const CallOptions& options) {
  return !options.audio_codecs.empty() || !options.video_codecs.empty() ||
         options.max_bitrate_audio.has_value() || options.max_bitrate_video.has_value();
}

struct MungedSdp {
  std::string sdp;    // the SDP as edited, or as given when `error` is set
  std::string error;  // "" or why the SDP was used as it is
};

// The local SDP with the preferred codecs first (audio and video) and the bitrates capped,
// as `options_json` asks: call options as read_call_options reads them (CreatePeer's sdpOptions).
// SDP that does not parse, or options that do not read, give the SDP unchanged and the reason.
MungedSdp munge_sdp(std::string_view sdp, std::string_view options_json);

}  // namespace acw::call
