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

// §7.3.1: a fold (CRLF followed by white space), with the white space around it, reads as one SP;
// the value is trimmed. (A CR not before a LF is refused by the caller, whatever this gives.)
std::string unfold(std::string_view raw) {
  std::string out;
  bool fold = false;
  for (char c : grammar::trim_lws(raw)) {
    if (c == '\r' || c == '\n') {
      while (!out.empty() && is_lws(out.back())) out.pop_back();
      fold = true;
    } else if (!fold || !is_lws(c)) {
      if (fold && !out.empty()) out += ' ';
      fold = false;
      out += c;
    }
  }
  return out;
}

// How many fields have this name; `first` is the first one's value.
std::size_t count_fields(const Message& message, std::string_view name, std::string_view& first) {
  std::size_t count = 0;
  for (const HeaderField& field : message.fields()) {
    if (header_name_equals(field.name, name) && count++ == 0) first = field.value;
  }
  return count;
}

}  // namespace

// Builds the Message straight from views into the frame; a friend of Message.
class Parser {
 public:
  static std::optional<Message> parse(std::string_view frame, ParseError* error);

 private:
  // Fills `message`; returns why the frame is refused (nullptr when it is not) and, for that, the
  // status a UAS answers with and what was learnt of the request.
  static const char* read(std::string_view frame, Message& message, int& status,
                          std::string_view& method, bool& is_request);
};

const char* Parser::read(std::string_view frame, Message& message, int& status,
                         std::string_view& method, bool& is_request) {
  if (frame.size() > kMaxFrameSize) {
    status = 513;
    return "frame too large";
  }

  // §7.5: CRLFs before the start line are ignored.
  std::size_t pos = 0;
  while (pos < frame.size() &&
         (frame[pos] == '\n' ||
          (frame[pos] == '\r' && pos + 1 < frame.size() && frame[pos + 1] == '\n'))) {
    ++pos;
  }
  if (pos == frame.size()) return "empty message";

  // The start line, ended by CRLF or a bare LF; a CR anywhere else would break the framing.
  std::size_t next = frame.find('\n', pos);
  if (next == npos) return "no end of start line";
  std::string_view line = frame.substr(pos, next - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\r') != npos) return "bare CR";
  pos = next + 1;

  // §7.2 Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF; §7.1 Request-Line =
  // Method SP Request-URI SP SIP-Version CRLF, single SPs (RFC 4475 §3.1.2.8-10: lwsruri,
  // lwsstart, trws).
  const bool response = grammar::istarts_with(line, "SIP/");
  const char* bad_line = response ? "bad status line" : "bad request line";
  std::string_view version;
  std::string_view rest;
  const std::size_t sp = line.find(' ');
  if (sp == npos) return bad_line;
  if (response) {
    version = line.substr(0, sp);
    rest = line.substr(sp + 1);
  } else {
    is_request = true;
    if (!grammar::is_token(line.substr(0, sp))) return "bad method";
    method = line.substr(0, sp);
    const std::size_t sp2 = line.find(' ', sp + 1);
    if (sp2 == npos) return bad_line;
    rest = line.substr(sp + 1, sp2 - sp - 1);
    version = line.substr(sp2 + 1);
  }
  if (!grammar::is_sip_version(version)) return bad_line;
  if (!grammar::iequals(version, "SIP/2.0")) {
    status = 505;
    return "unsupported SIP version";
  }
  if (response) {
    // A missing SP before an empty Reason-Phrase is tolerated (RFC 4475 §3.1.1.13 calls that
    // liberal).
    if (rest.size() < 3 || !grammar::all_of(rest.substr(0, 3), grammar::kDigit) ||
        (rest.size() > 3 && rest[3] != ' ')) {
      return bad_line;
    }
    message.status_ = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    // §21: the classes are 1xx to 6xx (RFC 4475 §3.1.2.18 bigcode).
    if (message.status_ < 100 || message.status_ > 699) return "bad status code";
    if (rest.size() > 3) message.reason_ = rest.substr(4);
  } else {
    // Request-URI = SIP-URI / SIPS-URI / absoluteURI: a scheme, ":", then no white space or
    // controls. The URI's own syntax is checked by validate_request.
    const std::size_t colon = rest.find(':');
    if (colon == npos || colon == 0 || colon + 1 == rest.size() ||
        !grammar::is(rest[0], grammar::kAlpha) ||
        !grammar::all_of(rest.substr(0, colon), grammar::kScheme) ||
        std::any_of(rest.begin(), rest.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; })) {
      return "bad Request-URI";
    }
    message.method_ = method;
    message.request_uri_ = rest;
  }

  // §7.3: message-header lines up to the empty line; a line starting with white space continues
  // the field above (§7.3.1), so a field is added once the next line shows it is complete. A CR
  // may only end a line: rather than search every line for one, the CRs of the whole header
  // section are counted at the end.
  const std::size_t headers_begin = pos;
  std::size_t crlf_line_ends = 0;
  std::string_view name;  // of the field being read, empty when none
  std::size_t value_begin = 0;
  std::size_t value_end = 0;
  bool folded = false;
  while (true) {
    next = frame.find('\n', pos);
    if (next == npos) return "no empty line after the header fields";
    std::size_t end = next;
    if (end > pos && frame[end - 1] == '\r') {
      --end;
      ++crlf_line_ends;
    }
    if (end > pos && is_lws(frame[pos])) {
      if (name.empty()) return "folded line without a header field";
      value_end = end;
      folded = true;
      pos = next + 1;
      continue;
    }
    if (!name.empty()) {
      const std::string_view raw = frame.substr(value_begin, value_end - value_begin);
      message.fields_.push_back(HeaderField{
          std::string(name), folded ? unfold(raw) : std::string(grammar::trim_lws(raw))});
      name = {};
      folded = false;
    }
    if (end == pos) {
      pos = next + 1;
      break;
    }
    line = frame.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    if (colon == npos) return "header field without colon";
    // HCOLON = *( SP / HTAB ) ":" SWS
    name = grammar::trim_lws(line.substr(0, colon));
    if (!grammar::is_token(name)) return "bad header field name";
    value_begin = pos + colon + 1;
    value_end = end;
    pos = next + 1;
  }

  if (static_cast<std::size_t>(
          std::count(frame.begin() + static_cast<std::ptrdiff_t>(headers_begin),
                     frame.begin() + static_cast<std::ptrdiff_t>(pos), '\r')) != crlf_line_ends) {
    return "bare CR";
  }

  // §18.3 / RFC 7118 §5.1: one message per frame, so Content-Length must match the rest of the
  // frame exactly; without it the rest of the frame is the body.
  const std::string_view body = frame.substr(pos);
  std::string_view length_text;
  const std::size_t content_lengths = count_fields(message, "l", length_text);
  if (content_lengths > 1) return "more than one Content-Length";
  if (content_lengths == 1) {
    const auto length = parse_uint(length_text);
    if (!length) return "bad Content-Length";
    if (*length > body.size()) return "body shorter than Content-Length";
    if (*length < body.size()) return "body longer than Content-Length";
  }
  message.body_ = body;
  return nullptr;
}

