// embind surface of the signalling engine: one long-lived engine handle per AculabCloudClient and
// plain functions over it; values cross as plain numbers and strings (payloads as JSON text the
// engine wrote). No embind classes, value objects or vectors: their JS was 3.4 KB of the glue's
// gzip size (js/client.js turns the functions back into objects).
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

using acw::call::CallOptions;
using acw::call::Engine;

// AculabCloudCallOptions after the shim has reduced them to what the core reads: the three lists
// are staged one string at a time (addOption), the rest are arguments of the command that uses
// them. Tri-states arrive as -1 (undefined), 0, 1; a bitrate below 0 means "browser default".
enum OptionList { kAudioCodec = 0, kVideoCodec = 1, kExtraSipHeader = 2 };

std::optional<bool> tri(int v) {
  if (v < 0) return std::nullopt;
  return v != 0;
}

int64_t ms(double now) {
  return static_cast<int64_t>(now);
}

// One engine per AculabCloudClient, reached from JS through its address (a number the shim keeps
// until destroy()); what a command or poll() gives back beyond one plain value is kept here for the
// getters that follow it.
class JsEngine {
 public:
  explicit JsEngine(acw::call::Config config) : engine_(std::move(config)) {}

  Engine& engine() { return engine_; }

  void add_option(int list, std::string value) {
    if (list == kAudioCodec) options_.audio_codecs.push_back(std::move(value));
    if (list == kVideoCodec) options_.video_codecs.push_back(std::move(value));
    if (list == kExtraSipHeader) options_.extra_sip_headers.push_back(std::move(value));
  }
  // The staged options with these values; the stage is empty again for the next command.
  CallOptions take_options(double max_bitrate_audio, int receive_audio, int receive_video) {
    CallOptions c = std::move(options_);
    options_ = CallOptions();
    if (max_bitrate_audio >= 0 && std::isfinite(max_bitrate_audio)) {
      c.max_bitrate_audio =
          max_bitrate_audio > 4e9 ? 4000000000u : static_cast<uint32_t>(max_bitrate_audio);
    }
    c.receive_audio = tri(receive_audio);
    c.receive_video = tri(receive_video);
    return c;
  }
  std::string started(acw::call::CallResult r) {
    last_call_ = r.call;
    return std::move(r.error);
  }
  uint32_t last_call() const { return last_call_; }

  // The next output's kind + 16 * level + 256 * call (a double holds the 32-bit call handle
  // exactly), or -1 when none is left; output() then gives its strings.
  double poll() {
    auto o = engine_.poll();
    if (!o) return -1;
    output_ = std::move(*o);
    return static_cast<int>(output_.kind) + 16.0 * std::clamp(output_.level, 0, 15) +
           256.0 * output_.call;
  }
  // name, json and text, in that order, each after a NUL but the first: name and json never hold
  // one (JSON escapes controls), text may, so it comes last and takes the rest.
  std::string output() const {
    std::string s = output_.name;
    s += '\0';
    s += output_.json;
    s += '\0';
    s += output_.text;
    return s;
  }

  int sip_headers(uint32_t call, const std::string& name) {
    headers_ = engine_.sip_headers(call, name);
    return static_cast<int>(headers_.size());
  }
  // The page's receive path (js/frames.js): JS encodes a text frame as UTF-8 straight into this
  // buffer in the wasm heap (TextEncoder.encodeInto) and passes its length, so no JS string
  // crosses embind (whose std::string conversion encodes in a JS loop, ~6 ns a character).
  // frame_buffer(bytes) replaces the buffer by one of `bytes` bytes and returns its address, valid
  // until the next frame_buffer call or the engine's deletion.
  uintptr_t frame_buffer(uint32_t bytes) {
    frame_ = std::vector<char>(bytes);
    return reinterpret_cast<uintptr_t>(frame_.data());
  }
  std::string_view frame(uint32_t length) const {
    return {frame_.data(), std::min<std::size_t>(length, frame_.size())};
  }

