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

// Every reader below checks a value and, when out is not null, fills out: so that parse() can
// validate without copying and the typed views share the same grammar.

// RFC 8866 §6.15: fmt SP format-specific-params. Splits into the format and its parameters.
bool split_fmtp(std::string_view value, std::string_view* format, std::string_view* params) {
  const std::size_t space = value.find(' ');
  *format = value.substr(0, space);
  *params = space == std::string_view::npos ? std::string_view() : value.substr(space + 1);
  return is_token(*format);
}

bool check_fmtp(std::string_view value) {
  std::string_view format;
  std::string_view params;
  return split_fmtp(value, &format, &params);
}

// RFC 4585 §4.2: rtcp-fb-pt SP rtcp-fb-val, rtcp-fb-pt = "*" / fmt
bool read_rtcp_feedback(std::string_view value, RtcpFeedback* out) {
  FieldReader fields(value);
  const auto pt = fields.next();
  const auto type = fields.next();
  if (!pt || !type || !is_token(*pt) || !is_token(*type)) return false;
  if (out != nullptr) {
    out->payload_type = std::string(*pt);
    out->type = std::string(*type);
    out->parameters = std::string(fields.rest());
  }
  return true;
}

// RFC 8285 §8: mapentry = "extmap:" 1*5DIGIT ["/" direction]; extmap = mapentry SP extensionname
// [SP extensionattributes]
bool read_extmap(std::string_view value, Extmap* out) {
  FieldReader fields(value);
  const auto entry = fields.next();
  const auto uri = fields.next();
  if (!entry || !uri) return false;
  const std::size_t slash = entry->find('/');
  const auto id = decimal(entry->substr(0, slash), kMaxPort);
  if (!id || *id == 0) return false;
  std::optional<Direction> direction;
  if (slash != std::string_view::npos) {
    direction = direction_from_name(entry->substr(slash + 1));
    if (!direction) return false;
  }
  if (out != nullptr) {
    out->id = static_cast<int>(*id);
    out->direction = direction;
    out->uri = std::string(*uri);
    out->attributes = std::string(fields.rest());
  }
  return true;
}

// RFC 5576 §4.1: ssrc-id SP attribute, attribute = att-field [":" att-value]
bool read_ssrc(std::string_view value, SsrcAttribute* out) {
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos) return false;
  const auto ssrc = decimal(value.substr(0, space), kMaxUint32);
  const std::string_view attribute = value.substr(space + 1);
  const std::size_t colon = attribute.find(':');
  const std::string_view field = attribute.substr(0, colon);
  if (!ssrc || !is_token(field)) return false;
  if (out != nullptr) {
    out->ssrc = static_cast<uint32_t>(*ssrc);
    out->attribute = std::string(field);
    out->value =
        colon == std::string_view::npos ? std::string() : std::string(attribute.substr(colon + 1));
  }
  return true;
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

// RFC 8839 §5.1: foundation SP component-id SP transport SP priority SP connection-address SP
// port SP cand-type [SP rel-addr] [SP rel-port] *(SP cand-extension)
bool read_candidate(std::string_view value, Candidate* out) {
  FieldReader fields(value);
  // foundation, component, transport, priority, address, port, "typ", type
  std::string_view field[8];
  for (std::string_view& f : field) {
    const auto next = fields.next();
    if (!next) return false;
    f = *next;
  }
  // component-id = 1*3DIGIT; RFC 8445 §4 numbers components from 1 to 256.
  const auto component_id = field[1].size() <= 3 ? decimal(field[1], 256) : std::nullopt;
  const auto priority_value = field[3].size() <= 10 ? decimal(field[3], kMaxUint32) : std::nullopt;
  const auto port_value = decimal(field[5], kMaxPort);
  if (!is_foundation(field[0]) || !component_id || *component_id == 0 || !is_token(field[2]) ||
      !priority_value || !port_value || field[6] != "typ" || !is_token(field[7])) {
    return false;
  }
  if (out != nullptr) {
    out->foundation = std::string(field[0]);
    out->component = static_cast<int>(*component_id);
    out->transport = std::string(field[2]);
    out->priority = static_cast<uint32_t>(*priority_value);
    out->address = std::string(field[4]);
    out->port = static_cast<uint16_t>(*port_value);
    out->type = std::string(field[7]);
  }
  // What follows is name/value pairs: raddr and rport first when present, then extensions.
  while (!fields.at_end()) {
    const auto name = fields.next();
    const auto field_value = fields.next();
    if (!name || !field_value) return false;
    if (*name == "rport") {
      const auto related_port = decimal(*field_value, kMaxPort);
      if (!related_port) return false;
      if (out != nullptr) out->related_port = static_cast<uint16_t>(*related_port);
    } else if (out == nullptr) {
      continue;
    } else if (*name == "raddr") {
      out->related_address = std::string(*field_value);
    } else {
      out->extensions.emplace_back(std::string(*name), std::string(*field_value));
    }
  }
  return true;
}

// RFC 5888 §5: group-attribute = "a=group:" semantics *(SP identification-tag)
bool read_group(std::string_view value, Group* out) {
  FieldReader fields(value);
  const auto semantics = fields.next();
  if (!semantics || !is_token(*semantics)) return false;
  if (out != nullptr) out->semantics = std::string(*semantics);
  while (!fields.at_end()) {
    const auto mid = fields.next();
    if (!mid || !is_token(*mid)) return false;
    if (out != nullptr) out->mids.emplace_back(*mid);
  }
  return true;
}

