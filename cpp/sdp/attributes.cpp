// Typed SDP attribute views: rtpmap, fmtp, rtcp-fb, extmap, ssrc, candidate, group (RFC 8866 §6).
#include "sdp/attributes.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "sdp/grammar.hpp"

namespace acw::sdp {
namespace {

using grammar::decimal;
using grammar::FieldReader;
using grammar::is_token;

constexpr uint64_t kMaxPayloadType = 127;  // RTP payload types are 7 bits (RFC 3550 §5.1)
constexpr uint64_t kMaxPort = std::numeric_limits<uint16_t>::max();
constexpr uint64_t kMaxUint32 = std::numeric_limits<uint32_t>::max();

// RFC 8866 §6.15: fmt SP format-specific-params. Splits into the format and its parameters.
bool split_fmtp(std::string_view value, std::string_view* format, std::string_view* params) {
  const std::size_t space = value.find(' ');
  *format = value.substr(0, space);
  *params = space == std::string_view::npos ? std::string_view() : value.substr(space + 1);
  return is_token(*format);
}

// RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/"; foundation = 1*32ice-char
bool is_foundation(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alpha && !(c >= '0' && c <= '9') && c != '+' && c != '/') return false;
  }
  return true;
}

// The grammars of the attributes whose values are fields separated by single spaces, written as
// one letter per field for check_fields (one routine checks them all, so that each attribute costs
// a short string rather than code):
//   t  a token                         a  any field
//   f  an ICE foundation               c  a component id: 1*3DIGIT, 1 to 256
//   P  a priority: 1*10DIGIT, 32 bits  p  a port: 0 to 65535
//   N  a decimal up to 2^64-1         y  the word "typ"                  e  an extmap entry: <id
//   1-65535>["/" <direction>] s  what follows an ssrc-id: <att-field token>[":" <value>] (may hold
//   spaces) .  anything (or nothing) follows   +  only tokens follow, if anything
//   *  only candidate extensions follow: <name> <value> pairs, rport's value a port
//   (end of the string) nothing follows
// RFC 8866 §6.15 fmtp: fmt SP format-specific-params
constexpr const char* kFmtpFields = "t.";
// RFC 4585 §4.2 rtcp-fb: rtcp-fb-pt SP rtcp-fb-val, rtcp-fb-pt = "*" / fmt
constexpr const char* kRtcpFeedbackFields = "tt.";
// RFC 8285 §8: mapentry SP extensionname [SP extensionattributes]
constexpr const char* kExtmapFields = "ea.";
// RFC 5576 §4.1: ssrc-id SP attribute, attribute = att-field [":" att-value]
constexpr const char* kSsrcFields = "Us";
// RFC 8839 §5.1: foundation SP component-id SP transport SP priority SP connection-address SP
// port SP "typ" SP cand-type [SP rel-addr] [SP rel-port] *(SP cand-extension)
constexpr const char* kCandidateFields = "fctPapyt*";
// RFC 5888 §5: semantics *(SP identification-tag)
constexpr const char* kGroupFields = "t+";
// RFC 5888 §4: identification-tag = token
constexpr const char* kMidFields = "t";

// The maximum of a decimal field and its most digits (0: up to 20, as decimal() allows).
bool is_decimal(std::string_view field, uint64_t max, std::size_t digits, bool nonzero) {
  const auto number = digits == 0 || field.size() <= digits ? decimal(field, max) : std::nullopt;
  return number && (!nonzero || *number != 0);
}

}  // namespace

bool check_fields(std::string_view value, const char* spec) {
  FieldReader fields(value);
  for (;; ++spec) {
    const char op = *spec;
    if (op == '\0') return fields.at_end();
    if (op == '.') return true;
    if (op == 's') {
      const std::string_view rest = fields.rest();
      return is_token(rest.substr(0, rest.find(':')));
    }
    if ((op == '+' || op == '*') && fields.at_end()) return true;
    const std::string_view field = fields.next();
    if (field.empty()) return false;
    bool ok = true;
    switch (op) {
      case '+':
        --spec;  // again, until the end
        [[fallthrough]];
      case 't':
        ok = is_token(field);
        break;
      case '*': {
        const std::string_view extension_value = fields.next();
        ok = !extension_value.empty() &&
             (field != "rport" || is_decimal(extension_value, kMaxPort, 0, false));
        --spec;
        break;
      }
      case 'f':
        ok = is_foundation(field);
        break;
      case 'c':
        ok = is_decimal(field, 256, 3, true);  // RFC 8445 §4 numbers components from 1 to 256
        break;
      case 'P':
        ok = is_decimal(field, kMaxUint32, 10, false);
        break;
      case 'U':
        ok = is_decimal(field, kMaxUint32, 0, false);
        break;
      case 'p':
        ok = is_decimal(field, kMaxPort, 0, false);
        break;
      case 'N':
        ok = is_decimal(field, std::numeric_limits<uint64_t>::max(), 0, false);
        break;
      case 'y':
        ok = field == "typ";
        break;
      case 'e': {
        const std::size_t slash = field.find('/');
        ok = is_decimal(field.substr(0, slash), kMaxPort, 0, true) &&
             (slash == std::string_view::npos || direction_index(field.substr(slash + 1)) >= 0);
        break;
      }
      default:  // 'a'
        break;
    }
    if (!ok) return false;
  }
}

