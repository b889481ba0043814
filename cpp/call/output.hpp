// What the engine asks its host (the JS shim, or a test) to do: one flat record per action, drained
// with Engine::poll().
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace acw::call {

// A call's handle in the engine: 1, 2, 3... in creation order, never reused; 0 = no call.
using CallHandle = uint32_t;
// Handles cross to JS as numbers (doubles): every one must be exact there.
static_assert(std::numeric_limits<CallHandle>::digits <= std::numeric_limits<double>::digits);

// Every output kind, in order, with its name (logs, test messages, and js/boundary.js, which
// tests/node/boundary.test.mjs checks against this list). X(enumerator, name) /* what it carries
// */.
#define ACW_OUTPUT_KINDS(X)                                                                        \
  X(kOpenSocket, "OpenSocket") /* text = URL (WebSocket subprotocol "sip") */                      \
  X(kCloseSocket, "CloseSocket")                                                                   \
  X(kSendFrame, "SendFrame") /* text = one SIP message, one WebSocket text frame */                \
  /* call; text = iceServers JSON text (an array); json = {"iceTransportPolicy", "receiveAudio",   \
     "receiveVideo"} (booleans or null = decide from the local stream, as interface.md says) */    \
  X(kCreatePeer, "CreatePeer")                                                                     \
  /* call; name = an RTCOfferOptions member to set ("iceRestart") or ""; text = "hold" when the    \
     offer holds the call (RFC 3264 §8.4); then Engine::sdp_created */                            \
  X(kCreateOffer, "CreateOffer")                                                                   \
  X(kCreateAnswer, "CreateAnswer") /* call: createAnswer(), then Engine::sdp_created */            \
  /* call; name = "offer"/"answer"; text = SDP to set; when ICE gathering ends (or after ~5 s)     \
     call Engine::local_description_ready */                                                       \
  X(kSetLocalDescription, "SetLocalDescription")                                                   \
  X(kSetRemoteDescription, "SetRemoteDescription") /* call; name = "offer"/"answer"; text = SDP */ \
  X(kClosePeer, "ClosePeer")                       /* call */                                      \
  /* call; text = digits (0-9 A-D * #) for RTCDTMFSender.insertDTMF */                             \
  X(kSendDtmf, "SendDtmf")                                                                         \
  /* call (0 for the client's callbacks); name = callback; json = payload */                       \
  X(kCallback, "Callback")                                                                         \
  X(kLog, "Log") /* level 1 (errors) .. 6 (SIP traces); text */

enum class OutputKind : uint8_t {
#define ACW_OUTPUT_KIND_ENUMERATOR(kind, name) kind,
  ACW_OUTPUT_KINDS(ACW_OUTPUT_KIND_ENUMERATOR)
#undef ACW_OUTPUT_KIND_ENUMERATOR
};

// How many kinds there are; they cross to JS as their numbers 0 .. kOutputKindCount - 1.
inline constexpr int kOutputKindCount = 0
#define ACW_OUTPUT_KIND_COUNT(kind, name) +1
    ACW_OUTPUT_KINDS(ACW_OUTPUT_KIND_COUNT)
#undef ACW_OUTPUT_KIND_COUNT
    ;
static_assert(kOutputKindCount <= 256, "OutputKind is stored in 8 bits");
static_assert(static_cast<int>(OutputKind::kLog) == kOutputKindCount - 1);

// Per call, the media outputs are to be carried out in order, each after the previous one finished
// (SetRemoteDescription before CreateAnswer, for example).
struct Output {
  OutputKind kind = OutputKind::kLog;
  CallHandle call = 0;
  std::string name;
  std::string text;
  std::string json;
  int level = 0;
  friend bool operator==(const Output&, const Output&) = default;
};

inline Output make_output(OutputKind kind, CallHandle call = 0, std::string name = {},
                          std::string text = {}, std::string json = {}, int level = 0) {
  Output output;
  output.kind = kind;
  output.call = call;
  output.name = std::move(name);
  output.text = std::move(text);
  output.json = std::move(json);
  output.level = level;
  return output;
}

std::string_view output_kind_name(OutputKind kind);

}  // namespace acw::call
