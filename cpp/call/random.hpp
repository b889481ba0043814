// The engine's pseudo-random source: SplitMix64 seeded by the caller, so a recorded session replays
// exactly.
#pragma once

#include <cstdint>

namespace acw::call {

// Branches, tags, Call-IDs, the Contact user and host and back-off jitter all come from here;
// the core never reads a clock or the system's entropy. The page seeds it (crypto.getRandomValues).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  // SplitMix64 (Steele, Lea, Flood 2014): one add and three mix steps per value.
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace acw::call
