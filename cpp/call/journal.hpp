// Writing an engine session down: the config and every input as JSON lines, so that a bug report
// can be replayed exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "call/input.hpp"

namespace acw::call {

struct Config;

// {"journal":1,"cloudId":...,"webRtcAccessKey":...,"clientId":...,"url":...,"seed":"123","logLevel":6,
// "secrets":"redacted"} ("kept" when the page kept them).
std::string journal_header(const Config& config, bool keep_secrets = true);
// {"t":NOW,"in":"frame","call":1,"text":"..."}; fields at their default are left out. A string
// that is not UTF-8 is written as hex under the same name plus "Hex" so it reads back exactly.
// Unless `keep_secrets`, tokens and received Authorization values are written redacted
// (call/token.hpp).
std::string journal_line(const Input& input, bool keep_secrets = true);
// The line that ends a journal which reached its size cap: {"full":MAX_BYTES,"t":NOW}.
std::string journal_full_line(int64_t now, std::size_t max_bytes);

}  // namespace acw::call
