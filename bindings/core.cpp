// embind surface of the signalling engine: one long-lived engine handle per AculabCloudClient and
// five functions over it; values cross as plain numbers and strings (payloads as JSON text). No
// embind classes, value objects or vectors (their JS was 3.4 KB of the glue's gzip size), and few
// entry points: every registered function costs the wasm an invoker, a registration and its name.
//
//   create(cloudId, key, clientId, url, seedHi, seedLo, logLevel, options) -> handle
//   input(handle, kind, now, call, text, text2, number, options)       -> string (a command's
//   error) frame(handle, now, length)                                         -> string (the same)
//   query(handle, what, call, text)                                    -> string
//   number(handle, what, a, b)                                         -> number
//
// `kind` is an InputKind (cpp/call/input.hpp), `what` a Query or NumberQuery (boundary.hpp), and
// a polled output's kind an OutputKind (cpp/call/output.hpp): js/boundary.js names them all.
// Every number crosses as a double (one wire type): handles, calls and kinds are whole numbers
// below 2^32, converted here with a clamp so that no value JS passes is undefined behaviour.
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "boundary.hpp"
#include "call/call_options.hpp"
#include "call/engine.hpp"
#include "call/json_object.hpp"
#include "sip/message.hpp"
#include "sip/parser.hpp"
#include "text/decimal.hpp"

namespace {

using acw::bindings::NumberQuery;
using acw::bindings::Query;
using acw::call::CallOptions;
using acw::call::Engine;
using acw::call::InputKind;

// An engine's address is its handle in JS: a double holds every address exactly (wasm32).
static_assert(std::numeric_limits<uintptr_t>::digits <= std::numeric_limits<double>::digits);

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
// `now` in milliseconds; JS's clock is a double, exact up to 2^53.
int64_t millis(double v) {
  return whole(v, -9007199254740992.0, 9007199254740992.0);
}

// One engine per AculabCloudClient, reached from JS through its address (a number the shim keeps
// until destroy); what a command gives back beyond one plain value is kept here for the
// calls that follow it. An aggregate: create() builds the Engine in place (no Config moved).
struct JsEngine {
  Engine engine;
  uint32_t last_call = 0;
  // The page's receive path (js/frames.js): JS encodes a text frame as UTF-8 straight into this
  // buffer in the wasm heap (TextEncoder.encodeInto) and passes its length to frame(), so no JS
  // string crosses embind (whose std::string conversion encodes in a JS loop, ~6 ns a character).
  // frameBuffer replaces the buffer by one of `bytes` bytes and returns its address, valid
  // until the next frameBuffer or the engine's deletion.
  std::vector<char> frame;