namespace {

// The typed readers below fill *out from a value that check_fields has accepted with their
// grammar, so that the views and parse() agree on what is well formed.

bool read_rtcp_feedback(std::string_view value, RtcpFeedback* out) {
  if (!check_fields(value, kRtcpFeedbackFields)) return false;
  FieldReader fields(value);
  out->payload_type = std::string(fields.next());
  out->type = std::string(fields.next());
  out->parameters = std::string(fields.rest());
  return true;
}

bool read_extmap(std::string_view value, Extmap* out) {
  if (!check_fields(value, kExtmapFields)) return false;
  FieldReader fields(value);
  const std::string_view entry = fields.next();
  const std::size_t slash = entry.find('/');
  out->id = static_cast<int>(*decimal(entry.substr(0, slash), kMaxPort));
  if (slash != std::string_view::npos)
    out->direction = direction_from_name(entry.substr(slash + 1));
  out->uri = std::string(fields.next());
  out->attributes = std::string(fields.rest());
  return true;
}

bool read_ssrc(std::string_view value, SsrcAttribute* out) {
  if (!check_fields(value, kSsrcFields)) return false;
  const std::size_t space = value.find(' ');
  out->ssrc = static_cast<uint32_t>(*decimal(value.substr(0, space), kMaxUint32));
  const std::string_view attribute = value.substr(space + 1);
  const std::size_t colon = attribute.find(':');
  out->attribute = std::string(attribute.substr(0, colon));
  if (colon != std::string_view::npos) out->value = std::string(attribute.substr(colon + 1));
  return true;
}

bool read_candidate(std::string_view value, Candidate* out) {
  if (!check_fields(value, kCandidateFields)) return false;
  FieldReader fields(value);
  std::string_view
      field[8];  // foundation, component, transport, priority, address, port, "typ", type
  for (std::string_view& f : field) f = fields.next();
  out->foundation = std::string(field[0]);
  out->component = static_cast<int>(*decimal(field[1], 256));
  out->transport = std::string(field[2]);
  out->priority = static_cast<uint32_t>(*decimal(field[3], kMaxUint32));
  out->address = std::string(field[4]);
  out->port = static_cast<uint16_t>(*decimal(field[5], kMaxPort));
  out->type = std::string(field[7]);
  // What follows is name/value pairs: raddr and rport first when present, then extensions.
  while (!fields.at_end()) {
    const std::string_view name = fields.next();
    const std::string_view field_value = fields.next();
    if (name == "rport") {
      out->related_port = static_cast<uint16_t>(*decimal(field_value, kMaxPort));
    } else if (name == "raddr") {
      out->related_address = std::string(field_value);
    } else {
      out->extensions.emplace_back(std::string(name), std::string(field_value));
    }
  }
  return true;
}

bool read_group(std::string_view value, Group* out) {
  if (!check_fields(value, kGroupFields)) return false;
  FieldReader fields(value);
  out->semantics = std::string(fields.next());
  while (!fields.at_end()) out->mids.emplace_back(fields.next());
  return true;
}

template <class T, bool (*Read)(std::string_view, T*)>
std::optional<T> parse_with(std::string_view value) {
  T result;
  if (!Read(value, &result)) return std::nullopt;
  return result;
}

// The views over a list of attributes: the well-formed ones with that name, in order.
template <class T, bool (*Read)(std::string_view, T*)>
std::vector<T> collect(const std::vector<Attribute>& attributes, std::string_view name) {
  std::vector<T> result;
  for (const Attribute& attribute : attributes) {
    if (attribute.name != name || !attribute.has_value) continue;
    T item;
    if (Read(attribute.value, &item)) result.push_back(std::move(item));
  }
  return result;
}

bool read_rtpmap_into(std::string_view value, Rtpmap* out) {
  RtpmapView view;
  if (!read_rtpmap(value, &view)) return false;
  *out = Rtpmap{view.payload_type, std::string(view.encoding), view.clock_rate, view.channels};
  return true;
}

bool check_rtpmap(std::string_view value) {
  RtpmapView view;
  return read_rtpmap(value, &view);
}

// RFC 8866 §6.7: at most one direction attribute applies; the first one written wins.
Direction direction_of(const std::vector<Attribute>& attributes, Direction fallback) {
  for (const Attribute& attribute : attributes) {
    const int direction = direction_index(attribute.name);
    if (direction >= 0) return static_cast<Direction>(direction);
  }
  return fallback;
}

constexpr std::string_view kDirectionNames[] = {"sendrecv", "sendonly", "recvonly", "inactive"};

}  // namespace

