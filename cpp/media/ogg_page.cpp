// Ogg page framing and checksum (RFC 3533 §6).
#include "media/ogg_page.hpp"

#include <array>
#include <cstring>

#include "media/byte_order.hpp"

namespace acw::media {

namespace {

constexpr std::size_t kHeaderSize = 27;

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t r = i << 24;
    for (int bit = 0; bit < 8; ++bit) r = (r & 0x80000000u) ? (r << 1) ^ 0x04C11DB7u : r << 1;
    table[i] = r;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

std::uint32_t crc_update(std::uint32_t crc, std::span<const std::uint8_t> bytes) {
  for (const std::uint8_t b : bytes) crc = (crc << 8) ^ kCrcTable[((crc >> 24) ^ b) & 0xFF];
  return crc;
}

}  // namespace

std::uint32_t ogg_crc(std::span<const std::uint8_t> bytes) {
  return crc_update(0, bytes);
}

void append_lacing(std::vector<std::uint8_t>& segments, std::size_t packet_size) {
  for (; packet_size >= 255; packet_size -= 255) segments.push_back(255);
  segments.push_back(static_cast<std::uint8_t>(packet_size));
}

Result<ParsedOggPage> parse_ogg_page(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) return Error{"truncated Ogg page header"};
  if (std::memcmp(bytes.data(), "OggS", 4) != 0) return Error{"no Ogg capture pattern"};
  // §6: stream_structure_version 0 is the only one.
  if (bytes[4] != 0) return Error{"unknown Ogg page version"};
  const std::uint8_t flags = bytes[5];
  if ((flags & ~0x07) != 0) return Error{"unknown Ogg header type flags"};
  const std::size_t segment_count = bytes[26];
  if (bytes.size() - kHeaderSize < segment_count) return Error{"truncated Ogg lacing table"};
  std::size_t body_size = 0;
  for (std::size_t i = 0; i < segment_count; ++i) body_size += bytes[kHeaderSize + i];
  const std::size_t size = kHeaderSize + segment_count + body_size;
  if (bytes.size() < size) return Error{"truncated Ogg page body"};
  // The CRC covers the whole page with its own field taken as zero.
  std::uint32_t crc = crc_update(0, bytes.first(22));
  static constexpr std::uint8_t kZero[4] = {0, 0, 0, 0};
  crc = crc_update(crc, kZero);
  crc = crc_update(crc, bytes.subspan(26, size - 26));
  if (crc != load_le32(bytes.data() + 22)) return Error{"Ogg page CRC mismatch"};
  ParsedOggPage out;
  out.size = size;
  OggPage& page = out.page;
  page.continued = (flags & 0x01) != 0;
  page.first = (flags & 0x02) != 0;
  page.last = (flags & 0x04) != 0;
  page.granule_position = load_le64(bytes.data() + 6);
  page.serial = load_le32(bytes.data() + 14);
  page.sequence = load_le32(bytes.data() + 18);
  page.segments.assign(bytes.begin() + kHeaderSize,
                       bytes.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + segment_count));
  page.body.assign(bytes.begin() + static_cast<std::ptrdiff_t>(kHeaderSize + segment_count),
                   bytes.begin() + static_cast<std::ptrdiff_t>(size));
  return out;
}

Result<std::vector<std::uint8_t>> serialize_ogg_page(const OggPage& page) {
  if (page.segments.size() > 255) return Error{"more than 255 Ogg segments"};
  std::size_t body_size = 0;
  for (const std::uint8_t s : page.segments) body_size += s;
  if (body_size != page.body.size()) return Error{"Ogg lacing does not match the body"};
  std::vector<std::uint8_t> out;
  out.reserve(kHeaderSize + page.segments.size() + page.body.size());
  out.insert(out.end(), {'O', 'g', 'g', 'S', 0});
  out.push_back(static_cast<std::uint8_t>((page.continued ? 0x01 : 0) | (page.first ? 0x02 : 0) |
                                          (page.last ? 0x04 : 0)));
  append_le64(out, page.granule_position);
  append_le32(out, page.serial);
  append_le32(out, page.sequence);
  append_le32(out, 0);  // CRC, filled in below
  out.push_back(static_cast<std::uint8_t>(page.segments.size()));
  append_bytes(out, page.segments);
  append_bytes(out, page.body);
  const std::uint32_t crc = ogg_crc(out);
  for (int i = 0; i < 4; ++i) out[22 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  return out;
}

}  // namespace acw::media
