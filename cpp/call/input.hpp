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
  std::optional<bool> receive_audio;          // nullopt = undefined
  std::optional<bool> receive_video;
  std::vector<std::string> extra_sip_headers;  // "X-Name: value"
  friend bool operator==(const CallOptions&, const CallOptions&) = default;
};

enum class InputKind : uint8_t {
  kSocketOpened,
  kSocketClosed,
  kFrame,  // text
  kTimeout,
  kEnableIncoming,  // text = token
  kDisableIncoming,
  kCallService,                     // text = serviceName, options
  kCallClient,                      // text = clientId, text2 = token, options
  kAnswer,                          // call, options
  kRinging,                         // call
  kReject,                          // call, number = code (0 = none given)
  kDisconnect,                      // call
  kSendDtmf,                        // call, text = digits
  kSetMaxConcurrent,                // number
  kSetIncomingHandler,              // number = 1 when the page has an onIncoming
  kSetPeerConnectionConfiguration,  // ice_servers (JSON text or nullopt), text2 =
                                    // iceTransportPolicy
  kClose,
  kSdpCreated,             // call, text = SDP
  kLocalDescriptionReady,  // call, text = SDP with candidates
  kMediaFailed,            // call, text = "DEVICE_ERROR"/"ERROR", text2 = detail
};

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
