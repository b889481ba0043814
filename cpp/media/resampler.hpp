// Sample rate conversion by a rational factor (48, 16 and 8 kHz, and any pair whose ratio
// reduces to small numbers, e.g. 44.1 -> 48 kHz): a Kaiser-windowed sinc polyphase FIR, streaming.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

class Resampler {
 public:
  // Refuses rates outside 1-384 kHz, channels outside 1-8, or a ratio that does not reduce to
  // up/down factors of at most 320 (48000/44100 = 160/147 does).
  static Result<Resampler> create(int input_rate, int output_rate, int channels = 1);

  // Converts the next block of interleaved samples; keeps what the filter needs of the past, so
  // consecutive blocks join without a seam. Over a stream, output frames = input frames * ratio
  // (rounded up), whatever the block sizes.
  std::vector<std::int16_t> process(std::span<const std::int16_t> input);
  std::vector<float> process_float(std::span<const float> input);

  // Output lags input by this many output frames (half the filter).
  double delay() const;
  void reset();

  int input_rate() const { return input_rate_; }
  int output_rate() const { return output_rate_; }

 private:
  Resampler(int input_rate, int output_rate, int channels, int up, int down);
  // Filters buffer_ (history then the new block, as floats) into out.
  void filter(std::vector<float>& out);

  int input_rate_, output_rate_, channels_;
  int up_, down_;                    // output/input = up/down, reduced
  int taps_per_phase_ = 0;           // filter taps per polyphase branch
  std::vector<float> coefficients_;  // phase-major: branch p holds h[p], h[p + up], h[p + 2 up]...
  std::vector<float> buffer_;  // interleaved: taps_per_phase_ - 1 frames of history, new frames
  std::size_t position_ = 0;   // input frame in buffer_ of the next output (its newest tap)
  int phase_ = 0;              // polyphase branch of the next output
};

}  // namespace acw::media
