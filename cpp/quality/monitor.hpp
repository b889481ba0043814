// Call quality from the browser's statistics, decided in C++: a window of once-a-second samples,
// the figures a person feels (round trip, jitter, loss, MOS) and warnings raised and cleared with
// hysteresis. Sans-I/O: each sample carries its own time; nothing here reads a clock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace acw::quality {

// One reading of a call's RTCStatsReport, summarised by the host (the shim) about once a second.
// Counters are cumulative, as the report gives them; a figure the report lacks is negative.
struct Sample {
  int64_t now = 0;                // ms, on the host's clock
  uint64_t packets_received = 0;  // inbound-rtp (audio) packetsReceived
  int64_t packets_lost = 0;       // inbound-rtp packetsLost (RFC 3550: may go down with duplicates)
  double jitter_ms = -1;          // inbound-rtp jitter
  double rtt_ms = -1;             // the selected candidate pair's currentRoundTripTime
  double level_in = -1;           // inbound-rtp audioLevel, 0..1
  double level_out = -1;          // the microphone's media-source audioLevel, 0..1
  bool connected = true;          // ICE connected or completed
};

// What a codec loses to the E-model (ITU-T G.107 §7.5): its equipment impairment Ie, its packet
// loss robustness Bpl, and the delay it adds (frame plus look-ahead, ms).
struct Codec {
  double ie = 0;
  double bpl = 25.1;
  double delay_ms = 20;
};
// ITU-T G.113 Appendix I gives G.711 with packet loss concealment Ie 0 and Bpl 25.1 (random loss).
// Opus has no G.113 entry: its values are G.711-with-PLC's (conservative: Opus's own PLC does
// better), with its 20 ms frame plus 6.5 ms look-ahead (RFC 6716 §2).
inline constexpr Codec kG711{0, 25.1, 20};
inline constexpr Codec kOpus{0, 25.1, 26.5};
// The codec of an encoding name ("opus", "PCMU", "PCMA"; others count as Opus).
Codec codec_named(std::string_view encoding);

// ITU-T G.107's R factor, simplified as VoIP monitors usually do (Cole and Rosenbluth, "Voice over
// IP performance monitoring", ACM SIGCOMM CCR 31(2), 2001): R = 93.2 - Id - Ie-eff, with G.107's
// default Ro - Is (93.2), the delay impairment of the one-way delay d in ms with G.107's echo
// terms at their defaults, Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3) (H the unit step), and
// G.107 §7.5's effective equipment impairment for random loss (BurstR 1),
// Ie-eff = Ie + (95 - Ie) Ppl / (Ppl + Bpl), Ppl the packet loss in percent.
double r_factor(double one_way_delay_ms, double loss_percent, const Codec& codec);
// G.107 Annex B: MOS from R (1 below 0, 4.5 above 100).
double mos_from_r(double r);

// The figures over the window (the last kWindow samples): each negative when nothing measured it.
struct Figures {
  double rtt_ms = -1;     // mean of the samples' round trips
  double jitter_ms = -1;  // mean of the samples' jitter
  double loss = -1;       // packets lost / packets expected, over the window (0..1)
  double mos = -1;        // from the above: one-way delay = rtt / 2 + 2 x jitter (the jitter
                          // buffer) + the codec's delay
};

// Every warning, in order, with its name for the page. What makes a sample bad, and how many bad
// samples raise it and good ones clear it, is kRules (monitor.cpp; the table in docs/QUALITY.md).
#define ACW_QUALITY_WARNINGS(X)                                                                \
  X(kHighRtt, "high-rtt")                        /* round trip over 400 ms */                  \
  X(kHighJitter, "high-jitter")                  /* jitter over 30 ms */                       \
  X(kHighPacketLoss, "high-packet-loss")         /* over 3% of the packets expected lost */    \
  X(kLowMos, "low-mos")                          /* MOS under 3.5 */                           \
  X(kNoInboundAudio, "no-inbound-audio")         /* connected, but no packets or silence in */ \
  X(kConstantInputLevel, "constant-input-level") /* the microphone's level does not move */    \
  X(kIceDisconnected, "ice-disconnected")        /* ICE neither connected nor completed */

enum class Warning : uint8_t {
#define ACW_QUALITY_WARNING_ENUMERATOR(warning, name) warning,
  ACW_QUALITY_WARNINGS(ACW_QUALITY_WARNING_ENUMERATOR)
#undef ACW_QUALITY_WARNING_ENUMERATOR
};
inline constexpr std::size_t kWarningCount = 0
#define ACW_QUALITY_WARNING_COUNT(warning, name) +1
    ACW_QUALITY_WARNINGS(ACW_QUALITY_WARNING_COUNT)
#undef ACW_QUALITY_WARNING_COUNT
    ;
std::string_view warning_name(Warning warning);

// A warning raised or cleared by a sample: the figure that decided it and its threshold.
struct Change {
  Warning warning = Warning::kHighRtt;
  bool raised = false;
  double value = 0;
  double threshold = 0;
};

// The whole call so far.
struct Summary {
  std::size_t samples = 0;
  double mos_mean = -1;  // of the samples whose window had a MOS
  double mos_min = -1;
  double rtt_max_ms = -1;
  double loss = -1;  // over the call
  std::size_t warnings_raised = 0;
};

class Monitor {
 public:
  // Samples the figures average over.
  static constexpr std::size_t kWindow = 5;

  explicit Monitor(Codec codec = kOpus) : codec_(codec) {}

  // Adds the next sample (its `now` not before the last one's, else it is ignored) and returns the
  // warnings it raised or cleared, in Warning order.
  std::vector<Change> add(const Sample& sample);

  Figures figures() const { return figures_; }
  Summary summary() const { return summary_; }
  bool raised(Warning warning) const { return state_[static_cast<std::size_t>(warning)].raised; }

 private:
  struct State {
    uint8_t history = 0;  // the last samples' verdicts, newest in bit 0 (1 = bad)
    uint8_t judged = 0;   // how many samples were judged (up to 8)
    bool raised = false;
  };
  Figures window_figures() const;

  Codec codec_;
  std::vector<Sample> window_;  // the last kWindow + 1 samples (one more for the counters' deltas)
  Figures figures_;
  Summary summary_;
  double mos_sum_ = 0;
  std::size_t mos_count_ = 0;
  bool have_first_ = false;
  Sample first_;
  std::array<State, kWarningCount> state_{};
};

}  // namespace acw::quality
