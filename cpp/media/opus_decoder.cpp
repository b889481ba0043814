// Opus decoder over libopus 1.3.1: output sizing, concealment, FEC recovery and error strings.
#include "media/opus_decoder.hpp"

#include <opus.h>

#include <string>

namespace acw::media {

namespace {

bool valid_rate(int rate) {
  return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

Error opus_error(const char* what, int code) {
  return Error{std::string(what) + ": " + opus_strerror(code)};
}

// libopus's state lives in our buffer (opus_decoder_init), aligned for any type.
::OpusDecoder* as_decoder(std::max_align_t* state) {
  return reinterpret_cast<::OpusDecoder*>(state);
}

}  // namespace

OpusDecoder::OpusDecoder(const OpusDecoderOptions& options)
    : state_(
          new std::max_align_t[(static_cast<std::size_t>(opus_decoder_get_size(options.channels)) +
                                sizeof(std::max_align_t) - 1) /
                               sizeof(std::max_align_t)]),
      options_(options) {}

OpusDecoder::~OpusDecoder() = default;

Result<OpusDecoder> OpusDecoder::create(const OpusDecoderOptions& options) {
  if (!valid_rate(options.sample_rate))
    return Error{"Opus sample rate must be 8, 12, 16, 24 or 48 kHz"};
  if (options.channels != 1 && options.channels != 2) return Error{"Opus channels must be 1 or 2"};
  OpusDecoder decoder(options);
  const int code =
      opus_decoder_init(as_decoder(decoder.state_.get()), options.sample_rate, options.channels);
  if (code != OPUS_OK) return opus_error("opus_decoder_init", code);
  return decoder;
}

Result<std::vector<std::int16_t>> OpusDecoder::run(const std::uint8_t* data, std::size_t size,
                                                   int samples_per_channel, bool fec) {
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(samples_per_channel) *
                                static_cast<std::size_t>(options_.channels));
  const int n = opus_decode(as_decoder(state_.get()), data, static_cast<opus_int32>(size),
                            pcm.data(), samples_per_channel, fec ? 1 : 0);
  if (n < 0) return opus_error("opus_decode", n);
  pcm.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(options_.channels));
  return pcm;
}

Result<std::vector<std::int16_t>> OpusDecoder::decode(std::span<const std::uint8_t> packet) {
  // An empty packet would mean "lost" to libopus; here loss is asked for by name (conceal).
  if (packet.empty()) return Error{"empty Opus packet"};
  // Size the output from the packet itself so that a 120 ms packet fits and nothing is wasted.
  auto samples = opus_packet_samples(packet, options_.sample_rate);
  if (!samples) return Error{samples.error()};
  return run(packet.data(), packet.size(), *samples, false);
}

Result<std::size_t> OpusDecoder::decode_into(std::span<const std::uint8_t> packet,
                                             std::span<std::int16_t> pcm) {
  if (packet.empty()) return Error{"empty Opus packet"};
  auto samples = opus_packet_samples(packet, options_.sample_rate);
  if (!samples) return Error{samples.error()};
  const auto channels = static_cast<std::size_t>(options_.channels);
  if (pcm.size() < static_cast<std::size_t>(*samples) * channels) {
    return Error{"output buffer too small for the Opus packet"};
  }
  const int n = opus_decode(as_decoder(state_.get()), packet.data(),
                            static_cast<opus_int32>(packet.size()), pcm.data(), *samples, 0);
  if (n < 0) return opus_error("opus_decode", n);
  return static_cast<std::size_t>(n) * channels;
}

Result<std::vector<float>> OpusDecoder::decode_float(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return Error{"empty Opus packet"};
  auto samples = opus_packet_samples(packet, options_.sample_rate);
  if (!samples) return Error{samples.error()};
  std::vector<float> pcm(static_cast<std::size_t>(*samples) *
                         static_cast<std::size_t>(options_.channels));
  const int n = opus_decode_float(as_decoder(state_.get()), packet.data(),
                                  static_cast<opus_int32>(packet.size()), pcm.data(), *samples, 0);
  if (n < 0) return opus_error("opus_decode_float", n);
  pcm.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(options_.channels));
  return pcm;
}

Result<std::vector<std::int16_t>> OpusDecoder::conceal(int samples_per_channel) {
  const int per_2_5ms = options_.sample_rate / 400;
  if (samples_per_channel <= 0 || samples_per_channel % per_2_5ms != 0 ||
      samples_per_channel > per_2_5ms * 48) {
    return Error{"concealment length must be a multiple of 2.5 ms, at most 120 ms"};
  }
  return run(nullptr, 0, samples_per_channel, false);
}

Result<std::vector<std::int16_t>> OpusDecoder::decode_fec(std::span<const std::uint8_t> next_packet,
                                                          int samples_per_channel) {
  const int per_2_5ms = options_.sample_rate / 400;
  if (samples_per_channel <= 0 || samples_per_channel % per_2_5ms != 0 ||
      samples_per_channel > per_2_5ms * 48) {
    return Error{"FEC length must be a multiple of 2.5 ms, at most 120 ms"};
  }
  if (next_packet.empty()) return conceal(samples_per_channel);
  auto valid = opus_packet_samples(next_packet, options_.sample_rate);
  if (!valid) return Error{valid.error()};
  return run(next_packet.data(), next_packet.size(), samples_per_channel, true);
}

void OpusDecoder::reset() {
  opus_decoder_ctl(as_decoder(state_.get()), OPUS_RESET_STATE);
}

int OpusDecoder::last_packet_duration() const {
  opus_int32 duration = 0;
  opus_decoder_ctl(as_decoder(state_.get()), OPUS_GET_LAST_PACKET_DURATION(&duration));
  return static_cast<int>(duration);
}

Result<int> opus_packet_samples(std::span<const std::uint8_t> packet, int sample_rate) {
  if (packet.empty()) return Error{"empty Opus packet"};
  if (!valid_rate(sample_rate)) return Error{"Opus sample rate must be 8, 12, 16, 24 or 48 kHz"};
  const int n = opus_packet_get_nb_samples(packet.data(), static_cast<opus_int32>(packet.size()),
                                           sample_rate);
  if (n < 0) return opus_error("opus_packet_get_nb_samples", n);
  // RFC 6716 §3.2.5: at most 120 ms in a packet.
  if (n == 0 || n > sample_rate / 1000 * 120) return Error{"Opus packet duration out of range"};
  return n;
}

}  // namespace acw::media
