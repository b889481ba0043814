// What the engine asks its host (the JS shim, or a test) to do: one flat record per action, drained
// with Engine::poll().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace acw::call {

// A call's handle in the engine: 1, 2, 3... in creation order, never reused; 0 = no call.
using CallHandle = uint32_t;

enum class OutputKind : uint8_t {
  kOpenSocket,    // text = URL (WebSocket subprotocol "sip")
  kCloseSocket,   //
  kSendFrame,     // text = one SIP message, one WebSocket text frame
  kCreatePeer,    // call; text = iceServers JSON text (an array); json = {"iceTransportPolicy",
                  //   "receiveAudio", "receiveVideo"} (booleans or null = decide from the
                  //   local stream, as interface.md says)
  kCreateOffer,   // call: createOffer(), then Engine::sdp_created
  kCreateAnswer,  // call: createAnswer(), then Engine::sdp_created
  kSetLocalDescription,   // call; name = "offer"/"answer"; text = SDP to set; when ICE gathering
                          //   ends (or after ~5 s) call Engine::local_description_ready
  kSetRemoteDescription,  // call; name = "offer"/"answer"; text = SDP
  kClosePeer,             // call
  kSendDtmf,              // call; text = digits (0-9 A-D * #) for RTCDTMFSender.insertDTMF
  kCallback,              // call (0 for the client's callbacks); name = callback; json = payload
  kLog,                   // level 1 (errors) .. 6 (SIP traces); text
};

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
