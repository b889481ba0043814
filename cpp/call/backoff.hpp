// How long to wait before trying again after a failure: pure functions of the failure count and one
// random value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace acw::call {

// A REGISTER that failed (not for a bad token) is retried after 30 s doubling per failure up
// to 30 min, each wait cut to a random 50-100% so that many clients do not retry in step (the
// shape of re's failwait() in src/sipreg/reg.c). `failures` counts from 1.
inline int64_t register_retry_wait(uint32_t failures, uint64_t random) {
  return std::min<int64_t>(
             1800000, int64_t{30000} << std::min<uint32_t>(failures > 0 ? failures - 1 : 0, 6)) *
         (500 + static_cast<int64_t>(random % 501)) / 1000;
}

// A lost WebSocket is reopened after 1 s doubling per failed attempt up to 30 s, with the same
// 50-100% jitter. `attempt` counts from 0 (the first reconnect).
inline int64_t reconnect_wait(uint32_t attempt, uint64_t random) {
  return std::min<int64_t>(30000, int64_t{1000} << std::min<uint32_t>(attempt, 5)) *
         (500 + static_cast<int64_t>(random % 501)) / 1000;
}

// While calls are kept across a lost socket: attempt n waits delays[n] (the last entry repeats),
// with the same 50-100% jitter, so a 0 reconnects at once. `delays` is never empty.
inline int64_t kept_call_reconnect_wait(const std::vector<int64_t>& delays, uint32_t attempt,
                                        uint64_t random) {
  return delays[std::min<std::size_t>(attempt, delays.size() - 1)] *
         (500 + static_cast<int64_t>(random % 501)) / 1000;
}

}  // namespace acw::call
