// WAV (RIFF/WAVE, 16-bit PCM) reading and writing.
#include "media/wav.hpp"

#include <cstring>

#include "media/byte_order.hpp"

namespace acw::media {

namespace {

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

bool tag_is(const std::uint8_t* p, const char* tag) {
  return std::memcmp(p, tag, 4) == 0;
}

}  // namespace

Result<WavAudio> read_wav(std::span<const std::uint8_t> file) {
  if (file.size() < 12 || !tag_is(file.data(), "RIFF") || !tag_is(file.data() + 8, "WAVE")) {
    return Error{"not a RIFF/WAVE file"};
  }
  WavAudio audio;
  bool have_format = false;
  std::size_t pos = 12;
  // The RIFF size field is often wrong in streamed files: walk chunks up to the real end instead.
  while (file.size() - pos >= 8) {
    const std::uint8_t* chunk = file.data() + pos;
    const std::uint32_t declared = load_le32(chunk + 4);
    const std::size_t available = file.size() - pos - 8;
    if (tag_is(chunk, "fmt ")) {
      if (declared < 16 || declared > available) return Error{"bad fmt chunk"};
      const std::uint8_t* fmt = chunk + 8;
      std::uint16_t format = load_le16(fmt);
      const std::uint16_t channels = load_le16(fmt + 2);
      const std::uint32_t rate = load_le32(fmt + 4);
      const std::uint16_t block_align = load_le16(fmt + 12);
      const std::uint16_t bits = load_le16(fmt + 14);
      if (format == kFormatExtensible) {
        // WAVEFORMATEXTENSIBLE: the real format is the first two bytes of the SubFormat GUID.
        if (declared < 40) return Error{"bad WAVE_FORMAT_EXTENSIBLE fmt chunk"};
        format = load_le16(fmt + 24);
      }
      if (format != kFormatPcm) return Error{"WAV data is not PCM"};
      if (bits != 16) return Error{"WAV data is not 16-bit"};
      if (channels == 0 || channels > 8) return Error{"WAV channel count out of range"};
      if (rate == 0 || rate > 1000000) return Error{"WAV sample rate out of range"};
      if (block_align != channels * 2) return Error{"WAV block align does not match"};
      audio.sample_rate = static_cast<int>(rate);
      audio.channels = channels;
      have_format = true;
    } else if (tag_is(chunk, "data")) {
      if (!have_format) return Error{"WAV data chunk before fmt chunk"};
      std::size_t bytes = declared > available ? available : declared;
      const std::size_t frame_bytes = static_cast<std::size_t>(audio.channels) * 2;
      bytes -= bytes % frame_bytes;
      audio.samples.resize(bytes / 2);
      for (std::size_t i = 0; i < audio.samples.size(); ++i) {
        audio.samples[i] = static_cast<std::int16_t>(load_le16(chunk + 8 + 2 * i));
      }
      return audio;
    }
    // RIFF chunks are padded to an even size (the pad byte is not in the declared size).
    const std::size_t skip = static_cast<std::size_t>(declared) + (declared & 1u);
    if (skip > available) break;
    pos += 8 + skip;
  }
  return Error{have_format ? "WAV file has no data chunk" : "WAV file has no fmt chunk"};
}

Result<std::vector<std::uint8_t>> write_wav(std::span<const std::int16_t> samples, int sample_rate,
                                            int channels) {
  if (channels < 1 || channels > 8) return Error{"WAV channel count out of range"};
  if (sample_rate < 1 || sample_rate > 1000000) return Error{"WAV sample rate out of range"};
  if (samples.size() % static_cast<std::size_t>(channels) != 0) {
    return Error{"sample count is not a whole number of frames"};
  }
  if (samples.size() > (0xFFFFFFFFu - 36u) / 2u) return Error{"WAV data over 4 GiB"};
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  const auto rate = static_cast<std::uint32_t>(sample_rate);
  const auto block_align = static_cast<std::uint16_t>(channels * 2);
  std::vector<std::uint8_t> out;
  out.reserve(44 + data_bytes);
  const auto tag = [&out](const char* t) { out.insert(out.end(), t, t + 4); };
  tag("RIFF");
  append_le32(out, 36 + data_bytes);
  tag("WAVE");
  tag("fmt ");
  append_le32(out, 16);
  append_le16(out, kFormatPcm);
  append_le16(out, static_cast<std::uint16_t>(channels));
  append_le32(out, rate);
  append_le32(out, rate * block_align);  // byte rate
  append_le16(out, block_align);
  append_le16(out, 16);
  tag("data");
  append_le32(out, data_bytes);
  for (const std::int16_t s : samples) append_le16(out, static_cast<std::uint16_t>(s));
  return out;
}

}  // namespace acw::media
