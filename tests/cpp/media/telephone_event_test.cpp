// Tests for RFC 4733 telephone-event payloads, sender timing and receiver.
#include "media/telephone_event.hpp"

#include <gtest/gtest.h>

namespace acw::media {
namespace {

TEST(TelephoneEvent, ParsesThePayloadOfRfc4733Section2_3) {
  // Event 5, E bit, volume 10, duration 800 (100 ms at 8 kHz).
  const std::vector<std::uint8_t> payload = {0x05, 0x8A, 0x03, 0x20};
  auto event = parse_telephone_event(payload);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->event, 5);
  EXPECT_TRUE(event->end);
  EXPECT_EQ(event->volume, 10);
  EXPECT_EQ(event->duration, 800);
  EXPECT_EQ(serialize_telephone_event(*event), payload);
  // The reserved bit is ignored on receipt.
  EXPECT_EQ(parse_telephone_event(std::vector<std::uint8_t>{0x0B, 0x4A, 0, 1})->volume, 10);
  EXPECT_FALSE(parse_telephone_event(std::vector<std::uint8_t>{0x0B, 0x4A, 0})->end);
}

TEST(TelephoneEvent, RefusesPayloadsThatAreNotFourBytes) {
  EXPECT_EQ(parse_telephone_event({}).error(), "telephone-event payload is not 4 bytes");
  EXPECT_FALSE(parse_telephone_event(std::vector<std::uint8_t>{1, 2, 3}).ok());
  EXPECT_FALSE(parse_telephone_event(std::vector<std::uint8_t>{1, 2, 3, 4, 5}).ok());
}

TEST(TelephoneEvent, EventCodesOfSection3_2) {
  const std::string digits = "0123456789*#ABCD";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    EXPECT_EQ(*dtmf_event_code(digits[i]), i);
    EXPECT_EQ(*dtmf_digit(static_cast<std::uint8_t>(i)), digits[i]);
  }
  EXPECT_EQ(*dtmf_event_code('d'), 15);
  EXPECT_FALSE(dtmf_event_code('E').ok());
  EXPECT_FALSE(dtmf_event_code('\0').ok());
  EXPECT_FALSE(dtmf_digit(16).has_value());  // flash
  EXPECT_FALSE(dtmf_digit(255).has_value());
}

TEST(TelephoneEvent, OneDigitIsAStartUpdatesAndThreeEnds) {
  auto packets = encode_dtmf_digits("7", {.clock_rate = 8000, .tone_ms = 100, .packet_ms = 20});
  ASSERT_TRUE(packets.ok());
  ASSERT_EQ(packets->size(), 7u);
  const std::uint16_t durations[] = {160, 320, 480, 640, 800, 800, 800};
  const int send_at[] = {0, 20, 40, 60, 80, 100, 120};
  for (std::size_t i = 0; i < 7; ++i) {
    const auto& packet = (*packets)[i];
    auto event = parse_telephone_event(packet.payload);
    ASSERT_TRUE(event.ok());
    EXPECT_EQ(event->event, 7);
    EXPECT_EQ(event->duration, durations[i]) << i;
    EXPECT_EQ(event->end, i >= 4) << i;
    EXPECT_EQ(event->volume, 10);
    EXPECT_EQ(packet.marker, i == 0) << i;
    EXPECT_EQ(packet.timestamp_offset, 0u);
    EXPECT_EQ(packet.send_at_ms, send_at[i]) << i;
  }
}

TEST(TelephoneEvent, DigitsFollowEachOtherWithTheGap) {
  auto packets = encode_dtmf_digits(
      "1#", {.clock_rate = 48000, .tone_ms = 60, .gap_ms = 40, .packet_ms = 20, .volume = 5});
  ASSERT_TRUE(packets.ok());
  // Per digit: 2 updates + 3 ends.
  ASSERT_EQ(packets->size(), 10u);
  const auto& second = (*packets)[5];
  EXPECT_TRUE(second.marker);
  // Digit 1 occupies 60 ms + 40 ms of end retransmissions; then 40 ms of gap.
  EXPECT_EQ(second.send_at_ms, 140);
  EXPECT_EQ(second.timestamp_offset, 140u * 48);
  EXPECT_EQ(parse_telephone_event(second.payload)->event, 11);
  EXPECT_EQ(parse_telephone_event(second.payload)->volume, 5);
  EXPECT_EQ(parse_telephone_event((*packets)[9].payload)->duration, 60 * 48);
}

TEST(TelephoneEvent, AToneOfOnePacketIsOnlyEnds) {
  auto packets = encode_dtmf_digits("0", {.tone_ms = 20, .packet_ms = 20});
  ASSERT_TRUE(packets.ok());
  ASSERT_EQ(packets->size(), 3u);
  EXPECT_TRUE((*packets)[0].marker);
  EXPECT_FALSE((*packets)[1].marker);
  EXPECT_TRUE(parse_telephone_event((*packets)[0].payload)->end);
}

TEST(TelephoneEvent, RefusesBadDigitsAndTimings) {
  EXPECT_EQ(encode_dtmf_digits("12x", {}).error(), "not a DTMF digit");
  EXPECT_FALSE(encode_dtmf_digits("1", {.tone_ms = 10, .packet_ms = 20}).ok());
  // 2 s at 48 kHz is 96000 units: more than the 16-bit duration holds.
  EXPECT_EQ(encode_dtmf_digits("1", {.clock_rate = 48000, .tone_ms = 2000}).error(),
            "tone too long for one telephone-event");
  EXPECT_FALSE(encode_dtmf_digits("1", {.volume = 64}).ok());
  EXPECT_TRUE(encode_dtmf_digits("", {})->empty());
}

TEST(TelephoneEvent, ReceiverReportsEachEventOnce) {
  auto packets = encode_dtmf_digits("19*", {});
  ASSERT_TRUE(packets.ok());
  TelephoneEventReceiver receiver;
  std::string digits;
  for (const auto& packet : *packets) {
    if (auto digit = receiver.receive(1000 + packet.timestamp_offset, packet.payload)) {
      digits.push_back(*digit);
    }
  }
  EXPECT_EQ(digits, "19*");
}

TEST(TelephoneEvent, ReceiverCopesWithLossAndJunk) {
  auto packets = encode_dtmf_digits("44", {});
  ASSERT_TRUE(packets.ok());
  TelephoneEventReceiver receiver;
  std::string digits;
  // Only the end packets of each event arrive; junk in between.
  for (const auto& packet : *packets) {
    if (!parse_telephone_event(packet.payload)->end) continue;
    if (auto digit = receiver.receive(packet.timestamp_offset, packet.payload))
      digits.push_back(*digit);
    EXPECT_FALSE(
        receiver.receive(packet.timestamp_offset, std::vector<std::uint8_t>{1, 2}).has_value());
  }
  EXPECT_EQ(digits, "44");
  // A non-DTMF event (16, flash) is not a digit.
  EXPECT_FALSE(receiver.receive(99999, std::vector<std::uint8_t>{16, 0, 0, 160}).has_value());
}

}  // namespace
}  // namespace acw::media
