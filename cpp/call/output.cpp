// Names of the engine's output kinds, for logs and journals.
#include "call/output.hpp"

namespace acw::call {

std::string_view output_kind_name(OutputKind kind) {
  switch (kind) {
    case OutputKind::kOpenSocket:
      return "OpenSocket";
    case OutputKind::kCloseSocket:
      return "CloseSocket";
    case OutputKind::kSendFrame:
      return "SendFrame";
    case OutputKind::kCreatePeer:
      return "CreatePeer";
    case OutputKind::kCreateOffer:
      return "CreateOffer";
    case OutputKind::kCreateAnswer:
      return "CreateAnswer";
    case OutputKind::kSetLocalDescription:
      return "SetLocalDescription";
    case OutputKind::kSetRemoteDescription:
      return "SetRemoteDescription";
    case OutputKind::kClosePeer:
      return "ClosePeer";
    case OutputKind::kSendDtmf:
      return "SendDtmf";
    case OutputKind::kCallback:
      return "Callback";
    case OutputKind::kLog:
      return "Log";
  }
  return "?";
}

}  // namespace acw::call
