// Native Opus speed: encode and decode as multiples of real time (48 kHz mono, 20 ms frames,
// 32 kbit/s, complexity 10 and 5, speech-like and tonal input), median of several runs.
//
//   bench_media [--runs N] [--seconds S] [--speech FILE.wav] [--tonal FILE.wav] [--json]
//
// Times are CPU time of this process (the machine is shared: wall time would count other
// people's builds), so x real time means seconds of audio per CPU second.
//
// Without files it makes its own signals (the tests' generators); bench/opus-speed.mjs passes
// WAV files so that native, wasm and opusscript code the very same samples. --json prints one
// JSON object per line for that script.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../tests/cpp/media/signal_util.hpp"
#include "media/opus_decoder.hpp"
#include "media/opus_encoder.hpp"
#include "media/wav.hpp"

namespace {

using acw::media::OpusDecoder;
using acw::media::OpusEncoder;

double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

std::vector<std::int16_t> load_wav(const char* path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  auto wav = acw::media::read_wav(bytes);
  if (!wav || wav->sample_rate != 48000 || wav->channels != 1) {
    std::fprintf(stderr, "bench_media: %s is not a 48 kHz mono WAV (%s)\n", path,
                 wav ? "wrong format" : wav.error().c_str());
    std::exit(2);
  }
  return std::move(wav->samples);
}

// Two steady tones (440 + 480 Hz, US ringback without its cadence) at -13 dBFS each.
std::vector<std::int16_t> tonal(std::size_t count) {
  auto a = acw::media::test::sine(440, -13, 48000, count);
  const auto b = acw::media::test::sine(480, -13, 48000, count);
  for (std::size_t i = 0; i < count; ++i) a[i] = static_cast<std::int16_t>(a[i] + b[i]);
  return a;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Figures {
  double encode_x = 0, decode_x = 0;
  std::size_t bytes = 0;
};

Figures measure(const std::vector<std::int16_t>& pcm, int complexity, int runs) {
  const double seconds = static_cast<double>(pcm.size()) / 48000.0;
  std::vector<double> encode_times, decode_times;
  std::vector<std::vector<std::uint8_t>> packets;
  Figures figures;
  for (int run = 0; run < runs; ++run) {
    auto encoder = OpusEncoder::create({.bitrate = 32000, .complexity = complexity});
    packets.clear();
    const double t0 = cpu_seconds();
    for (std::size_t i = 0; i + 960 <= pcm.size(); i += 960) {
      packets.push_back(std::move(*encoder->encode(std::span(pcm).subspan(i, 960))));
    }
    const double t1 = cpu_seconds();
    auto decoder = OpusDecoder::create({});
    std::size_t samples = 0;
    for (const auto& packet : packets) samples += decoder->decode(packet)->size();
    const double t2 = cpu_seconds();
    if (samples != packets.size() * 960) std::exit(3);
    encode_times.push_back(t1 - t0);
    decode_times.push_back(t2 - t1);
  }
  for (const auto& packet : packets) figures.bytes += packet.size();
  figures.encode_x = seconds / median(encode_times);
  figures.decode_x = seconds / median(decode_times);
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  double seconds = 10;
  const char* speech_path = nullptr;
  const char* tonal_path = nullptr;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--runs" && has_value) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--seconds" && has_value) {
      seconds = std::max(1.0, std::atof(argv[++i]));
    } else if (arg == "--speech" && has_value) {
      speech_path = argv[++i];
    } else if (arg == "--tonal" && has_value) {
      tonal_path = argv[++i];
    } else if (arg == "--json") {
      json = true;
    } else {
      std::fprintf(stderr,
                   "usage: bench_media [--runs N] [--seconds S] [--speech F.wav] [--tonal F.wav] "
                   "[--json]\n");
      return 2;
    }
  }
  const auto count = static_cast<std::size_t>(seconds * 48000) / 960 * 960;
  const std::vector<std::int16_t> speech =
      speech_path ? load_wav(speech_path) : acw::media::test::speech_like(48000, count);
  const std::vector<std::int16_t> tones = tonal_path ? load_wav(tonal_path) : tonal(count);

  if (!json) {
    std::printf("native libopus 1.3.1: x real time (CPU time), median of %d runs of %.0f s\n", runs,
                seconds);
    std::printf("%-8s %-10s %10s %10s %8s\n", "input", "complexity", "encode x", "decode x",
                "kbit/s");
  }
  for (const auto& [name, pcm] :
       {std::pair<const char*, const std::vector<std::int16_t>*>{"speech", &speech},
        std::pair<const char*, const std::vector<std::int16_t>*>{"tonal", &tones}}) {
    for (int complexity : {10, 5}) {
      const Figures f = measure(*pcm, complexity, runs);
      const double kbps =
          static_cast<double>(f.bytes) * 8 / (static_cast<double>(pcm->size()) / 48000) / 1000;
      if (json) {
        std::printf(
            "{\"impl\":\"native\",\"input\":\"%s\",\"complexity\":%d,\"encodeX\":%.2f,\"decodeX\":%"
            ".2f,\"kbps\":%.2f}\n",
            name, complexity, f.encode_x, f.decode_x, kbps);
      } else {
        std::printf("%-8s %-10d %10.1f %10.1f %8.1f\n", name, complexity, f.encode_x, f.decode_x,
                    kbps);
      }
    }
  }
  return 0;
}