// RFC 8866 §6.6: payload-type SP encoding-name "/" clock-rate ["/" encoding-params]
bool read_rtpmap(std::string_view value, RtpmapView* out) {
  FieldReader fields(value);
  const std::string_view pt = fields.next();
  const std::string_view spec = fields.next();
  if (pt.empty() || spec.empty() || !fields.at_end()) return false;
  const auto payload_type = decimal(pt, kMaxPayloadType);
  const std::size_t slash = spec.find('/');
  if (!payload_type || slash == std::string_view::npos) return false;
  const std::string_view encoding = spec.substr(0, slash);
  std::string_view rate = spec.substr(slash + 1);
  uint64_t channels = 1;
  if (const std::size_t second = rate.find('/'); second != std::string_view::npos) {
    const auto parameter = decimal(rate.substr(second + 1), 255);
    if (!parameter || *parameter == 0) return false;
    channels = *parameter;
    rate = rate.substr(0, second);
  }
  const auto clock_rate = decimal(rate, kMaxUint32);
  if (!is_token(encoding) || !clock_rate || *clock_rate == 0) return false;
  *out = RtpmapView{static_cast<int>(*payload_type), encoding, static_cast<uint32_t>(*clock_rate),
                    static_cast<int>(channels)};
  return true;
}

std::optional<Rtpmap> parse_rtpmap(std::string_view value) {
  return parse_with<Rtpmap, read_rtpmap_into>(value);
}

std::optional<Fmtp> parse_fmtp(std::string_view value) {
  std::string_view format;
  std::string_view params;
  if (!split_fmtp(value, &format, &params)) return std::nullopt;
  const auto payload_type = decimal(format, kMaxPayloadType);
  if (!payload_type) return std::nullopt;
  return Fmtp{static_cast<int>(*payload_type), std::string(params)};
}

std::optional<RtcpFeedback> parse_rtcp_feedback(std::string_view value) {
  return parse_with<RtcpFeedback, read_rtcp_feedback>(value);
}
std::optional<Extmap> parse_extmap(std::string_view value) {
  return parse_with<Extmap, read_extmap>(value);
}
std::optional<SsrcAttribute> parse_ssrc(std::string_view value) {
  return parse_with<SsrcAttribute, read_ssrc>(value);
}
std::optional<Candidate> parse_candidate(std::string_view value) {
  return parse_with<Candidate, read_candidate>(value);
}
std::optional<Group> parse_group(std::string_view value) {
  return parse_with<Group, read_group>(value);
}

namespace {
// RFC 3551 §6, Tables 4 (audio) and 5 (video): clock rates in units of 25 Hz to keep rows small,
// the encoding names in the rows themselves (no pointers), NUL-padded.
struct StaticEntry {
  uint8_t payload_type;
  uint8_t channels;
  uint16_t clock_rate_25;
  char encoding[5];
};
constexpr StaticEntry kStaticTable[] = {
    {0, 1, 320, "PCMU"},
    {3, 1, 320, "GSM"},
    {4, 1, 320, "G723"},
    {5, 1, 320, "DVI4"},
    {6, 1, 640, "DVI4"},
    {7, 1, 320, "LPC"},
    {8, 1, 320, "PCMA"},
    {9, 1, 320, "G722"},
    {10, 2, 1764, "L16"},
    {11, 1, 1764, "L16"},
    {12, 1, 320, {'Q', 'C', 'E', 'L', 'P'}},
    {13, 1, 320, "CN"},
    {14, 1, 3600, "MPA"},
    {15, 1, 320, "G728"},
    {16, 1, 441, "DVI4"},
    {17, 1, 882, "DVI4"},
    {18, 1, 320, "G729"},
    {25, 1, 3600, "CelB"},
    {26, 1, 3600, "JPEG"},
    {28, 1, 3600, "nv"},
    {31, 1, 3600, "H261"},
    {32, 1, 3600, "MPV"},
    {33, 1, 3600, "MP2T"},
    {34, 1, 3600, "H263"},
};

const StaticEntry* static_entry(int payload_type) {
  for (const StaticEntry& entry : kStaticTable) {
    if (entry.payload_type == payload_type) return &entry;
  }
  return nullptr;
}

std::string_view encoding_of(const StaticEntry& entry) {
  const std::string_view name(entry.encoding, sizeof entry.encoding);
  return name.substr(0, name.find('\0'));
}
}  // namespace