template <class T, bool (*Read)(std::string_view, T*)>
std::optional<T> parse_with(std::string_view value) {
  T result;
  if (!Read(value, &result)) return std::nullopt;
  return result;
}

// The validation alone, for check_attribute's table.
template <class T, bool (*Read)(std::string_view, T*)>
bool check_with(std::string_view value) {
  return Read(value, nullptr);
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

bool check_mid(std::string_view value) {  // RFC 5888 §4: identification-tag = token
  return is_token(value);
}

// RFC 8866 §6.7: at most one direction attribute applies; the first one written wins.
Direction direction_of(const std::vector<Attribute>& attributes, Direction fallback) {
  for (const Attribute& attribute : attributes) {
    if (auto direction = direction_from_name(attribute.name)) return *direction;
  }
  return fallback;
}

constexpr std::string_view kDirectionNames[] = {"sendrecv", "sendonly", "recvonly", "inactive"};

}  // namespace

// RFC 8866 §6.6: payload-type SP encoding-name "/" clock-rate ["/" encoding-params]
bool read_rtpmap(std::string_view value, RtpmapView* out) {
  FieldReader fields(value);
  const auto pt = fields.next();
  const auto spec = fields.next();
  if (!pt || !spec || !fields.at_end()) return false;
  const auto payload_type = decimal(*pt, kMaxPayloadType);
  const std::size_t slash = spec->find('/');
  if (!payload_type || slash == std::string_view::npos) return false;
  const std::string_view encoding = spec->substr(0, slash);
  std::string_view rate = spec->substr(slash + 1);
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
// RFC 3551 §6, Tables 4 (audio) and 5 (video): clock rates in units of 25 Hz to keep rows small.
struct StaticEntry {
  uint8_t payload_type;
  uint8_t channels;
  uint16_t clock_rate_25;
  const char* encoding;
};
constexpr StaticEntry kStaticTable[] = {
    {0, 1, 320, "PCMU"},   {3, 1, 320, "GSM"},    {4, 1, 320, "G723"},   {5, 1, 320, "DVI4"},
    {6, 1, 640, "DVI4"},   {7, 1, 320, "LPC"},    {8, 1, 320, "PCMA"},   {9, 1, 320, "G722"},
    {10, 2, 1764, "L16"},  {11, 1, 1764, "L16"},  {12, 1, 320, "QCELP"}, {13, 1, 320, "CN"},
    {14, 1, 3600, "MPA"},  {15, 1, 320, "G728"},  {16, 1, 441, "DVI4"},  {17, 1, 882, "DVI4"},
    {18, 1, 320, "G729"},  {25, 1, 3600, "CelB"}, {26, 1, 3600, "JPEG"}, {28, 1, 3600, "nv"},
    {31, 1, 3600, "H261"}, {32, 1, 3600, "MPV"},  {33, 1, 3600, "MP2T"}, {34, 1, 3600, "H263"},
};

const StaticEntry* static_entry(int payload_type) {
  for (const StaticEntry& entry : kStaticTable) {
    if (entry.payload_type == payload_type) return &entry;
  }
  return nullptr;
}
}  // namespace

std::optional<Rtpmap> static_rtpmap(int payload_type) {
  const StaticEntry* entry = static_entry(payload_type);
  if (entry == nullptr) return std::nullopt;
  return Rtpmap{payload_type, entry->encoding, entry->clock_rate_25 * 25u, entry->channels};
}

std::string_view static_encoding(int payload_type) {
  const StaticEntry* entry = static_entry(payload_type);
  return entry == nullptr ? std::string_view() : std::string_view(entry->encoding);
}

const char* check_attribute(std::string_view name, bool has_value, std::string_view value) {
  if (direction_from_name(name)) {
    return has_value ? "a direction attribute takes no value" : nullptr;
  }
  // Each reason names its attribute after "bad a=", which is where the name is read from.
  struct Check {
    const char* reason;
    bool (*valid)(std::string_view);
  };
  static constexpr Check kChecks[] = {
      {"bad a=rtpmap", check_rtpmap},
      {"bad a=fmtp", check_fmtp},
      {"bad a=rtcp-fb", check_with<RtcpFeedback, read_rtcp_feedback>},
      {"bad a=extmap", check_with<Extmap, read_extmap>},
      {"bad a=ssrc", check_with<SsrcAttribute, read_ssrc>},
      {"bad a=candidate", check_with<Candidate, read_candidate>},
      {"bad a=group", check_with<Group, read_group>},
      {"bad a=mid", check_mid},
  };
  for (const Check& check : kChecks) {
    if (name != std::string_view(check.reason).substr(6)) continue;
    return has_value && check.valid(value) ? nullptr : check.reason;
  }
  return nullptr;
}

std::string_view direction_name(Direction direction) {
  const auto index = static_cast<std::size_t>(direction);
  return kDirectionNames[index < 4 ? index : 0];
}

std::optional<Direction> direction_from_name(std::string_view name) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (name == kDirectionNames[i]) return static_cast<Direction>(i);
  }
  return std::nullopt;
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
