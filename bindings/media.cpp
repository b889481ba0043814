// embind surface of the media module: Opus, Ogg Opus, RTP, RFC 4733, tones, DTMF detection, WAV,
// resampling. Plain values in and out (typed arrays, plain objects); failures come back as JS
// Error objects (never thrown here: with -fno-exceptions a throw would skip C++ destructors), and
// js/media.js turns them into throws.
//
// Built twice: the full module, and with ACW_MEDIA_DECODER_ONLY a smaller one for pages that only
// play Opus (decoder, Ogg reader, RTP receive side, WAV, resampler).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "media/jitter_buffer.hpp"
#include "media/ogg_opus_reader.hpp"
#include "media/opus_decoder.hpp"
#include "media/opus_packet.hpp"
#include "media/resampler.hpp"
#include "media/rtp_depacketizer.hpp"
#include "media/rtp_packet.hpp"
#include "media/wav.hpp"
#ifndef ACW_MEDIA_DECODER_ONLY
#include "media/dtmf_detector.hpp"
#include "media/ogg_opus_writer.hpp"
#include "media/opus_encoder.hpp"
#include "media/rtp_packetizer.hpp"
#include "media/telephone_event.hpp"
#include "media/tone_generator.hpp"
#include "media/tone_plan.hpp"
#endif

namespace {

using emscripten::val;
namespace media = acw::media;

// ---- conversions -------------------------------------------------------------------------------

val js_error(const std::string& reason) {
  return val::global("Error").new_(val(reason));
}

// A JS copy of C++ data: slice() so the result survives memory growth and our vector's end.
template <class T>
val to_typed_array(const std::vector<T>& data) {
  return val(emscripten::typed_memory_view(data.size(), data.data())).call<val>("slice");
}

// A C++ copy of a JS typed array or array of numbers; undefined or null reads as empty.
template <class T>
std::vector<T> from_array(const val& array) {
  if (array.isUndefined() || array.isNull()) return {};
  return emscripten::convertJSArrayToNumberVector<T>(array);
}

// Option readers: a missing or undefined field takes the C++ default.
bool has(const val& options, const char* key) {
  return options.isUndefined() || options.isNull() ? false : !options[key].isUndefined();
}
int int_option(const val& options, const char* key, int fallback) {
  return has(options, key) ? options[key].as<int>() : fallback;
}
[[maybe_unused]] double number_option(const val& options, const char* key, double fallback) {
  return has(options, key) ? options[key].as<double>() : fallback;
}
bool bool_option(const val& options, const char* key, bool fallback) {
  return has(options, key) ? options[key].as<bool>() : fallback;
}
std::uint32_t u32_option(const val& options, const char* key, std::uint32_t fallback) {
  return has(options, key) ? static_cast<std::uint32_t>(options[key].as<double>()) : fallback;
}
[[maybe_unused]] std::string string_option(const val& options, const char* key,
                                           std::string fallback) {
  return has(options, key) ? options[key].as<std::string>() : fallback;
}

// ---- Opus --------------------------------------------------------------------------------------

val opus_packet_info(const val& bytes) {
  const auto packet = from_array<std::uint8_t>(bytes);
  auto info = media::parse_opus_packet_info(packet);
  if (!info) return js_error(info.error());
  val out = val::object();
  out.set("config", info->config);
  out.set("mode", info->mode == media::OpusMode::kSilk     ? "silk"
                  : info->mode == media::OpusMode::kHybrid ? "hybrid"
                                                           : "celt");
  out.set("bandwidthHz", info->bandwidth_hz);
  out.set("stereo", info->stereo);
  out.set("frameCount", info->frame_count);
  out.set("samples48k", info->samples_48k());
  return out;
}

val opus_packet_samples(const val& bytes, int sample_rate) {
  auto samples = media::opus_packet_samples(from_array<std::uint8_t>(bytes), sample_rate);
  if (!samples) return js_error(samples.error());
  return val(*samples);
}

class OpusDecoder {
 public:
  explicit OpusDecoder(const val& options) {
    media::OpusDecoderOptions o;
    o.sample_rate = int_option(options, "sampleRate", o.sample_rate);
    o.channels = int_option(options, "channels", o.channels);
    auto decoder = media::OpusDecoder::create(o);
    if (decoder) {
      decoder_.emplace(std::move(*decoder));
    } else {
      error_ = decoder.error();
    }
  }
  std::string error() const { return error_; }
  val decode(const val& packet) {
    if (!decoder_) return js_error(error_);
    return wrap(decoder_->decode(from_array<std::uint8_t>(packet)));
  }
  val decode_float(const val& packet) {
    if (!decoder_) return js_error(error_);
    return wrap(decoder_->decode_float(from_array<std::uint8_t>(packet)));
  }
  val conceal(int samples) {
    if (!decoder_) return js_error(error_);
    return wrap(decoder_->conceal(samples));
  }
  val decode_fec(const val& next_packet, int samples) {
    if (!decoder_) return js_error(error_);
    return wrap(decoder_->decode_fec(from_array<std::uint8_t>(next_packet), samples));
  }
  void reset() {
    if (decoder_) decoder_->reset();
  }
  int last_packet_duration() const { return decoder_ ? decoder_->last_packet_duration() : 0; }

