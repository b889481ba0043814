// embind surface of the signalling engine: one long-lived Engine handle per AculabCloudClient;
// values cross as plain numbers and strings (payloads as JSON text the engine wrote).
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/engine.hpp"
#include "sip/message.hpp"
#include "sip/parser.hpp"

namespace {

using acw::call::CallHandle;
using acw::call::CallOptions;
using acw::call::Engine;

// One output, flattened; kind -1 when the queue is empty.
struct JsOutput {
  int kind = -1;
  uint32_t call = 0;
  std::string name;
  std::string text;
  std::string json;
  int level = 0;
};

struct JsCallResult {
  uint32_t call = 0;
  std::string error;
};

// AculabCloudCallOptions after the shim has reduced them to what the core reads.
// Tri-states arrive as -1 (undefined), 0, 1; a bitrate below 0 means "browser default".
struct JsCallOptions {
  std::vector<std::string> audioCodecs;
  std::vector<std::string> videoCodecs;
  double maxBitrateAudio = -1;
  int receiveAudio = -1;
  int receiveVideo = -1;
  std::vector<std::string> extraSipHeaders;
};

std::optional<bool> tri(int v) {
  if (v < 0) return std::nullopt;
  return v != 0;
}

CallOptions to_core(const JsCallOptions& o) {
  CallOptions c;
  c.audio_codecs = o.audioCodecs;
  c.video_codecs = o.videoCodecs;
  if (o.maxBitrateAudio >= 0 && std::isfinite(o.maxBitrateAudio)) {
    c.max_bitrate_audio = o.maxBitrateAudio > 4e9 ? 4000000000u : static_cast<uint32_t>(o.maxBitrateAudio);
  }
  c.receive_audio = tri(o.receiveAudio);
  c.receive_video = tri(o.receiveVideo);
  c.extra_sip_headers = o.extraSipHeaders;
  return c;
}

int64_t ms(double now) { return static_cast<int64_t>(now); }

class JsEngine {
 public:
  JsEngine(std::string cloud_id, std::string key, std::string client_id, std::string url,
           double seed_hi, double seed_lo, int log_level)
      : engine_(acw::call::Config{std::move(cloud_id), std::move(key), std::move(client_id), std::move(url),
                                  (static_cast<uint64_t>(seed_hi) << 32) ^ static_cast<uint64_t>(seed_lo),
                                  log_level}) {}

  std::string configError() const { return engine_.config_error(); }
  double nextDeadline() const { return static_cast<double>(engine_.next_deadline()); }
  std::string callId(uint32_t call) const { return engine_.call_id(call); }
  std::vector<std::string> sipHeaders(uint32_t call, std::string name) const {
    return engine_.sip_headers(call, name);
  }

  JsOutput poll() {
    JsOutput out;
    if (auto o = engine_.poll()) {
      out.kind = static_cast<int>(o->kind);
      out.call = o->call;
      out.name = std::move(o->name);
      out.text = std::move(o->text);
      out.json = std::move(o->json);
      out.level = o->level;
    }
    return out;
  }

  void socketOpened(double now) { engine_.socket_opened(ms(now)); }
  void socketClosed(double now) { engine_.socket_closed(ms(now)); }
  void frameReceived(double now, std::string text) { engine_.frame_received(ms(now), text); }
  // The page's receive path (js/frames.js): JS encodes a text frame as UTF-8 straight into this
  // buffer in the wasm heap (TextEncoder.encodeInto) and passes its length, so no JS string
  // crosses embind (whose std::string conversion encodes in a JS loop, ~6 ns a character).
  // frameBuffer(bytes) replaces the buffer by one of `bytes` bytes and returns its address, valid
  // until the next frameBuffer call or the engine's deletion.
  uint32_t frameBuffer(uint32_t bytes) {
    frame_ = std::vector<char>(bytes);
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(frame_.data()));
  }
  void frameReceivedInBuffer(double now, uint32_t length) {
    engine_.frame_received(ms(now), frame(length));
  }
  // For bench/sip-parse.mjs only: parses the frame in the buffer `iterations` times (without
  // feeding the engine) and returns how many parsed; 1 is the page's path per received frame.
  int benchParse(uint32_t length, int iterations) const {
    int parsed = 0;
    for (int i = 0; i < iterations; ++i) parsed += acw::sip::parse_message(frame(length)) ? 1 : 0;
    return parsed;
  }
  void timeout(double now) { engine_.timeout(ms(now)); }

