// Test helper: the SIP messages of the recorded traces in /work/shared/traces, as sent on the wire
// (CRLF).
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace acw::sip::testing {

struct TraceMessage {
  std::string trace;       // file name
  std::string direction;   // "in" (sent by the client) or "out" (sent by the stub)
  std::string first_line;  // the start line, for test names and messages
  std::string wire;        // CRLF line ends, body trimmed to Content-Length
};

inline std::string crlf(const std::string& lf) {
  std::string out;
  out.reserve(lf.size() + lf.size() / 16);
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every "=== in" / "=== out" block of one trace file ("=== event" blocks are not SIP). The
// files end each block with blank separator lines, which are cut at Content-Length (read here
// with plain string search, independently of the parser under test).
inline std::vector<TraceMessage> load_trace_messages(const std::string& file) {
  const std::string text = read_file(std::string(ACW_SHARED_DIR) + "/traces/" + file);
  std::vector<TraceMessage> result;
  std::size_t at = 0;
  while ((at = text.find("=== ", at)) != std::string::npos) {
    if (at != 0 && text[at - 1] != '\n') {
      at += 4;
      continue;
    }
    const std::size_t line_end = text.find('\n', at);
    const std::string kind = text.substr(at + 4, line_end - at - 4);
    const std::size_t start = line_end + 1;
    std::size_t end = text.find("\n=== ", start);
    end = (end == std::string::npos) ? text.size() : end + 1;
    at = end;
    if (kind != "in" && kind != "out") continue;
    const std::string wire = crlf(text.substr(start, end - start));
    const std::size_t blank = wire.find("\r\n\r\n");
    const std::size_t length_at = wire.find("\r\nContent-Length: ");
    if (blank == std::string::npos || length_at == std::string::npos || length_at > blank) {
      std::abort();  // the traces always carry Content-Length
    }
    const std::size_t length = std::strtoul(wire.c_str() + length_at + 18, nullptr, 10);
    result.push_back(
        {file, kind, wire.substr(0, wire.find("\r\n")), wire.substr(0, blank + 4 + length)});
  }
  return result;
}

inline std::vector<TraceMessage> all_trace_messages() {
  std::vector<TraceMessage> all = load_trace_messages("official-client.txt");
  for (TraceMessage& message :
       load_trace_messages("official-client-incoming-cancel-unregister.txt")) {
    all.push_back(std::move(message));
  }
  return all;
}

}  // namespace acw::sip::testing
