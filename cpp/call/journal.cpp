// Writing an engine session down: the engine's compact records, and the JSON lines they become
// (our own writer: reading the lines is in replay.cpp, with nlohmann/json, native only).
#include "call/journal.hpp"

#include <cstdint>
#include <optional>
#include <vector>

#include "call/engine.hpp"
#include "call/join.hpp"
#include "call/json_object.hpp"
#include "call/token.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

// RFC 3629 well-formed UTF-8 (no overlong forms, no surrogates), so the JSON writer never has
// to replace a byte and the text reads back as it was.
bool valid_utf8(std::string_view s) {
  bool well_formed = true;
  for (std::size_t i = 0; i < s.size() && well_formed;) i += utf8_sequence(s, i, &well_formed);
  return well_formed;
}

std::string hex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

void put_text(JsonObject& j, std::string_view name, const std::string& value,
              bool even_empty = false) {
  if (value.empty() && !even_empty) return;
  if (valid_utf8(value)) {
    j.string(name, value);
  } else {
    j.string(join({name, "Hex"}), hex(value));
  }
}

}  // namespace

// ---- The records (written by the page's core: keep this part small)

namespace {

void put_number(std::string& out, int64_t value) {
  text::append_signed_decimal(out, value);
  out += ' ';
}

void put_string(std::string& out, std::string_view value) {
  text::append_decimal(out, value.size());
  out += ':';
  out += value;
}

void put_strings(std::string& out, const std::vector<std::string>& values) {
  put_number(out, static_cast<int64_t>(values.size()));
  for (const std::string& value : values) put_string(out, value);
}

// An optional as -1 when absent.
template <typename T>
void put_optional(std::string& out, const std::optional<T>& value) {
  put_number(out, value ? static_cast<int64_t>(*value) : -1);
}

}  // namespace

void append_config_record(std::string& out, const Config& config, bool keep_secrets) {
  out += 'C';
  for (const std::string* s : {&config.cloud_id, &config.web_rtc_access_key, &config.client_id,
                               &config.url, &config.options})
    put_string(out, *s);
  put_string(out, text::decimal(config.seed));  // 64 bits: more than put_number's int64_t
  put_number(out, config.log_level);
  put_number(out, keep_secrets ? 1 : 0);
}

void append_input_record(std::string& out, const Input& input) {
  out += 'I';
  put_number(out, static_cast<int64_t>(input.kind));
  put_number(out, input.now);
  put_number(out, input.call);
  put_number(out, input.number);
  put_string(out, input.text);
  put_string(out, input.text2);
  put_number(out, input.ice_servers ? 1 : 0);
  put_string(out, input.ice_servers.value_or(""));
  const CallOptions& o = input.options;
  put_strings(out, o.audio_codecs);
  put_strings(out, o.video_codecs);
  put_optional(out, o.max_bitrate_audio);
  put_optional(out, o.max_bitrate_video);
  put_optional(out, o.receive_audio);
  put_optional(out, o.receive_video);
  put_strings(out, o.extra_sip_headers);
}

void append_full_record(std::string& out, int64_t now, std::size_t max_bytes) {
  out += 'F';
  put_number(out, now);
  put_number(out, static_cast<int64_t>(max_bytes));
}

// ---- The journal's text (read time: not in the page's core)

std::string journal_header(const Config& config, bool keep_secrets) {
  return JsonObject()
      .integer("journal", 1)
      .string("cloudId", config.cloud_id)
      .string("webRtcAccessKey", config.web_rtc_access_key)
      .string("clientId", config.client_id)
      .string("url", config.url)
      .string("seed", text::decimal(config.seed))  // as text: a JS number cannot hold 64 bits
      .integer("logLevel", config.log_level)
      .string("options", config.options)
      .string("secrets", keep_secrets ? "kept" : "redacted")
      .text();
}

std::string journal_line(const Input& input, bool keep_secrets) {
  JsonObject j;
  j.integer("t", input.now);
  j.string("in", input_kind_name(input.kind));
  if (input.call != 0) j.integer("call", input.call);
  if (keep_secrets) {
    put_text(j, "text", input.text);
    put_text(j, "text2", input.text2);
  } else {
    put_text(j, "text",
             input.kind == InputKind::kEnableIncoming ? redact_token(input.text)
             : input.kind == InputKind::kFrame        ? redact_frame(input.text)
                                                      : input.text);
    put_text(j, "text2",
             input.kind == InputKind::kCallClient ? redact_token(input.text2) : input.text2);
  }
  if (input.number != 0) j.integer("number", input.number);
  if (input.ice_servers) put_text(j, "iceServers", *input.ice_servers, true);
  const CallOptions& o = input.options;
  {
    JsonObject options;
    if (!o.audio_codecs.empty()) options.strings("audioCodecs", o.audio_codecs);
    if (!o.video_codecs.empty()) options.strings("videoCodecs", o.video_codecs);
    if (o.max_bitrate_audio) options.integer("maxBitrateAudio", *o.max_bitrate_audio);
    if (o.max_bitrate_video) options.integer("maxBitrateVideo", *o.max_bitrate_video);
    if (o.receive_audio) options.boolean("receiveAudio", *o.receive_audio);
    if (o.receive_video) options.boolean("receiveVideo", *o.receive_video);
    if (!o.extra_sip_headers.empty()) options.strings("extraSipHeaders", o.extra_sip_headers);
    if (!options.empty()) j.object("options", options);
  }
  return j.text();
}

