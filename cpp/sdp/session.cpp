// SDP session description parser and serializer (RFC 8866 §5, §9).
#include "sdp/session.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "sdp/attributes.hpp"
#include "sdp/grammar.hpp"
#include "text/decimal.hpp"

namespace acw::sdp {
namespace {

using grammar::decimal;
using grammar::FieldReader;
using grammar::is_token;

// RFC 8866 §5: the order of the lines that may follow s= at session level, and of the lines
// between m= and the a= lines in a media section. A line's rank is its type's place here; r= ranks
// with t= because each r= belongs to the t= before it.
constexpr std::string_view kSessionOrder = "iuepcbtzk";
constexpr std::string_view kMediaOrder = "icbk";

int rank(char type, std::string_view order) {
  const std::size_t at = order.find(type == 'r' ? 't' : type);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Exactly count fields separated by single spaces: o= (RFC 8866 §5.2, 6 fields:
// <username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>) and c= (§5.7, 3
// fields: <nettype> <addrtype> <connection-address>).
constexpr const char* kOriginFields = "aaaaaa";
constexpr const char* kConnectionFields = "aaa";
// RFC 8866 §5.9: t=<start-time> <stop-time>, NTP seconds
constexpr const char* kTimingFields = "NN";

// RFC 8866 §5.8: b=<bwtype>:<bandwidth>
bool is_bandwidth(std::string_view value) {
  const std::size_t colon = value.find(':');
  if (colon == std::string_view::npos) return false;
  return is_token(value.substr(0, colon)) &&
         decimal(value.substr(colon + 1), std::numeric_limits<uint32_t>::max()).has_value();
}

// RFC 8866 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
// proto = token *("/" token)
bool is_protocol(std::string_view value) {
  while (true) {
    const std::size_t slash = value.find('/');
    if (!is_token(value.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    value.remove_prefix(slash + 1);
  }
}

const char* parse_media_line(std::string_view value, MediaSection* out) {
  FieldReader fields(value);
  const std::string_view media = fields.next();
  const std::string_view ports = fields.next();
  const std::string_view protocol = fields.next();
  if (ports.empty() || !is_token(media) || !is_protocol(protocol)) {
    return "bad m= line";
  }
  const std::size_t slash = ports.find('/');
  const auto port = decimal(ports.substr(0, slash), std::numeric_limits<uint16_t>::max());
  if (!port) return "m= port out of range";
  uint64_t port_count = 0;
  if (slash != std::string_view::npos) {
    const auto count = decimal(ports.substr(slash + 1), std::numeric_limits<uint16_t>::max());
    if (!count || *count == 0) return "bad m= number of ports";
    port_count = *count;
  }
  // Formats are checked before anything is copied, so that a refused line allocates nothing.
  if (fields.at_end()) return "m= line without formats";
  const std::string_view formats = fields.rest();
  if (!check_fields(formats, "t+")) return "bad m= format";  // tokens, one SP apart
  if (static_cast<std::size_t>(std::count(formats.begin(), formats.end(), ' ')) >= kMaxFormats) {
    return "too many m= formats";
  }
  out->media.assign(media);
  out->port = static_cast<uint16_t>(*port);
  out->port_count = static_cast<uint16_t>(port_count);
  out->protocol.assign(protocol);
  while (!fields.at_end()) out->formats.push_back(std::string(fields.next()));
  return nullptr;
}

class Parser {
 public:
  Parser(std::string_view text, std::string* error)
      : size_(text.size()), lines_(text), error_(error) {}

  std::optional<SessionDescription> run();

 private:
  // The next line (RFC 8866 §5: <type>=<value>), a view into the input text; empty at the end of
  // the text or on a malformed line (then failed_ is set).
  std::string_view next_line();
  bool fail(const char* reason);
  bool body_line(std::string_view line);  // a line after s=
  bool attribute_line(std::string_view value, std::vector<Attribute>* attributes,
                      bool* has_direction);
  bool check_groups();
  bool has_mid(std::string_view mid) const {
    return std::find(mids_.begin(), mids_.end(), mid) != mids_.end();
  }

  std::size_t size_;
  grammar::LineReader lines_;
  std::string* error_;
  std::size_t line_number_ = 0;
  bool failed_ = false;
  SessionDescription result_;
  bool session_direction_ = false;
  bool media_direction_ = false;
  bool media_has_mid_ = false;
  std::vector<std::string_view> mids_;  // views into the input text, which outlives the parse
};

bool Parser::fail(const char* reason) {
  failed_ = true;
  if (error_ != nullptr) {
    error_->clear();
    if (line_number_ != 0) {
      *error_ += "line ";
      text::append_decimal(*error_, line_number_);
      *error_ += ": ";
    }
    *error_ += reason;
  }
  return false;
}

std::string_view Parser::next_line() {
  const std::string_view line = lines_.next();
  line_number_ = lines_.number();
  if (lines_.error() != nullptr) fail(lines_.error());
  return line;
}

bool Parser::attribute_line(std::string_view value, std::vector<Attribute>* attributes,
                            bool* has_direction) {
  // RFC 8866 §5.13: a=<attribute-name>[:<attribute-value>], attribute-name = token
  const std::size_t colon = value.find(':');
  const std::string_view name = value.substr(0, colon);
  const bool has_value = colon != std::string_view::npos;
  const std::string_view attribute_value = has_value ? value.substr(colon + 1) : std::string_view();
  if (!is_token(name)) return fail("bad attribute name");
  if (const char* reason = check_attribute(name, has_value, attribute_value)) return fail(reason);
  // RFC 3264 §5.1 / RFC 8866 §6.7: one direction per level; two would leave it undefined.
  if (direction_index(name) >= 0) {
    if (*has_direction) return fail("more than one direction attribute");
    *has_direction = true;
  }
  if (name == "mid") {
    // RFC 5888 §4: one mid per media section, unique in the session. (At session level a=mid
    // means nothing and is kept as any other attribute.)
    if (!result_.media.empty()) {
      if (media_has_mid_) return fail("more than one a=mid in a media section");
      media_has_mid_ = true;
      if (has_mid(attribute_value)) {
        return fail("a=mid repeated");
      }
      mids_.push_back(attribute_value);
    }
  }
  attributes->push_back(Attribute{std::string(name), std::string(attribute_value), has_value});
  return true;
}

bool Parser::body_line(std::string_view line) {
  const char type = line[0];
  const std::string_view value = line.substr(2);
  if (type == 'm') {
    if (result_.media.size() == kMaxMediaSections) return fail("too many media sections");
    result_.media.emplace_back();
    media_direction_ = false;
    media_has_mid_ = false;
    const char* reason = parse_media_line(value, &result_.media.back());
    return reason == nullptr || fail(reason);
  }
  const bool in_media = !result_.media.empty();
  if (type == 'a') {
    return in_media ? attribute_line(value, &result_.media.back().attributes, &media_direction_)
                    : attribute_line(value, &result_.attributes, &session_direction_);
  }
  if (rank(type, in_media ? kMediaOrder : kSessionOrder) < 0) {
    return fail(in_media ? "line type not allowed in a media section"
                : type == 'v' || type == 'o' || type == 's'
                    ? "v=, o= or s= repeated"
                    : "line type not allowed at session level");
  }
  if (type == 'c' && !check_fields(value, kConnectionFields)) return fail("bad c= line");
  if (type == 'b' && !is_bandwidth(value)) return fail("bad b= line");
  if (type == 't' && !check_fields(value, kTimingFields)) return fail("bad t= line");
  (in_media ? result_.media.back().lines : result_.lines).push_back(std::string(line));
  return true;
}

// RFC 5888 §5: a group names only mids that exist. Checked at the end, since a=group comes
// before the media sections; the error names no line. (Each a=group was checked on its line.)
bool Parser::check_groups() {
  line_number_ = 0;
  for (const Attribute& attribute : result_.attributes) {
    if (attribute.name != "group") continue;
    FieldReader fields(attribute.value);
    fields.next();  // the semantics
    for (std::string_view mid; !(mid = fields.next()).empty();) {
      if (!has_mid(mid)) {
        return fail("a=group names an unknown mid");
      }
    }
  }
  return true;
}

std::optional<SessionDescription> Parser::run() {
  if (size_ > kMaxSessionDescriptionSize) {
    fail("session description too large");
    return std::nullopt;
  }
  // RFC 8866 §5: v=, o= and s= come first, in that order.
  static constexpr const char* kFirstLines[] = {
      "first line must be v=0", "second line must be a valid o=", "third line must be s="};
  for (int i = 0; i < 3; ++i) {
    const std::string_view line = next_line();
    if (failed_) return std::nullopt;
    const std::string_view value = line.empty() ? line : line.substr(2);
    bool ok = !line.empty() && line[0] == "vos"[i];
    if (i == 0) ok = ok && value == "0";
    if (i == 1) ok = ok && check_fields(value, kOriginFields);
    if (!ok) {
      fail(kFirstLines[i]);
      return std::nullopt;
    }
    if (i != 0) (i == 1 ? result_.origin : result_.name) = value;
  }
  for (std::string_view line; !(line = next_line()).empty();) {
    if (!body_line(line)) return std::nullopt;
  }
  if (failed_ || !check_groups()) return std::nullopt;
  return std::move(result_);
}

// Appends lines in the order their rank gives, keeping the written order among equals: one pass
// per rank (they are few; std::stable_sort's code cost the wasm 3 KB). Unknown types (not
// produced by parse()) go last rather than being dropped.
void append_ranked(std::string& out, const std::vector<std::string>& lines,
                   std::string_view order) {
  const int last = static_cast<int>(order.size());
  for (int pass = 0; pass <= last; ++pass) {
    for (const std::string& line : lines) {
      const int r = line.empty() ? -1 : rank(line.front(), order);
      if ((r < 0 ? last : r) != pass) continue;
      out += line;
      out += "\r\n";
    }
  }
}

void append_line(std::string& out, std::string_view type, std::string_view value) {
  out += type;
  out += value;
  out += "\r\n";
}

void append_attributes(std::string& out, const std::vector<Attribute>& attributes) {
  for (const Attribute& attribute : attributes) {
    out += "a=";
    out += attribute.name;
    if (attribute.has_value) {
      out += ':';
      out += attribute.value;
    }
    out += "\r\n";
  }
}

}  // namespace

std::optional<SessionDescription> parse(std::string_view text, std::string* error) {
  return Parser(text, error).run();
}

std::optional<std::string_view> MediaSection::attribute(std::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return std::string_view(a.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> MediaSection::attributes_named(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Attribute& a : attributes) {
    if (a.name == name) values.emplace_back(a.value);
  }
  return values;
}

std::optional<std::string_view> SessionDescription::attribute(std::string_view wanted) const {
  // (The parameter is not called name: that is the s= member.)
  for (const Attribute& a : attributes) {
    if (a.name == wanted) return std::string_view(a.value);
  }
  return std::nullopt;
}

std::string SessionDescription::str() const {
  std::string out;
  out += "v=";
  text::append_signed_decimal(out, version);
  out += "\r\n";
  append_line(out, "o=", origin);
  append_line(out, "s=", name);
  append_ranked(out, lines, kSessionOrder);
  append_attributes(out, attributes);
  for (const MediaSection& section : media) {
    out += "m=";
    out += section.media;
    out += ' ';
    text::append_decimal(out, section.port);
    if (section.port_count != 0) {
      out += '/';
      text::append_decimal(out, section.port_count);
    }
    out += ' ';
    out += section.protocol;
    for (const std::string& format : section.formats) {
      out += ' ';
      out += format;
    }
    out += "\r\n";
    append_ranked(out, section.lines, kMediaOrder);
    append_attributes(out, section.attributes);
  }
  return out;
}

}  // namespace acw::sdp
