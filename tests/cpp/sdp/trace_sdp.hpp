// Test helper: the SDP bodies of the SIP traces in /work/shared/traces, CRLF as on the wire.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace acw::sdp::testing {

struct TraceSdp {
  std::string trace;       // file name
  std::string first_line;  // the SIP start line of the message that carried it
  std::string body;        // CRLF line ends, as on the wire
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

// Every application/sdp body of one trace file, in the order they appear.
inline std::vector<TraceSdp> load_trace_sdps(const std::string& file) {
  const std::string path = std::string(ACW_SHARED_DIR) + "/traces/" + file;
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read the trace " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<TraceSdp> result;
  // Blocks start with a "=== in|out|event" line; each message body runs to the next marker.
  std::size_t at = 0;
  while ((at = text.find("\n=== ", at)) != std::string::npos) {
    const std::size_t marker_end = text.find('\n', at + 1);
    if (marker_end == std::string::npos) break;
    const std::size_t start = marker_end + 1;
    std::size_t end = text.find("\n=== ", start);
    if (end == std::string::npos) end = text.size();
    const std::string block = text.substr(start, end + 1 - start);
    at = end;
    if (block.find("Content-Type: application/sdp") == std::string::npos) continue;
    const std::size_t blank = block.find("\n\n");
    if (blank == std::string::npos) continue;
    std::string body = block.substr(blank + 2);
    // The file keeps one empty separator line before the next marker; it is not in the body.
    while (body.size() >= 2 && body.compare(body.size() - 2, 2, "\n\n") == 0) body.pop_back();
    result.push_back({file, block.substr(0, block.find('\n')), crlf(body)});
  }
  return result;
}

inline std::vector<TraceSdp> all_trace_sdps() {
  std::vector<TraceSdp> all = load_trace_sdps("official-client.txt");
  for (TraceSdp& sdp : load_trace_sdps("official-client-incoming-cancel-unregister.txt")) {
    all.push_back(std::move(sdp));
  }
  return all;
}

}  // namespace acw::sdp::testing
