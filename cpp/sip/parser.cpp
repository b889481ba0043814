// SIP message parser for a message-oriented transport (RFC 3261 §7, §25; RFC 7118 framing) and the
// §8 minimum checks of a received request or response.
#include "sip/parser.hpp"

#include <algorithm>

#include "sip/grammar.hpp"
#include "sip/headers.hpp"
#include "sip/uri.hpp"

namespace acw::sip {

namespace {

using grammar::is_lws;

constexpr std::size_t npos = std::string_view::npos;

enum class LineResult { kLine, kNoLineEnd, kBareCr };

// The line starting at pos without its CRLF (or bare LF, which we accept too); `next` is where
// the following line starts. A CR anywhere else is refused: it would break the framing.
LineResult read_line(std::string_view frame, std::size_t pos, std::string_view& line,
                     std::size_t& next) {
  const std::size_t lf = frame.find('\n', pos);
  if (lf == npos) return LineResult::kNoLineEnd;
  std::size_t end = lf;
  if (end > pos && frame[end - 1] == '\r') --end;
  line = frame.substr(pos, end - pos);
  if (line.find('\r') != npos) return LineResult::kBareCr;
  next = lf + 1;
  return LineResult::kLine;
}

bool is_content_length(std::string_view name) {
  return (name.size() == 1 && (name[0] == 'l' || name[0] == 'L')) ||
         (name.size() == 14 && grammar::iequals(name, "Content-Length"));
}

// §7.3.1: a fold (CRLF followed by white space), with the white space around it, reads as one SP.
std::string unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  std::size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if (c != '\r' && c != '\n') {
      out += c;
      ++i;
      continue;
    }
    while (!out.empty() && is_lws(out.back())) out.pop_back();
    i += (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ? 2 : 1;
    while (i < raw.size() && is_lws(raw[i])) ++i;
    out += ' ';
  }
  const std::string_view trimmed = grammar::trim_lws(out);
  if (trimmed.size() != out.size()) return std::string(trimmed);
  return out;
}

// Request-URI = SIP-URI / SIPS-URI / absoluteURI: a scheme, ":", then no white space or controls.
// The URI's own syntax is checked by validate_request.
bool looks_like_uri(std::string_view uri) {
  const std::size_t colon = uri.find(':');
  if (colon == npos || colon == 0 || colon + 1 == uri.size()) return false;
  if (!grammar::is(uri[0], grammar::kAlpha) ||
      !grammar::all_of(uri.substr(0, colon), grammar::kScheme)) {
    return false;
  }
  for (char c : uri) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet <= 0x20 || octet == 0x7F) return false;
  }
  return true;
}

}  // namespace

// Builds the Message straight from views into the frame; a friend of Message.
class Parser {
 public:
  static std::optional<Message> parse(std::string_view frame, ParseError* error);
};