  // The per-frame fast path js/media.js uses for decode(): JS copies the packet to input_ and
  // slices the PCM from output_ (both fixed in wasm memory), so one call with one number crosses
  // instead of typed arrays through val. Returns the sample count, or -1 (see last_error).
  std::uintptr_t input_pointer() const { return reinterpret_cast<std::uintptr_t>(input_.data()); }
  int input_capacity() const { return static_cast<int>(input_.size()); }
  std::uintptr_t output_pointer() const { return reinterpret_cast<std::uintptr_t>(output_.data()); }
  int decode_input(int length) {
    if (!decoder_) return fail(error_);
    if (length < 0 || static_cast<std::size_t>(length) > input_.size())
      return fail("bad packet length");
    auto n =
        decoder_->decode_into(std::span(input_).first(static_cast<std::size_t>(length)), output_);
    return n ? static_cast<int>(*n) : fail(n.error());
  }
  std::string last_error() const { return last_error_; }

 private:
  template <class T>
  static val wrap(const media::Result<std::vector<T>>& pcm) {
    return pcm ? to_typed_array(*pcm) : js_error(pcm.error());
  }
  int fail(const std::string& reason) {
    last_error_ = reason;
    return -1;
  }
  std::optional<media::OpusDecoder> decoder_;
  std::string error_;
  // RFC 6716 §3.4 R5: a packet of up to 48 frames of 1275 bytes plus framing; 120 ms of stereo.
  std::vector<std::uint8_t> input_ = std::vector<std::uint8_t>(48 * 1275 + 100);
  std::vector<std::int16_t> output_ = std::vector<std::int16_t>(5760 * 2);
  std::string last_error_;
};

#ifndef ACW_MEDIA_DECODER_ONLY
class OpusEncoder {
 public:
  explicit OpusEncoder(const val& options) {
    media::OpusEncoderOptions o;
    o.sample_rate = int_option(options, "sampleRate", o.sample_rate);
    o.channels = int_option(options, "channels", o.channels);
    const std::string application = string_option(options, "application", "voip");
    if (application == "audio") {
      o.application = media::OpusApplication::kAudio;
    } else if (application == "lowdelay") {
      o.application = media::OpusApplication::kRestrictedLowDelay;
    } else if (application != "voip") {
      error_ = "Opus application must be voip, audio or lowdelay";
      return;
    }
    o.bitrate = int_option(options, "bitrate", o.bitrate);
    o.complexity = int_option(options, "complexity", o.complexity);
    o.vbr = bool_option(options, "vbr", o.vbr);
    o.fec = bool_option(options, "fec", o.fec);
    o.packet_loss_percent = int_option(options, "packetLossPercent", o.packet_loss_percent);
    o.dtx = bool_option(options, "dtx", o.dtx);
    auto encoder = media::OpusEncoder::create(o);
    if (encoder) {
      encoder_.emplace(std::move(*encoder));
    } else {
      error_ = encoder.error();
    }
  }
  std::string error() const { return error_; }
  val encode(const val& pcm) {
    if (!encoder_) return js_error(error_);
    return wrap(encoder_->encode(from_array<std::int16_t>(pcm)));
  }
  val encode_float(const val& pcm) {
    if (!encoder_) return js_error(error_);
    return wrap(encoder_->encode_float(from_array<float>(pcm)));
  }
  val set_bitrate(int bitrate) {
    return status(encoder_ ? encoder_->set_bitrate(bitrate) : failed());
  }
  val set_complexity(int complexity) {
    return status(encoder_ ? encoder_->set_complexity(complexity) : failed());
  }
  val set_fec(bool on, int loss) {
    return status(encoder_ ? encoder_->set_fec(on, loss) : failed());
  }
  val set_dtx(bool on) { return status(encoder_ ? encoder_->set_dtx(on) : failed()); }
  int lookahead() const { return encoder_ ? encoder_->lookahead_48k() : 0; }

