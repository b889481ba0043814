// Call progress and DTMF tones as data: frequency pairs and on/off cadences (UK and US plans).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

// One step of a cadence: up to two frequencies sounding together, or silence when both are 0.
struct ToneSegment {
  double frequency1_hz = 0;
  double frequency2_hz = 0;
  int duration_ms = 0;
  bool silent() const { return frequency1_hz <= 0 && frequency2_hz <= 0; }
};

struct ToneCadence {
  std::vector<ToneSegment> segments;
  bool repeat = true;  // false: play once, then silence
  int cycle_ms() const;
};

enum class ToneCountry { kUk, kUs };

// "uk"/"gb" or "us" (any case).
Result<ToneCountry> parse_tone_country(std::string_view code);

// The row and column frequencies of a DTMF digit (ITU-T Q.23): 0-9 * # A-D, a-d accepted.
Result<std::pair<double, double>> dtmf_frequencies(char digit);

// Each digit as its tone pair for on_ms, then off_ms of silence; played once.
Result<ToneCadence> dtmf_cadence(std::string_view digits, int on_ms = 100, int off_ms = 100);

// Ringing tone heard by the caller while the far end rings.
ToneCadence ringback_cadence(ToneCountry country);
// Alert played locally for an incoming call, in the country's ringing cadence.
ToneCadence ringtone_cadence(ToneCountry country);
// Busy tone.
ToneCadence busy_cadence(ToneCountry country);

}  // namespace acw::media
