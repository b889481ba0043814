// WAV files of 16-bit PCM: read (RIFF chunks, WAVE_FORMAT_PCM or EXTENSIBLE) and write.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

struct WavAudio {
  int sample_rate = 0;
  int channels = 0;
  std::vector<std::int16_t> samples;  // interleaved
};

// Reads a RIFF/WAVE file of 16-bit PCM. Chunks other than fmt and data are skipped; a data chunk
// that claims more bytes than the file holds (a recording cut short, or streamed with size 0 or
// 0xFFFFFFFF) gives the whole frames that are there. Other sample formats are refused.
Result<WavAudio> read_wav(std::span<const std::uint8_t> file);

// Writes a canonical 44-byte-header WAV file. Refuses 0 or > 8 channels, a rate outside 1 Hz -
// 1 MHz, a sample count that is not a whole number of frames, or data over 4 GiB.
Result<std::vector<std::uint8_t>> write_wav(std::span<const std::int16_t> samples, int sample_rate,
                                            int channels);

}  // namespace acw::media
