// Names of the engine's input kinds, as journals write them.
#include "call/input.hpp"

namespace acw::call {
namespace {

struct InputName {
  InputKind kind;
  std::string_view name;
};

constexpr InputName kInputNames[] = {
    {InputKind::kSocketOpened, "socketOpened"},
    {InputKind::kSocketClosed, "socketClosed"},
    {InputKind::kFrame, "frame"},
    {InputKind::kTimeout, "timeout"},
    {InputKind::kEnableIncoming, "enableIncoming"},
    {InputKind::kDisableIncoming, "disableIncoming"},
    {InputKind::kCallService, "callService"},
    {InputKind::kCallClient, "callClient"},
    {InputKind::kAnswer, "answer"},
    {InputKind::kRinging, "ringing"},
    {InputKind::kReject, "reject"},
    {InputKind::kDisconnect, "disconnect"},
    {InputKind::kSendDtmf, "sendDtmf"},
    {InputKind::kSetMaxConcurrent, "maxConcurrent"},
    {InputKind::kSetIncomingHandler, "incomingHandler"},
    {InputKind::kSetPeerConnectionConfiguration, "peerConnectionConfiguration"},
    {InputKind::kClose, "close"},
    {InputKind::kSdpCreated, "sdpCreated"},
    {InputKind::kLocalDescriptionReady, "localDescriptionReady"},
    {InputKind::kMediaFailed, "mediaFailed"},
};

}  // namespace

std::string_view input_kind_name(InputKind kind) {
  for (const auto& entry : kInputNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "?";
}

std::optional<InputKind> input_kind_from_name(std::string_view name) {
  for (const auto& entry : kInputNames) {
    if (entry.name == name) return entry.kind;
  }
  return std::nullopt;
}

}  // namespace acw::call