  // The per-frame fast path js/media.js uses for encode() (as OpusDecoder's): JS copies the PCM
  // to input_ and slices the packet from output_. Returns the packet size, or -1 (last_error).
  std::uintptr_t input_pointer() const { return reinterpret_cast<std::uintptr_t>(input_.data()); }
  int input_capacity() const { return static_cast<int>(input_.size()); }
  std::uintptr_t output_pointer() const { return reinterpret_cast<std::uintptr_t>(output_.data()); }
  int encode_input(int samples) {
    if (!encoder_) return fail(error_);
    if (samples < 0 || static_cast<std::size_t>(samples) > input_.size())
      return fail("bad frame length");
    auto n =
        encoder_->encode_into(std::span(input_).first(static_cast<std::size_t>(samples)), output_);
    return n ? static_cast<int>(*n) : fail(n.error());
  }
  std::string last_error() const { return last_error_; }

 private:
  int fail(const std::string& reason) {
    last_error_ = reason;
    return -1;
  }
  media::Result<bool> failed() const { return media::Error{error_}; }
  static val status(const media::Result<bool>& result) {
    return result ? val::undefined() : js_error(result.error());
  }
  static val wrap(const media::Result<std::vector<std::uint8_t>>& packet) {
    return packet ? to_typed_array(*packet) : js_error(packet.error());
  }
  std::optional<media::OpusEncoder> encoder_;
  std::string error_;
  std::vector<std::int16_t> input_ = std::vector<std::int16_t>(2880 * 2);  // 60 ms stereo
  std::vector<std::uint8_t> output_ = std::vector<std::uint8_t>(4000);
  std::string last_error_;
};
#endif

// ---- Ogg Opus ----------------------------------------------------------------------------------

val read_ogg_opus(const val& bytes) {
  auto file = media::read_ogg_opus(from_array<std::uint8_t>(bytes));
  if (!file) return js_error(file.error());
  val out = val::object();
  out.set("serial", file->serial);
  out.set("channels", file->head.channels);
  out.set("preSkip", file->head.pre_skip);
  out.set("inputSampleRate", file->head.input_sample_rate);
  out.set("outputGain", file->head.output_gain);
  out.set("vendor", file->tags.vendor);
  val comments = val::array();
  for (const auto& comment : file->tags.comments) comments.call<void>("push", comment);
  out.set("comments", comments);
  val packets = val::array();
  for (const auto& packet : file->packets) packets.call<void>("push", to_typed_array(packet));
  out.set("packets", packets);
  out.set("granulePosition", static_cast<double>(file->granule_position));
  out.set("playableSamples", static_cast<double>(file->playable_samples()));
  out.set("complete", file->complete);
  out.set("damage", file->damage);
  return out;
}

#ifndef ACW_MEDIA_DECODER_ONLY
class OggOpusWriter {
 public:
  explicit OggOpusWriter(const val& options) {
    media::OggOpusWriterOptions o;
    o.serial = u32_option(options, "serial", o.serial);
    o.channels = int_option(options, "channels", o.channels);
    o.pre_skip = int_option(options, "preSkip", o.pre_skip);
    o.input_sample_rate = u32_option(options, "inputSampleRate", o.input_sample_rate);
    o.vendor = string_option(options, "vendor", o.vendor);
    if (has(options, "comments")) {
      o.comments = emscripten::vecFromJSArray<std::string>(options["comments"]);
    }
    o.max_page_ms = int_option(options, "maxPageMs", o.max_page_ms);
    auto writer = media::OggOpusWriter::create(o);
    if (writer) {
      writer_.emplace(std::move(*writer));
    } else {
      error_ = writer.error();
    }
  }
  std::string error() const { return error_; }
  val headers() { return writer_ ? to_typed_array(writer_->headers()) : js_error(error_); }
  val write_packet(const val& packet) {
    if (!writer_) return js_error(error_);
    auto bytes = writer_->write_packet(from_array<std::uint8_t>(packet));
    return bytes ? to_typed_array(*bytes) : js_error(bytes.error());
  }
  val finish(double trim_samples) {
    if (!writer_) return js_error(error_);
    return to_typed_array(
        writer_->finish(trim_samples > 0 ? static_cast<std::uint64_t>(trim_samples) : 0));
  }
  double granule_position() const {
    return writer_ ? static_cast<double>(writer_->granule_position()) : 0;
  }

