// Benchmark: parse_message and serialize throughput on two recorded messages (INVITE with SDP, 200
// to REGISTER).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sip/message.hpp"
#include "sip/parser.hpp"

namespace {

constexpr int kRuns = 5;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The first "=== in"/"=== out" block whose text starts with `start` and contains `marker`, as sent
// on the wire: CRLF line ends, body cut at Content-Length.
std::string trace_message(const std::string& text, const std::string& start,
                          const std::string& marker) {
  std::size_t at = 0;
  while ((at = text.find("\n=== ", at)) != std::string::npos) {
    const std::size_t begin = text.find('\n', at + 1) + 1;
    std::size_t end = text.find("\n=== ", begin);
    end = (end == std::string::npos) ? text.size() : end + 1;
    at = end - 1;
    const std::string block = text.substr(begin, end - begin);
    if (block.compare(0, start.size(), start) != 0 || block.find(marker) == std::string::npos) {
      continue;
    }
    std::string wire;
    for (char c : block) {
      if (c == '\n') wire += '\r';
      wire += c;
    }
    const std::size_t blank = wire.find("\r\n\r\n");
    const std::size_t length_at = wire.find("\r\nContent-Length: ");
    const std::size_t length = std::strtoul(wire.c_str() + length_at + 18, nullptr, 10);
    return wire.substr(0, blank + 4 + length);
  }
  std::fprintf(stderr, "no %s message with %s in the trace\n", start.c_str(), marker.c_str());
  std::exit(1);
}

struct Rates {
  double cpu;   // per second of this process's CPU time: what other processes on the machine do not
                // skew
  double wall;  // per second of wall-clock time
};

// Messages per second of `work` over `iterations` calls: the medians of kRuns runs after a warm-up.
template <typename Work>
Rates median_rates(int iterations, Work&& work) {
  for (int i = 0; i < iterations / 10; ++i) work();
  std::vector<double> cpu;
  std::vector<double> wall;
  for (int run = 0; run < kRuns; ++run) {
    const std::clock_t cpu_start = std::clock();
    const auto wall_start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) work();
    const std::chrono::duration<double> wall_elapsed =
        std::chrono::steady_clock::now() - wall_start;
    const double cpu_elapsed = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    cpu.push_back(iterations / cpu_elapsed);
    wall.push_back(iterations / wall_elapsed.count());
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  return {cpu[kRuns / 2], wall[kRuns / 2]};
}

}  // namespace

int main() {
  const std::string trace = read_file(std::string(ACW_SHARED_DIR) + "/traces/official-client.txt");
  struct Case {
    const char* name;
    std::string wire;
  };
  const std::vector<Case> cases = {
      {"INVITE with SDP", trace_message(trace, "INVITE ", "application/sdp")},
      {"200 OK to REGISTER", trace_message(trace, "SIP/2.0 200 OK", "CSeq: 2 REGISTER")},
  };

  std::size_t sink = 0;
  std::printf("%-20s %6s %16s %16s %16s %16s\n", "message", "bytes", "parse msg/s", "(wall clock)",
              "serialize msg/s", "(wall clock)");
  for (const Case& c : cases) {
    const auto parsed = acw::sip::parse_message(c.wire);
    if (!parsed || parsed->serialize() != c.wire) {
      std::fprintf(stderr, "%s does not round-trip\n", c.name);
      return 1;
    }
    const int iterations = 200000;
    // As JsSIP and SIP.js parse a message: the framing and the grammar of Via, From, To, CSeq and
    // Contact (parse_like_peers), like the wasm figure.
    const Rates parse =
        median_rates(iterations, [&] { sink += acw::sip::parse_like_peers(c.wire); });
    const Rates serialize = median_rates(iterations, [&] { sink += parsed->serialize().size(); });
    std::printf("%-20s %6zu %16.0f %16.0f %16.0f %16.0f\n", c.name, c.wire.size(), parse.cpu,
                parse.wall, serialize.cpu, serialize.wall);
  }
  std::printf(
      "median of %d runs of 200000 after a warm-up, per second of CPU time (and of wall\n"
      "clock time, which other processes on the machine slow down); checksum %zu\n",
      kRuns, sink);
  return 0;
}
