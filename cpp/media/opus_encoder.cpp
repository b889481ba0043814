// Opus encoder over libopus 1.3.1: option checks, frame size checks and error strings.
#include "media/opus_encoder.hpp"

#include <opus.h>

#include <string>

namespace acw::media {

namespace {

// RFC 6716 §3.2.1: no packet exceeds 1275 bytes per frame; 60 ms CELT frames are three 20 ms
// frames in one code 3 packet (3 * 1275 + header). 4000 covers every frame size we accept.
constexpr std::size_t kMaxPacketBytes = 4000;

bool valid_rate(int rate) {
  return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

Error opus_error(const char* what, int code) {
  return Error{std::string(what) + ": " + opus_strerror(code)};
}

int application_code(OpusApplication application) {
  switch (application) {
    case OpusApplication::kAudio:
      return OPUS_APPLICATION_AUDIO;
    case OpusApplication::kRestrictedLowDelay:
      return OPUS_APPLICATION_RESTRICTED_LOWDELAY;
    case OpusApplication::kVoip:
      break;
  }
  return OPUS_APPLICATION_VOIP;
}

// libopus's state lives in our buffer (opus_encoder_init), aligned for any type.
::OpusEncoder* as_encoder(std::max_align_t* state) {
  return reinterpret_cast<::OpusEncoder*>(state);
}

}  // namespace

OpusEncoder::OpusEncoder(const OpusEncoderOptions& options)
    : state_(
          new std::max_align_t[(static_cast<std::size_t>(opus_encoder_get_size(options.channels)) +
                                sizeof(std::max_align_t) - 1) /
                               sizeof(std::max_align_t)]),
      options_(options) {}

OpusEncoder::~OpusEncoder() = default;

Result<OpusEncoder> OpusEncoder::create(const OpusEncoderOptions& options) {
  if (!valid_rate(options.sample_rate))
    return Error{"Opus sample rate must be 8, 12, 16, 24 or 48 kHz"};
  if (options.channels != 1 && options.channels != 2) return Error{"Opus channels must be 1 or 2"};
  if (options.bitrate < 500 || options.bitrate > 512000) return Error{"Opus bitrate out of range"};
  if (options.complexity < 0 || options.complexity > 10)
    return Error{"Opus complexity out of range"};
  if (options.packet_loss_percent < 0 || options.packet_loss_percent > 100) {
    return Error{"Opus packet loss percent out of range"};
  }
  OpusEncoder encoder(options);
  auto* st = as_encoder(encoder.state_.get());
  const int code = opus_encoder_init(st, options.sample_rate, options.channels,
                                     application_code(options.application));
  if (code != OPUS_OK) return opus_error("opus_encoder_init", code);
  if (opus_encoder_ctl(st, OPUS_SET_BITRATE(options.bitrate)) != OPUS_OK ||
      opus_encoder_ctl(st, OPUS_SET_COMPLEXITY(options.complexity)) != OPUS_OK ||
      opus_encoder_ctl(st, OPUS_SET_VBR(options.vbr ? 1 : 0)) != OPUS_OK ||
      opus_encoder_ctl(st, OPUS_SET_INBAND_FEC(options.fec ? 1 : 0)) != OPUS_OK ||
      opus_encoder_ctl(st, OPUS_SET_PACKET_LOSS_PERC(options.packet_loss_percent)) != OPUS_OK ||
      opus_encoder_ctl(st, OPUS_SET_DTX(options.dtx ? 1 : 0)) != OPUS_OK) {
    return Error{"opus_encoder_ctl refused a setting"};
  }
  encoder.scratch_.resize(kMaxPacketBytes);
  return encoder;
}

bool OpusEncoder::is_frame_size(std::size_t samples_per_channel) const {
  // 2.5, 5, 10, 20, 40 and 60 ms: multiples of 2.5 ms that opus_encode accepts.
  const std::size_t per_2_5ms = static_cast<std::size_t>(options_.sample_rate) / 400;
  for (std::size_t units : {1u, 2u, 4u, 8u, 16u, 24u}) {
    if (samples_per_channel == per_2_5ms * units) return true;
  }
  return false;
}

Result<std::size_t> OpusEncoder::check_frame(std::size_t interleaved_samples) const {
  const auto channels = static_cast<std::size_t>(options_.channels);
  if (interleaved_samples % channels != 0 || !is_frame_size(interleaved_samples / channels)) {
    return Error{"frame is not 2.5, 5, 10, 20, 40 or 60 ms of audio"};
  }
  return interleaved_samples / channels;
}

Result<std::vector<std::uint8_t>> OpusEncoder::encode(std::span<const std::int16_t> pcm) {
  auto frame = check_frame(pcm.size());
  if (!frame) return Error{frame.error()};
  const int n = opus_encode(as_encoder(state_.get()), pcm.data(), static_cast<int>(*frame),
                            scratch_.data(), static_cast<opus_int32>(scratch_.size()));
  if (n < 0) return opus_error("opus_encode", n);
  return std::vector<std::uint8_t>(scratch_.begin(), scratch_.begin() + n);
}

Result<std::size_t> OpusEncoder::encode_into(std::span<const std::int16_t> pcm,
                                             std::span<std::uint8_t> packet) {
  auto frame = check_frame(pcm.size());
  if (!frame) return Error{frame.error()};
  if (packet.empty()) return Error{"no room for the Opus packet"};
  const opus_int32 room = packet.size() > kMaxPacketBytes ? static_cast<opus_int32>(kMaxPacketBytes)
                                                          : static_cast<opus_int32>(packet.size());
  const int n = opus_encode(as_encoder(state_.get()), pcm.data(), static_cast<int>(*frame),
                            packet.data(), room);
  if (n < 0) return opus_error("opus_encode", n);
  return static_cast<std::size_t>(n);
}

Result<std::vector<std::uint8_t>> OpusEncoder::encode_float(std::span<const float> pcm) {
  auto frame = check_frame(pcm.size());
  if (!frame) return Error{frame.error()};
  const int n = opus_encode_float(as_encoder(state_.get()), pcm.data(), static_cast<int>(*frame),
                                  scratch_.data(), static_cast<opus_int32>(scratch_.size()));
  if (n < 0) return opus_error("opus_encode_float", n);
  return std::vector<std::uint8_t>(scratch_.begin(), scratch_.begin() + n);
}

Result<bool> OpusEncoder::set_bitrate(int bits_per_second) {
  if (bits_per_second < 500 || bits_per_second > 512000) return Error{"Opus bitrate out of range"};
  const int code = opus_encoder_ctl(as_encoder(state_.get()), OPUS_SET_BITRATE(bits_per_second));
  if (code != OPUS_OK) return opus_error("OPUS_SET_BITRATE", code);
  options_.bitrate = bits_per_second;
  return true;
}

Result<bool> OpusEncoder::set_complexity(int complexity) {
  if (complexity < 0 || complexity > 10) return Error{"Opus complexity out of range"};
  const int code = opus_encoder_ctl(as_encoder(state_.get()), OPUS_SET_COMPLEXITY(complexity));
  if (code != OPUS_OK) return opus_error("OPUS_SET_COMPLEXITY", code);
  options_.complexity = complexity;
  return true;
}

Result<bool> OpusEncoder::set_fec(bool on, int packet_loss_percent) {
  if (packet_loss_percent < 0 || packet_loss_percent > 100) {
    return Error{"Opus packet loss percent out of range"};
  }
  int code = opus_encoder_ctl(as_encoder(state_.get()), OPUS_SET_INBAND_FEC(on ? 1 : 0));
  if (code == OPUS_OK) {
    code =
        opus_encoder_ctl(as_encoder(state_.get()), OPUS_SET_PACKET_LOSS_PERC(packet_loss_percent));
  }
  if (code != OPUS_OK) return opus_error("OPUS_SET_INBAND_FEC", code);
  options_.fec = on;
  options_.packet_loss_percent = packet_loss_percent;
  return true;
}

Result<bool> OpusEncoder::set_dtx(bool on) {
  const int code = opus_encoder_ctl(as_encoder(state_.get()), OPUS_SET_DTX(on ? 1 : 0));
  if (code != OPUS_OK) return opus_error("OPUS_SET_DTX", code);
  options_.dtx = on;
  return true;
}

int OpusEncoder::lookahead_48k() const {
  opus_int32 lookahead = 0;
  opus_encoder_ctl(as_encoder(state_.get()), OPUS_GET_LOOKAHEAD(&lookahead));
  // OPUS_GET_LOOKAHEAD counts samples at the encoder's rate; pre-skip is always at 48 kHz.
  return static_cast<int>(lookahead) * (48000 / options_.sample_rate);
}

}  // namespace acw::media