 private:
  std::optional<media::OggOpusWriter> writer_;
  std::string error_;
};
#endif

// ---- RTP ---------------------------------------------------------------------------------------

val rtp_to_js(const media::RtpPacket& packet) {
  val out = val::object();
  out.set("marker", packet.header.marker);
  out.set("payloadType", packet.header.payload_type);
  out.set("sequenceNumber", packet.header.sequence_number);
  out.set("timestamp", packet.header.timestamp);
  out.set("ssrc", packet.header.ssrc);
  val csrcs = val::array();
  for (const std::uint32_t csrc : packet.header.csrcs) csrcs.call<void>("push", csrc);
  out.set("csrcs", csrcs);
  out.set("hasExtension", packet.header.has_extension);
  out.set("payload", to_typed_array(packet.payload));
  return out;
}

val parse_rtp(const val& bytes) {
  auto packet = media::parse_rtp(from_array<std::uint8_t>(bytes));
  return packet ? rtp_to_js(*packet) : js_error(packet.error());
}

val serialize_rtp(const val& fields) {
  media::RtpPacket packet;
  packet.header.marker = bool_option(fields, "marker", false);
  const int payload_type = int_option(fields, "payloadType", 0);
  if (payload_type < 0 || payload_type > 127) return js_error("RTP payload type over 127");
  packet.header.payload_type = static_cast<std::uint8_t>(payload_type);
  packet.header.sequence_number =
      static_cast<std::uint16_t>(u32_option(fields, "sequenceNumber", 0));
  packet.header.timestamp = u32_option(fields, "timestamp", 0);
  packet.header.ssrc = u32_option(fields, "ssrc", 0);
  if (has(fields, "csrcs")) {
    for (const double csrc : emscripten::vecFromJSArray<double>(fields["csrcs"])) {
      packet.header.csrcs.push_back(static_cast<std::uint32_t>(csrc));
    }
  }
  if (has(fields, "payload")) packet.payload = from_array<std::uint8_t>(fields["payload"]);
  auto bytes = media::serialize_rtp(packet);
  return bytes ? to_typed_array(*bytes) : js_error(bytes.error());
}

#ifndef ACW_MEDIA_DECODER_ONLY
class RtpPacketizer {
 public:
  explicit RtpPacketizer(const val& options)
      : packetizer_(media::RtpPacketizerOptions{
            u32_option(options, "ssrc", 0),
            static_cast<std::uint8_t>(int_option(options, "payloadType", 111) & 0x7F),
            static_cast<std::uint16_t>(u32_option(options, "firstSequenceNumber", 0)),
            u32_option(options, "firstTimestamp", 0)}) {}
  val packetize(const val& payload, double duration, bool marker) {
    auto bytes = packetizer_.packetize(from_array<std::uint8_t>(payload),
                                       static_cast<std::uint32_t>(duration), marker);
    return bytes ? to_typed_array(*bytes) : js_error(bytes.error());
  }
  val packetize_other(const val& payload, int payload_type, double timestamp_offset, bool marker) {
    if (payload_type < 0 || payload_type > 127) return js_error("RTP payload type over 127");
    auto bytes = packetizer_.packetize_other(from_array<std::uint8_t>(payload),
                                             static_cast<std::uint8_t>(payload_type),
                                             static_cast<std::uint32_t>(timestamp_offset), marker);
    return bytes ? to_typed_array(*bytes) : js_error(bytes.error());
  }
  void skip(double duration) { packetizer_.skip(static_cast<std::uint32_t>(duration)); }
  double ssrc() const { return packetizer_.ssrc(); }
  int next_sequence_number() const { return packetizer_.next_sequence_number(); }
  double next_timestamp() const { return packetizer_.next_timestamp(); }

