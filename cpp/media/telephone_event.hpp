// RFC 4733 telephone-event payloads: DTMF digits as RTP event packets, and back.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

// RFC 4733 §2.3: the 4-byte payload.
struct TelephoneEvent {
  std::uint8_t event = 0;      // 0-9, 10 '*', 11 '#', 12-15 A-D (§3.2)
  bool end = false;            // E bit
  std::uint8_t volume = 10;    // 0-63: -dBm0
  std::uint16_t duration = 0;  // in RTP timestamp units since the event began
};

Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);
std::vector<std::uint8_t> serialize_telephone_event(const TelephoneEvent& event);

// RFC 4733 §3.2: the event code of a DTMF digit (0-9 * # A-D, a-d accepted), and back.
Result<std::uint8_t> dtmf_event_code(char digit);
std::optional<char> dtmf_digit(std::uint8_t event_code);

struct TelephoneEventTiming {
  int clock_rate = 8000;  // the telephone-event rtpmap rate (8000, or 48000 beside Opus)
  int tone_ms = 100;      // how long each digit sounds
  int gap_ms = 70;        // silence between digits (RFC 4733 §2.5.1.2 needs none; receivers do)
  int packet_ms = 20;     // update interval, the stream's ptime
  std::uint8_t volume = 10;
};

// One RTP packet of a digit string, in sending order. The caller's RTP packetizer gives it the
// next sequence number; its RTP timestamp is the stream's timestamp base plus timestamp_offset.
struct TelephoneEventPacket {
  int send_at_ms = 0;                  // from the start of the string
  std::uint32_t timestamp_offset = 0;  // the event's start: the same for all its packets (§2.5.1.2)
  bool marker = false;                 // set on an event's first packet (§2.5.1.3)
  std::vector<std::uint8_t> payload;
};

// RFC 4733 §2.5.1: for each digit a first packet (marker set, duration one packet), an update
// every packet_ms with the running duration, and the end packet sent three times (§2.5.1.4).
// Refuses a character that is not a DTMF digit, or a tone too long for the 16-bit duration
// (§2.5.2.3 long-event segments are not needed for dialling).
Result<std::vector<TelephoneEventPacket>> encode_dtmf_digits(std::string_view digits,
                                                             const TelephoneEventTiming& timing);

// Turns received telephone-event packets back into digits: each event reported once, when its
// first packet (of any kind, start, update or end) arrives; retransmitted ends are ignored.
class TelephoneEventReceiver {
 public:
  // The RTP timestamp and payload of a telephone-event packet. Returns the digit when this packet
  // begins a new event; nothing for the rest, non-DTMF events, or a bad payload.
  std::optional<char> receive(std::uint32_t rtp_timestamp, std::span<const std::uint8_t> payload);

 private:
  std::optional<std::uint32_t> last_timestamp_;
  std::uint8_t last_event_ = 0;
};

}  // namespace acw::media
