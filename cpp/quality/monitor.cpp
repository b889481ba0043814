// Call quality (monitor.hpp): the E-model, the window's figures and the warnings' hysteresis.
#include "quality/monitor.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace acw::quality {
namespace {

// When a warning's sample is bad, and how its verdicts raise and clear it: raised when `raise` of
// the last `of` judged samples were bad, cleared when the last `clear` judged samples were good.
// A sample that cannot be judged (the figure unknown) changes nothing.
struct Rule {
  double threshold;
  int raise;
  int of;
  int clear;
};

constexpr std::array<Rule, kWarningCount> kRules = {{
    {400, 3, 5, 5},     // high-rtt: ms
    {30, 3, 5, 5},      // high-jitter: ms
    {0.03, 3, 5, 5},    // high-packet-loss: fraction of the packets expected in the interval
    {3.5, 3, 5, 5},     // low-mos
    {0.001, 3, 5, 3},   // no-inbound-audio: level (about -60 dBFS), or no packet at all
    {0.0001, 5, 5, 2},  // constant-input-level: level change between samples
    {0.5, 1, 1, 1},     // ice-disconnected: 1 while not connected
}};

// At least this many packets expected in an interval before its loss is judged (50 a second
// with 20 ms frames: a short interval's one lost packet is not 3%).
constexpr uint64_t kMinPacketsJudged = 10;

constexpr std::string_view kWarningNames[] = {
#define ACW_QUALITY_WARNING_NAME(warning, name) name,
    ACW_QUALITY_WARNINGS(ACW_QUALITY_WARNING_NAME)
#undef ACW_QUALITY_WARNING_NAME
};
static_assert(std::size(kWarningNames) == kWarningCount);

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

// Packets lost / packets expected between two samples; -1 when too few were expected.
double loss_between(const Sample& from, const Sample& to, uint64_t min_expected) {
  const int64_t lost = std::max<int64_t>(0, to.packets_lost - from.packets_lost);
  const uint64_t received =
      to.packets_received > from.packets_received ? to.packets_received - from.packets_received : 0;
  const uint64_t expected = received + static_cast<uint64_t>(lost);
  if (expected < std::max<uint64_t>(min_expected, 1)) return -1;
  return static_cast<double>(lost) / static_cast<double>(expected);
}

// A warning's verdict on a sample: -1 not judged, 0 good, 1 bad; *value the figure judged.
int verdict(Warning warning, const Sample& s, const Sample* previous, const Figures& window,
            double* value) {
  const double threshold = kRules[static_cast<std::size_t>(warning)].threshold;
  const auto over = [&](double figure) {
    *value = figure;
    return figure < 0 ? -1 : figure > threshold ? 1 : 0;
  };
  switch (warning) {
    case Warning::kHighRtt:
      return over(s.rtt_ms);
    case Warning::kHighJitter:
      return over(s.jitter_ms);
    case Warning::kHighPacketLoss:
      return previous ? over(loss_between(*previous, s, kMinPacketsJudged)) : -1;
    case Warning::kLowMos:
      *value = window.mos;
      return window.mos < 0 ? -1 : window.mos < threshold ? 1 : 0;
    case Warning::kNoInboundAudio:
      if (!s.connected || !previous) return -1;
      *value = s.level_in < 0 ? 0 : s.level_in;
      return s.packets_received == previous->packets_received ||
                     (s.level_in >= 0 && s.level_in < threshold)
                 ? 1
                 : 0;
    case Warning::kConstantInputLevel:
      if (!previous || s.level_out < 0 || previous->level_out < 0) return -1;
      *value = std::fabs(s.level_out - previous->level_out);
      return *value < threshold ? 1 : 0;
    case Warning::kIceDisconnected:
      *value = s.connected ? 0 : 1;
      return s.connected ? 0 : 1;
  }
  return -1;
}

}  // namespace

Codec codec_named(std::string_view encoding) {
  return iequals(encoding, "PCMU") || iequals(encoding, "PCMA") ? kG711 : kOpus;
}