 private:
  media::RtpPacketizer packetizer_;
};
#endif

// The receive side in one object: datagrams in (RFC 3550 §A.1 checks, then the jitter buffer),
// one frame out per pop() on the playout clock.
class RtpReceiver {
 public:
  explicit RtpReceiver(const val& options)
      : buffer_(media::JitterBufferOptions{
            static_cast<std::size_t>(int_option(options, "targetPackets", 3) > 0
                                         ? int_option(options, "targetPackets", 3)
                                         : 1),
            static_cast<std::size_t>(int_option(options, "maxPackets", 50) > 0
                                         ? int_option(options, "maxPackets", 50)
                                         : 1)}) {}
  val push(const val& datagram) {
    auto received = depacketizer_.receive(from_array<std::uint8_t>(datagram));
    if (!received) return js_error(received.error());
    switch (buffer_.insert(std::move(*received))) {
      case media::JitterBufferInsert::kAccepted:
        return val("accepted");
      case media::JitterBufferInsert::kDuplicate:
        return val("duplicate");
      case media::JitterBufferInsert::kLate:
        return val("late");
      case media::JitterBufferInsert::kOverflow:
        break;
    }
    return val("overflow");
  }
  val pop() {
    auto frame = buffer_.pop();
    if (!frame) return val::null();
    val out = frame->kind == media::JitterBufferFrame::Kind::kPacket ? rtp_to_js(frame->packet)
                                                                     : val::object();
    out.set("kind", frame->kind == media::JitterBufferFrame::Kind::kPacket ? "packet" : "lost");
    out.set("extendedSequence", static_cast<double>(frame->extended_sequence));
    return out;
  }
  val stats() const {
    const auto& s = buffer_.stats();
    val out = val::object();
    out.set("accepted", static_cast<double>(s.accepted));
    out.set("reordered", static_cast<double>(s.reordered));
    out.set("duplicates", static_cast<double>(s.duplicates));
    out.set("late", static_cast<double>(s.late));
    out.set("overflow", static_cast<double>(s.overflow));
    out.set("lost", static_cast<double>(s.lost));
    out.set("underruns", static_cast<double>(s.underruns));
    out.set("refused", static_cast<double>(depacketizer_.stats().refused));
    return out;
  }
  int size() const { return static_cast<int>(buffer_.size()); }
  bool buffering() const { return buffer_.buffering(); }