std::optional<Rtpmap> static_rtpmap(int payload_type) {
  const StaticEntry* entry = static_entry(payload_type);
  if (entry == nullptr) return std::nullopt;
  return Rtpmap{payload_type, std::string(encoding_of(*entry)), entry->clock_rate_25 * 25u,
                entry->channels};
}

std::string_view static_encoding(int payload_type) {
  const StaticEntry* entry = static_entry(payload_type);
  return entry == nullptr ? std::string_view() : encoding_of(*entry);
}

const char* check_attribute(std::string_view name, bool has_value, std::string_view value) {
  if (direction_index(name) >= 0) {
    return has_value ? "a direction attribute takes no value" : nullptr;
  }
  // Each reason names its attribute after "bad a=", which is where the name is read from.
  struct Check {
    const char* reason;
    const char* fields;  // check_fields' grammar; null for a=rtpmap, read by read_rtpmap
  };
  static constexpr Check kChecks[] = {
      {"bad a=rtpmap", nullptr},
      {"bad a=fmtp", kFmtpFields},
      {"bad a=rtcp-fb", kRtcpFeedbackFields},
      {"bad a=extmap", kExtmapFields},
      {"bad a=ssrc", kSsrcFields},
      {"bad a=candidate", kCandidateFields},
      {"bad a=group", kGroupFields},
      {"bad a=mid", kMidFields},
  };
  for (const Check& check : kChecks) {
    if (name != std::string_view(check.reason).substr(6)) continue;
    const bool valid = has_value && (check.fields == nullptr ? check_rtpmap(value)
                                                             : check_fields(value, check.fields));
    return valid ? nullptr : check.reason;
  }
  return nullptr;
}

std::string_view direction_name(Direction direction) {
  const auto index = static_cast<std::size_t>(direction);
  return kDirectionNames[index < 4 ? index : 0];
}

int direction_index(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (name == kDirectionNames[i]) return i;
  }
  return -1;
}

std::optional<Direction> direction_from_name(std::string_view name) {
  const int index = direction_index(name);
  if (index < 0) return std::nullopt;
  return static_cast<Direction>(index);
}

std::vector<Rtpmap> MediaSection::rtpmaps() const {
  return collect<Rtpmap, read_rtpmap_into>(attributes, "rtpmap");
}

std::vector<Fmtp> MediaSection::fmtps() const {
  std::vector<Fmtp> result;
  for (const Attribute& attribute : attributes) {
    if (attribute.name != "fmtp" || !attribute.has_value) continue;
    if (auto parsed = parse_fmtp(attribute.value)) result.push_back(std::move(*parsed));
  }
  return result;
}

std::optional<Rtpmap> MediaSection::rtpmap(int payload_type) const {
  for (const Attribute& attribute : attributes) {
    if (attribute.name != "rtpmap" || !attribute.has_value) continue;
    Rtpmap parsed;
    if (read_rtpmap_into(attribute.value, &parsed) && parsed.payload_type == payload_type) {
      return parsed;
    }
  }
  return static_rtpmap(payload_type);
}

std::optional<std::string_view> MediaSection::fmtp(int payload_type) const {
  for (const Attribute& attribute : attributes) {
    if (attribute.name != "fmtp" || !attribute.has_value) continue;
    std::string_view format;
    std::string_view params;
    if (split_fmtp(attribute.value, &format, &params) &&
        decimal(format, kMaxPayloadType) == static_cast<uint64_t>(payload_type)) {
      return params;
    }
  }
  return std::nullopt;
}

std::vector<RtcpFeedback> MediaSection::rtcp_feedback() const {
  return collect<RtcpFeedback, read_rtcp_feedback>(attributes, "rtcp-fb");
}
std::vector<Extmap> MediaSection::extmaps() const {
  return collect<Extmap, read_extmap>(attributes, "extmap");
}
std::vector<SsrcAttribute> MediaSection::ssrcs() const {
  return collect<SsrcAttribute, read_ssrc>(attributes, "ssrc");
}
std::vector<Candidate> MediaSection::candidates() const {
  return collect<Candidate, read_candidate>(attributes, "candidate");
}

Direction MediaSection::direction(Direction session_default) const {
  return direction_of(attributes, session_default);
}

std::string_view MediaSection::mid() const {
  return attribute("mid").value_or(std::string_view());
}

Direction SessionDescription::direction() const {
  return direction_of(attributes, Direction::kSendRecv);
}

std::vector<Group> SessionDescription::groups() const {
  return collect<Group, read_group>(attributes, "group");
}

std::vector<std::string> SessionDescription::bundle() const {
  for (Group& group : groups()) {
    if (group.semantics == "BUNDLE") return std::move(group.mids);
  }
  return {};
}

}  // namespace acw::sdp
