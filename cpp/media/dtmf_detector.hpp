// In-band DTMF digit detector: Goertzel filters on the eight ITU-T Q.23 frequencies.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

struct DtmfDetectorOptions {
  int sample_rate = 8000;
  // Weakest tone (each of the pair) that counts, in dBFS.
  double min_level_dbfs = -45.0;
  // Largest level difference between the pair (ITU-T Q.24 allows 4-8 dB of twist).
  double max_twist_db = 8.0;
  // Share of the window's energy the pair must hold: speech and noise spread theirs. 0.4 keeps
  // pairs 1.5% off nominal (whose Goertzel power falls by up to 5 dB in a 39 Hz bin) and drops
  // pairs 3.5% off (ITU-T Q.24's accept and reject limits).
  double min_energy_share = 0.4;
};

class DtmfDetector {
 public:
  static Result<DtmfDetector> create(const DtmfDetectorOptions& options);

  // Feeds mono samples; returns the digits that began in them, in order. A digit is reported
  // once however long it lasts; the same digit again needs a pause between.
  std::string process(std::span<const std::int16_t> pcm);
  void reset();

 private:
  explicit DtmfDetector(const DtmfDetectorOptions& options);
  char analyse_window() const;

  DtmfDetectorOptions options_;
  std::size_t window_ = 0;  // samples per analysis window (205 at 8 kHz: 25.6 ms)
  std::size_t hop_ = 0;     // windows overlap by half
  std::array<double, 8> coefficients_{};
  std::vector<float> buffer_;
  char last_ = 0;     // what the previous window saw (0: no digit)
  int repeats_ = 0;   // consecutive windows that agreed with last_
  char current_ = 0;  // the digit being reported (0: none)
};

}  // namespace acw::media