 private:
  media::RtpDepacketizer depacketizer_;
  media::JitterBuffer buffer_;
};

// ---- RFC 4733 ----------------------------------------------------------------------------------

#ifndef ACW_MEDIA_DECODER_ONLY
val parse_telephone_event(const val& bytes) {
  auto event = media::parse_telephone_event(from_array<std::uint8_t>(bytes));
  if (!event) return js_error(event.error());
  val out = val::object();
  out.set("event", event->event);
  const auto digit = media::dtmf_digit(event->event);
  out.set("digit", digit ? val(std::string(1, *digit)) : val::null());
  out.set("end", event->end);
  out.set("volume", event->volume);
  out.set("duration", event->duration);
  return out;
}

val encode_dtmf_digits(const std::string& digits, const val& options) {
  media::TelephoneEventTiming timing;
  timing.clock_rate = int_option(options, "clockRate", timing.clock_rate);
  timing.tone_ms = int_option(options, "toneMs", timing.tone_ms);
  timing.gap_ms = int_option(options, "gapMs", timing.gap_ms);
  timing.packet_ms = int_option(options, "packetMs", timing.packet_ms);
  const int volume = int_option(options, "volume", timing.volume);
  if (volume < 0 || volume > 63) return js_error("telephone-event volume out of range");
  timing.volume = static_cast<std::uint8_t>(volume);
  auto packets = media::encode_dtmf_digits(digits, timing);
  if (!packets) return js_error(packets.error());
  val out = val::array();
  for (const auto& packet : *packets) {
    val p = val::object();
    p.set("sendAtMs", packet.send_at_ms);
    p.set("timestampOffset", packet.timestamp_offset);
    p.set("marker", packet.marker);
    p.set("payload", to_typed_array(packet.payload));
    out.call<void>("push", p);
  }
  return out;
}

class TelephoneEventReceiver {
 public:
  // The digit this packet begins, or "" (RFC 4733 §2.5.2: reported once per event).
  std::string receive(double rtp_timestamp, const val& payload) {
    auto digit = receiver_.receive(static_cast<std::uint32_t>(rtp_timestamp),
                                   from_array<std::uint8_t>(payload));
    return digit ? std::string(1, *digit) : std::string();
  }

 private:
  media::TelephoneEventReceiver receiver_;
};

// ---- tones and DTMF detection ------------------------------------------------------------------

class ToneGenerator {
 public:
  // {tone: 'ringback' | 'ringtone' | 'busy' | 'dtmf', country: 'uk' | 'us', digits, onMs, offMs,
  //  sampleRate, levelDbfs}
  explicit ToneGenerator(const val& options) {
    const std::string tone = string_option(options, "tone", "ringback");
    auto country = media::parse_tone_country(string_option(options, "country", "uk"));
    media::Result<media::ToneCadence> cadence =
        media::Error{"unknown tone (ringback, ringtone, busy or dtmf)"};
    if (tone == "dtmf") {
      cadence =
          media::dtmf_cadence(string_option(options, "digits", ""),
                              int_option(options, "onMs", 100), int_option(options, "offMs", 100));
    } else if (!country) {
      cadence = media::Error{country.error()};
    } else if (tone == "ringback") {
      cadence = media::ringback_cadence(*country);
    } else if (tone == "ringtone") {
      cadence = media::ringtone_cadence(*country);
    } else if (tone == "busy") {
      cadence = media::busy_cadence(*country);
    }
    if (!cadence) {
      error_ = cadence.error();
      return;
    }
    auto generator =
        media::ToneGenerator::create(std::move(*cadence), int_option(options, "sampleRate", 48000),
                                     number_option(options, "levelDbfs", -13.0));
    if (generator) {
      generator_.emplace(std::move(*generator));
    } else {
      error_ = generator.error();
    }
  }
  std::string error() const { return error_; }
  val generate(int count) {
    if (!generator_) return js_error(error_);
    if (count < 0 || count > 48000 * 60) return js_error("sample count out of range");
    return to_typed_array(generator_->generate(static_cast<std::size_t>(count)));
  }
  bool finished() const { return !generator_ || generator_->finished(); }
  double cycle_samples() const {
    return generator_ ? static_cast<double>(generator_->cycle_samples()) : 0;
  }
  void restart() {
    if (generator_) generator_->restart();
  }

