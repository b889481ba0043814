// Plays a tone cadence as 16-bit PCM at any sample rate, continuing across calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/result.hpp"
#include "media/tone_plan.hpp"

namespace acw::media {

class ToneGenerator {
 public:
  // level_dbfs is the level of each frequency (0 dBFS: a full-scale sine); -13 dBFS per tone of a
  // pair is the usual network level. Refuses an empty or zero-length cadence, a frequency at or
  // above Nyquist, a rate outside 1-384 kHz or a level above 0 dBFS.
  static Result<ToneGenerator> create(ToneCadence cadence, int sample_rate,
                                      double level_dbfs = -13.0);

  // The next samples (mono). A cadence that does not repeat gives silence once it is over.
  void generate(std::span<std::int16_t> out);
  std::vector<std::int16_t> generate(std::size_t count);

  bool finished() const { return !cadence_.repeat && segment_ >= cadence_.segments.size(); }
  // Samples in one pass through the cadence.
  std::size_t cycle_samples() const { return cycle_samples_; }
  void restart();

 private:
  ToneGenerator(ToneCadence cadence, int sample_rate, double amplitude);
  std::size_t segment_end(std::size_t index) const { return boundaries_[index + 1]; }
  bool sounding(std::size_t index) const;

  ToneCadence cadence_;
  int sample_rate_;
  double amplitude_;
  std::vector<std::size_t> boundaries_;  // segment start offsets in samples, and the cycle end
  std::size_t cycle_samples_ = 0;
  std::size_t ramp_samples_ = 0;
  std::size_t segment_ = 0;   // current segment
  std::size_t position_ = 0;  // sample offset within the cycle
  bool first_pass_ = true;    // the very first start ramps in even if the cycle ends sounding
  double phase1_ = 0;         // radians, continuous across segments so a change of pitch is smooth
  double phase2_ = 0;
};

}  // namespace acw::media
