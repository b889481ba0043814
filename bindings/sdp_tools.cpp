// embind surface of the lazily loaded SDP module (dist/acw-sdp.{mjs,wasm}): the local SDP edits
// that the call options codecs, maxBitrateAudio and maxBitrateVideo ask for, kept out of the
// page's core so that a page that never sets them never downloads them (cpp/call/sdp_munge.hpp).
//
//   mungeSdp(sdp, optionsJson) -> {"sdp": the SDP to use, "error": "" or why it is unchanged}
//
// optionsJson is CreatePeer's "sdpOptions" (cpp/call/payload.hpp) as JSON text. Strings only cross,
// as in bindings/core.cpp, so the same small glue (core_glue.mjs) loads both modules.
#include <emscripten/bind.h>

#include <string>

#include "call/json_object.hpp"
#include "call/sdp_munge.hpp"

namespace {

std::string munge_sdp(const std::string& sdp, const std::string& options_json) {
  acw::call::MungedSdp out = acw::call::munge_sdp(sdp, options_json);
  return acw::call::JsonObject().string("sdp", out.sdp).string("error", out.error).text();
}

}  // namespace

EMSCRIPTEN_BINDINGS(acw_sdp) {
  emscripten::function("mungeSdp", &munge_sdp);
}
