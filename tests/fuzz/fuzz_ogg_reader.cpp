// libFuzzer target: the media file readers (Ogg Opus and its header packets, Ogg pages, WAV), and
// the Opus decoder on whatever packets come out.
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/ogg_opus_reader.hpp"
#include "media/ogg_page.hpp"
#include "media/opus_decoder.hpp"
#include "media/opus_head.hpp"
#include "media/wav.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace acw::media;
  const std::span<const std::uint8_t> input(data, size);
  auto file = read_ogg_opus(input);
  if (file.ok()) {
    // Everything the reader hands out must be safe to decode: at most 100 packets per input.
    auto decoder = OpusDecoder::create({.sample_rate = 48000, .channels = file->head.channels});
    if (decoder.ok()) {
      std::size_t n = 0;
      for (const auto& packet : file->packets) {
        if (++n > 100) break;
        if (!decoder->decode(packet).ok()) (void)decoder->conceal(960);
      }
    }
    (void)file->playable_samples();
  }
  (void)parse_ogg_page(input);
  (void)parse_opus_head(input);
  (void)parse_opus_tags(input);
  auto wav = read_wav(input);
  if (wav.ok() && wav->samples.size() % static_cast<std::size_t>(wav->channels) != 0)
    __builtin_trap();
  return 0;
}