  std::string sip_header(int i) const {
    return i >= 0 && static_cast<std::size_t>(i) < headers_.size()
               ? headers_[static_cast<std::size_t>(i)]
               : std::string();
  }

 private:
  Engine engine_;
  CallOptions options_;
  uint32_t last_call_ = 0;
  acw::call::Output output_;
  std::vector<std::string> headers_;
  std::vector<char> frame_;  // see frame_buffer
};

// The handle is the JsEngine's address; the shim never uses one after destroy().
using Handle = uintptr_t;
JsEngine& js(Handle h) {
  return *reinterpret_cast<JsEngine*>(h);
}
Engine& eng(Handle h) {
  return js(h).engine();
}

Handle create(std::string cloud_id, std::string key, std::string client_id, std::string url,
              double seed_hi, double seed_lo, int log_level) {
  return reinterpret_cast<Handle>(new JsEngine(acw::call::Config{
      std::move(cloud_id), std::move(key), std::move(client_id), std::move(url),
      (static_cast<uint64_t>(seed_hi) << 32) ^ static_cast<uint64_t>(seed_lo), log_level}));
}
void destroy(Handle h) {
  delete &js(h);
}

std::string config_error(Handle h) {
  return eng(h).config_error();
}
double next_deadline(Handle h) {
  return static_cast<double>(eng(h).next_deadline());
}
std::string call_id(Handle h, uint32_t call) {
  return eng(h).call_id(call);
}
int sip_headers(Handle h, uint32_t call, std::string name) {
  return js(h).sip_headers(call, name);
}
std::string sip_header(Handle h, int i) {
  return js(h).sip_header(i);
}

double poll(Handle h) {
  return js(h).poll();
}
std::string output(Handle h) {
  return js(h).output();
}

void socket_opened(Handle h, double now) {
  eng(h).socket_opened(ms(now));
}
void socket_closed(Handle h, double now) {
  eng(h).socket_closed(ms(now));
}
void frame_received(Handle h, double now, std::string text) {
  eng(h).frame_received(ms(now), text);
}
uintptr_t frame_buffer(Handle h, uint32_t bytes) {
  return js(h).frame_buffer(bytes);
}
void frame_received_in_buffer(Handle h, double now, uint32_t length) {
  eng(h).frame_received(ms(now), js(h).frame(length));
}
void timeout(Handle h, double now) {
  eng(h).timeout(ms(now));
}

std::string enable_incoming(Handle h, double now, std::string token) {
  return eng(h).enable_incoming(ms(now), token);
}
std::string disable_incoming(Handle h, double now) {
  return eng(h).disable_incoming(ms(now));
}
void add_option(Handle h, int list, std::string value) {
  js(h).add_option(list, std::move(value));
}
// callService/callClient: "" and lastCall() the new call's handle, or the error text.
std::string call_service(Handle h, double now, std::string name, double bitrate, int receive_audio,
                         int receive_video) {
  CallOptions options = js(h).take_options(bitrate, receive_audio, receive_video);
  return js(h).started(eng(h).call_service(ms(now), name, options));
}
std::string call_client(Handle h, double now, std::string id, std::string token, double bitrate,
                        int receive_audio, int receive_video) {
  CallOptions options = js(h).take_options(bitrate, receive_audio, receive_video);
  return js(h).started(eng(h).call_client(ms(now), id, token, options));
}
uint32_t last_call(Handle h) {
  return js(h).last_call();
}
std::string answer(Handle h, double now, uint32_t call, double bitrate, int receive_audio,
                   int receive_video) {
  CallOptions options = js(h).take_options(bitrate, receive_audio, receive_video);
  return eng(h).answer(ms(now), call, options);
}
std::string ringing(Handle h, double now, uint32_t call) {
  return eng(h).ringing(ms(now), call);
}
std::string reject(Handle h, double now, uint32_t call, int code) {
  return eng(h).reject(ms(now), call, code);
}
std::string disconnect(Handle h, double now, uint32_t call) {
  return eng(h).disconnect(ms(now), call);
}
std::string send_dtmf(Handle h, double now, uint32_t call, std::string digits) {
  return eng(h).send_dtmf(ms(now), call, digits);
}
std::string set_max_concurrent(Handle h, double now, int n) {
  return eng(h).set_max_concurrent(ms(now), n);
}
void set_has_incoming_handler(Handle h, double now, bool has) {
  eng(h).set_has_incoming_handler(ms(now), has);
}
// iceServers: JSON text of an array, or "" for the cloud's own servers.
std::string set_peer_connection_configuration(Handle h, double now, std::string ice_servers,
                                              std::string policy) {
  std::optional<std::string> servers;
  if (!ice_servers.empty()) servers = std::move(ice_servers);
  return eng(h).set_peer_connection_configuration(ms(now), std::move(servers), policy);
}
void close(Handle h, double now) {
  eng(h).close(ms(now));
}

