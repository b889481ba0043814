// Opus TOC byte and frame count parsing (RFC 6716 §3.1-3.2, with the §3.4 requirements R1-R7 that
// can be checked without reading frame lengths).
#include "media/opus_packet.hpp"

namespace acw::media {

namespace {

// RFC 6716 §3.1 Table 2: configuration number -> mode, bandwidth and frame size.
OpusPacketInfo info_for_config(int config) {
  OpusPacketInfo info;
  info.config = config;
  if (config < 12) {
    info.mode = OpusMode::kSilk;
    static constexpr int kSilkBandwidth[] = {4000, 6000, 8000};
    static constexpr int kSilkFrame[] = {480, 960, 1920, 2880};
    info.bandwidth_hz = kSilkBandwidth[config / 4];
    info.samples_per_frame_48k = kSilkFrame[config % 4];
  } else if (config < 16) {
    info.mode = OpusMode::kHybrid;
    info.bandwidth_hz = config < 14 ? 12000 : 20000;
    info.samples_per_frame_48k = config % 2 == 0 ? 480 : 960;
  } else {
    info.mode = OpusMode::kCelt;
    static constexpr int kCeltBandwidth[] = {4000, 8000, 12000, 20000};
    static constexpr int kCeltFrame[] = {120, 240, 480, 960};
    info.bandwidth_hz = kCeltBandwidth[(config - 16) / 4];
    info.samples_per_frame_48k = kCeltFrame[config % 4];
  }
  return info;
}

}  // namespace

Result<OpusPacketInfo> parse_opus_packet_info(std::span<const std::uint8_t> packet) {
  // R1: at least one byte.
  if (packet.empty()) return Error{"empty Opus packet"};
  const std::uint8_t toc = packet[0];
  OpusPacketInfo info = info_for_config(toc >> 3);
  info.stereo = (toc & 0x04) != 0;
  switch (toc & 0x03) {
    case 0:
      info.frame_count = 1;
      break;
    case 1:
      // R3: two frames of equal size, so the bytes after the TOC split evenly.
      if ((packet.size() - 1) % 2 != 0) return Error{"code 1 Opus packet with an odd payload"};
      info.frame_count = 2;
      break;
    case 2:
      // R4: the first frame's length takes one or two bytes after the TOC.
      if (packet.size() < 2) return Error{"code 2 Opus packet without a frame length"};
      info.frame_count = 2;
      break;
    default: {
      // R6/R7 (§3.2.5): the frame count byte, at least one frame, at most 120 ms in all.
      if (packet.size() < 2) return Error{"code 3 Opus packet without a frame count"};
      info.frame_count = packet[1] & 0x3F;
      if (info.frame_count == 0) return Error{"code 3 Opus packet with zero frames"};
      if (info.samples_48k() > 5760) return Error{"Opus packet longer than 120 ms"};
      break;
    }
  }
  return info;
}

}  // namespace acw::media
