// Test signals and measurements for the media tests: sines, noise, a speech-like source, SNR.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

namespace acw::media::test {

// A deterministic generator (the tests must repeat exactly): xorshift32.
class Noise {
 public:
  explicit Noise(std::uint32_t seed = 0x12345678u) : state_(seed ? seed : 1) {}
  // Uniform in [-1, 1).
  double uniform() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return static_cast<double>(state_) / 2147483648.0 - 1.0;
  }
  // Roughly Gaussian, unit variance (sum of 12 uniforms / 2).
  double gaussian() {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return sum / 2.0;
  }

 private:
  std::uint32_t state_;
};

inline double dbfs_to_amplitude(double dbfs) {
  return 32767.0 * std::pow(10.0, dbfs / 20.0);
}

inline std::int16_t clip16(double v) {
  if (v > 32767) return 32767;
  if (v < -32768) return -32768;
  return static_cast<std::int16_t>(std::lround(v));
}

inline std::vector<std::int16_t> sine(double hz, double dbfs, int rate, std::size_t count,
                                      int channels = 1) {
  std::vector<std::int16_t> out(count * static_cast<std::size_t>(channels));
  const double a = dbfs_to_amplitude(dbfs);
  for (std::size_t i = 0; i < count; ++i) {
    const double v = a * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / rate);
    for (int c = 0; c < channels; ++c)
      out[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] = clip16(v);
  }
  return out;
}

inline void add_noise(std::vector<std::int16_t>& pcm, double rms_dbfs, std::uint32_t seed) {
  Noise noise(seed);
  const double a = dbfs_to_amplitude(rms_dbfs);
  for (auto& s : pcm) s = clip16(s + a * noise.gaussian());
}

// A crude voice: a glottal pulse train whose pitch glides around base_pitch_hz, through three
// formant resonators whose frequencies move as vowels do, with syllable-rate loudness changes
// and a little breath noise. Rich in harmonics that sweep across the DTMF bands.
inline std::vector<std::int16_t> speech_like(int rate, std::size_t count, std::uint32_t seed = 7,
                                             double base_pitch_hz = 155) {
  Noise noise(seed);
  std::vector<std::int16_t> out(count);
  double phase = 0;
  double y[3][2] = {};
  for (std::size_t i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double pitch = base_pitch_hz * (1 + 0.4 * std::sin(2 * std::numbers::pi * 0.7 * t)) +
                         10 * std::sin(2 * std::numbers::pi * 5.1 * t);
    phase += pitch / rate;
    double excitation = 0;
    if (phase >= 1.0) {
      phase -= 1.0;
      excitation = 1.0;
    }
    excitation += 0.02 * noise.gaussian();
    const double formants[3] = {500 + 300 * std::sin(2 * std::numbers::pi * 2.3 * t),
                                1500 + 700 * std::sin(2 * std::numbers::pi * 1.7 * t + 1),
                                2500 + 300 * std::sin(2 * std::numbers::pi * 1.1 * t + 2)};
    double v = 0;
    for (int f = 0; f < 3; ++f) {
      // Two-pole resonator, bandwidth about 100 Hz.
      const double r = std::exp(-std::numbers::pi * 100.0 / rate);
      const double c = 2 * r * std::cos(2 * std::numbers::pi * formants[f] / rate);
      const double out_f = excitation + c * y[f][0] - r * r * y[f][1];
      y[f][1] = y[f][0];
      y[f][0] = out_f;
      v += out_f / (f + 1);
    }
    const double envelope = 0.55 + 0.45 * std::sin(2 * std::numbers::pi * 4.0 * t);
    out[i] = clip16(v * envelope * 1200.0);
  }
  return out;
}

// Amplitude (in sample units) of the component at hz, by a Goertzel over the samples.
inline double tone_amplitude(std::span<const std::int16_t> pcm, double hz, int rate) {
  const double c = 2 * std::cos(2 * std::numbers::pi * hz / rate);
  double s1 = 0, s2 = 0;
  for (const auto x : pcm) {
    const double s0 = x + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return 2.0 * std::sqrt(std::max(0.0, power)) / static_cast<double>(pcm.size());
}

inline double rms(std::span<const std::int16_t> pcm) {
  double sum = 0;
  for (const auto x : pcm) sum += static_cast<double>(x) * x;
  return pcm.empty() ? 0 : std::sqrt(sum / static_cast<double>(pcm.size()));
}

// SNR in dB of out against ref delayed by delay samples, over [from, from + count) of ref.
inline double snr_db(std::span<const std::int16_t> ref, std::span<const std::int16_t> out,
                     std::size_t delay, std::size_t from, std::size_t count) {
  double signal = 0, error = 0;
  for (std::size_t i = from; i < from + count && i < ref.size() && i + delay < out.size(); ++i) {
    const double d = static_cast<double>(out[i + delay]) - ref[i];
    signal += static_cast<double>(ref[i]) * ref[i];
    error += d * d;
  }
  return 10.0 * std::log10(signal / std::max(error, 1e-9));
}

}  // namespace acw::media::test
