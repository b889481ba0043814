// Everything that can happen to the engine, as one record: what Engine::handle takes and what a
// journal stores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "call/output.hpp"

namespace acw::call {

// AculabCloudCallOptions, as far as the core needs them (media constraints and streams stay in JS).
struct CallOptions {
  std::vector<std::string> audio_codecs;  // preference order: "opus" or a mimeType "audio/opus"
  std::vector<std::string> video_codecs;
  std::optional<uint32_t> max_bitrate_audio;  // bits/s; nullopt = browser default (or Infinity)
  std::optional<uint32_t> max_bitrate_video;  // bits/s; nullopt or 0 = browser default
  std::optional<bool> receive_audio;          // nullopt = undefined
  std::optional<bool> receive_video;
  std::vector<std::string> extra_sip_headers;  // "X-Name: value"
  friend bool operator==(const CallOptions&, const CallOptions&) = default;
};

// Every input kind, in order, with its name: the name is what journals write ("in") and what
// js/boundary.js calls it (tests/node/boundary.test.mjs checks that file against this list).
// X(enumerator, name) /* what the input carries */. A recorded journal names its inputs with these:
// never rename one.
#define ACW_INPUT_KINDS(X)                                                                        \
  X(kSocketOpened, "socketOpened")                                                                \
  X(kSocketClosed, "socketClosed")                                                                \
  X(kFrame, "frame") /* text */                                                                   \
  X(kTimeout, "timeout")                                                                          \
  X(kEnableIncoming, "enableIncoming") /* text = token */                                         \
  X(kDisableIncoming, "disableIncoming")                                                          \
  X(kCallService, "callService")            /* text = serviceName, options */                     \
  X(kCallClient, "callClient")              /* text = clientId, text2 = token, options */         \
  X(kAnswer, "answer")                      /* call, options */                                   \
  X(kRinging, "ringing")                    /* call */                                            \
  X(kReject, "reject")                      /* call, number = code (0 = none given) */            \
  X(kDisconnect, "disconnect")              /* call */                                            \
  X(kSendDtmf, "sendDtmf")                  /* call, text = digits */                             \
  X(kSetMaxConcurrent, "maxConcurrent")     /* number */                                          \
  X(kSetIncomingHandler, "incomingHandler") /* number = 1 when the page has an onIncoming */      \
  /* ice_servers (JSON text or nullopt), text2 = iceTransportPolicy */                            \
  X(kSetPeerConnectionConfiguration, "peerConnectionConfiguration")                               \
  X(kClose, "close")                                                                              \
  X(kSdpCreated, "sdpCreated")                       /* call, text = SDP */                       \
  X(kLocalDescriptionReady, "localDescriptionReady") /* call, text = SDP with candidates */       \
  X(kMediaFailed, "mediaFailed") /* call, text = "DEVICE_ERROR"/"ERROR", text2 = detail */        \
  /* number = 1 the browser is online, 0 offline, 2 its network changed (navigator.connection) */ \
  X(kNetwork, "network")                                                                          \
  X(kIceState, "iceState") /* call, text = the peer connection's iceConnectionState */            \
  X(kHold, "hold")         /* call, number = 1 to hold, 0 to take off hold */                     \
  /* call, number = 1 for a re-INVITE with the browser's offer (streams added or removed), 0 only \
     to check that one can be sent now */                                                         \
  X(kReinvite, "reinvite")                                                                        \
  /* call, number = 0 nothing came from the far side for a second (RTP, RTCP or ICE checks), 1 it \
     is heard again: the page reports each change */                                              \
  X(kMediaHeard, "mediaHeard")

enum class InputKind : uint8_t {
#define ACW_INPUT_KIND_ENUMERATOR(kind, name) kind,
  ACW_INPUT_KINDS(ACW_INPUT_KIND_ENUMERATOR)
#undef ACW_INPUT_KIND_ENUMERATOR
};

// How many kinds there are: a kind from outside (the page, a journal) is one below this.
inline constexpr int kInputKindCount = 0
#define ACW_INPUT_KIND_COUNT(kind, name) +1
    ACW_INPUT_KINDS(ACW_INPUT_KIND_COUNT)
#undef ACW_INPUT_KIND_COUNT
    ;
// The kinds cross to JS as their numbers 0 .. kInputKindCount - 1 (js/boundary.js).
static_assert(kInputKindCount <= 256, "InputKind is stored in 8 bits");
static_assert(static_cast<int>(InputKind::kMediaHeard) == kInputKindCount - 1);

struct Input {
  InputKind kind = InputKind::kTimeout;
  int64_t now = 0;
  CallHandle call = 0;
  std::string text;
  std::string text2;
  int number = 0;
  std::optional<std::string> ice_servers;
  CallOptions options;
  friend bool operator==(const Input&, const Input&) = default;
};

// The record of an input from flat arguments, as the engine's typed methods and the bindings
// build it. setPeerConnectionConfiguration: a non-empty `text` is the iceServers' JSON text ("" is
// the cloud's own: ice_servers stays nullopt). callService, callClient and answer take the staged
// `options` (moved out, *options left default); other kinds leave them.
inline Input make_input(InputKind kind, int64_t now, CallHandle call = 0, std::string&& text = {},
                        std::string&& text2 = {}, int number = 0, CallOptions* options = nullptr) {
  Input input;
  input.kind = kind;
  input.now = now;
  input.call = call;
  if (kind == InputKind::kSetPeerConnectionConfiguration) {
    if (!text.empty()) input.ice_servers = std::move(text);
  } else {
    input.text = std::move(text);
  }
  input.text2 = std::move(text2);
  input.number = number;
  if (options && (kind == InputKind::kCallService || kind == InputKind::kCallClient ||
                  kind == InputKind::kAnswer)) {
    input.options = std::move(*options);
    *options = CallOptions();
  }
  return input;
}

std::string_view input_kind_name(InputKind kind);
std::optional<InputKind> input_kind_from_name(std::string_view name);

}  // namespace acw::call
