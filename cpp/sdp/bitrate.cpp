// Bitrate caps: b=AS and b=TIAS (RFC 8866 §5.8, RFC 3890), and for audio Opus maxaveragebitrate
// (RFC 7587).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "sdp/attributes.hpp"
#include "sdp/grammar.hpp"
#include "sdp/session.hpp"
#include "text/ascii.hpp"
#include "text/decimal.hpp"

namespace acw::sdp {
namespace {

using grammar::decimal;
using grammar::iequals;
using text::trim_lws;

// RFC 7587 §6.1: maxaveragebitrate "in the range of 6000 to 510000".
constexpr uint32_t kOpusMinBitrate = 6000;
constexpr uint32_t kOpusMaxBitrate = 510000;
constexpr std::size_t kPayloadTypes = 128;
constexpr std::string_view kMaxAverageBitrate = "maxaveragebitrate";

// "b=AS:64" and "b=TIAS:64000" (bwtype compared without case): the lines the cap replaces.
bool is_capped_bandwidth(std::string_view line) {
  if (line.size() < 2 || line[0] != 'b' || line[1] != '=') return false;
  const std::string_view type = line.substr(2, line.find(':') - 2);
  return iequals(type, "AS") || iequals(type, "TIAS");
}

// RFC 8866 §5.8 (AS, kilobits per second) and RFC 3890 §6 (TIAS, bits per second), replacing
// what was there, placed after i= and c= as RFC 8866 §5 orders them (i, c, b, k).
void set_bandwidth(MediaSection& section, uint32_t bits_per_second) {
  std::string as = "b=AS:";
  text::append_decimal(as, bits_per_second / 1000 + (bits_per_second % 1000 != 0 ? 1 : 0));
  std::string tias = "b=TIAS:";
  text::append_decimal(tias, bits_per_second);
  // The old b=AS/b=TIAS lines go; the new ones go after the last i= or c= line, else first.
  std::vector<std::string> lines;
  for (std::string& line : section.lines) {
    if (!is_capped_bandwidth(line)) lines.push_back(std::move(line));
  }
  const auto is_info_or_connection = [](const std::string& line) {
    return !line.empty() && (line[0] == 'i' || line[0] == 'c');
  };
  const auto last = std::find_if(lines.rbegin(), lines.rend(), is_info_or_connection);
  lines.insert(last.base(), {std::move(as), std::move(tias)});
  section.lines = std::move(lines);
}

// The a=fmtp value "<format> <params>" with maxaveragebitrate at most cap in the parameters
// "a=b;c=d": lowered when higher or unreadable, added when absent, kept when already lower.
std::string capped_fmtp(std::string_view value, uint32_t cap) {
  const std::size_t space = value.find(' ');
  const std::string_view format = value.substr(0, space);
  const std::string_view params = value.substr(format.size() + (space != value.npos));
  std::string out(format);
  out += ' ';
  bool found = false;
  // Blank parameters are dropped: maxaveragebitrate is then alone.
  for (std::string_view rest = trim_lws(params).empty() ? std::string_view() : params;;) {
    const std::size_t end = rest.find(';');
    const std::string_view param = rest.substr(0, end);
    const std::size_t equals = param.find('=');
    const std::string_view name = param.substr(0, equals);
    // (Without "=" the value read is the name itself, which is no number: it is replaced.)
    const bool ours = iequals(trim_lws(name), kMaxAverageBitrate);
    const bool replace = ours && !decimal(trim_lws(param.substr(equals + 1)), cap);
    found = found || ours;
    const bool last = end == std::string_view::npos;
    const bool add = last && !found;  // added last, after a ';' (put when missing)
    out += replace ? name : param;
    if (add && !param.empty()) out += ';';
    if (add) out += kMaxAverageBitrate;
    if (replace || add) {
      out += '=';
      text::append_decimal(out, cap);
    }
    if (last) return out;
    out += ';';
    rest.remove_prefix(end + 1);
  }
}

// The payload type an a=fmtp or a=rtcp-fb value starts with, when it is an RTP one.
std::optional<uint64_t> leading_payload_type(const Attribute& attribute) {
  if (!attribute.has_value) return std::nullopt;
  const std::string_view value = attribute.value;
  return decimal(value.substr(0, value.find(' ')), kPayloadTypes - 1);
}

std::optional<uint64_t> fmtp_payload_type(const Attribute& attribute) {
  return attribute.name == "fmtp" ? leading_payload_type(attribute) : std::nullopt;
}

// The payload type of an a=rtpmap:<pt> opus/..., else nullopt.
std::optional<uint64_t> opus_payload_type(const Attribute& attribute) {
  RtpmapView rtpmap;
  if (attribute.name != "rtpmap" || !read_rtpmap(attribute.value, &rtpmap) ||
      !iequals(rtpmap.encoding, "opus")) {
    return std::nullopt;
  }
  return rtpmap.payload_type;
}

void cap_opus(MediaSection& section, uint32_t cap) {
  auto& attributes = section.attributes;
  enum : uint8_t { kOpus = 1, kFmtp = 2 };
  std::array<uint8_t, kPayloadTypes> state{};
  for (const Attribute& attribute : attributes) {
    if (const auto pt = opus_payload_type(attribute)) state[*pt] |= kOpus;
    if (const auto pt = fmtp_payload_type(attribute)) state[*pt] |= kFmtp;
  }
  // Every Opus a=fmtp is capped; an Opus payload type without one gets one after its a=rtpmap
  // and a=rtcp-fb lines, where browsers write it.
  std::vector<Attribute> rebuilt;
  std::optional<uint64_t> pending;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    Attribute& attribute = attributes[i];
    if (const auto pt = fmtp_payload_type(attribute); pt && (state[*pt] & kOpus)) {
      attribute.value = capped_fmtp(attribute.value, cap);
    }
    if (const auto pt = opus_payload_type(attribute); pt && state[*pt] == kOpus) {
      state[*pt] = kOpus | kFmtp;
      pending = pt;
    }
    rebuilt.push_back(std::move(attribute));
    if (!pending) continue;
    const bool feedback = i + 1 < attributes.size() && attributes[i + 1].name == "rtcp-fb" &&
                          leading_payload_type(attributes[i + 1]) == pending;
    if (feedback) continue;
    rebuilt.push_back(Attribute{"fmtp", capped_fmtp(text::decimal(*pending), cap), true});
    pending.reset();
  }
  attributes = std::move(rebuilt);
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

void cap_video_bitrate(SessionDescription& sdp, uint32_t bits_per_second) {
  // 4.0.8 reads 0 as "no cap" (its test is truthiness), so 0 changes nothing here either.
  if (bits_per_second == 0) return;
  for (MediaSection& section : sdp.media) {
    if (iequals(section.media, "video")) set_bandwidth(section, bits_per_second);
  }
}

}  // namespace acw::sdp