std::optional<Message> Parser::parse(std::string_view frame, ParseError* error) {
  std::optional<Message> message(std::in_place);
  int status = 400;
  std::string_view method;
  bool is_request = false;
  const char* reason = read(frame, *message, status, method, is_request);
  if (reason) {
    if (error) {
      error->reason = reason;
      error->is_request = is_request;
      error->method = method;
      error->status = status;
    }
    message.reset();
  }
  return message;  // (one return object, so no move)
}

std::optional<Message> parse_message(std::string_view frame, ParseError* error) {
  return Parser::parse(frame, error);
}

namespace {

// callid = word [ "@" word ]
bool is_call_id(std::string_view value) {
  const std::size_t at = value.find('@');
  return grammar::all_of(value.substr(0, at), grammar::kWord) &&
         (at == npos || grammar::all_of(value.substr(at + 1), grammar::kWord));
}

bool is_address(std::string_view value) {
  const auto address = parse_name_addr(value);
  return address && !address->wildcard;
}

// §8.1.1 / §8.2.2: To, From, CSeq, Call-ID and Via are in every request and response. To,
// From, CSeq and Call-ID appear once (RFC 4475 §3.3.8 multi01). Every Via value must parse.
std::string check_mandatory_fields(const Message& message) {
  static constexpr std::string_view kOnce[] = {"To", "From", "Call-ID", "CSeq", "Via"};
  std::string_view values[4];
  for (int i = 0; i < 4; ++i) {
    const std::size_t count = count_fields(message, kOnce[i], values[i]);
    if (count != 1) return std::string(count ? "more than one " : "missing ").append(kOnce[i]);
  }
  const std::vector<std::string_view> vias = message.header_values("Via");
  if (vias.empty()) return "missing Via";
  int bad = !is_address(values[0])   ? 0
            : !is_address(values[1]) ? 1
            : !is_call_id(values[2]) ? 2
            : !parse_cseq(values[3]) ? 3
            : !std::all_of(vias.begin(), vias.end(),
                           [](std::string_view via) { return parse_via(via).has_value(); })
                ? 4
                : -1;
  if (bad < 0) return {};
  return std::string("bad ").append(kOnce[bad]);
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
  std::string_view max_forwards;
  const std::size_t count = count_fields(request, "Max-Forwards", max_forwards);
  if (count > 1) return "more than one Max-Forwards";
  if (count == 1) {
    const auto hops = parse_uint(max_forwards);
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

std::size_t parse_like_peers(std::string_view frame) {
  auto message = parse_message(frame);
  if (!message) return 0;
  std::size_t parsed = 0;
  for (std::string_view via : message->header_values("Via")) parsed += parse_via(via) ? 1 : 0;
  for (std::string_view name : {"From", "To", "Contact"}) {
    for (std::string_view value : message->header_values(name))
      parsed += parse_name_addr(value) ? 1 : 0;
  }
  parsed += parse_cseq(message->header("CSeq").value_or("")) ? 1 : 0;
  return parsed;
}

}  // namespace acw::sip
