// Test helper: an Ogg Opus file of an encoded tone, with its packets, and running tools on files.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "media/ogg_opus_writer.hpp"
#include "media/opus_encoder.hpp"
#include "signal_util.hpp"

namespace acw::media::test {

struct OggOpusSample {
  std::vector<std::uint8_t> file;
  std::vector<std::vector<std::uint8_t>> packets;
  int pre_skip = 0;
};

// seconds of a 1 kHz tone (mono or stereo) in 20 ms packets; trim_samples cut from the end.
inline OggOpusSample make_ogg_opus(int seconds, int channels = 1, std::uint64_t trim_samples = 0,
                                   int max_page_ms = 1000) {
  OggOpusSample out;
  auto encoder = OpusEncoder::create({.channels = channels, .bitrate = 32000 * channels});
  out.pre_skip = encoder->lookahead_48k();
  auto writer = OggOpusWriter::create({.serial = 0x5EED,
                                       .channels = channels,
                                       .pre_skip = out.pre_skip,
                                       .comments = {"TITLE=tone"},
                                       .max_page_ms = max_page_ms});
  const auto pcm = sine(1000, -12, 48000, static_cast<std::size_t>(48000 * seconds), channels);
  out.file = writer->headers();
  const std::size_t step = 960 * static_cast<std::size_t>(channels);
  for (std::size_t i = 0; i + step <= pcm.size(); i += step) {
    auto packet = encoder->encode(std::span(pcm).subspan(i, step));
    out.packets.push_back(*packet);
    auto bytes = writer->write_packet(*packet);
    out.file.insert(out.file.end(), bytes->begin(), bytes->end());
  }
  const auto end = writer->finish(trim_samples);
  out.file.insert(out.file.end(), end.begin(), end.end());
  return out;
}

inline std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + name;
}

inline void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
}

inline bool have_tool(const char* name) {
  return std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command; returns its exit status and puts stdout+stderr in output.
inline int run_tool(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace acw::media::test
