// The binding's own names at the JS boundary (bindings/core.cpp): what query() and number() are
// asked. With InputKind (cpp/call/input.hpp) and OutputKind (cpp/call/output.hpp) these are every
// number that crosses with a meaning; js/boundary.js names them for the shim, and
// tests/node/boundary.test.mjs checks that file against these lists (names, values, order).
#pragma once

// query(handle, what, call, text) -> string. X(enumerator, name) /* what it reads */.
#define ACW_QUERIES(X)                                                                             \
  X(kConfigError, "configError")       /* the constructor's exception text, "" when valid */       \
  X(kCallId, "callId")                 /* call's SIP Call-ID */                                    \
  X(kPoll, "poll")                     /* the next output (core.cpp's poll_text), "" at the end */ \
  X(kSipHeaders, "sipHeaders")         /* call, text = name: the values, a JSON array */           \
  X(kJournalRecords, "journalRecords") /* the recording (startRecording): call/journal.hpp */

// number(handle, what, a, b) -> number.
#define ACW_NUMBER_QUERIES(X)                                                              \
  X(kNextDeadline, "nextDeadline")     /* the engine's one timer, -1 for none */           \
  X(kLastCall, "lastCall")             /* the call the last callService/callClient made */ \
  X(kFrameBuffer, "frameBuffer")       /* a = bytes: a new frame buffer's address */       \
  X(kStartRecording, "startRecording") /* a = 1 keeps secrets, b = cap: 1 if started */    \
  X(kBenchParse, "benchParse")         /* a = length, b = iterations: fields parsed */     \
  X(kDestroy, "destroy")               /* frees the engine; its handle is gone */          \
  X(kMaxFrameSize, "maxFrameSize")     /* the longest frame read (bytes); handle 0 */

namespace acw::bindings {

enum class Query {
#define ACW_QUERY_ENUMERATOR(what, name) what,
  ACW_QUERIES(ACW_QUERY_ENUMERATOR)
#undef ACW_QUERY_ENUMERATOR
};

enum class NumberQuery {
#define ACW_NUMBER_QUERY_ENUMERATOR(what, name) what,
  ACW_NUMBER_QUERIES(ACW_NUMBER_QUERY_ENUMERATOR)
#undef ACW_NUMBER_QUERY_ENUMERATOR
};

}  // namespace acw::bindings
