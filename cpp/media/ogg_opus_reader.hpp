// Reads an Ogg Opus file (RFC 7845): its headers and Opus packets, tolerating damage after the
// headers (a bad page is skipped, a truncated end is reported) and refusing anything else.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "media/opus_head.hpp"
#include "media/result.hpp"

namespace acw::media {

struct OggOpusFile {
  OpusHead head;
  OpusTags tags;
  std::uint32_t serial = 0;
  std::vector<std::vector<std::uint8_t>> packets;  // audio packets in order
  // The last granule position seen (48 kHz samples, pre-skip included), and the playable length:
  // that minus pre-skip (RFC 7845 §4.5 end trimming applied).
  std::uint64_t granule_position = 0;
  std::uint64_t playable_samples() const {
    return granule_position > head.pre_skip ? granule_position - head.pre_skip : 0;
  }
  // True when the stream ended with its EOS page and nothing was damaged; otherwise damage says
  // what was wrong first (a CRC mismatch, a page missing, a truncated end...).
  bool complete = false;
  std::string damage;
};

// Reads the first Ogg Opus logical stream in the file (other multiplexed streams are skipped;
// chained streams after its end are ignored). Errors when there is no valid OpusHead and
// OpusTags, or a channel mapping family other than 0 (RTC audio is mono or stereo).
Result<OggOpusFile> read_ogg_opus(std::span<const std::uint8_t> file);

}  // namespace acw::media
