// The local SDP edits that call options ask for: read the options, parse, reorder, cap, write.
#include "call/sdp_munge.hpp"

#include "call/call_options.hpp"
#include "call/join.hpp"
#include "sdp/session.hpp"

namespace acw::call {

MungedSdp munge_sdp(std::string_view sdp, std::string_view options_json) {
  CallOptions options;
  MungedSdp out{std::string(sdp), read_call_options(options_json, &options)};
  if (!out.error.empty() || !munges_sdp(options)) return out;
  std::string error;
  auto parsed = sdp::parse(sdp, &error);
  if (!parsed) {
    out.error = join({"local SDP not understood, used as it is: ", error});
    return out;
  }
  // prefer_codecs reads "audio/opus" as "opus", and an empty list changes nothing.
  sdp::prefer_codecs(*parsed, "audio", options.audio_codecs);
  sdp::prefer_codecs(*parsed, "video", options.video_codecs);
  if (options.max_bitrate_audio) sdp::cap_audio_bitrate(*parsed, *options.max_bitrate_audio);
  if (options.max_bitrate_video) sdp::cap_video_bitrate(*parsed, *options.max_bitrate_video);
  out.sdp = parsed->str();
  return out;
}

}  // namespace acw::call
