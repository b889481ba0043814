// RFC 4733 telephone-event: payload format (§2.3), sender timing (§2.5.1), receiver (§2.5.2).
#include "media/telephone_event.hpp"

#include <cctype>
#include <string_view>

namespace acw::media {

namespace {

constexpr std::string_view kDigits = "0123456789*#ABCD";

}  // namespace

Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) {
  // §2.3: exactly one event of 4 bytes (RTP padding is already gone; RFC 2198 redundancy is a
  // different payload type).
  if (payload.size() != 4) return Error{"telephone-event payload is not 4 bytes"};
  TelephoneEvent event;
  event.event = payload[0];
  event.end = (payload[1] & 0x80) != 0;
  // §2.3: the R bit is reserved: senders set it to 0, receivers ignore it.
  event.volume = payload[1] & 0x3F;
  event.duration = static_cast<std::uint16_t>((payload[2] << 8) | payload[3]);
  return event;
}

std::vector<std::uint8_t> serialize_telephone_event(const TelephoneEvent& event) {
  return {event.event, static_cast<std::uint8_t>((event.end ? 0x80 : 0x00) | (event.volume & 0x3F)),
          static_cast<std::uint8_t>(event.duration >> 8),
          static_cast<std::uint8_t>(event.duration)};
}

Result<std::uint8_t> dtmf_event_code(char digit) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(digit)));
  const auto at = kDigits.find(upper);
  if (upper == '\0' || at == std::string_view::npos) return Error{"not a DTMF digit"};
  return static_cast<std::uint8_t>(at);
}

std::optional<char> dtmf_digit(std::uint8_t event_code) {
  if (event_code >= kDigits.size()) return std::nullopt;
  return kDigits[event_code];
}

Result<std::vector<TelephoneEventPacket>> encode_dtmf_digits(std::string_view digits,
                                                             const TelephoneEventTiming& timing) {
  if (timing.clock_rate < 1000 || timing.clock_rate > 192000) {
    return Error{"telephone-event clock rate out of range"};
  }
  if (timing.packet_ms < 5 || timing.packet_ms > 200 || timing.tone_ms < timing.packet_ms ||
      timing.gap_ms < 0 || timing.gap_ms > 10000) {
    return Error{"telephone-event timing out of range"};
  }
  if (timing.volume > 63) return Error{"telephone-event volume out of range"};
  const auto units = [&timing](long long ms) { return ms * timing.clock_rate / 1000; };
  // §2.5.2.3: longer events would need segments; a dialled digit is never that long.
  if (units(timing.tone_ms) > 0xFFFF) return Error{"tone too long for one telephone-event"};
  std::vector<TelephoneEventPacket> packets;
  long long start_ms = 0;
  for (const char digit : digits) {
    auto code = dtmf_event_code(digit);
    if (!code) return Error{code.error()};
    const auto timestamp = static_cast<std::uint32_t>(units(start_ms));
    TelephoneEvent event{*code, false, timing.volume, 0};
    // §2.5.1.2: the first packet goes out as the tone starts, with the duration so far (one
    // packet interval), then one update per interval until the tone is done.
    int elapsed = 0;
    while (elapsed + timing.packet_ms < timing.tone_ms) {
      elapsed += timing.packet_ms;
      event.duration = static_cast<std::uint16_t>(units(elapsed));
      packets.push_back({static_cast<int>(start_ms) + elapsed - timing.packet_ms, timestamp,
                         elapsed == timing.packet_ms, serialize_telephone_event(event)});
    }
    // §2.5.1.4: the final packet, E bit set and the full duration, sent three times.
    event.end = true;
    event.duration = static_cast<std::uint16_t>(units(timing.tone_ms));
    const int end_at = static_cast<int>(start_ms) + timing.tone_ms - timing.packet_ms;
    for (int copy = 0; copy < 3; ++copy) {
      packets.push_back({end_at + copy * timing.packet_ms, timestamp,
                         copy == 0 && timing.tone_ms == timing.packet_ms,
                         serialize_telephone_event(event)});
    }
    // The next event starts after this one's retransmissions and the gap.
    start_ms += timing.tone_ms + timing.gap_ms + 2LL * timing.packet_ms;
    if (start_ms > 3600LL * 1000) return Error{"digit string too long"};
  }
  return packets;
}

std::optional<char> TelephoneEventReceiver::receive(std::uint32_t rtp_timestamp,
                                                    std::span<const std::uint8_t> payload) {
  auto event = parse_telephone_event(payload);
  if (!event) return std::nullopt;
  // §2.5.2.1: packets of one event share its timestamp; a new timestamp (or a new event code on
  // the same timestamp, which a sender must not do but some do) is a new event.
  if (last_timestamp_ && *last_timestamp_ == rtp_timestamp && last_event_ == event->event) {
    return std::nullopt;
  }
  last_timestamp_ = rtp_timestamp;
  last_event_ = event->event;
  return dtmf_digit(event->event);
}

}  // namespace acw::media
