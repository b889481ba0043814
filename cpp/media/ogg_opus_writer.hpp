// Writes an Ogg Opus stream (RFC 7845): header pages, then Opus packets paged with granule
// positions, then an end-of-stream page. Sans-I/O: every call returns the bytes to append.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "media/opus_head.hpp"
#include "media/result.hpp"

namespace acw::media {

struct OggOpusWriterOptions {
  std::uint32_t serial = 0;  // the caller draws it at random (RFC 3533 §6: unique per stream)
  int channels = 1;          // 1 or 2
  int pre_skip = 312;        // the encoder's lookahead at 48 kHz (OpusEncoder::lookahead_48k)
  std::uint32_t input_sample_rate = 48000;
  std::string vendor = "aculab-webrtc-wasm";
  std::vector<std::string> comments{};  // "TAG=value"
  // A page is closed once it holds this much audio (RFC 7845 §6: at most 1 s keeps seeking and
  // live streaming reasonable).
  int max_page_ms = 1000;
};

class OggOpusWriter {
 public:
  static Result<OggOpusWriter> create(const OggOpusWriterOptions& options);

  // The header pages (OpusHead on the BOS page, OpusTags on pages of its own): call first.
  std::vector<std::uint8_t> headers();

  // Adds one Opus packet; returns the pages that it completed (often none). Refuses a packet
  // that is not valid Opus (its duration is needed for the granule position) or one after
  // finish().
  Result<std::vector<std::uint8_t>> write_packet(std::span<const std::uint8_t> packet);

  // Closes the stream: the last page, flagged end of stream. trim_samples (48 kHz) are dropped
  // from the end on playback (§4.5 end trimming: the encoder's padding of the last frame).
  // Returns nothing when already finished.
  std::vector<std::uint8_t> finish(std::uint64_t trim_samples = 0);

  // The granule position so far: pre-skip plus audio, in 48 kHz samples.
  std::uint64_t granule_position() const { return granule_; }

 private:
  explicit OggOpusWriter(const OggOpusWriterOptions& options) : options_(options) {}
  std::vector<std::uint8_t> flush_page(bool last, std::uint64_t granule);

  OggOpusWriterOptions options_;
  std::uint32_t page_sequence_ = 0;
  std::uint64_t granule_ = 0;
  std::uint64_t page_samples_ = 0;
  bool headers_done_ = false;
  bool finished_ = false;
  std::vector<std::uint8_t> segments_;  // the open page
  std::vector<std::uint8_t> body_;
};

}  // namespace acw::media
