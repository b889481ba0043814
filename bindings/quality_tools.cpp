// embind surface of the lazily loaded quality module (dist/acw-quality.{mjs,wasm}): one
// quality::Monitor per call (cpp/quality/monitor.hpp), fed once a second by js/quality.js, kept
// out of the page's core so that a page that never asks for call quality never downloads it.
//
//   create(codec)                          -> handle (the Monitor's address)
//   add(handle, now, packetsReceived, packetsLost, jitterMs, rttMs, levelIn, levelOut, connected)
//                                          -> [{"name", "raised", "value", "threshold"}, ...]
//   state(handle)                          -> {"figures": {...}, "warnings": [...], "summary":
//   {...}} destroy(handle)                        -> 0
//
// Numbers and strings only cross, as in bindings/core.cpp, so the same small glue (core_glue.mjs)
// loads this module too. A figure the browser's report lacks is passed as -1 (NaN counts as
// missing); the JSON gives an unknown figure as null.
#include <emscripten/bind.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "call/json_object.hpp"
#include "quality/monitor.hpp"

namespace {

using acw::call::JsonObject;
using acw::quality::Monitor;

static_assert(std::numeric_limits<uintptr_t>::digits <= std::numeric_limits<double>::digits);

// A figure from JS: NaN or negative is missing (-1).
double figure(double v) {
  return v >= 0 ? v : -1;
}
// A counter from JS, clamped into range (NaN gives 0).
uint64_t count(double v) {
  return v >= 0 ? static_cast<uint64_t>(std::min(v, 9007199254740992.0)) : 0;
}
int64_t signed_count(double v) {
  return v == v ? static_cast<int64_t>(std::clamp(v, -9007199254740992.0, 9007199254740992.0)) : 0;
}

Monitor& monitor(double handle) {
  return *reinterpret_cast<Monitor*>(static_cast<uintptr_t>(handle));
}

// A figure as JSON: null when nothing measured it.
JsonObject& known(JsonObject& object, const char* name, double value) {
  return value < 0 ? object.null(name) : object.number(name, value);
}

double create(const std::string& codec) {
  return static_cast<double>(
      reinterpret_cast<uintptr_t>(new Monitor(acw::quality::codec_named(codec))));
}

std::string add(double handle, double now, double packets_received, double packets_lost,
                double jitter_ms, double rtt_ms, double level_in, double level_out,
                double connected) {
  acw::quality::Sample sample;
  sample.now = signed_count(now);
  sample.packets_received = count(packets_received);
  sample.packets_lost = signed_count(packets_lost);
  sample.jitter_ms = figure(jitter_ms);
  sample.rtt_ms = figure(rtt_ms);
  sample.level_in = figure(level_in);
  sample.level_out = figure(level_out);
  sample.connected = connected != 0;
  std::string out = "[";
  for (const acw::quality::Change& change : monitor(handle).add(sample)) {
    if (out.size() > 1) out += ',';
    out += JsonObject()
               .string("name", acw::quality::warning_name(change.warning))
               .boolean("raised", change.raised)
               .number("value", change.value)
               .number("threshold", change.threshold)
               .text();
  }
  return out + ']';
}

std::string state(double handle) {
  const Monitor& m = monitor(handle);
  const acw::quality::Figures f = m.figures();
  JsonObject figures;
  known(known(known(known(figures, "rtt", f.rtt_ms), "jitter", f.jitter_ms), "loss", f.loss), "mos",
        f.mos);
  const acw::quality::Summary s = m.summary();
  JsonObject summary;
  known(known(known(known(summary, "mosMean", s.mos_mean), "mosMin", s.mos_min), "rttMax",
              s.rtt_max_ms),
        "loss", s.loss)
      .unsigned_integer("samples", s.samples)
      .unsigned_integer("warningsRaised", s.warnings_raised);
  std::vector<std::string> raised;
  for (std::size_t i = 0; i < acw::quality::kWarningCount; ++i) {
    const auto warning = static_cast<acw::quality::Warning>(i);
    if (m.raised(warning)) raised.emplace_back(acw::quality::warning_name(warning));
  }
  return JsonObject()
      .object("figures", figures)
      .strings("warnings", raised)
      .object("summary", summary)
      .text();
}

double destroy(double handle) {
  delete &monitor(handle);
  return 0;
}

}  // namespace

EMSCRIPTEN_BINDINGS(acw_quality) {
  emscripten::function("create", &create);
  emscripten::function("add", &add);
  emscripten::function("state", &state);
  emscripten::function("destroy", &destroy);
}
