// Audio bitrate cap: b=AS, b=TIAS and Opus maxaveragebitrate (RFC 8866 §5.8, RFC 3890, RFC 7587).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "sdp/attributes.hpp"
#include "sdp/grammar.hpp"
#include "sdp/session.hpp"
#include "text/decimal.hpp"

namespace acw::sdp {
namespace {

using grammar::decimal;
using grammar::iequals;

// RFC 7587 §6.1: maxaveragebitrate "in the range of 6000 to 510000".
constexpr uint32_t kOpusMinBitrate = 6000;
constexpr uint32_t kOpusMaxBitrate = 510000;
constexpr std::size_t kPayloadTypes = 128;
constexpr std::string_view kMaxAverageBitrate = "maxaveragebitrate";

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// "b=AS:64" is a bandwidth line of type "AS" (bwtype compared without case).
bool is_bandwidth_of(std::string_view line, std::string_view type) {
  if (line.size() < 2 || line[0] != 'b' || line[1] != '=') return false;
  line.remove_prefix(2);
  return iequals(line.substr(0, line.find(':')), type);
}

// RFC 8866 §5.8 (AS, kilobits per second) and RFC 3890 §6 (TIAS, bits per second), replacing
// what was there, placed after i= and c= as RFC 8866 §5 orders them (i, c, b, k).
void set_bandwidth(MediaSection& section, uint32_t bits_per_second) {
  auto& lines = section.lines;
  lines.erase(std::remove_if(lines.begin(), lines.end(),
                             [](const std::string& line) {
                               return is_bandwidth_of(line, "AS") || is_bandwidth_of(line, "TIAS");
                             }),
              lines.end());
  std::size_t at = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].empty() && (lines[i][0] == 'i' || lines[i][0] == 'c')) at = i + 1;
  }
  const uint32_t kilobits = bits_per_second / 1000 + (bits_per_second % 1000 != 0 ? 1 : 0);
  const auto position = lines.begin() + static_cast<std::ptrdiff_t>(at);
  lines.insert(position,
               {"b=AS:" + text::decimal(kilobits), "b=TIAS:" + text::decimal(bits_per_second)});
}

// The format-specific parameters "a=b;c=d" with maxaveragebitrate at most cap: lowered when
// higher or unreadable, added when absent, kept when already lower.
std::string capped_params(std::string_view params, uint32_t cap) {
  std::string out;
  out.reserve(params.size() + 32);
  bool found = false;
  std::size_t position = 0;
  while (true) {
    std::size_t end = params.find(';', position);
    const bool last = end == std::string_view::npos;
    if (last) end = params.size();
    const std::string_view param = params.substr(position, end - position);
    const std::size_t equals = param.find('=');
    if (iequals(trim(param.substr(0, equals)), kMaxAverageBitrate)) {
      found = true;
      const auto current =
          equals == std::string_view::npos
              ? std::nullopt
              : decimal(trim(param.substr(equals + 1)), std::numeric_limits<uint32_t>::max());
      if (current && *current <= cap) {
        out += param;
      } else {
        out += param.substr(0, equals);
        out += '=';
        text::append_decimal(out, cap);
      }
    } else {
      out += param;
    }
    if (last) break;
    out += ';';
    position = end + 1;
  }
  if (!found) {
    const std::string added = std::string(kMaxAverageBitrate) + '=' + text::decimal(cap);
    if (trim(out).empty()) {
      out = added;
    } else {
      if (out.back() != ';') out += ';';
      out += added;
    }
  }
  return out;
}

// The payload type an a=fmtp or a=rtcp-fb value starts with, when it is an RTP one.
std::optional<std::size_t> leading_payload_type(std::string_view value) {
  const auto pt = decimal(value.substr(0, value.find(' ')), kPayloadTypes - 1);
  if (!pt) return std::nullopt;
  return static_cast<std::size_t>(*pt);
}

bool is_opus(std::string_view rtpmap_value) {
  const auto rtpmap = parse_rtpmap(rtpmap_value);
  return rtpmap && iequals(rtpmap->encoding, "opus");
}

void cap_opus(MediaSection& section, uint32_t cap) {
  std::array<bool, kPayloadTypes> opus{};
  bool any = false;
  for (const Rtpmap& rtpmap : section.rtpmaps()) {
    if (iequals(rtpmap.encoding, "opus")) {
      opus[static_cast<std::size_t>(rtpmap.payload_type)] = true;
      any = true;
    }
  }
  if (!any) return;
  std::array<bool, kPayloadTypes> has_fmtp{};
  bool missing = false;
  for (Attribute& attribute : section.attributes) {
    if (attribute.name != "fmtp" || !attribute.has_value) continue;
    const auto pt = leading_payload_type(attribute.value);
    if (!pt || !opus[*pt]) continue;
    has_fmtp[*pt] = true;
    const std::size_t space = attribute.value.find(' ');
    const std::string_view params = space == std::string_view::npos
                                        ? std::string_view()
                                        : std::string_view(attribute.value).substr(space + 1);
    attribute.value = attribute.value.substr(0, space) + ' ' + capped_params(params, cap);
  }
  for (std::size_t pt = 0; pt < kPayloadTypes; ++pt) {
    missing = missing || (opus[pt] && !has_fmtp[pt]);
  }
  if (!missing) return;
  // An Opus payload type without a=fmtp gets one after its a=rtpmap and a=rtcp-fb lines, where
  // browsers write it.
  std::vector<Attribute> rebuilt;
  rebuilt.reserve(section.attributes.size() + 4);
  std::optional<std::size_t> pending;
  const auto flush = [&]() {
    if (!pending) return;
    rebuilt.push_back(
        Attribute{"fmtp", text::decimal(*pending) + ' ' + capped_params({}, cap), true});
    pending.reset();
  };
  for (Attribute& attribute : section.attributes) {
    const bool has_pt =
        attribute.has_value && (attribute.name == "rtpmap" || attribute.name == "rtcp-fb");
    const auto pt = has_pt ? leading_payload_type(attribute.value) : std::nullopt;
    if (pending && !(attribute.name == "rtcp-fb" && pt == pending)) flush();
    const bool opens =
        attribute.name == "rtpmap" && pt && opus[*pt] && !has_fmtp[*pt] && is_opus(attribute.value);
    rebuilt.push_back(std::move(attribute));
    if (opens) {
      has_fmtp[*pt] = true;
      pending = pt;
    }
  }
  flush();
  section.attributes = std::move(rebuilt);
}

}  // namespace

void cap_audio_bitrate(SessionDescription& sdp, uint32_t bits_per_second) {
  // One figure means the same in every place; below 6000 b=AS would round to nothing useful.
  const uint32_t cap = std::clamp(bits_per_second, kOpusMinBitrate, kOpusMaxBitrate);
  for (MediaSection& section : sdp.media) {
    if (!iequals(section.media, "audio")) continue;
    set_bandwidth(section, cap);
    cap_opus(section, cap);
  }
}

}  // namespace acw::sdp
