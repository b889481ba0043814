// SIP message model (RFC 3261 §7): header lookup with compact forms, list splitting, the wire form.
#include "sip/message.hpp"

#include <algorithm>

#include "sip/grammar.hpp"
#include "sip/headers.hpp"
#include "text/decimal.hpp"

namespace acw::sip {

namespace {

using grammar::iequals;

// §7.3.3 compact forms, with those registered since (RFC 3265, 3515, 3841, 3892, 4028, 4474).
struct CompactForm {
  char letter;
  std::string_view name;
};
constexpr CompactForm kCompactForms[] = {
    {'a', "Accept-Contact"},
    {'b', "Referred-By"},
    {'c', "Content-Type"},
    {'d', "Request-Disposition"},
    {'e', "Content-Encoding"},
    {'f', "From"},
    {'i', "Call-ID"},
    {'j', "Reject-Contact"},
    {'k', "Supported"},
    {'l', "Content-Length"},
    {'m', "Contact"},
    {'n', "Identity-Info"},
    {'o', "Event"},
    {'r', "Refer-To"},
    {'s', "Subject"},
    {'t', "To"},
    {'u', "Allow-Events"},
    {'v', "Via"},
    {'x', "Session-Expires"},
    {'y', "Identity"},
};

// §7.3.1: header fields whose value is a comma-separated list, so that several field rows
// are one list and one row may hold several elements. Other fields (Date, Authorization,
// unknown extensions, ...) are never split: their commas are not separators.
constexpr std::string_view kListHeaders[] = {
    "Accept",
    "Accept-Contact",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Allow-Events",
    "Call-Info",
    "Contact",
    "Content-Encoding",
    "Content-Language",
    "Error-Info",
    "History-Info",
    "In-Reply-To",
    "P-Asserted-Identity",
    "P-Associated-URI",
    "P-Preferred-Identity",
    "Path",
    "Proxy-Require",
    "Reason",
    "Record-Route",
    "Reject-Contact",
    "Request-Disposition",
    "Require",
    "Route",
    "Security-Client",
    "Security-Server",
    "Security-Verify",
    "Service-Route",
    "Supported",
    "Unsupported",
    "Via",
    "Warning",
};

bool is_list_header(std::string_view name) {
  name = expand_compact_name(name);
  return std::any_of(std::begin(kListHeaders), std::end(kListHeaders),
                     [&](std::string_view list) { return iequals(list, name); });
}

// Splits on commas outside quoted strings and <...>, trims, and drops empty elements.
void split_list(std::string_view value, std::vector<std::string_view>& out) {
  auto emit = [&](std::string_view element) {
    element = grammar::trim_lws(element);
    if (!element.empty()) out.push_back(element);
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
    } else if (c == ',') {
      emit(value.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  emit(value.substr(begin));
}

bool is_content_length(std::string_view name) {
  return (name.size() == 1 && (name[0] == 'l' || name[0] == 'L')) ||
         (name.size() == 14 && iequals(name, "Content-Length"));
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
  const char letter = grammar::ascii_lower(name[0]);
  for (const CompactForm& form : kCompactForms) {
    if (form.letter == letter) return form.name;
  }
  return name;
}

bool header_name_equals(std::string_view a, std::string_view b) {
  return iequals(expand_compact_name(a), expand_compact_name(b));
}

Message Message::request(std::string method, std::string request_uri) {
  Message message;
  message.method_ = std::move(method);
  message.request_uri_ = std::move(request_uri);
  return message;
}

Message Message::response(int status, std::string reason) {
  Message message;
  message.status_ = status;
  message.reason_ = std::move(reason);
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
  const bool list = is_list_header(name);
  name = expand_compact_name(name);
  for (const HeaderField& field : fields_) {
    if (!iequals(expand_compact_name(field.name), name)) continue;
    if (list) {
      split_list(field.value, values);
    } else {
      values.push_back(grammar::trim_lws(field.value));
    }
  }
  return values;
}

void Message::add_header(std::string name, std::string value) {
  fields_.push_back(HeaderField{std::move(name), std::move(value)});
}

void Message::set_header(std::string_view name, std::string value) {
  auto first = std::find_if(fields_.begin(), fields_.end(), [&](const HeaderField& field) {
    return header_name_equals(field.name, name);
  });
  if (first == fields_.end()) {
    fields_.push_back(HeaderField{std::string(name), std::move(value)});
    return;
  }
  *first = HeaderField{std::string(name), std::move(value)};
  fields_.erase(std::remove_if(
                    first + 1, fields_.end(),
                    [&](const HeaderField& field) { return header_name_equals(field.name, name); }),
                fields_.end());
}

void Message::remove_header(std::string_view name) {
  fields_.erase(std::remove_if(
                    fields_.begin(), fields_.end(),
                    [&](const HeaderField& field) { return header_name_equals(field.name, name); }),
                fields_.end());
}

void Message::set_body(std::string body, std::string_view content_type) {
  body_ = std::move(body);
  if (!content_type.empty()) set_header("Content-Type", std::string(content_type));
}

// §7: start-line *message-header CRLF [ message-body ]. §18.3 / §20.14: Content-Length gives
// the body size in octets; a field that already says so is kept as written (so a parsed
// message serializes to the same text), any other is rewritten, and it is added when missing.
std::string Message::serialize() const {
  const std::string length = text::decimal(body_.size());

  std::size_t size = method_.size() + request_uri_.size() + reason_.size() + 64 + body_.size();
  for (const HeaderField& field : fields_) size += field.name.size() + field.value.size() + 4;
  std::string out;
  out.reserve(size);

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
    if (!is_content_length(field.name)) {
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

// §21, with the codes of later RFCs a SIP client meets (202, 204, 422, 489, ...).
std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Trying";
    case 180:
      return "Ringing";
    case 181:
      return "Call Is Being Forwarded";
    case 182:
      return "Queued";
    case 183:
      return "Session Progress";
    case 199:
      return "Early Dialog Terminated";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Notification";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Moved Temporarily";
    case 305:
      return "Use Proxy";
    case 380:
      return "Alternative Service";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "Request-URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Unsupported URI Scheme";
    case 420:
      return "Bad Extension";
    case 421:
      return "Extension Required";
    case 422:
      return "Session Interval Too Small";
    case 423:
      return "Interval Too Brief";
    case 480:
      return "Temporarily Unavailable";
    case 481:
      return "Call/Transaction Does Not Exist";
    case 482:
      return "Loop Detected";
    case 483:
      return "Too Many Hops";
    case 484:
      return "Address Incomplete";
    case 485:
      return "Ambiguous";
    case 486:
      return "Busy Here";
    case 487:
      return "Request Terminated";
    case 488:
      return "Not Acceptable Here";
    case 489:
      return "Bad Event";
    case 491:
      return "Request Pending";
    case 493:
      return "Undecipherable";
    case 500:
      return "Server Internal Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Server Time-out";
    case 505:
      return "Version Not Supported";
    case 513:
      return "Message Too Large";
    case 600:
      return "Busy Everywhere";
    case 603:
      return "Decline";
    case 604:
      return "Does Not Exist Anywhere";
    case 606:
      return "Not Acceptable";
    default:
      return "Unknown";
  }
}

}  // namespace acw::sip
