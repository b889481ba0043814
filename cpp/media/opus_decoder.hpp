// Opus decoder over libopus 1.3.1: packets in, PCM out, with loss concealment and in-band FEC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

struct OpusDecoderOptions {
  int sample_rate = 48000;  // 8000, 12000, 16000, 24000 or 48000: any, whatever the sender used
  int channels = 1;         // 1 or 2: a stereo packet is downmixed for a mono decoder
};

class OpusDecoder {
 public:
  static Result<OpusDecoder> create(const OpusDecoderOptions& options);

  OpusDecoder(OpusDecoder&&) noexcept = default;
  OpusDecoder& operator=(OpusDecoder&&) noexcept = default;
  ~OpusDecoder();

  // Decodes one packet into interleaved samples. A corrupt packet gives an error and leaves the
  // decoder usable; the caller may conceal() in its place.
  Result<std::vector<std::int16_t>> decode(std::span<const std::uint8_t> packet);
  Result<std::vector<float>> decode_float(std::span<const std::uint8_t> packet);
  // The same into the caller's buffer (no allocation: the per-frame path of a media loop).
  // Returns the interleaved sample count; refuses a buffer too small for the packet.
  Result<std::size_t> decode_into(std::span<const std::uint8_t> packet,
                                  std::span<std::int16_t> pcm);

  // Packet loss concealment: samples per channel for a lost packet, extrapolated from what was
  // decoded before (pass the lost packet's duration, e.g. 20 ms = 960 at 48 kHz). A multiple of
  // 2.5 ms, at most 120 ms.
  Result<std::vector<std::int16_t>> conceal(int samples_per_channel);

  // Recovers a lost packet from the FEC data (LBRR) that the *next* packet carries (RFC 7587 §3.3
  // useinbandfec); when that packet has none, this conceals instead. Then decode() the next
  // packet as usual.
  Result<std::vector<std::int16_t>> decode_fec(std::span<const std::uint8_t> next_packet,
                                               int samples_per_channel);

  // Forgets history (a new stream, or after a long gap).
  void reset();

  const OpusDecoderOptions& options() const { return options_; }
  // Samples per channel that the last decode or conceal gave.
  int last_packet_duration() const;

 private:
  explicit OpusDecoder(const OpusDecoderOptions& options);
  Result<std::vector<std::int16_t>> run(const std::uint8_t* data, std::size_t size,
                                        int samples_per_channel, bool fec);

  // libopus's state lives in memory we own (opus_decoder_get_size / opus_decoder_init), so no
  // libopus name appears here to clash with ours.
  std::unique_ptr<std::max_align_t[]> state_;
  OpusDecoderOptions options_;
};

// The number of samples per channel a packet decodes to at this rate, or an error for a packet
// libopus cannot parse.
Result<int> opus_packet_samples(std::span<const std::uint8_t> packet, int sample_rate);

}  // namespace acw::media
