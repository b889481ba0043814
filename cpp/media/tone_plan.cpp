// Tone plans: ITU-T Q.23 DTMF pairs; UK tones from BT SIN 350, US tones from ANSI T1.401.
#include "media/tone_plan.hpp"

#include <cctype>
#include <string>

namespace acw::media {

int ToneCadence::cycle_ms() const {
  int total = 0;
  for (const auto& segment : segments) total += segment.duration_ms;
  return total;
}

Result<ToneCountry> parse_tone_country(std::string_view code) {
  std::string lower;
  for (const char c : code)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "uk" || lower == "gb") return ToneCountry::kUk;
  if (lower == "us") return ToneCountry::kUs;
  return Error{"unknown tone country (uk, gb or us)"};
}

Result<std::pair<double, double>> dtmf_frequencies(char digit) {
  // ITU-T Q.23: the keypad's rows (low group) and columns (high group).
  static constexpr double kRow[] = {697, 770, 852, 941};
  static constexpr double kColumn[] = {1209, 1336, 1477, 1633};
  static constexpr std::string_view kKeypad = "123A456B789C*0#D";
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(digit)));
  const auto at = kKeypad.find(upper);
  if (upper == '\0' || at == std::string_view::npos) return Error{"not a DTMF digit"};
  return std::pair<double, double>{kRow[at / 4], kColumn[at % 4]};
}

Result<ToneCadence> dtmf_cadence(std::string_view digits, int on_ms, int off_ms) {
  if (on_ms <= 0 || on_ms > 60000 || off_ms < 0 || off_ms > 60000) {
    return Error{"DTMF on/off times out of range"};
  }
  ToneCadence cadence;
  cadence.repeat = false;
  for (const char digit : digits) {
    auto pair = dtmf_frequencies(digit);
    if (!pair) return Error{pair.error()};
    cadence.segments.push_back({pair->first, pair->second, on_ms});
    if (off_ms > 0) cadence.segments.push_back({0, 0, off_ms});
  }
  return cadence;
}

ToneCadence ringback_cadence(ToneCountry country) {
  if (country == ToneCountry::kUs) {
    // ANSI T1.401: 440 + 480 Hz, 2 s on, 4 s off.
    return {{{440, 480, 2000}, {0, 0, 4000}}, true};
  }
  // BT SIN 350: 400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
  return {{{400, 450, 400}, {0, 0, 200}, {400, 450, 400}, {0, 0, 2000}}, true};
}

ToneCadence ringtone_cadence(ToneCountry country) {
  // The local alert sounds in the cadence of the country's ringing signal, as a bell would; its
  // sound is a 20 Hz warble between 800 and 1000 Hz (a bell struck at the ringing current's
  // rate), so that it is not mistaken for ringback.
  ToneCadence ring = ringback_cadence(country);
  ToneCadence cadence;
  for (const auto& segment : ring.segments) {
    if (segment.silent()) {
      cadence.segments.push_back(segment);
      continue;
    }
    constexpr int kWarbleMs = 25;
    for (int t = 0, i = 0; t < segment.duration_ms; t += kWarbleMs, ++i) {
      const int length = segment.duration_ms - t < kWarbleMs ? segment.duration_ms - t : kWarbleMs;
      cadence.segments.push_back({i % 2 == 0 ? 800.0 : 1000.0, 0, length});
    }
  }
  return cadence;
}

ToneCadence busy_cadence(ToneCountry country) {
  if (country == ToneCountry::kUs) {
    // ANSI T1.401: 480 + 620 Hz, 0.5 s on, 0.5 s off.
    return {{{480, 620, 500}, {0, 0, 500}}, true};
  }
  // BT SIN 350: 400 Hz, 0.375 s on, 0.375 s off.
  return {{{400, 0, 375}, {0, 0, 375}}, true};
}

}  // namespace acw::media