std::optional<Message> Parser::parse(std::string_view frame, ParseError* error) {
  bool is_request = false;
  std::string_view method;
  auto fail = [&](std::string_view reason, int status = 400) -> std::optional<Message> {
    if (error) {
      error->reason = std::string(reason);
      error->is_request = is_request;
      error->method = std::string(method);
      error->status = status;
    }
    return std::nullopt;
  };

  if (frame.size() > kMaxFrameSize) return fail("frame too large", 513);

  // §7.5: CRLFs before the start line are ignored.
  std::size_t pos = 0;
  while (true) {
    if (frame.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else if (pos < frame.size() && frame[pos] == '\n') {
      pos += 1;
    } else {
      break;
    }
  }
  if (pos == frame.size()) return fail("empty message");

  std::string_view line;
  std::size_t next = 0;
  switch (read_line(frame, pos, line, next)) {
    case LineResult::kLine:
      break;
    case LineResult::kNoLineEnd:
      return fail("no end of start line");
    case LineResult::kBareCr:
      return fail("bare CR");
  }

  std::string_view request_uri;
  std::string_view reason;
  int status = 0;
  if (grammar::istarts_with(line, "SIP/")) {
    // §7.2 Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF. A missing SP before an
    // empty Reason-Phrase is tolerated (RFC 4475 §3.1.1.13 calls that liberal).
    const std::size_t sp = line.find(' ');
    const std::string_view version = line.substr(0, sp);
    if (sp == npos || !grammar::is_sip_version(version)) return fail("bad status line");
    if (!grammar::iequals(version, "SIP/2.0")) return fail("unsupported SIP version", 505);
    const std::string_view rest = line.substr(sp + 1);
    if (rest.size() < 3 || !grammar::all_of(rest.substr(0, 3), grammar::kDigit) ||
        (rest.size() > 3 && rest[3] != ' ')) {
      return fail("bad status line");
    }
    status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    // §21: the classes are 1xx to 6xx (RFC 4475 §3.1.2.18 bigcode).
    if (status < 100 || status > 699) return fail("bad status code");
    if (rest.size() > 3) reason = rest.substr(4);
  } else {
    // §7.1 Request-Line = Method SP Request-URI SP SIP-Version CRLF, single SPs (RFC 4475
    // §3.1.2.8-10: lwsruri, lwsstart, trws).
    is_request = true;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == npos) return fail("bad request line");
    if (!grammar::is_token(line.substr(0, sp1))) return fail("bad method");
    method = line.substr(0, sp1);
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == npos) return fail("bad request line");
    request_uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!grammar::is_sip_version(version)) return fail("bad request line");
    if (!grammar::iequals(version, "SIP/2.0")) return fail("unsupported SIP version", 505);
    if (!looks_like_uri(request_uri)) return fail("bad Request-URI");
  }
  pos = next;

  Message message;
  message.fields_.reserve(24);
  // The field being read: it may continue on folded lines, so it is added once complete.
  std::string_view pending_name;
  std::size_t pending_begin = 0;
  std::size_t pending_end = 0;
  bool pending = false;
  bool folded = false;
  std::size_t content_length_count = 0;
  std::size_t content_length_index = 0;
  auto flush = [&] {
    if (!pending) return;
    const std::string_view raw = frame.substr(pending_begin, pending_end - pending_begin);
    if (is_content_length(pending_name)) {
      ++content_length_count;
      content_length_index = message.fields_.size();
    }
    HeaderField& field = message.fields_.emplace_back();
    field.name.assign(pending_name);
    if (folded) {
      field.value = unfold(raw);
    } else {
      field.value.assign(grammar::trim_lws(raw));
    }
    pending = false;
    folded = false;
  };

  // §7.3: message-header lines up to the empty line. A CR may only end a line: rather than
  // search every line for one, the CRs of the whole header section are counted at the end.
  const std::size_t headers_begin = pos;
  std::size_t crlf_line_ends = 0;
  while (true) {
    const std::size_t lf = frame.find('\n', pos);
    if (lf == npos) return fail("no empty line after the header fields");
    std::size_t end = lf;
    if (end > pos && frame[end - 1] == '\r') {
      --end;
      ++crlf_line_ends;
    }
    line = frame.substr(pos, end - pos);
    next = lf + 1;
    if (line.empty()) {
      flush();
      pos = next;
      break;
    }
    if (is_lws(line[0])) {
      // §7.3.1: a line starting with white space continues the field above.
      if (!pending) return fail("folded line without a header field");
      pending_end = pos + line.size();
      folded = true;
    } else {
      flush();
      const std::size_t colon = line.find(':');
      if (colon == npos) return fail("header field without colon");
      // HCOLON = *( SP / HTAB ) ":" SWS
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && is_lws(name.back())) name.remove_suffix(1);
      if (!grammar::is_token(name)) return fail("bad header field name");
      pending_name = name;
      pending_begin = pos + colon + 1;
      pending_end = pos + line.size();
      pending = true;
    }
    pos = next;
  }

  if (static_cast<std::size_t>(
          std::count(frame.begin() + static_cast<std::ptrdiff_t>(headers_begin),
                     frame.begin() + static_cast<std::ptrdiff_t>(pos), '\r')) != crlf_line_ends) {
    return fail("bare CR");
  }

  // §18.3 / RFC 7118 §5.1: one message per frame, so Content-Length must match the rest of the
  // frame exactly; without it the rest of the frame is the body.
  const std::string_view body = frame.substr(pos);
  if (content_length_count > 1) return fail("more than one Content-Length");
  if (content_length_count == 1) {
    const auto length = parse_uint(message.fields_[content_length_index].value);
    if (!length) return fail("bad Content-Length");
    if (*length > body.size()) return fail("body shorter than Content-Length");
    if (*length < body.size()) return fail("body longer than Content-Length");
  }

  if (is_request) {
    message.method_ = std::string(method);
    message.request_uri_ = std::string(request_uri);
  } else {
    message.status_ = status;
    message.reason_ = std::string(reason);
  }
  message.body_ = std::string(body);
  return message;
}

std::optional<Message> parse_message(std::string_view frame, ParseError* error) {
  return Parser::parse(frame, error);
}

