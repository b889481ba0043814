// Polyphase resampler: the filter is designed once (Kaiser window, 70 dB stopband) with its
// cutoff below the lower Nyquist frequency; each output takes one branch of taps.
#include "media/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace acw::media {

namespace {

constexpr int kMaxFactor = 320;
// Sinc zero crossings each side of the centre, at the lower of the two rates: sets the length,
// and so the transition width (about 7% of the lower Nyquist band at 70 dB).
constexpr int kZeroCrossings = 32;
constexpr double kStopbandDb = 70.0;

// Zeroth-order modified Bessel function of the first kind, by its power series.
double bessel_i0(double x) {
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 50; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

}  // namespace

Result<Resampler> Resampler::create(int input_rate, int output_rate, int channels) {
  if (input_rate < 1000 || input_rate > 384000 || output_rate < 1000 || output_rate > 384000) {
    return Error{"resampler rate out of range"};
  }
  if (channels < 1 || channels > 8) return Error{"resampler channels out of range"};
  const int common = std::gcd(input_rate, output_rate);
  const int up = output_rate / common;
  const int down = input_rate / common;
  if (up > kMaxFactor || down > kMaxFactor) return Error{"resampling ratio too complex"};
  return Resampler(input_rate, output_rate, channels, up, down);
}

Resampler::Resampler(int input_rate, int output_rate, int channels, int up, int down)
    : input_rate_(input_rate),
      output_rate_(output_rate),
      channels_(channels),
      up_(up),
      down_(down) {
  const int factor = std::max(up_, down_);
  if (up_ == down_) {
    // Same rate: a single tap of 1 passes samples through unchanged.
    taps_per_phase_ = 1;
    coefficients_ = {1.0f};
  } else {
    const int length = 2 * kZeroCrossings * factor;  // taps at the upsampled rate
    taps_per_phase_ = (length + up_ - 1) / up_;
    const int total = taps_per_phase_ * up_;
    // Kaiser's formulas: beta for the stopband, transition width for this length; the cutoff
    // sits half a transition below the lower Nyquist frequency so aliases land in the stopband.
    const double beta = 0.1102 * (kStopbandDb - 8.7);
    const double transition = (kStopbandDb - 8.0) / (2.285 * 2.0 * std::numbers::pi * length);
    const double cutoff = 0.5 / factor - transition / 2.0;  // cycles per upsampled sample
    const double centre = (length - 1) / 2.0;
    const double norm = bessel_i0(beta);
    std::vector<double> h(static_cast<std::size_t>(total), 0.0);
    for (int j = 0; j < length; ++j) {
      const double t = j - centre;
      const double x = 2.0 * cutoff * t;
      const double sinc = t == 0 ? 1.0 : std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
      const double r = t / centre;
      const double window = bessel_i0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / norm;
      // Gain up_: zero-stuffing divides the level by the upsampling factor.
      h[static_cast<std::size_t>(j)] = up_ * 2.0 * cutoff * sinc * window;
    }
    coefficients_.resize(static_cast<std::size_t>(total));
    for (int p = 0; p < up_; ++p) {
      for (int k = 0; k < taps_per_phase_; ++k) {
        const auto phase = static_cast<std::size_t>(p);
        const auto tap = static_cast<std::size_t>(k);
        coefficients_[phase * static_cast<std::size_t>(taps_per_phase_) + tap] =
            static_cast<float>(h[phase + tap * static_cast<std::size_t>(up_)]);
      }
    }
  }
  reset();
}

void Resampler::reset() {
  buffer_.assign(static_cast<std::size_t>(taps_per_phase_ - 1) * channels_, 0.0f);
  position_ = static_cast<std::size_t>(taps_per_phase_ - 1);
  phase_ = 0;
}

double Resampler::delay() const {
  if (up_ == down_) return 0;
  return (2.0 * kZeroCrossings * std::max(up_, down_) - 1) / 2.0 / down_;
}

void Resampler::filter(std::vector<float>& out) {
  const auto channels = static_cast<std::size_t>(channels_);
  const std::size_t frames = buffer_.size() / channels;
  const auto taps = static_cast<std::size_t>(taps_per_phase_);
  // Output n sits at n * down_ in the upsampled domain: input frame floor(n down_ / up_) is its
  // newest tap, branch (n down_) mod up_ its coefficients (y[n] = sum_k g_phase[k] x[base - k]).
  while (position_ < frames) {
    const float* g = coefficients_.data() + static_cast<std::size_t>(phase_) * taps;
    for (std::size_t c = 0; c < channels; ++c) {
      const float* x = buffer_.data() + position_ * channels + c;
      float sum = 0.0f;
      for (std::size_t k = 0; k < taps; ++k)
        sum += g[k] * x[-static_cast<std::ptrdiff_t>(k * channels)];
      out.push_back(sum);
    }
    phase_ += down_;
    position_ += static_cast<std::size_t>(phase_ / up_);
    phase_ %= up_;
  }
  // Keep the last taps - 1 frames for the next block.
  const std::size_t keep = taps - 1;
  const std::size_t drop = frames - keep;
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop * channels));
  position_ -= drop;
}

std::vector<float> Resampler::process_float(std::span<const float> input) {
  const auto channels = static_cast<std::size_t>(channels_);
  const std::size_t whole = input.size() - input.size() % channels;
  buffer_.insert(buffer_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(whole));
  std::vector<float> out;
  out.reserve(whole * static_cast<std::size_t>(up_) / static_cast<std::size_t>(down_) +
              channels * 2);
  filter(out);
  return out;
}

std::vector<std::int16_t> Resampler::process(std::span<const std::int16_t> input) {
  const auto channels = static_cast<std::size_t>(channels_);
  const std::size_t whole = input.size() - input.size() % channels;
  buffer_.reserve(buffer_.size() + whole);
  for (std::size_t i = 0; i < whole; ++i) buffer_.push_back(static_cast<float>(input[i]));
  std::vector<float> filtered;
  filtered.reserve(whole * static_cast<std::size_t>(up_) / static_cast<std::size_t>(down_) +
                   channels * 2);
  filter(filtered);
  std::vector<std::int16_t> out(filtered.size());
  for (std::size_t i = 0; i < filtered.size(); ++i) {
    out[i] = static_cast<std::int16_t>(std::lround(std::clamp(filtered[i], -32768.0f, 32767.0f)));
  }
  return out;
}

}  // namespace acw::media
