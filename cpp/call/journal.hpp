// Writing an engine session down so that a bug report can be replayed exactly, in two steps. While
// it runs, the engine appends each input to compact records (append_*_record: little code, so the
// page's core can afford it); reading turns the records into the journal, JSON lines with the
// config first and one input per line (journal_text: in the lazily loaded acw-journal module in
// the browser, bindings/journal_tools.cpp; natively Engine::journal). Replay reads the lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "call/input.hpp"

namespace acw::call {

struct Config;

// The records: fields one after another, a number as its decimal and a space, a string as its
// length in bytes, a colon and the bytes. Each record opens with a letter: C (the config, first),
// I (an input), F (the size cap was reached: nothing after it).
void append_config_record(std::string& out, const Config& config, bool keep_secrets);
void append_input_record(std::string& out, const Input& input);
void append_full_record(std::string& out, int64_t now, std::size_t max_bytes);

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

struct JournalText {
  std::string text;   // the journal's lines, each ending in '\n'
  std::string error;  // why the records do not read (text then holds the lines before them)
};
// The journal of the records: secrets redacted unless the config record kept them.
JournalText journal_text(std::string_view records);

}  // namespace acw::call