namespace {

// The value of a field that must appear exactly once; otherwise sets `reason`.
std::optional<std::string_view> single_field(const Message& message, std::string_view name,
                                             std::string& reason) {
  std::optional<std::string_view> found;
  for (const HeaderField& field : message.fields()) {
    if (!header_name_equals(field.name, name)) continue;
    if (found) {
      reason = "more than one " + std::string(name);
      return std::nullopt;
    }
    found = field.value;
  }
  if (!found) reason = "missing " + std::string(name);
  return found;
}

// callid = word [ "@" word ]
bool is_call_id(std::string_view value) {
  const std::size_t at = value.find('@');
  if (at == npos) return grammar::all_of(value, grammar::kWord);
  return grammar::all_of(value.substr(0, at), grammar::kWord) &&
         grammar::all_of(value.substr(at + 1), grammar::kWord);
}

bool is_address(std::string_view value) {
  const auto address = parse_name_addr(value);
  return address && !address->wildcard;
}

// §8.1.1 / §8.2.2: To, From, CSeq, Call-ID and Via are in every request and response. To,
// From, CSeq and Call-ID appear once (RFC 4475 §3.3.8 multi01). Every Via value must parse.
std::string check_mandatory_fields(const Message& message) {
  std::string reason;
  const auto to = single_field(message, "To", reason);
  if (!to) return reason;
  const auto from = single_field(message, "From", reason);
  if (!from) return reason;
  const auto call_id = single_field(message, "Call-ID", reason);
  if (!call_id) return reason;
  const auto cseq = single_field(message, "CSeq", reason);
  if (!cseq) return reason;
  const std::vector<std::string_view> vias = message.header_values("Via");
  if (vias.empty()) return "missing Via";
  if (!is_address(*to)) return "bad To";
  if (!is_address(*from)) return "bad From";
  if (!is_call_id(*call_id)) return "bad Call-ID";
  if (!parse_cseq(*cseq)) return "bad CSeq";
  for (std::string_view via : vias) {
    if (!parse_via(via)) return "bad Via";
  }
  return {};
}

}  // namespace

std::string validate_request(const Message& request) {
  if (!request.is_request()) return "not a request";
  if (!grammar::is_token(request.method())) return "bad method";
  const auto uri = parse_uri(request.request_uri());
  if (!uri) return "bad Request-URI";
  // §8.2.2.1: a scheme the UAS does not handle is answered with 416 (RFC 4475 §3.3.2 unkscm).
  if (!uri->is_sip()) return "unsupported URI scheme";
  // §19.1.1 table 1: a Request-URI has no headers (RFC 4475 §3.1.2.11 escruri).
  if (!uri->headers.empty()) return "Request-URI has headers";

  std::string reason = check_mandatory_fields(request);
  if (!reason.empty()) return reason;

  // §8.1.1.5: the CSeq method matches the request's. ACK (§17.1.1.3) and CANCEL (§9.1) carry the
  // number of the request they refer to but their own method, so the rule holds for them too;
  // the number itself is the transaction layer's to check (RFC 4475 §3.1.2.16-17 mismatch01/02).
  const auto cseq = parse_cseq(*request.header("CSeq"));
  if (cseq->method != request.method()) return "CSeq method does not match the request";

  // §8.1.1.7: a branch with the magic cookie and nothing after it identifies no transaction
  // (RFC 4475 §3.2.1 badbranch).
  const auto top_via = parse_via(request.header_values("Via").front());
  if (top_via->branch() == "z9hG4bK") return "branch without a transaction id";

  // §8.1.1.6 / §20.22: Max-Forwards is an integer, 0-255 (RFC 4475 §3.1.2.3 scalar02).
  std::optional<std::string_view> max_forwards;
  for (const HeaderField& field : request.fields()) {
    if (!header_name_equals(field.name, "Max-Forwards")) continue;
    if (max_forwards) return "more than one Max-Forwards";
    max_forwards = field.value;
  }
  if (max_forwards) {
    const auto hops = parse_uint(*max_forwards);
    if (!hops || *hops > 255) return "bad Max-Forwards";
  }
  return {};
}

// §8.1.3: a UAC checks the same mandatory fields on a response. Discarding a response with more
// than one Via (§8.1.3.3) is the transaction layer's decision: a proxy sees several.
std::string validate_response(const Message& response) {
  if (!response.is_response()) return "not a response";
  if (response.status() < 100 || response.status() > 699) return "bad status code";
  return check_mandatory_fields(response);
}

}  // namespace acw::sip