double r_factor(double one_way_delay_ms, double loss_percent, const Codec& codec) {
  const double d = std::max(0.0, one_way_delay_ms);
  const double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0.0);
  const double ppl = std::clamp(loss_percent, 0.0, 100.0);
  const double ie_eff = codec.ie + (95 - codec.ie) * ppl / (ppl + codec.bpl);
  return 93.2 - id - ie_eff;
}

double mos_from_r(double r) {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

std::string_view warning_name(Warning warning) {
  return kWarningNames[static_cast<std::size_t>(warning)];
}

Figures Monitor::window_figures() const {
  Figures f;
  double rtt_sum = 0;
  double jitter_sum = 0;
  int rtts = 0;
  int jitters = 0;
  // The window is the last kWindow samples; the one before them is only the counters' start.
  const std::size_t first = window_.size() > kWindow ? window_.size() - kWindow : 0;
  for (std::size_t i = first; i < window_.size(); ++i) {
    if (window_[i].rtt_ms >= 0) {
      rtt_sum += window_[i].rtt_ms;
      ++rtts;
    }
    if (window_[i].jitter_ms >= 0) {
      jitter_sum += window_[i].jitter_ms;
      ++jitters;
    }
  }
  if (rtts) f.rtt_ms = rtt_sum / rtts;
  if (jitters) f.jitter_ms = jitter_sum / jitters;
  if (window_.size() > 1) f.loss = loss_between(window_.front(), window_.back(), 1);
  if (f.rtt_ms >= 0) {
    const double delay = f.rtt_ms / 2 + 2 * std::max(0.0, f.jitter_ms) + codec_.delay_ms;
    f.mos = mos_from_r(r_factor(delay, 100 * std::max(0.0, f.loss), codec_));
  }
  return f;
}

std::vector<Change> Monitor::add(const Sample& sample) {
  std::vector<Change> changes;
  if (!window_.empty() && sample.now < window_.back().now) return changes;
  const Sample* previous = window_.empty() ? nullptr : &window_.back();
  const Sample before = previous ? *previous : Sample();
  window_.push_back(sample);
  if (window_.size() > kWindow + 1) window_.erase(window_.begin());
  figures_ = window_figures();

  for (std::size_t i = 0; i < kWarningCount; ++i) {
    const auto warning = static_cast<Warning>(i);
    double value = 0;
    const int bad = verdict(warning, sample, previous ? &before : nullptr, figures_, &value);
    if (bad < 0) continue;
    State& state = state_[i];
    state.history = static_cast<uint8_t>((state.history << 1) | bad);
    state.judged = static_cast<uint8_t>(std::min(state.judged + 1, 8));
    const Rule& rule = kRules[i];
    const auto last = [&](int n) { return state.history & ((1u << n) - 1u); };
    if (!state.raised && std::popcount(last(rule.of)) >= rule.raise) {
      state.raised = true;
      ++summary_.warnings_raised;
      changes.push_back({warning, true, value, rule.threshold});
    } else if (state.raised && state.judged >= rule.clear && last(rule.clear) == 0) {
      state.raised = false;
      changes.push_back({warning, false, value, rule.threshold});
    }
  }

  if (!have_first_) {
    first_ = sample;
    have_first_ = true;
  }
  ++summary_.samples;
  if (figures_.mos >= 0) {
    mos_sum_ += figures_.mos;
    ++mos_count_;
    summary_.mos_mean = mos_sum_ / static_cast<double>(mos_count_);
    summary_.mos_min =
        summary_.mos_min < 0 ? figures_.mos : std::min(summary_.mos_min, figures_.mos);
  }
  if (sample.rtt_ms >= 0) summary_.rtt_max_ms = std::max(summary_.rtt_max_ms, sample.rtt_ms);
  summary_.loss = loss_between(first_, sample, 1);
  return changes;
}

}  // namespace acw::quality
