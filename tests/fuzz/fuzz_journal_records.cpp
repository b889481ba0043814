// libFuzzer target for call/journal's records reader (journal_text, in the journal module): any
// bytes read without a crash and the same answer twice; what reads becomes a journal replay reads,
// and recording its inputs again gives the same journal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "call/engine.hpp"
#include "call/journal.hpp"
#include "call/replay.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view records(reinterpret_cast<const char*>(data), size);
  const acw::call::JournalText out = acw::call::journal_text(records);
  const acw::call::JournalText again = acw::call::journal_text(records);
  if (out.text != again.text || out.error != again.error) std::abort();
  if (out.text.empty()) return 0;
  // Whatever was written reads back (the lines before an error too)...
  auto journal = acw::call::parse_journal(out.text);
  if (!journal) std::abort();
  // ...and its inputs, recorded again with the same config, give the same text.
  std::string rerecorded;
  acw::call::append_config_record(rerecorded, journal->config, /*keep_secrets=*/true);
  for (const acw::call::Input& input : journal->inputs)
    acw::call::append_input_record(rerecorded, input);
  // Only the header may differ ("secrets": this record keeps them, as they already read), and a
  // "full" line is not an input: compare the input lines.
  auto input_lines = [](std::string text, bool drop_last) {
    text.erase(0, text.find('\n') + 1);
    if (drop_last) text.erase(text.rfind('\n', text.size() - 2) + 1);
    return text;
  };
  if (input_lines(acw::call::journal_text(rerecorded).text, false) !=
      input_lines(out.text, journal->full))
    std::abort();
  return 0;
}
