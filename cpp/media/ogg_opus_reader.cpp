// Ogg Opus reading: page walk with resync on the capture pattern (RFC 3533 §6), packet assembly
// from lacing values (§5), header packets and granule positions (RFC 7845 §3-5).
#include "media/ogg_opus_reader.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "media/byte_order.hpp"
#include "media/ogg_page.hpp"
#include "media/opus_packet.hpp"

namespace acw::media {

namespace {

// Where the next "OggS" begins at or after from, or the end.
std::size_t find_capture(std::span<const std::uint8_t> file, std::size_t from) {
  static constexpr std::uint8_t kCapture[4] = {'O', 'g', 'g', 'S'};
  const auto it = std::search(file.begin() + static_cast<std::ptrdiff_t>(from), file.end(),
                              std::begin(kCapture), std::end(kCapture));
  return static_cast<std::size_t>(it - file.begin());
}

class StreamReader {
 public:
  explicit StreamReader(OggOpusFile& out) : out_(out) {}

  // Returns an error only for header trouble; damage to audio is noted in out_.damage.
  std::optional<Error> page(const OggPage& page);
  bool ended() const { return ended_; }
  bool have_headers() const { return packet_count_ >= 2; }
  void note_damage(const std::string& what) {
    if (out_.damage.empty()) out_.damage = what;
    partial_.clear();
    dropping_ = true;
  }

 private:
  std::optional<Error> packet(std::vector<std::uint8_t> data);

  OggOpusFile& out_;
  std::optional<std::uint32_t> sequence_;
  std::vector<std::uint8_t> partial_;  // a packet continued on the next page
  bool dropping_ = false;              // the packet in progress lost a piece: drop its rest
  std::size_t packet_count_ = 0;
  bool ended_ = false;
};

std::optional<Error> StreamReader::page(const OggPage& page) {
  // RFC 3533 §6: page sequence numbers count up by one; a gap means pages were lost.
  if (sequence_ && page.sequence != *sequence_ + 1) {
    if (!have_headers()) return Error{"Ogg page missing among the Opus headers"};
    note_damage("Ogg page missing");
  }
  sequence_ = page.sequence;
  if (page.continued) {
    // A continued packet whose start we never saw (or dropped) is dropped up to its end.
    if (partial_.empty()) dropping_ = true;
  } else if (!partial_.empty()) {
    if (!have_headers()) return Error{"Opus header packet cut short"};
    note_damage("Ogg packet cut short");
    dropping_ = false;
  } else {
    dropping_ = false;
  }
  std::size_t pos = 0;
  for (const std::uint8_t lace : page.segments) {
    if (!dropping_)
      partial_.insert(partial_.end(), page.body.begin() + static_cast<std::ptrdiff_t>(pos),
                      page.body.begin() + static_cast<std::ptrdiff_t>(pos + lace));
    pos += lace;
    if (lace < 255) {
      // §5: a lacing value under 255 ends the packet.
      if (!dropping_) {
        if (auto error = packet(std::move(partial_))) return error;
      }
      partial_.clear();
      dropping_ = false;
    }
  }
  if (page.granule_position != kOggNoGranule && have_headers()) {
    out_.granule_position = page.granule_position;
  }
  if (page.last) {
    ended_ = true;
    if (!partial_.empty()) note_damage("Ogg stream ended inside a packet");
  }
  return std::nullopt;
}

std::optional<Error> StreamReader::packet(std::vector<std::uint8_t> data) {
  ++packet_count_;
  if (packet_count_ == 1) {
    auto head = parse_opus_head(data);
    if (!head) return Error{head.error()};
    if (head->mapping_family != 0) return Error{"Ogg Opus channel mapping family not supported"};
    out_.head = std::move(*head);
    return std::nullopt;
  }
  if (packet_count_ == 2) {
    auto tags = parse_opus_tags(data);
    if (!tags) return Error{tags.error()};
    out_.tags = std::move(*tags);
    return std::nullopt;
  }
  // Audio: keep what parses as Opus; a broken packet is damage, not the end of the file.
  if (!parse_opus_packet_info(data)) {
    note_damage("invalid Opus packet");
    return std::nullopt;
  }
  out_.packets.push_back(std::move(data));
  return std::nullopt;
}

}  // namespace

Result<OggOpusFile> read_ogg_opus(std::span<const std::uint8_t> file) {
  OggOpusFile out;
  StreamReader stream(out);
  std::optional<std::uint32_t> serial;
  std::size_t pos = 0;
  while (pos < file.size()) {
    auto parsed = parse_ogg_page(file.subspan(pos));
    if (!parsed) {
      if (!serial || !stream.have_headers()) return Error{parsed.error()};
      // §6: a reader that loses sync looks for the next capture pattern whose page checks out.
      stream.note_damage(parsed.error());
      pos = find_capture(file, pos + 1);
      continue;
    }
    pos += parsed->size;
    const OggPage& page = parsed->page;
    if (!serial) {
      // Other streams' BOS pages (a skeleton, say) come first; ours is the one with OpusHead.
      if (!page.first) return Error{"Ogg stream does not start with a BOS page"};
      if (page.body.size() < 8 || std::memcmp(page.body.data(), "OpusHead", 8) != 0) continue;
      serial = page.serial;
      out.serial = page.serial;
    } else if (page.serial != *serial) {
      continue;
    }
    if (auto error = stream.page(page)) return *error;
    if (stream.ended()) break;
  }
  if (!serial) return Error{"no Ogg Opus stream"};
  if (!stream.have_headers()) return Error{"Ogg Opus headers incomplete"};
  if (!stream.ended()) stream.note_damage("Ogg Opus stream ends without an EOS page");
  out.complete = out.damage.empty();
  return out;
}

}  // namespace acw::media
