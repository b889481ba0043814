// Writing an engine session down: the config and every input as JSON lines, so that a bug report
// can be replayed exactly.
#pragma once

#include <string>

#include "call/input.hpp"

namespace acw::call {

struct Config;

// {"journal":1,"cloudId":...,"webRtcAccessKey":...,"clientId":...,"url":...,"seed":"123","logLevel":6}
std::string journal_header(const Config& config);
// {"t":NOW,"in":"frame","call":1,"text":"..."}; fields at their default are left out. A string
// that is not UTF-8 is written as hex under the same name plus "Hex" so it reads back exactly.
std::string journal_line(const Input& input);

}  // namespace acw::call
