// SIP message model (RFC 3261 §7): header lookup with compact forms, list splitting, the wire form.
#include "sip/message.hpp"

#include <algorithm>

#include "sip/grammar.hpp"
#include "sip/headers.hpp"
#include "text/decimal.hpp"

namespace acw::sip {

namespace {

using grammar::iequals;

// Tables of "<key><text>" entries, each ending in "\n", searched by `lookup`.
// §7.3.3 compact forms, with those registered since (RFC 3265, 3515, 3841, 3892, 4028, 4474).
constexpr std::string_view kCompactForms =
    "aAccept-Contact\n"
    "bReferred-By\n"
    "cContent-Type\n"
    "dRequest-Disposition\n"
    "eContent-Encoding\n"
    "fFrom\n"
    "iCall-ID\n"
    "jReject-Contact\n"
    "kSupported\n"
    "lContent-Length\n"
    "mContact\n"
    "nIdentity-Info\n"
    "oEvent\n"
    "rRefer-To\n"
    "sSubject\n"
    "tTo\n"
    "uAllow-Events\n"
    "vVia\n"
    "xSession-Expires\n"
    "yIdentity\n";

// §7.3.1: header fields whose value is a comma-separated list, so that several field rows
// are one list and one row may hold several elements. Other fields (Date, Authorization,
// unknown extensions, ...) are never split: their commas are not separators.
constexpr std::string_view kListHeaders =
    "Accept\n"
    "Accept-Contact\n"
    "Accept-Encoding\n"
    "Accept-Language\n"
    "Alert-Info\n"
    "Allow\n"
    "Allow-Events\n"
    "Call-Info\n"
    "Contact\n"
    "Content-Encoding\n"
    "Content-Language\n"
    "Error-Info\n"
    "History-Info\n"
    "In-Reply-To\n"
    "P-Asserted-Identity\n"
    "P-Associated-URI\n"
    "P-Preferred-Identity\n"
    "Path\n"
    "Proxy-Require\n"
    "Reason\n"
    "Record-Route\n"
    "Reject-Contact\n"
    "Request-Disposition\n"
    "Require\n"
    "Route\n"
    "Security-Client\n"
    "Security-Server\n"
    "Security-Verify\n"
    "Service-Route\n"
    "Supported\n"
    "Unsupported\n"
    "Via\n"
    "Warning\n";

// The text after the key of the first entry whose first `key_size` characters (npos: all of it)
// equal `key`, case-insensitively; a view with no data when there is none.
std::string_view lookup(std::string_view table, std::string_view key, std::size_t key_size) {
  for (std::size_t pos = 0; pos < table.size();) {
    const std::size_t end = table.find('\n', pos);
    const std::string_view entry = table.substr(pos, end - pos);
    if (iequals(entry.substr(0, key_size), key)) {
      return entry.substr(std::min(key_size, entry.size()));
    }
    pos = end + 1;
  }
  return {};
}

// For a list header, splits on commas outside quoted strings and <...>, trims, and drops empty
// elements; any other value is only trimmed.
void split_list(std::string_view value, bool list, std::vector<std::string_view>& out) {
  auto emit = [&](std::string_view element) {
    element = grammar::trim_lws(element);
    if (!element.empty() || !list) out.push_back(element);
  };
  bool in_quotes = false;
  bool in_angle = false;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (in_quotes) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (in_angle) {
      if (c == '>') in_angle = false;
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == ',' && list) {
      emit(value.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  emit(value.substr(begin));
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ':';
  if (!value.empty()) {
    out += ' ';
    out += value;
  }
  out += "\r\n";
}

}  // namespace

std::string_view expand_compact_name(std::string_view name) {
  if (name.size() != 1) return name;
  const std::string_view found = lookup(kCompactForms, name, 1);
  return found.data() ? found : name;
}

bool header_name_equals(std::string_view a, std::string_view b) {
  return iequals(expand_compact_name(a), expand_compact_name(b));
}

Message Message::request(std::string_view method, std::string_view request_uri) {
  Message message;
  message.method_ = method;
  message.request_uri_ = request_uri;
  return message;
}

Message Message::response(int status, std::string_view reason) {
  Message message;
  message.status_ = status;
  message.reason_ = reason;
  return message;
}

std::optional<std::string_view> Message::header(std::string_view name) const {
  name = expand_compact_name(name);
  for (const HeaderField& field : fields_) {
    if (iequals(expand_compact_name(field.name), name)) return std::string_view(field.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Message::header_values(std::string_view name) const {
  std::vector<std::string_view> values;
  name = expand_compact_name(name);
  const bool list = lookup(kListHeaders, name, std::string_view::npos).data();
  for (const HeaderField& field : fields_) {
    if (!iequals(expand_compact_name(field.name), name)) continue;
    split_list(field.value, list, values);
  }
  return values;
}

void Message::add_header(std::string_view name, std::string_view value) {
  fields_.push_back(HeaderField{std::string(name), std::string(value)});
}

void Message::set_header(std::string_view name, std::string_view value) {
  replace_fields(name, HeaderField{std::string(name), std::string(value)}, false);
}

void Message::remove_header(std::string_view name) {
  replace_fields(name, {}, true);
}

// Drops the fields with this name but the first, which becomes `field` (when there is none,
// `field` is appended); `drop_all` drops the first too.
void Message::replace_fields(std::string_view name, HeaderField field, bool drop_all) {
  // (The name copied: it may view a field that is about to be overwritten or moved.)
  const auto named = [key = std::string(name)](const HeaderField& each) {
    return header_name_equals(each.name, key);
  };
  auto first = std::find_if(fields_.begin(), fields_.end(), named);
  if (first == fields_.end()) {
    if (!drop_all) fields_.push_back(std::move(field));
    return;
  }
  if (!drop_all) *first++ = std::move(field);
  fields_.erase(std::remove_if(first, fields_.end(), named), fields_.end());
}

void Message::set_body(std::string body, std::string_view content_type) {
  body_ = std::move(body);
  if (!content_type.empty()) set_header("Content-Type", content_type);
}

// §7: start-line *message-header CRLF [ message-body ]. §18.3 / §20.14: Content-Length gives
// the body size in octets; a field that already says so is kept as written (so a parsed
// message serializes to the same text), any other is rewritten, and it is added when missing.
std::string Message::serialize() const {
  const std::string length = text::decimal(body_.size());
  std::string out;

  if (is_request()) {
    out.append(method_).append(" ").append(request_uri_).append(" SIP/2.0\r\n");
  } else {
    out.append("SIP/2.0 ");
    text::append_signed_decimal(out, status_);
    out.append(" ").append(reason_);
    out.append("\r\n");
  }

  bool wrote_length = false;
  for (const HeaderField& field : fields_) {
    if (!header_name_equals(field.name, "l")) {
      append_field(out, field.name, field.value);
      continue;
    }
    if (wrote_length) continue;
    wrote_length = true;
    const auto value = parse_uint(field.value);
    append_field(out, field.name, (value && *value == body_.size()) ? field.value : length);
  }
  if (!wrote_length) append_field(out, "Content-Length", length);
  out += "\r\n";
  out += body_;
  return out;
}

// §21, with the codes of later RFCs a SIP client meets (202, 204, 422, 489, ...). One string of
// "<code><phrase>\n" entries, scanned: in the wasm a fraction of what a switch over the codes
// costs (its jump table spans 100-606).
std::string_view reason_phrase(int status) {
  constexpr std::string_view kPhrases =
      "100Trying\n"
      "180Ringing\n"
      "181Call Is Being Forwarded\n"
      "182Queued\n"
      "183Session Progress\n"
      "199Early Dialog Terminated\n"
      "200OK\n"
      "202Accepted\n"
      "204No Notification\n"
      "300Multiple Choices\n"
      "301Moved Permanently\n"
      "302Moved Temporarily\n"
      "305Use Proxy\n"
      "380Alternative Service\n"
      "400Bad Request\n"
      "401Unauthorized\n"
      "402Payment Required\n"
      "403Forbidden\n"
      "404Not Found\n"
      "405Method Not Allowed\n"
      "406Not Acceptable\n"
      "407Proxy Authentication Required\n"
      "408Request Timeout\n"
      "410Gone\n"
      "413Request Entity Too Large\n"
      "414Request-URI Too Long\n"
      "415Unsupported Media Type\n"
      "416Unsupported URI Scheme\n"
      "420Bad Extension\n"
      "421Extension Required\n"
      "422Session Interval Too Small\n"
      "423Interval Too Brief\n"
      "480Temporarily Unavailable\n"
      "481Call/Transaction Does Not Exist\n"
      "482Loop Detected\n"
      "483Too Many Hops\n"
      "484Address Incomplete\n"
      "485Ambiguous\n"
      "486Busy Here\n"
      "487Request Terminated\n"
      "488Not Acceptable Here\n"
      "489Bad Event\n"
      "491Request Pending\n"
      "493Undecipherable\n"
      "500Server Internal Error\n"
      "501Not Implemented\n"
      "502Bad Gateway\n"
      "503Service Unavailable\n"
      "504Server Time-out\n"
      "505Version Not Supported\n"
      "513Message Too Large\n"
      "600Busy Everywhere\n"
      "603Decline\n"
      "604Does Not Exist Anywhere\n"
      "606Not Acceptable\n";
  if (status >= 100 && status <= 999) {
    const char key[3] = {static_cast<char>('0' + status / 100),
                         static_cast<char>('0' + status / 10 % 10),
                         static_cast<char>('0' + status % 10)};
    const std::string_view found = lookup(kPhrases, std::string_view(key, 3), 3);
    if (found.data()) return found;
  }
  return "Unknown";
}

}  // namespace acw::sip
