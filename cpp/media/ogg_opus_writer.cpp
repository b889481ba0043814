// Ogg Opus writer: header page layout (RFC 7845 §3), granule positions (§4), paging (§6).
#include "media/ogg_opus_writer.hpp"

#include "media/byte_order.hpp"
#include "media/ogg_page.hpp"
#include "media/opus_packet.hpp"

namespace acw::media {

namespace {

// A packet whose lacing would not fit in one page's 255 segments is spread over pages.
constexpr std::size_t kMaxSegments = 255;

// Pages a whole packet (header packets), continuing over as many pages as its lacing needs.
void page_packet(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> packet,
                 std::uint32_t serial, std::uint32_t& sequence, bool first, std::uint64_t granule) {
  std::vector<std::uint8_t> lacing;
  append_lacing(lacing, packet.size());
  std::size_t lace_pos = 0, body_pos = 0;
  bool continued = false;
  while (lace_pos < lacing.size()) {
    OggPage page;
    page.first = first && !continued;
    page.continued = continued;
    page.serial = serial;
    page.sequence = sequence++;
    const std::size_t n = std::min(kMaxSegments, lacing.size() - lace_pos);
    page.segments.assign(lacing.begin() + static_cast<std::ptrdiff_t>(lace_pos),
                         lacing.begin() + static_cast<std::ptrdiff_t>(lace_pos + n));
    std::size_t bytes = 0;
    for (const std::uint8_t s : page.segments) bytes += s;
    page.body.assign(packet.begin() + static_cast<std::ptrdiff_t>(body_pos),
                     packet.begin() + static_cast<std::ptrdiff_t>(body_pos + bytes));
    lace_pos += n;
    body_pos += bytes;
    // §4: a page on which no packet ends has granule position -1.
    page.granule_position = lace_pos == lacing.size() ? granule : kOggNoGranule;
    auto bytes_out = serialize_ogg_page(page);
    if (bytes_out) append_bytes(out, *bytes_out);
    continued = true;
  }
}

}  // namespace

Result<OggOpusWriter> OggOpusWriter::create(const OggOpusWriterOptions& options) {
  if (options.channels != 1 && options.channels != 2)
    return Error{"Ogg Opus channels must be 1 or 2"};
  if (options.pre_skip < 0 || options.pre_skip > 65535) return Error{"pre-skip out of range"};
  if (options.max_page_ms < 20 || options.max_page_ms > 10000)
    return Error{"page duration out of range"};
  return OggOpusWriter(options);
}

std::vector<std::uint8_t> OggOpusWriter::headers() {
  std::vector<std::uint8_t> out;
  if (headers_done_) return out;
  headers_done_ = true;
  OpusHead head;
  head.channels = static_cast<std::uint8_t>(options_.channels);
  head.pre_skip = static_cast<std::uint16_t>(options_.pre_skip);
  head.input_sample_rate = options_.input_sample_rate;
  auto head_packet = serialize_opus_head(head);
  // §3: the first page holds OpusHead alone, flagged BOS, granule 0.
  if (head_packet) page_packet(out, *head_packet, options_.serial, page_sequence_, true, 0);
  // §3: OpusTags starts on the second page and its last page holds nothing else.
  const auto tags = serialize_opus_tags({options_.vendor, options_.comments});
  page_packet(out, tags, options_.serial, page_sequence_, false, 0);
  granule_ = 0;
  return out;
}

std::vector<std::uint8_t> OggOpusWriter::flush_page(bool last, std::uint64_t granule) {
  OggPage page;
  page.last = last;
  page.serial = options_.serial;
  page.sequence = page_sequence_++;
  page.granule_position = granule;
  page.segments = std::move(segments_);
  page.body = std::move(body_);
  segments_.clear();
  body_.clear();
  page_samples_ = 0;
  auto bytes = serialize_ogg_page(page);
  return bytes ? std::move(*bytes) : std::vector<std::uint8_t>{};
}

Result<std::vector<std::uint8_t>> OggOpusWriter::write_packet(
    std::span<const std::uint8_t> packet) {
  if (finished_) return Error{"Ogg Opus stream already finished"};
  auto info = parse_opus_packet_info(packet);
  if (!info) return Error{info.error()};
  std::vector<std::uint8_t> out = headers();
  std::vector<std::uint8_t> lacing;
  append_lacing(lacing, packet.size());
  // Packets are kept whole on one page (Opus packets are at most a few KiB, 255 segments hold
  // 64 KiB).
  if (lacing.size() > kMaxSegments) return Error{"Opus packet too large for one Ogg page"};
  // The open page is closed when the next packet comes, not as soon as it is full, so that
  // finish() always has audio on the last page to trim.
  const bool page_full =
      page_samples_ * 1000 >= static_cast<std::uint64_t>(options_.max_page_ms) * 48000 ||
      segments_.size() + lacing.size() > kMaxSegments;
  if (!segments_.empty() && page_full) append_bytes(out, flush_page(false, granule_));
  append_bytes(segments_, lacing);
  append_bytes(body_, packet);
  // §4: a page's granule position counts every sample of every packet that ends on it.
  granule_ += static_cast<std::uint64_t>(info->samples_48k());
  page_samples_ += static_cast<std::uint64_t>(info->samples_48k());
  return out;
}

std::vector<std::uint8_t> OggOpusWriter::finish(std::uint64_t trim_samples) {
  if (finished_) return {};
  std::vector<std::uint8_t> out = headers();
  finished_ = true;
  // §4.5: the end-of-stream page's granule may be less than its packets add up to, but not
  // below the previous page's (trimming reaches into the last page only).
  const std::uint64_t previous = granule_ - page_samples_;
  std::uint64_t end = granule_ > trim_samples ? granule_ - trim_samples : 0;
  if (end < previous) end = previous;
  append_bytes(out, flush_page(true, end));
  return out;
}

}  // namespace acw::media
