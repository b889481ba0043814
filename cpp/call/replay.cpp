// Reading a journal back (nlohmann/json's parser: native only) and replaying it into a fresh
// engine.
#include "call/replay.hpp"

#include <cstdlib>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <utility>

#include "text/decimal.hpp"

namespace acw::call {
namespace {

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = value(text[i]);
    int lo = value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// A text field, plain or as "<name>Hex"; false when present but malformed.
bool get_text(const nlohmann::json& j, const std::string& name, std::optional<std::string>* out) {
  if (auto it = j.find(name); it != j.end()) {
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  }
  if (auto it = j.find(name + "Hex"); it != j.end()) {
    if (!it->is_string()) return false;
    auto bytes = unhex(it->get<std::string>());
    if (!bytes) return false;
    *out = std::move(bytes);
  }
  return true;
}

bool get_strings(const nlohmann::json& j, const char* name, std::vector<std::string>* out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& element : *it) {
    if (!element.is_string()) return false;
    out->push_back(element.get<std::string>());
  }
  return true;
}

bool get_bool(const nlohmann::json& j, const char* name, std::optional<bool>* out) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_boolean()) return false;
  *out = it->get<bool>();
  return true;
}

std::optional<Input> parse_input(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  Input input;
  auto t = j.find("t");
  auto in = j.find("in");
  if (t == j.end() || !t->is_number_integer() || in == j.end() || !in->is_string())
    return std::nullopt;
  input.now = t->get<int64_t>();
  auto kind = input_kind_from_name(in->get<std::string>());
  if (!kind) return std::nullopt;
  input.kind = *kind;
  if (auto call = j.find("call"); call != j.end()) {
    if (!call->is_number_unsigned()) return std::nullopt;
    input.call = call->get<CallHandle>();
  }
  std::optional<std::string> text;
  std::optional<std::string> text2;
  if (!get_text(j, "text", &text) || !get_text(j, "text2", &text2) ||
      !get_text(j, "iceServers", &input.ice_servers)) {
    return std::nullopt;
  }
  input.text = text.value_or("");
  input.text2 = text2.value_or("");
  if (auto number = j.find("number"); number != j.end()) {
    if (!number->is_number_integer()) return std::nullopt;
    input.number = number->get<int>();
  }
  if (auto options = j.find("options"); options != j.end()) {
    if (!options->is_object()) return std::nullopt;
    CallOptions& o = input.options;
    if (!get_strings(*options, "audioCodecs", &o.audio_codecs) ||
        !get_strings(*options, "videoCodecs", &o.video_codecs) ||
        !get_strings(*options, "extraSipHeaders", &o.extra_sip_headers) ||
        !get_bool(*options, "receiveAudio", &o.receive_audio) ||
        !get_bool(*options, "receiveVideo", &o.receive_video)) {
      return std::nullopt;
    }
    for (auto [name, out] : {std::pair{"maxBitrateAudio", &o.max_bitrate_audio},
                             std::pair{"maxBitrateVideo", &o.max_bitrate_video}}) {
      if (auto bitrate = options->find(name); bitrate != options->end()) {
        if (!bitrate->is_number_unsigned()) return std::nullopt;
        *out = bitrate->get<uint32_t>();
      }
    }
  }
  return input;
}

std::optional<Config> parse_header(const nlohmann::json& j) {
  if (!j.is_object() || j.value("journal", 0) != 1) return std::nullopt;
  Config config;
  auto text = [&](const char* name, std::string* out) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  std::string seed;
  if (!text("cloudId", &config.cloud_id) || !text("webRtcAccessKey", &config.web_rtc_access_key) ||
      !text("clientId", &config.client_id) || !text("url", &config.url) || !text("seed", &seed)) {
    return std::nullopt;
  }
  char* end = nullptr;
  config.seed = std::strtoull(seed.c_str(), &end, 10);
  if (seed.empty() || *end != '\0') return std::nullopt;
  config.log_level = j.value("logLevel", 0);
  if (j.contains("options") && !text("options", &config.options)) return std::nullopt;
  return config;
}

}  // namespace

std::optional<Journal> parse_journal(std::string_view text, std::string* error) {
  Journal journal;
  bool header = true;
  std::size_t line_number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_number;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    auto fail = [&](const char* why) {
      if (error) *error = std::string(why) + " on line " + text::decimal(line_number);
      return std::nullopt;
    };
    if (j.is_discarded()) return fail("bad JSON");
    if (header) {
      auto config = parse_header(j);
      if (!config) return fail("bad journal header");
      journal.config = std::move(*config);
      header = false;
      continue;
    }
    if (j.is_object() && j.contains("full")) {
      journal.full = true;
      break;
    }
    auto input = parse_input(j);
    if (!input) return fail("bad input");
    journal.inputs.push_back(std::move(*input));
  }
  if (header) {
    if (error) *error = "empty journal";
    return std::nullopt;
  }
  return journal;
}

std::vector<Output> replay(const Journal& journal) {
  Engine engine(journal.config);
  std::vector<Output> outputs;
  for (const auto& input : journal.inputs) {
    engine.handle(input);
    while (auto output = engine.poll()) outputs.push_back(std::move(*output));
  }
  return outputs;
}

}  // namespace acw::call