  std::string enableIncoming(double now, std::string token) { return engine_.enable_incoming(ms(now), token); }
  std::string disableIncoming(double now) { return engine_.disable_incoming(ms(now)); }
  JsCallResult callService(double now, std::string name, JsCallOptions options) {
    return wrap(engine_.call_service(ms(now), name, to_core(options)));
  }
  JsCallResult callClient(double now, std::string id, std::string token, JsCallOptions options) {
    return wrap(engine_.call_client(ms(now), id, token, to_core(options)));
  }
  std::string answer(double now, uint32_t call, JsCallOptions options) {
    return engine_.answer(ms(now), call, to_core(options));
  }
  std::string ringing(double now, uint32_t call) { return engine_.ringing(ms(now), call); }
  std::string reject(double now, uint32_t call, int code) { return engine_.reject(ms(now), call, code); }
  std::string disconnect(double now, uint32_t call) { return engine_.disconnect(ms(now), call); }
  std::string sendDtmf(double now, uint32_t call, std::string digits) {
    return engine_.send_dtmf(ms(now), call, digits);
  }
  std::string setMaxConcurrent(double now, int n) { return engine_.set_max_concurrent(ms(now), n); }
  void setHasIncomingHandler(double now, bool has) { engine_.set_has_incoming_handler(ms(now), has); }
  // iceServers: JSON text of an array, or "" for the cloud's own servers.
  std::string setPeerConnectionConfiguration(double now, std::string ice_servers, std::string policy) {
    std::optional<std::string> servers;
    if (!ice_servers.empty()) servers = std::move(ice_servers);
    return engine_.set_peer_connection_configuration(ms(now), std::move(servers), policy);
  }
  void close(double now) { engine_.close(ms(now)); }

  void sdpCreated(double now, uint32_t call, std::string sdp) { engine_.sdp_created(ms(now), call, sdp); }
  void localDescriptionReady(double now, uint32_t call, std::string sdp) {
    engine_.local_description_ready(ms(now), call, sdp);
  }
  void mediaFailed(double now, uint32_t call, std::string cause, std::string detail) {
    engine_.media_failed(ms(now), call, cause, detail);
  }

  void startRecording() { engine_.start_recording(); }
  std::string journal() const { return engine_.journal(); }

 private:
  static JsCallResult wrap(acw::call::CallResult r) { return JsCallResult{r.call, std::move(r.error)}; }
  std::string_view frame(uint32_t length) const {
    return {frame_.data(), std::min<std::size_t>(length, frame_.size())};
  }
  Engine engine_;
  std::vector<char> frame_;  // see frameBuffer
};

std::string reason_phrase(int status) { return std::string(acw::sip::reason_phrase(status)); }

}  // namespace

EMSCRIPTEN_BINDINGS(acw_core) {
  using namespace emscripten;
  register_vector<std::string>("StringList");
  value_object<JsOutput>("Output")
      .field("kind", &JsOutput::kind)
      .field("call", &JsOutput::call)
      .field("name", &JsOutput::name)
      .field("text", &JsOutput::text)
      .field("json", &JsOutput::json)
      .field("level", &JsOutput::level);
  value_object<JsCallResult>("CallResult").field("call", &JsCallResult::call).field("error", &JsCallResult::error);
  value_object<JsCallOptions>("CallOptions")
      .field("audioCodecs", &JsCallOptions::audioCodecs)
      .field("videoCodecs", &JsCallOptions::videoCodecs)
      .field("maxBitrateAudio", &JsCallOptions::maxBitrateAudio)
      .field("receiveAudio", &JsCallOptions::receiveAudio)
      .field("receiveVideo", &JsCallOptions::receiveVideo)
      .field("extraSipHeaders", &JsCallOptions::extraSipHeaders);
  class_<JsEngine>("Engine")
      .constructor<std::string, std::string, std::string, std::string, double, double, int>()
      .function("configError", &JsEngine::configError)
      .function("nextDeadline", &JsEngine::nextDeadline)
      .function("callId", &JsEngine::callId)
      .function("sipHeaders", &JsEngine::sipHeaders)
      .function("poll", &JsEngine::poll)
      .function("socketOpened", &JsEngine::socketOpened)
      .function("socketClosed", &JsEngine::socketClosed)
      .function("frameReceived", &JsEngine::frameReceived)
      .function("frameBuffer", &JsEngine::frameBuffer)
      .function("frameReceivedInBuffer", &JsEngine::frameReceivedInBuffer)
      .function("benchParse", &JsEngine::benchParse)
      .function("timeout", &JsEngine::timeout)
      .function("enableIncoming", &JsEngine::enableIncoming)
      .function("disableIncoming", &JsEngine::disableIncoming)
      .function("callService", &JsEngine::callService)
      .function("callClient", &JsEngine::callClient)
      .function("answer", &JsEngine::answer)
      .function("ringing", &JsEngine::ringing)
      .function("reject", &JsEngine::reject)
      .function("disconnect", &JsEngine::disconnect)
      .function("sendDtmf", &JsEngine::sendDtmf)
      .function("setMaxConcurrent", &JsEngine::setMaxConcurrent)
      .function("setHasIncomingHandler", &JsEngine::setHasIncomingHandler)
      .function("setPeerConnectionConfiguration", &JsEngine::setPeerConnectionConfiguration)
      .function("close", &JsEngine::close)
      .function("sdpCreated", &JsEngine::sdpCreated)
      .function("localDescriptionReady", &JsEngine::localDescriptionReady)
      .function("mediaFailed", &JsEngine::mediaFailed)
      .function("startRecording", &JsEngine::startRecording)
      .function("journal", &JsEngine::journal);
  function("reasonPhrase", &reason_phrase);
}
