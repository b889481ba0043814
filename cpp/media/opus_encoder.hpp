// Opus encoder over libopus 1.3.1: PCM frames in, Opus packets out (RFC 6716; settings of RFC
// 7587).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

enum class OpusApplication { kVoip, kAudio, kRestrictedLowDelay };

struct OpusEncoderOptions {
  int sample_rate = 48000;  // 8000, 12000, 16000, 24000 or 48000
  int channels = 1;         // 1 or 2
  OpusApplication application = OpusApplication::kVoip;
  int bitrate = 32000;  // bits per second, 500-512000
  int complexity = 10;  // 0-10: higher is better and slower
  bool vbr = true;
  // In-band forward error correction (RFC 7587 useinbandfec): the encoder adds a low-bitrate
  // copy of the previous frame when it expects loss of at least packet_loss_percent.
  bool fec = false;
  int packet_loss_percent = 0;  // 0-100
  bool dtx = false;             // discontinuous transmission (RFC 7587 usedtx)
};

class OpusEncoder {
 public:
  // Refuses options libopus would refuse, with the reason.
  static Result<OpusEncoder> create(const OpusEncoderOptions& options);

  OpusEncoder(OpusEncoder&&) noexcept = default;
  OpusEncoder& operator=(OpusEncoder&&) noexcept = default;
  ~OpusEncoder();

  // Encodes one frame of interleaved samples: 2.5, 5, 10, 20, 40 or 60 ms at the sample rate
  // (for 20 ms at 48 kHz mono, 960 samples). With DTX on, a frame of silence can give a packet
  // of one or two bytes that the sender need not send.
  Result<std::vector<std::uint8_t>> encode(std::span<const std::int16_t> pcm);
  Result<std::vector<std::uint8_t>> encode_float(std::span<const float> pcm);
  // The same into the caller's buffer (no allocation: the per-frame path of a media loop); 4000
  // bytes always suffice. Returns the packet's size.
  Result<std::size_t> encode_into(std::span<const std::int16_t> pcm,
                                  std::span<std::uint8_t> packet);

  // Settings that can change between frames (a new bitrate from SDP b=, loss from RTCP).
  Result<bool> set_bitrate(int bits_per_second);
  Result<bool> set_complexity(int complexity);
  Result<bool> set_fec(bool on, int packet_loss_percent);
  Result<bool> set_dtx(bool on);

  const OpusEncoderOptions& options() const { return options_; }
  // Samples (at 48 kHz) the decoder must drop at the start: the Ogg pre-skip (RFC 7845 §4.2).
  int lookahead_48k() const;
  // Whether a frame of this many samples per channel is one Opus can encode.
  bool is_frame_size(std::size_t samples_per_channel) const;

 private:
  explicit OpusEncoder(const OpusEncoderOptions& options);
  Result<std::size_t> check_frame(std::size_t interleaved_samples) const;

  // libopus's state lives in memory we own (opus_encoder_get_size / opus_encoder_init), so no
  // libopus name appears here to clash with ours.
  std::unique_ptr<std::max_align_t[]> state_;
  OpusEncoderOptions options_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace acw::media