std::string journal_full_line(int64_t now, std::size_t max_bytes) {
  return JsonObject().integer("t", now).integer("full", static_cast<int64_t>(max_bytes)).text();
}

namespace {

// Reads the records' fields back; any field that does not read leaves ok false for good.
class RecordReader {
 public:
  explicit RecordReader(std::string_view records) : rest_(records) {}

  bool ok() const { return ok_; }
  bool done() const { return rest_.empty(); }
  char letter() { return take(1).empty() ? '\0' : consumed_.front(); }

  int64_t number() {
    auto end = rest_.find(' ');
    std::string_view digits = take(end);
    take(1);
    bool negative = !digits.empty() && digits.front() == '-';
    if (negative) digits.remove_prefix(1);
    auto value = text::parse_decimal(digits, uint64_t{1} << 62);
    if (!value) ok_ = false;
    return value ? (negative ? -static_cast<int64_t>(*value) : static_cast<int64_t>(*value)) : 0;
  }

  std::string string() {
    auto colon = rest_.find(':');
    auto size = text::parse_decimal(take(colon), rest_.size());
    take(1);
    if (!size) ok_ = false;
    return std::string(take(size.value_or(0)));
  }

  std::vector<std::string> strings() {
    std::vector<std::string> out;
    for (int64_t n = number(); ok_ && n > 0; --n) out.push_back(string());
    return out;
  }

  template <typename T>
  std::optional<T> optional() {
    int64_t v = number();
    return v < 0 ? std::nullopt : std::optional<T>(static_cast<T>(v));
  }

 private:
  // The next n bytes (npos or past the end: all that is left, and ok false).
  std::string_view take(std::size_t n) {
    if (n == std::string_view::npos || n > rest_.size()) {
      ok_ = false;
      n = rest_.size();
    }
    consumed_ = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return consumed_;
  }

  std::string_view rest_;
  std::string_view consumed_;
  bool ok_ = true;
};

}  // namespace

std::string Engine::journal() const {
  return journal_text(records_).text;  // the engine's own records always read
}

JournalText journal_text(std::string_view records) {
  JournalText out;
  RecordReader r(records);
  if (r.letter() != 'C') return {{}, "the records do not start with the config"};
  Config config;
  for (std::string* s : {&config.cloud_id, &config.web_rtc_access_key, &config.client_id,
                         &config.url, &config.options})
    *s = r.string();
  config.seed = text::parse_decimal(r.string(), UINT64_MAX).value_or(0);
  config.log_level = static_cast<int>(r.number());
  const bool keep_secrets = r.number() == 1;
  if (!r.ok()) return {{}, "the config record does not read"};
  out.text = journal_header(config, keep_secrets) + '\n';
  for (std::size_t n = 1; !r.done(); ++n) {
    const char letter = r.letter();
    if (letter == 'F') {
      int64_t now = r.number();
      int64_t max_bytes = r.number();
      if (r.ok()) out.text += journal_full_line(now, static_cast<std::size_t>(max_bytes)) + '\n';
      break;
    }
    Input input;
    const int64_t kind = r.number();
    input.kind = static_cast<InputKind>(kind >= 0 && kind < kInputKindCount ? kind : 0);
    input.now = r.number();
    input.call = static_cast<CallHandle>(r.number());
    input.number = static_cast<int>(r.number());
    input.text = r.string();
    input.text2 = r.string();
    const bool has_ice_servers = r.number() == 1;
    std::string ice_servers = r.string();
    if (has_ice_servers) input.ice_servers = std::move(ice_servers);
    CallOptions& o = input.options;
    o.audio_codecs = r.strings();
    o.video_codecs = r.strings();
    o.max_bitrate_audio = r.optional<uint32_t>();
    o.max_bitrate_video = r.optional<uint32_t>();
    o.receive_audio = r.optional<bool>();
    o.receive_video = r.optional<bool>();
    o.extra_sip_headers = r.strings();
    if (letter != 'I' || kind < 0 || kind >= kInputKindCount || !r.ok()) {
      out.error = join({"record ", text::decimal(n), " does not read"});
      break;
    }
    out.text += journal_line(input, keep_secrets) + '\n';
  }
  return out;
}

}  // namespace acw::call