  std::string_view frame_text(double length) const {
    return {frame.data(), std::min<std::size_t>(u32(length), frame.size())};
  }
};

// The largest frame buffer: a frame of kMaxFrameSize UTF-16 units at 3 UTF-8 bytes each.
constexpr std::size_t kMaxFrameBuffer = 3 * acw::sip::kMaxFrameSize;

JsEngine& js(double h) {
  return *reinterpret_cast<JsEngine*>(static_cast<uintptr_t>(h));
}

// `options`: the constructor's keepAlive and reconnect as one JSON text (client_options.hpp).
double create(std::string cloud_id, std::string key, std::string client_id, std::string url,
              double seed_hi, double seed_lo, double log_level, std::string options) {
  return static_cast<double>(reinterpret_cast<uintptr_t>(new JsEngine{
      Engine(acw::call::Config{std::move(cloud_id), std::move(key), std::move(client_id),
                               std::move(url),
                               (static_cast<uint64_t>(u32(seed_hi)) << 32) ^ u32(seed_lo),
                               i32(log_level), std::move(options)}),
      0,
      {}}));
}

// The engine's next output as text: its kind, level and call in decimal, then its name, json and
// text, each field after a NUL (js/client.js's #poll splits them in this order). The numbers,
// name and json never hold a NUL (JSON escapes controls); text may, so it comes last and takes
// the rest. "" when no output is left.
std::string poll_text(Engine& engine) {
  std::string s;
  if (auto o = engine.poll()) {
    acw::text::append_decimal(s, static_cast<uint64_t>(o->kind));
    s += '\0';
    acw::text::append_signed_decimal(s, o->level);
    s += '\0';
    acw::text::append_decimal(s, o->call);
    for (const std::string* part : {&o->name, &o->json, &o->text}) {
      s += '\0';
      s += *part;
    }
  }
  return s;
}

// An engine input, built by make_input (call/input.hpp) as the engine's own methods build it so
// that a journal reads the same. callService, callClient and answer read `options`, the JSON text
// of their call options (call/call_options.hpp; "" for none).
std::string input(double h, double kind, double now, double call, std::string text,
                  std::string text2, double number, std::string options) {
  const int k = i32(kind);
  if (k < 0 || k >= acw::call::kInputKindCount) return "Unknown input kind";
  const auto input_kind = static_cast<InputKind>(k);
  CallOptions call_options;
  if (input_kind == InputKind::kCallService || input_kind == InputKind::kCallClient ||
      input_kind == InputKind::kAnswer) {
    if (auto error = acw::call::read_call_options(options, &call_options); !error.empty())
      return error;
  }
  JsEngine& e = js(h);
  auto r =
      e.engine.handle(acw::call::make_input(input_kind, millis(now), u32(call), std::move(text),
                                            std::move(text2), i32(number), &call_options));
  if (input_kind == InputKind::kCallService || input_kind == InputKind::kCallClient)
    e.last_call = r.call;
  return std::move(r.error);
}

// A received frame: the first `length` bytes of the frame buffer (see JsEngine::frame).
std::string frame(double h, double now, double length) {
  JsEngine& e = js(h);
  return std::move(e.engine
                       .handle(acw::call::make_input(InputKind::kFrame, millis(now), 0,
                                                     std::string(e.frame_text(length))))
                       .error);
}

std::string query(double h, double what, double call, std::string text) {
  const auto q = static_cast<Query>(i32(what));
  JsEngine& e = js(h);
  switch (q) {
    case Query::kConfigError:
      return e.engine.config_error();
    case Query::kCallId:
      return e.engine.call_id(u32(call));
    case Query::kPoll:
      return poll_text(e.engine);
    case Query::kSipHeaders: {
      std::string json = "[";
      for (const std::string& value : e.engine.sip_headers(u32(call), text)) {
        if (json.size() > 1) json += ',';
        acw::call::append_json_string(json, value);
      }
      return json += ']';
    }
    case Query::kJournalRecords:
      return e.engine.records();
    default:
      return {};
  }
}

double number(double h, double what, double a, double b) {
  if (static_cast<NumberQuery>(i32(what)) == NumberQuery::kMaxFrameSize) {
    return static_cast<double>(acw::sip::kMaxFrameSize);  // needs no engine (handle 0)
  }
  JsEngine& e = js(h);
  switch (static_cast<NumberQuery>(i32(what))) {
    case NumberQuery::kNextDeadline:
      return static_cast<double>(e.engine.next_deadline());
    case NumberQuery::kLastCall:
      return e.last_call;
    case NumberQuery::kFrameBuffer:
      // A frame the core would refuse anyway never gets a buffer (0): js/frames.js asks for
      // 3 bytes per UTF-16 unit of a frame of at most kMaxFrameSize units.
      if (u32(a) > kMaxFrameBuffer) return 0;
      e.frame = std::vector<char>(u32(a));
      return static_cast<double>(reinterpret_cast<uintptr_t>(e.frame.data()));
    case NumberQuery::kStartRecording:
      return e.engine.start_recording((u32(a) & 1) != 0, b >= 1 ? u32(b) : Engine::kMaxJournal);
    case NumberQuery::kBenchParse: {
#ifdef ACW_BENCH_PARSE
      // For bench/sip-parse.mjs: parses the frame in the buffer b times (without feeding the
      // engine) as JsSIP and SIP.js parse one (parse_like_peers), so the figures compare.
      double parsed = 0;
      for (int i = 0, n = i32(b); i < n; ++i)
        parsed += static_cast<double>(acw::sip::parse_like_peers(e.frame_text(a)));
      return parsed;
#else
      // The page's build: the parsers of fields the engine never reads would be 0.5 KB of every
      // page's gzip; dist/acw-core-bench.wasm has them.
      return -1;
#endif
    }
    case NumberQuery::kDestroy:
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
  emscripten::function("frame", &frame);
  emscripten::function("query", &query);
  emscripten::function("number", &number);
}