 private:
  std::optional<media::ToneGenerator> generator_;
  std::string error_;
};

class DtmfDetector {
 public:
  explicit DtmfDetector(const val& options) {
    media::DtmfDetectorOptions o;
    o.sample_rate = int_option(options, "sampleRate", o.sample_rate);
    o.min_level_dbfs = number_option(options, "minLevelDbfs", o.min_level_dbfs);
    o.max_twist_db = number_option(options, "maxTwistDb", o.max_twist_db);
    o.min_energy_share = number_option(options, "minEnergyShare", o.min_energy_share);
    auto detector = media::DtmfDetector::create(o);
    if (detector) {
      detector_.emplace(std::move(*detector));
    } else {
      error_ = detector.error();
    }
  }
  std::string error() const { return error_; }
  val process(const val& pcm) {
    if (!detector_) return js_error(error_);
    return val(detector_->process(from_array<std::int16_t>(pcm)));
  }
  void reset() {
    if (detector_) detector_->reset();
  }

 private:
  std::optional<media::DtmfDetector> detector_;
  std::string error_;
};
#endif

// ---- WAV and resampling ------------------------------------------------------------------------

val read_wav(const val& bytes) {
  auto audio = media::read_wav(from_array<std::uint8_t>(bytes));
  if (!audio) return js_error(audio.error());
  val out = val::object();
  out.set("sampleRate", audio->sample_rate);
  out.set("channels", audio->channels);
  out.set("samples", to_typed_array(audio->samples));
  return out;
}

val write_wav(const val& samples, int sample_rate, int channels) {
  auto file = media::write_wav(from_array<std::int16_t>(samples), sample_rate, channels);
  return file ? to_typed_array(*file) : js_error(file.error());
}

class Resampler {
 public:
  Resampler(int input_rate, int output_rate, int channels) {
    auto resampler = media::Resampler::create(input_rate, output_rate, channels);
    if (resampler) {
      resampler_.emplace(std::move(*resampler));
    } else {
      error_ = resampler.error();
    }
  }
  std::string error() const { return error_; }
  val process(const val& pcm) {
    if (!resampler_) return js_error(error_);
    return to_typed_array(resampler_->process(from_array<std::int16_t>(pcm)));
  }
  val process_float(const val& pcm) {
    if (!resampler_) return js_error(error_);
    return to_typed_array(resampler_->process_float(from_array<float>(pcm)));
  }
  double delay() const { return resampler_ ? resampler_->delay() : 0; }
  void reset() {
    if (resampler_) resampler_->reset();
  }

