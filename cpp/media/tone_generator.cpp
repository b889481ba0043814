// Tone cadence synthesis: two phase accumulators and short ramps where a tone starts or stops.
#include "media/tone_generator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace acw::media {

namespace {

// A 4 ms linear ramp at each start and stop keeps the on/off edges from clicking without
// shortening the tone enough to matter to a DTMF receiver.
constexpr double kRampSeconds = 0.004;

}  // namespace

Result<ToneGenerator> ToneGenerator::create(ToneCadence cadence, int sample_rate,
                                            double level_dbfs) {
  if (sample_rate < 1000 || sample_rate > 384000) return Error{"tone sample rate out of range"};
  if (!(level_dbfs <= 0.0) || level_dbfs < -120.0) return Error{"tone level out of range"};
  if (cadence.segments.empty()) return Error{"empty tone cadence"};
  long long total_ms = 0;
  for (const auto& segment : cadence.segments) {
    if (segment.duration_ms < 0) return Error{"negative tone duration"};
    if (!(segment.frequency1_hz < sample_rate / 2.0) ||
        !(segment.frequency2_hz < sample_rate / 2.0)) {
      return Error{"tone frequency at or above Nyquist"};
    }
    total_ms += segment.duration_ms;
  }
  if (total_ms <= 0) return Error{"tone cadence has no duration"};
  // An hour at 384 kHz still counts in 32 bits (size_t in wasm32).
  if (total_ms > 3600LL * 1000) return Error{"tone cadence longer than an hour"};
  return ToneGenerator(std::move(cadence), sample_rate,
                       32767.0 * std::pow(10.0, level_dbfs / 20.0));
}

ToneGenerator::ToneGenerator(ToneCadence cadence, int sample_rate, double amplitude)
    : cadence_(std::move(cadence)), sample_rate_(sample_rate), amplitude_(amplitude) {
  // Boundaries come from the running total in ms so rounding never drifts over a long cadence.
  long long total_ms = 0;
  boundaries_.push_back(0);
  for (const auto& segment : cadence_.segments) {
    total_ms += segment.duration_ms;
    boundaries_.push_back(static_cast<std::size_t>(total_ms * sample_rate_ / 1000));
  }
  cycle_samples_ = boundaries_.back();
  ramp_samples_ = static_cast<std::size_t>(kRampSeconds * sample_rate_);
  restart();
}

void ToneGenerator::restart() {
  segment_ = 0;
  position_ = 0;
  first_pass_ = true;
  phase1_ = 0;
  phase2_ = 0;
}

bool ToneGenerator::sounding(std::size_t index) const {
  return index < cadence_.segments.size() && !cadence_.segments[index].silent() &&
         boundaries_[index + 1] > boundaries_[index];
}

void ToneGenerator::generate(std::span<std::int16_t> out) {
  const std::size_t count = cadence_.segments.size();
  std::size_t i = 0;
  while (i < out.size()) {
    if (segment_ >= count) {
      if (!cadence_.repeat) {
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(i), out.end(), std::int16_t{0});
        return;
      }
      segment_ = 0;
      position_ = 0;
      first_pass_ = false;
    }
    const std::size_t start = boundaries_[segment_];
    const std::size_t end = segment_end(segment_);
    if (position_ >= end) {
      ++segment_;
      continue;
    }
    const ToneSegment& segment = cadence_.segments[segment_];
    const std::size_t n = std::min(end - position_, out.size() - i);
    if (segment.silent()) {
      std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(i), n, std::int16_t{0});
    } else {
      // Ramp only where sound meets silence (or the start/end of a one-shot cadence): a change
      // of pitch between sounding segments (the ringtone's warble) stays at full level.
      const std::size_t previous =
          segment_ == 0 ? (cadence_.repeat ? count - 1 : count) : segment_ - 1;
      const std::size_t next = segment_ + 1 < count ? segment_ + 1 : (cadence_.repeat ? 0 : count);
      const bool ramp_in = !sounding(previous) || (segment_ == 0 && first_pass_);
      const bool ramp_out = !sounding(next);
      const double step1 = 2.0 * std::numbers::pi * segment.frequency1_hz / sample_rate_;
      const double step2 = 2.0 * std::numbers::pi * segment.frequency2_hz / sample_rate_;
      const std::size_t length = end - start;
      const std::size_t ramp = std::min(ramp_samples_, length / 2);
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t t = position_ + k - start;
        double gain = 1.0;
        if (ramp > 0) {
          if (ramp_in && t < ramp) gain = static_cast<double>(t) / ramp;
          if (ramp_out && length - t <= ramp)
            gain = std::min(gain, static_cast<double>(length - t - 1) / ramp);
        }
        double value = 0;
        if (segment.frequency1_hz > 0) value += std::sin(phase1_);
        if (segment.frequency2_hz > 0) value += std::sin(phase2_);
        phase1_ += step1;
        phase2_ += step2;
        value *= amplitude_ * gain;
        value = std::clamp(value, -32768.0, 32767.0);
        out[i + k] = static_cast<std::int16_t>(std::lround(value));
      }
      phase1_ = std::fmod(phase1_, 2.0 * std::numbers::pi);
      phase2_ = std::fmod(phase2_, 2.0 * std::numbers::pi);
    }
    i += n;
    position_ += n;
  }
}

std::vector<std::int16_t> ToneGenerator::generate(std::size_t count) {
  std::vector<std::int16_t> out(count);
  generate(std::span<std::int16_t>(out));
  return out;
}

}  // namespace acw::media
