// DTMF detection: Goertzel power per ITU-T Q.23 frequency on half-overlapping windows, the checks
// of ITU-T Q.24 (level, twist, one clear tone per group), and two agreeing windows to report.
#include "media/dtmf_detector.hpp"

#include <cmath>
#include <numbers>

namespace acw::media {

namespace {

constexpr double kFrequencies[8] = {697, 770, 852, 941, 1209, 1336, 1477, 1633};
constexpr char kKeypad[4][4] = {
    {'1', '2', '3', 'A'}, {'4', '5', '6', 'B'}, {'7', '8', '9', 'C'}, {'*', '0', '#', 'D'}};
// A tone must stand this far (8 dB) above the others of its group.
constexpr double kGroupMargin = 6.3;

}  // namespace

Result<DtmfDetector> DtmfDetector::create(const DtmfDetectorOptions& options) {
  if (options.sample_rate < 4000 || options.sample_rate > 192000) {
    return Error{"DTMF detector sample rate out of range (4-192 kHz)"};
  }
  if (!(options.min_energy_share > 0 && options.min_energy_share <= 1) ||
      !(options.max_twist_db >= 0) || !(options.min_level_dbfs < 0)) {
    return Error{"DTMF detector thresholds out of range"};
  }
  return DtmfDetector(options);
}

DtmfDetector::DtmfDetector(const DtmfDetectorOptions& options) : options_(options) {
  // 205 samples at 8 kHz (the classic choice: bins about 39 Hz apart, closer than the 73 Hz
  // between rows); the same duration at any other rate.
  window_ = static_cast<std::size_t>(std::lround(205.0 * options_.sample_rate / 8000.0));
  hop_ = window_ / 2;
  for (std::size_t i = 0; i < 8; ++i) {
    coefficients_[i] =
        2.0 * std::cos(2.0 * std::numbers::pi * kFrequencies[i] / options_.sample_rate);
  }
  buffer_.reserve(window_ + hop_);
}

void DtmfDetector::reset() {
  buffer_.clear();
  last_ = 0;
  repeats_ = 0;
  current_ = 0;
}

char DtmfDetector::analyse_window() const {
  const auto n = static_cast<double>(window_);
  double energy = 0;
  for (std::size_t k = 0; k < window_; ++k) energy += static_cast<double>(buffer_[k]) * buffer_[k];
  if (energy <= 0) return 0;
  std::array<double, 8> power{};
  for (std::size_t i = 0; i < 8; ++i) {
    double s1 = 0, s2 = 0;
    const double c = coefficients_[i];
    for (std::size_t k = 0; k < window_; ++k) {
      const double s0 = buffer_[k] + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    power[i] = s1 * s1 + s2 * s2 - c * s1 * s2;
  }
  std::size_t row = 0, column = 4;
  for (std::size_t i = 1; i < 4; ++i) {
    if (power[i] > power[row]) row = i;
    if (power[4 + i] > power[column]) column = 4 + i;
  }
  // A sine of amplitude A gives Goertzel power (A N / 2)^2, so A = 2 sqrt(power) / N.
  const double min_amplitude = std::pow(10.0, options_.min_level_dbfs / 20.0);
  if (2.0 * std::sqrt(power[row]) / n < min_amplitude) return 0;
  if (2.0 * std::sqrt(power[column]) / n < min_amplitude) return 0;
  const double twist = std::pow(10.0, options_.max_twist_db / 10.0);
  if (power[row] > power[column] * twist || power[column] > power[row] * twist) return 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != row && power[i] * kGroupMargin > power[row]) return 0;
    if (4 + i != column && power[4 + i] * kGroupMargin > power[column]) return 0;
  }
  // That sine's energy over the window is N A^2 / 2, so its share is 2 power / (N energy).
  const double share = 2.0 * (power[row] + power[column]) / (n * energy);
  if (share < options_.min_energy_share) return 0;
  return kKeypad[row][column - 4];
}

std::string DtmfDetector::process(std::span<const std::int16_t> pcm) {
  std::string digits;
  for (const std::int16_t sample : pcm) {
    buffer_.push_back(static_cast<float>(sample) / 32768.0f);
    if (buffer_.size() < window_) continue;
    const char seen = analyse_window();
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(hop_));
    if (seen == last_) {
      if (repeats_ < 2) ++repeats_;
    } else {
      last_ = seen;
      repeats_ = 1;
    }
    // Two agreeing windows (38 ms of signal) make a digit start, or end one.
    if (repeats_ == 2 && seen != current_) {
      current_ = seen;
      if (seen != 0) digits.push_back(seen);
    }
  }
  return digits;
}

}  // namespace acw::media
