// The Ogg Opus header packets: identification header OpusHead and comment header OpusTags
// (RFC 7845 §5.1, §5.2).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

struct OpusHead {
  std::uint8_t version = 1;
  std::uint8_t channels = 1;
  std::uint16_t pre_skip = 312;             // 48 kHz samples to drop at the start
  std::uint32_t input_sample_rate = 48000;  // informational
  std::int16_t output_gain = 0;             // Q7.8 dB
  std::uint8_t mapping_family = 0;
  // Family other than 0: the channel mapping table (§5.1.1).
  std::uint8_t stream_count = 1;
  std::uint8_t coupled_count = 0;
  std::vector<std::uint8_t> mapping;
};

struct OpusTags {
  std::string vendor;
  std::vector<std::string> comments;  // "TAG=value", UTF-8
};

// §5.1: magic, a version whose major part (top nibble) is 0, at least one channel, family 0 with
// 1 or 2 channels, or another family with a complete mapping table.
Result<OpusHead> parse_opus_head(std::span<const std::uint8_t> packet);
Result<std::vector<std::uint8_t>> serialize_opus_head(const OpusHead& head);

// §5.2: magic, vendor string and comments all within the packet.
Result<OpusTags> parse_opus_tags(std::span<const std::uint8_t> packet);
std::vector<std::uint8_t> serialize_opus_tags(const OpusTags& tags);

}  // namespace acw::media
