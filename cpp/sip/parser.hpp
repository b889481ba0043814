// SIP message parser for a message-oriented transport (RFC 3261 §7, §25; RFC 7118 framing).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace acw::sip {

// Frames larger than this are refused before parsing (PROTOCOL.md / issue: 64 KiB).
inline constexpr std::size_t kMaxFrameSize = 64 * 1024;

struct ParseError {
  std::string reason;  // short, for logs ("bad status line", "Content-Length mismatch", ...)
  // What could be recovered, so a request can be answered with 400: empty when unknown.
  bool is_request = false;
  std::string method;
  // The status a UAS answers a request with: 400, 505 for another SIP version (§21.5.20),
  // 513 for a frame over kMaxFrameSize (§21.5.21).
  int status = 400;
};

// Parses one whole message from one WebSocket text frame. Any input gives either a Message
// or an error: never a crash, hang or out-of-bounds read. Content-Length, when present, must
// not exceed the bytes after the blank line (extra bytes are an error too, one message per frame).
// Mandatory headers are not checked here (see validate_request / validate_response).
std::optional<Message> parse_message(std::string_view frame, ParseError* error = nullptr);

// For the parse benchmarks (bench/bench_sip_parse.cpp, bindings/core.cpp's benchParse): a message
// parsed as JsSIP's and SIP.js's parsers parse one on receipt, its framing and then the grammar of
// every Via, From, To, CSeq and Contact (the engine reads those when it needs them). The number
// of fields that parsed (0 when the message does not), so the work cannot be left out.
std::size_t parse_like_peers(std::string_view frame);

// RFC 3261 §8.2 / §8.1.3.3 minimum: To, From, CSeq (number and method matching the request
// line), Call-ID, Via (and Max-Forwards is not required). Returns the reason or empty when valid.
std::string validate_request(const Message& request);
std::string validate_response(const Message& response);

}  // namespace acw::sip