 private:
  std::optional<media::Resampler> resampler_;
  std::string error_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(acw_media) {
  using emscripten::class_;
  using emscripten::function;

  function("opusPacketInfo", &opus_packet_info);
  function("opusPacketSamples", &opus_packet_samples);
  class_<OpusDecoder>("OpusDecoder")
      .constructor<val>()
      .function("error", &OpusDecoder::error)
      .function("decode", &OpusDecoder::decode)
      .function("decodeFloat", &OpusDecoder::decode_float)
      .function("conceal", &OpusDecoder::conceal)
      .function("decodeFec", &OpusDecoder::decode_fec)
      .function("reset", &OpusDecoder::reset)
      .function("lastPacketDuration", &OpusDecoder::last_packet_duration)
      .function("inputPointer", &OpusDecoder::input_pointer)
      .function("inputCapacity", &OpusDecoder::input_capacity)
      .function("outputPointer", &OpusDecoder::output_pointer)
      .function("decodeInput", &OpusDecoder::decode_input)
      .function("lastError", &OpusDecoder::last_error);
  function("readOggOpus", &read_ogg_opus);
  function("parseRtp", &parse_rtp);
  function("serializeRtp", &serialize_rtp);
  class_<RtpReceiver>("RtpReceiver")
      .constructor<val>()
      .function("push", &RtpReceiver::push)
      .function("pop", &RtpReceiver::pop)
      .function("stats", &RtpReceiver::stats)
      .function("size", &RtpReceiver::size)
      .function("buffering", &RtpReceiver::buffering);
  function("readWav", &read_wav);
  function("writeWav", &write_wav);
  class_<Resampler>("Resampler")
      .constructor<int, int, int>()
      .function("error", &Resampler::error)
      .function("process", &Resampler::process)
      .function("processFloat", &Resampler::process_float)
      .function("delay", &Resampler::delay)
      .function("reset", &Resampler::reset);

#ifndef ACW_MEDIA_DECODER_ONLY
  class_<OpusEncoder>("OpusEncoder")
      .constructor<val>()
      .function("error", &OpusEncoder::error)
      .function("encode", &OpusEncoder::encode)
      .function("encodeFloat", &OpusEncoder::encode_float)
      .function("setBitrate", &OpusEncoder::set_bitrate)
      .function("setComplexity", &OpusEncoder::set_complexity)
      .function("setFec", &OpusEncoder::set_fec)
      .function("setDtx", &OpusEncoder::set_dtx)
      .function("lookahead", &OpusEncoder::lookahead)
      .function("inputPointer", &OpusEncoder::input_pointer)
      .function("inputCapacity", &OpusEncoder::input_capacity)
      .function("outputPointer", &OpusEncoder::output_pointer)
      .function("encodeInput", &OpusEncoder::encode_input)
      .function("lastError", &OpusEncoder::last_error);
  class_<OggOpusWriter>("OggOpusWriter")
      .constructor<val>()
      .function("error", &OggOpusWriter::error)
      .function("headers", &OggOpusWriter::headers)
      .function("writePacket", &OggOpusWriter::write_packet)
      .function("finish", &OggOpusWriter::finish)
      .function("granulePosition", &OggOpusWriter::granule_position);
  class_<RtpPacketizer>("RtpPacketizer")
      .constructor<val>()
      .function("packetize", &RtpPacketizer::packetize)
      .function("packetizeOther", &RtpPacketizer::packetize_other)
      .function("skip", &RtpPacketizer::skip)
      .function("ssrc", &RtpPacketizer::ssrc)
      .function("nextSequenceNumber", &RtpPacketizer::next_sequence_number)
      .function("nextTimestamp", &RtpPacketizer::next_timestamp);
  function("parseTelephoneEvent", &parse_telephone_event);
  function("encodeDtmfDigits", &encode_dtmf_digits);
  class_<TelephoneEventReceiver>("TelephoneEventReceiver")
      .constructor<>()
      .function("receive", &TelephoneEventReceiver::receive);
  class_<ToneGenerator>("ToneGenerator")
      .constructor<val>()
      .function("error", &ToneGenerator::error)
      .function("generate", &ToneGenerator::generate)
      .function("finished", &ToneGenerator::finished)
      .function("cycleSamples", &ToneGenerator::cycle_samples)
      .function("restart", &ToneGenerator::restart);
  class_<DtmfDetector>("DtmfDetector")
      .constructor<val>()
      .function("error", &DtmfDetector::error)
      .function("process", &DtmfDetector::process)
      .function("reset", &DtmfDetector::reset);
#endif
}
