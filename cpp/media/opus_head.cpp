// OpusHead and OpusTags packets (RFC 7845 §5.1, §5.2).
#include "media/opus_head.hpp"

#include <cstring>

#include "media/byte_order.hpp"

namespace acw::media {

Result<OpusHead> parse_opus_head(std::span<const std::uint8_t> packet) {
  if (packet.size() < 19 || std::memcmp(packet.data(), "OpusHead", 8) != 0) {
    return Error{"not an OpusHead packet"};
  }
  OpusHead head;
  head.version = packet[8];
  // §5.1: a major version (upper four bits) other than 0 is an incompatible change.
  if ((head.version >> 4) != 0) return Error{"unsupported OpusHead version"};
  head.channels = packet[9];
  if (head.channels == 0) return Error{"OpusHead with zero channels"};
  head.pre_skip = load_le16(packet.data() + 10);
  head.input_sample_rate = load_le32(packet.data() + 12);
  head.output_gain = static_cast<std::int16_t>(load_le16(packet.data() + 16));
  head.mapping_family = packet[18];
  if (head.mapping_family == 0) {
    // §5.1.1.1: one stream, mono or stereo.
    if (head.channels > 2) return Error{"OpusHead family 0 with more than 2 channels"};
    head.stream_count = 1;
    head.coupled_count = head.channels == 2 ? 1 : 0;
    return head;
  }
  // §5.1.1: the table follows: stream count, coupled count, one byte per channel.
  if (packet.size() < 21u + head.channels) return Error{"truncated OpusHead channel mapping"};
  head.stream_count = packet[19];
  head.coupled_count = packet[20];
  if (head.stream_count == 0 || head.coupled_count > head.stream_count ||
      head.stream_count + head.coupled_count > 255) {
    return Error{"bad OpusHead stream counts"};
  }
  head.mapping.assign(packet.begin() + 21, packet.begin() + 21 + head.channels);
  for (const std::uint8_t index : head.mapping) {
    if (index != 255 && index >= head.stream_count + head.coupled_count) {
      return Error{"OpusHead channel mapping out of range"};
    }
  }
  return head;
}

Result<std::vector<std::uint8_t>> serialize_opus_head(const OpusHead& head) {
  if (head.channels == 0) return Error{"OpusHead with zero channels"};
  if (head.mapping_family == 0 && head.channels > 2) {
    return Error{"OpusHead family 0 with more than 2 channels"};
  }
  if (head.mapping_family != 0 && head.mapping.size() != head.channels) {
    return Error{"OpusHead mapping table does not match the channel count"};
  }
  std::vector<std::uint8_t> out = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};
  out.push_back(head.version);
  out.push_back(head.channels);
  append_le16(out, head.pre_skip);
  append_le32(out, head.input_sample_rate);
  append_le16(out, static_cast<std::uint16_t>(head.output_gain));
  out.push_back(head.mapping_family);
  if (head.mapping_family != 0) {
    out.push_back(head.stream_count);
    out.push_back(head.coupled_count);
    append_bytes(out, head.mapping);
  }
  return out;
}

Result<OpusTags> parse_opus_tags(std::span<const std::uint8_t> packet) {
  if (packet.size() < 16 || std::memcmp(packet.data(), "OpusTags", 8) != 0) {
    return Error{"not an OpusTags packet"};
  }
  OpusTags tags;
  std::size_t pos = 8;
  // Each length is checked against what is left before anything is copied.
  const auto take_string = [&](std::string& out) -> bool {
    if (packet.size() - pos < 4) return false;
    const std::uint32_t length = load_le32(packet.data() + pos);
    pos += 4;
    if (packet.size() - pos < length) return false;
    out.assign(reinterpret_cast<const char*>(packet.data() + pos), length);
    pos += length;
    return true;
  };
  if (!take_string(tags.vendor)) return Error{"OpusTags vendor string past the end"};
  if (packet.size() - pos < 4) return Error{"OpusTags without a comment count"};
  const std::uint32_t count = load_le32(packet.data() + pos);
  pos += 4;
  // Each comment takes at least its 4-byte length: a count beyond that cannot be true.
  if (count > (packet.size() - pos) / 4) return Error{"OpusTags comment count past the end"};
  tags.comments.resize(count);
  for (auto& comment : tags.comments) {
    if (!take_string(comment)) return Error{"OpusTags comment past the end"};
  }
  // §5.2: anything after the comments is ignored (or binary data when its first byte's LSB is 1).
  return tags;
}

std::vector<std::uint8_t> serialize_opus_tags(const OpusTags& tags) {
  std::vector<std::uint8_t> out = {'O', 'p', 'u', 's', 'T', 'a', 'g', 's'};
  const auto put_string = [&out](const std::string& s) {
    append_le32(out, static_cast<std::uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  };
  put_string(tags.vendor);
  append_le32(out, static_cast<std::uint32_t>(tags.comments.size()));
  for (const auto& comment : tags.comments) put_string(comment);
  return out;
}

}  // namespace acw::media
