// libFuzzer target: the media objects the media bindings (bindings/media.cpp) feed with what came
// from a peer: the Ogg Opus writer (recording received packets), the DTMF detector (received
// audio), and the RTP packetizer with both of its packet kinds; options from the input as well.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "media/dtmf_detector.hpp"
#include "media/ogg_opus_writer.hpp"
#include "media/ogg_page.hpp"
#include "media/rtp_packet.hpp"
#include "media/rtp_packetizer.hpp"

namespace {

using namespace acw::media;

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint32_t number(std::size_t bytes) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | (empty() ? 0 : data_[pos_++]);
    return value;
  }
  std::span<const std::uint8_t> bytes(std::size_t count) {
    const std::size_t take = count < size_ - pos_ ? count : size_ - pos_;
    std::span<const std::uint8_t> out(data_ + pos_, take);
    pos_ += take;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Every page the writer emits is one Ogg page (RFC 3533) its own reader takes back.
void check_pages(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    auto page = parse_ogg_page(bytes);
    if (!page.ok() || page->size == 0 || page->size > bytes.size()) std::abort();
    bytes = bytes.subspan(page->size);
  }
}

}  // namespace

// Input: 16 bytes of options, then records of one kind byte, a 2-byte length and that many bytes.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  OggOpusWriterOptions writer_options;
  writer_options.serial = in.number(4);
  writer_options.channels = static_cast<int>(in.number(1)) % 4;
  writer_options.pre_skip = static_cast<int>(in.number(2));
  writer_options.input_sample_rate = in.number(1) * 4000;
  writer_options.max_page_ms = static_cast<int>(in.number(2)) - 100;
  DtmfDetectorOptions detector_options;
  detector_options.sample_rate = static_cast<int>(in.number(1)) * 1000;
  detector_options.min_level_dbfs = -static_cast<double>(in.number(1)) / 4;
  const std::uint32_t ssrc = in.number(4);
  std::optional<OggOpusWriter> writer;
  if (auto created = OggOpusWriter::create(writer_options); created.ok()) {
    writer.emplace(std::move(*created));
    check_pages(writer->headers());
  }
  std::optional<DtmfDetector> detector;
  if (auto created = DtmfDetector::create(detector_options); created.ok()) {
    detector.emplace(std::move(*created));
  }
  RtpPacketizer packetizer({ssrc, 111, static_cast<std::uint16_t>(ssrc >> 16), ssrc * 7});
  while (!in.empty()) {
    const std::uint32_t kind = in.number(1);
    const auto payload = in.bytes(in.number(2));
    switch (kind % 5) {
      case 0:
        if (writer) {
          auto page = writer->write_packet(payload);
          if (page.ok()) check_pages(*page);
        }
        break;
      case 1:
        if (detector) {
          std::vector<std::int16_t> pcm(payload.size() / 2);
          if (!pcm.empty()) std::memcpy(pcm.data(), payload.data(), pcm.size() * 2);
          for (char digit : detector->process(pcm)) {
            if (std::strchr("0123456789*#ABCD", digit) == nullptr || digit == 0) std::abort();
          }
        }
        break;
      case 2: {
        const bool marker = (kind & 0x80) != 0;
        auto packet = packetizer.packetize(payload, kind * 120, marker);
        if (packet.ok()) {
          auto parsed = parse_rtp(*packet);
          if (!parsed.ok() || parsed->header.ssrc != ssrc || parsed->header.marker != marker ||
              parsed->payload.size() != payload.size()) {
            std::abort();
          }
        }
        break;
      }
      case 3: {
        const auto payload_type = static_cast<std::uint8_t>(kind & 0x7F);
        auto packet =
            packetizer.packetize_other(payload, payload_type, kind * 160, (kind & 0x80) != 0);
        // 72-76 read as RTCP on a shared port (RFC 5761 §4): the receive side refuses them.
        const bool rtcp_range = payload_type >= 72 && payload_type <= 76;
        if (packet.ok() && !rtcp_range && !parse_rtp(*packet).ok()) std::abort();
        break;
      }
      case 4:
        packetizer.skip(kind * 960);
        if (detector && (kind & 1) != 0) detector->reset();
        break;
      default:
        break;
    }
  }
  if (writer) check_pages(writer->finish(ssrc % 2000));
  return 0;
}
