// The cause strings of onDisconnect and onIncomingState, and SIP status code -> onDisconnect cause
// (PROTOCOL.md).
#pragma once

#include <optional>
#include <string_view>

namespace acw::call {

namespace cause {
// onDisconnect({call, cause})
inline constexpr std::string_view kNormal = "NORMAL";
inline constexpr std::string_view kBusy = "BUSY";
inline constexpr std::string_view kUnobtainable = "UNOBTAINABLE";
inline constexpr std::string_view kMoved = "MOVED";
inline constexpr std::string_view kRejected = "REJECTED";
inline constexpr std::string_view kNoAnswer = "NOANSWER";
inline constexpr std::string_view kFailed = "FAILED";
inline constexpr std::string_view kError = "ERROR";
inline constexpr std::string_view kDeviceError = "DEVICE_ERROR";
// onIncomingState({ready, cause, retry}) adds these two (NORMAL and FAILED are shared).
inline constexpr std::string_view kInvalidToken = "INVALIDTOKEN";
inline constexpr std::string_view kDisconnected = "DISCONNECTED";
}  // namespace cause

// The onDisconnect cause for a final response (or a Reason header's SIP cause): what the public
// client's table means (its 3xx and 6xx regexes can never match; these rules do what they
// intend). 2xx gives NORMAL; a provisional code gives "" (not a cause).
std::string_view cause_for_status(int status);

// RFC 3326: the SIP cause in a Reason header value ("SIP ;cause=486 ;text=\"Busy\""), if any.
std::optional<int> reason_sip_cause(std::string_view reason);

}  // namespace acw::call
