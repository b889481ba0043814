// What an Opus packet's TOC byte and frame count say about it, without decoding (RFC 6716
// §3.1-3.2).
#pragma once

#include <cstdint>
#include <span>

#include "media/result.hpp"

namespace acw::media {

enum class OpusMode { kSilk, kHybrid, kCelt };

struct OpusPacketInfo {
  int config = 0;  // 0-31, the TOC's top five bits
  OpusMode mode = OpusMode::kSilk;
  int bandwidth_hz = 0;  // audio bandwidth: 4000 NB, 6000 MB, 8000 WB, 12000 SWB, 20000 FB
  bool stereo = false;
  int frame_count = 0;            // 1-48
  int samples_per_frame_48k = 0;  // 120 (2.5 ms) to 2880 (60 ms)
  int samples_48k() const { return frame_count * samples_per_frame_48k; }
};

// Reads the TOC byte and, for code 3 packets, the frame count byte. Refuses what RFC 6716 §3.4
// rules out at this level: an empty packet, a code 1 packet with an odd payload, a code 2/3
// packet too short for its header, zero frames, or more than 120 ms of audio.
Result<OpusPacketInfo> parse_opus_packet_info(std::span<const std::uint8_t> packet);

}  // namespace acw::media