void sdp_created(Handle h, double now, uint32_t call, std::string sdp) {
  eng(h).sdp_created(ms(now), call, sdp);
}
void local_description_ready(Handle h, double now, uint32_t call, std::string sdp) {
  eng(h).local_description_ready(ms(now), call, sdp);
}
void media_failed(Handle h, double now, uint32_t call, std::string cause, std::string detail) {
  eng(h).media_failed(ms(now), call, cause, detail);
}

bool start_recording(Handle h) {
  return eng(h).start_recording();
}
std::string journal(Handle h) {
  return eng(h).journal();
}

std::string reason_phrase(int status) {
  return std::string(acw::sip::reason_phrase(status));
}

// For bench/sip-parse.mjs only: parses the frame in the engine's buffer `iterations` times
// (without feeding the engine) and returns how many parsed; 1 is the page's path per frame.
int bench_parse(Handle h, uint32_t length, int iterations) {
  int parsed = 0;
  for (int i = 0; i < iterations; ++i)
    parsed += acw::sip::parse_message(js(h).frame(length)) ? 1 : 0;
  return parsed;
}

}  // namespace

// Plain functions over the engine handle (no embind classes, value objects or vectors: their JS
// machinery was a third of the glue).
EMSCRIPTEN_BINDINGS(acw_core) {
  using emscripten::function;
  function("create", &create);
  function("destroy", &destroy);
  function("configError", &config_error);
  function("nextDeadline", &next_deadline);
  function("callId", &call_id);
  function("sipHeaders", &sip_headers);
  function("sipHeader", &sip_header);
  function("poll", &poll);
  function("output", &output);
  function("socketOpened", &socket_opened);
  function("socketClosed", &socket_closed);
  function("frameReceived", &frame_received);
  function("frameBuffer", &frame_buffer);
  function("frameReceivedInBuffer", &frame_received_in_buffer);
  function("timeout", &timeout);
  function("enableIncoming", &enable_incoming);
  function("disableIncoming", &disable_incoming);
  function("addOption", &add_option);
  function("callService", &call_service);
  function("callClient", &call_client);
  function("lastCall", &last_call);
  function("answer", &answer);
  function("ringing", &ringing);
  function("reject", &reject);
  function("disconnect", &disconnect);
  function("sendDtmf", &send_dtmf);
  function("setMaxConcurrent", &set_max_concurrent);
  function("setHasIncomingHandler", &set_has_incoming_handler);
  function("setPeerConnectionConfiguration", &set_peer_connection_configuration);
  function("close", &close);
  function("sdpCreated", &sdp_created);
  function("localDescriptionReady", &local_description_ready);
  function("mediaFailed", &media_failed);
  function("startRecording", &start_recording);
  function("journal", &journal);
  function("reasonPhrase", &reason_phrase);
  function("benchParse", &bench_parse);
}
