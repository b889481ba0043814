// embind surface of the lazily loaded journal module (dist/acw-journal.{mjs,wasm}): a page's
// recorded inputs (the core's compact records, Query journalRecords) made into the journal's JSON
// lines, with secrets redacted unless the page kept them (cpp/call/journal.hpp). Kept out of the
// page's core: only a page that reads its journal downloads it.
//
//   journalText(records) -> {"text": the journal's lines, "error": "" or why the records stop}
//
// Strings only cross, as in bindings/core.cpp, so the same small glue (core_glue.mjs) loads it.
#include <emscripten/bind.h>

#include <string>

#include "call/journal.hpp"
#include "call/json_object.hpp"

namespace {

std::string journal_text(const std::string& records) {
  acw::call::JournalText out = acw::call::journal_text(records);
  return acw::call::JsonObject().string("text", out.text).string("error", out.error).text();
}

}  // namespace

EMSCRIPTEN_BINDINGS(acw_journal) {
  emscripten::function("journalText", &journal_text);
}
