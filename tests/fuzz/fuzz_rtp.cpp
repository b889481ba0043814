// libFuzzer target: a received RTP stream (RFC 3550) through the depacketizer and jitter buffer,
// its payloads as RFC 4733 telephone-events and as Opus packets for the decoder.
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/jitter_buffer.hpp"
#include "media/opus_decoder.hpp"
#include "media/opus_packet.hpp"
#include "media/rtp_depacketizer.hpp"
#include "media/telephone_event.hpp"

// Input: records of one length byte then that many bytes (one UDP datagram each); after each
// record the playout clock ticks once.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace acw::media;
  RtpDepacketizer depacketizer;
  JitterBuffer buffer({.target_packets = 2, .max_packets = 16});
  TelephoneEventReceiver events;
  auto decoder = OpusDecoder::create({});
  if (!decoder.ok()) __builtin_trap();
  std::size_t pos = 0;
  while (pos < size) {
    const std::size_t length = data[pos++];
    const std::size_t take = length < size - pos ? length : size - pos;
    const std::span<const std::uint8_t> datagram(data + pos, take);
    pos += take;
    auto received = depacketizer.receive(datagram);
    if (received.ok()) {
      const auto& payload = received->packet.payload;
      (void)events.receive(received->packet.header.timestamp, payload);
      auto event = parse_telephone_event(payload);
      if (event.ok()) {
        // What was parsed serializes back to the same four bytes (the R bit aside).
        auto again = serialize_telephone_event(*event);
        if (again[0] != payload[0] || again[2] != payload[2] || again[3] != payload[3])
          __builtin_trap();
      }
      (void)parse_opus_packet_info(payload);
      buffer.insert(std::move(*received));
    }
    if (buffer.size() > 16) __builtin_trap();
    if (auto frame = buffer.pop()) {
      if (frame->kind == JitterBufferFrame::Kind::kPacket && !frame->packet.payload.empty()) {
        if (!decoder->decode(frame->packet.payload).ok()) (void)decoder->conceal(960);
      } else {
        (void)decoder->conceal(960);
      }
    }
  }
  return 0;
}
