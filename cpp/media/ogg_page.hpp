// Ogg pages (RFC 3533 §6): the capture pattern, header fields, lacing table and CRC.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/result.hpp"

namespace acw::media {

struct OggPage {
  bool continued = false;              // the first packet began on an earlier page
  bool first = false;                  // beginning of stream (BOS)
  bool last = false;                   // end of stream (EOS)
  std::uint64_t granule_position = 0;  // ~0 (-1): no packet ends on this page
  std::uint32_t serial = 0;
  std::uint32_t sequence = 0;
  std::vector<std::uint8_t> segments;  // lacing values, at most 255
  std::vector<std::uint8_t> body;      // the sum of the lacing values
};

inline constexpr std::uint64_t kOggNoGranule = ~std::uint64_t{0};

// The Ogg CRC-32: polynomial 0x04C11DB7, initial value 0, not reflected, no final XOR.
std::uint32_t ogg_crc(std::span<const std::uint8_t> bytes);

struct ParsedOggPage {
  OggPage page;
  std::size_t size = 0;  // bytes the page took
};

// Parses the page at the start of bytes: "OggS", version 0, a lacing table and body within the
// bytes, and a matching CRC.
Result<ParsedOggPage> parse_ogg_page(std::span<const std::uint8_t> bytes);

// The wire form, CRC filled in. Refuses more than 255 segments or a body that does not match.
Result<std::vector<std::uint8_t>> serialize_ogg_page(const OggPage& page);

// Appends lacing values for one packet of this size (RFC 3533 §5: 255s, then the rest, so a
// multiple of 255 ends with a 0).
void append_lacing(std::vector<std::uint8_t>& segments, std::size_t packet_size);

}  // namespace acw::media
