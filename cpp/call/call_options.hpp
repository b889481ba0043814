// Call options as one plain value: the JSON text the page hands the core for callService,
// callClient and answer, read into CallOptions.
#pragma once

#include <string>
#include <string_view>

#include "call/input.hpp"

namespace acw::call {

// Reads the options from a JSON object of the shape a journal's "options" is written in
// (journal.cpp): {"audioCodecs": [strings], "videoCodecs": [strings], "maxBitrateAudio": a whole
// number 0..4294967295 (bits/s), "maxBitrateVideo": the same, "receiveAudio": boolean,
// "receiveVideo": boolean, "extraSipHeaders": [strings]}. Every member may be left out; null is the
// same as left out. "" (no text at all) is no options. Returns "" with *options set, or the error
// ("Invalid call options: ...", *options left default): an unknown or repeated member, a value of
// the wrong type, or text that is not JSON (json_reader.hpp).
std::string read_call_options(std::string_view json, CallOptions* options);

}  // namespace acw::call
