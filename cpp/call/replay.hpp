// Reading a journal back and replaying it into a fresh engine (native tools and tests; the wasm
// client never links it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/engine.hpp"
#include "call/input.hpp"
#include "call/output.hpp"

namespace acw::call {

struct Journal {
  Config config;
  std::vector<Input> inputs;
  bool full = false;  // it reached its size cap: it ends with the last input before
};

// The journal Engine::start_recording() wrote; nullopt with the reason (and line) in *error.
std::optional<Journal> parse_journal(std::string_view text, std::string* error = nullptr);

// A fresh engine with the journal's config gets every input in order; after each one the outputs
// are drained. The result is every output, in order: the same as the recorded session's.
std::vector<Output> replay(const Journal& journal);

}  // namespace acw::call
