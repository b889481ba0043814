// embind surface of the signalling engine: one long-lived engine handle per AculabCloudClient and
// three functions over it; values cross as plain numbers and strings (payloads as JSON text the
// engine wrote). No embind classes, value objects or vectors (their JS was 3.4 KB of the glue's
// gzip size), and few entry points: every registered function costs the wasm an invoker, a
// registration and its name, and the shim its name (js/client.js turns them back into objects).
//
//   create(cloudId, key, clientId, url, seedHi, seedLo, logLevel)  -> handle
//   input(handle, kind, now, call, text, text2, number)            -> string (a command's error)
//   num(handle, what, a, b, c)                                     -> number
//
// Every number crosses as a double (one wire type): handles, calls and kinds are whole numbers
// below 2^32, converted here with a clamp so that no value JS passes is undefined behaviour.
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
#include "text/decimal.hpp"

namespace {

using acw::call::CallOptions;
using acw::call::Engine;
using acw::call::Input;
using acw::call::InputKind;

// input()'s kinds: 0-19 are the engine's InputKind (cpp/call/input.hpp), the record Engine::handle
// takes; from 32 on, this file's own.
enum Kind {
  kFrameInBuffer = 32,  // number = the frame's length in the frame buffer (num's kFrameBuffer)
  kAddOption = 33,      // call = list (0 audio codec, 1 video codec, 2 extra SIP header), text
  kConfigError = 40,    // the constructor's exception text, "" when the config is valid
  kCallId = 41,         // call's SIP Call-ID
  kPoll = 42,           // the engine's next output (see poll_text), "" when none is left
  kSipHeaders = 43,     // call, text = name: keeps the values; num(kHeaderCount) counts them
  kSipHeader = 44,      // number = index among the values kept
  kJournal = 45,
  kReasonPhrase = 46,  // number = SIP status (no engine needed)
};
// num()'s
enum What {
  kNextDeadline = 1,
  kLastCall = 2,        // the call callService/callClient made
  kFrameBuffer = 3,     // a = bytes: the buffer's address
  kStartRecording = 4,  // 1 when recording started
  kBenchParse = 5,      // a = length, b = iterations: how many parsed
  kCallOptions = 6,     // a = maxBitrateAudio (below 0: browser default), b, c = receiveAudio,
                        //   receiveVideo (-1 undefined, 0, 1): staged with the lists
  kHeaderCount = 7,
  kDestroy = 8,
};

// A double from JS as an integer in [lo, hi]; NaN gives 0.
int64_t whole(double v, double lo, double hi) {
  return v >= lo ? static_cast<int64_t>(std::min(v, hi)) : v < lo ? static_cast<int64_t>(lo) : 0;
}
uint32_t u32(double v) {
  return static_cast<uint32_t>(whole(v, 0, 4294967295.0));
}
int i32(double v) {
  return static_cast<int>(whole(v, -2147483648.0, 2147483647.0));
}
std::optional<bool> tri(double v) {
  if (!(v >= 0)) return std::nullopt;
  return v != 0;
}

// One engine per AculabCloudClient, reached from JS through its address (a number the shim keeps
// until destroy); what a command gives back beyond one plain value is kept here for the
// calls that follow it. An aggregate: create() builds the Engine in place (no Config moved).
struct JsEngine {
  Engine engine;
  CallOptions options;  // staged by kAddOption and kCallOptions for the next command
  uint32_t last_call = 0;
  std::vector<std::string> headers;
  // The page's receive path (js/frames.js): JS encodes a text frame as UTF-8 straight into this
  // buffer in the wasm heap (TextEncoder.encodeInto) and passes its length, so no JS string
  // crosses embind (whose std::string conversion encodes in a JS loop, ~6 ns a character).
  // kFrameBuffer replaces the buffer by one of `bytes` bytes and returns its address, valid
  // until the next kFrameBuffer or the engine's deletion.
  std::vector<char> frame;

  std::string_view frame_text(double length) const {
    return {frame.data(), std::min<std::size_t>(u32(length), frame.size())};
  }
};

JsEngine& js(double h) {
  return *reinterpret_cast<JsEngine*>(static_cast<uintptr_t>(h));
}

double create(std::string cloud_id, std::string key, std::string client_id, std::string url,
              double seed_hi, double seed_lo, double log_level) {
  return static_cast<double>(reinterpret_cast<uintptr_t>(
      new JsEngine{Engine(acw::call::Config{
                       std::move(cloud_id), std::move(key), std::move(client_id), std::move(url),
                       (static_cast<uint64_t>(u32(seed_hi)) << 32) ^ u32(seed_lo), i32(log_level)}),
                   {},
                   0,
                   {},
                   {}}));
}

// The engine's next output as text: its kind + 16 * level + 256 * call in decimal, then name,
// json and text, each after a NUL: the number, name and json never hold one (JSON escapes
// controls), text may, so it comes last and takes the rest. "" when no output is left.
std::string poll_text(Engine& engine) {
  std::string s;
  if (auto o = engine.poll()) {
    acw::text::append_decimal(s, static_cast<uint64_t>(o->kind) +
                                     16 * static_cast<uint64_t>(std::clamp(o->level, 0, 15)) +
                                     256 * static_cast<uint64_t>(o->call));
    for (const std::string* part : {&o->name, &o->json, &o->text}) {
      s += '\0';
      s += *part;
    }
  }
  return s;
}

std::string input(double h, double kind, double now, double call, std::string text,
                  std::string text2, double number) {
  const int k = i32(kind);
  if (k == kReasonPhrase) return std::string(acw::sip::reason_phrase(i32(number)));
  JsEngine& e = js(h);
  switch (k) {
    case kAddOption: {
      const uint32_t list = u32(call);
      auto& o = e.options;
      if (list < 3)
        (list == 0   ? o.audio_codecs
         : list == 1 ? o.video_codecs
                     : o.extra_sip_headers)
            .push_back(std::move(text));
      return {};
    }
    case kConfigError:
      return e.engine.config_error();
    case kCallId:
      return e.engine.call_id(u32(call));
    case kPoll:
      return poll_text(e.engine);
    case kSipHeaders:
      e.headers = e.engine.sip_headers(u32(call), text);
      return {};
    case kSipHeader: {
      const uint32_t i = u32(number);
      return i < e.headers.size() ? e.headers[i] : std::string();
    }
    case kJournal:
      return e.engine.journal();
    default:
      break;
  }
  // An engine input: built by make_input (call/input.hpp) as the engine's own methods build it,
  // so that a journal reads the same; callService, callClient and answer take the staged options.
  InputKind input_kind = InputKind::kFrame;
  uint32_t input_call = 0;
  int input_number = 0;
  if (k == kFrameInBuffer) {
    text = e.frame_text(number);
    text2.clear();
  } else {
    if (k < 0 || k > static_cast<int>(InputKind::kMediaFailed)) return {};
    input_kind = static_cast<InputKind>(k);
    input_call = u32(call);
    input_number = i32(number);
  }
  auto r = e.engine.handle(acw::call::make_input(
      input_kind, static_cast<int64_t>(std::isfinite(now) ? now : 0), input_call, std::move(text),
      std::move(text2), input_number, &e.options));
  if (input_kind == InputKind::kCallService || input_kind == InputKind::kCallClient)
    e.last_call = r.call;
  return std::move(r.error);
}

double num(double h, double what, double a, double b, double c) {
  JsEngine& e = js(h);
  switch (i32(what)) {
    case kNextDeadline:
      return static_cast<double>(e.engine.next_deadline());
    case kLastCall:
      return e.last_call;
    case kFrameBuffer:
      e.frame = std::vector<char>(u32(a));
      return static_cast<double>(reinterpret_cast<uintptr_t>(e.frame.data()));
    case kStartRecording:
      return e.engine.start_recording();
    case kBenchParse: {
      // For bench/sip-parse.mjs: parses the frame in the buffer b times (without feeding the
      // engine); 1 is the page's path per frame.
      int parsed = 0;
      for (int i = 0, n = i32(b); i < n; ++i)
        parsed += acw::sip::parse_message(e.frame_text(a)) ? 1 : 0;
      return parsed;
    }
    case kCallOptions:
      if (a >= 0 && std::isfinite(a)) e.options.max_bitrate_audio = u32(std::min(a, 4e9));
      e.options.receive_audio = tri(b);
      e.options.receive_video = tri(c);
      return 0;
    case kHeaderCount:
      return static_cast<double>(e.headers.size());
    case kDestroy:
      delete &e;
      return 0;
    default:
      return 0;
  }
}

}  // namespace

EMSCRIPTEN_BINDINGS(acw_core) {
  emscripten::function("create", &create);
  emscripten::function("input", &input);
  emscripten::function("num", &num);
}
