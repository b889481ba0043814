// The client's own options (the constructor's fifth argument, as one JSON text): how a dead socket
// is noticed and how calls ride through a reconnect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace acw::call {

// RFC 5626 §4.4 in spirit: after `interval` ms with nothing received on an open socket, an
// out-of-dialog OPTIONS (every SIP server answers one); no answer within `timeout` ms and the
// socket counts as lost. interval 0: no keep-alive; timeout 0: sent but never judged.
struct KeepAlive {
  int64_t interval = 25000;
  int64_t timeout = 5000;
  friend bool operator==(const KeepAlive&, const KeepAlive&) = default;
};

// The waits before each reconnect while calls are kept (LiveKit's ReconnectPolicy shape): the
// n-th attempt waits delays[n] (the last one repeats), cut to a random 50-100%; `limit` ms after
// the loss a kept call that is not back ends with FAILED.
struct ReconnectPolicy {
  std::vector<int64_t> delays = {0, 500, 1000, 2000, 4000, 5000};
  int64_t limit = 30000;
  friend bool operator==(const ReconnectPolicy&, const ReconnectPolicy&) = default;
};

// A call's media lost (ICE `disconnected` for `wait` ms; or the media it received stopped and
// nothing came from the far side for a second and then `wait` ms; or `failed`): the client
// restarts ICE with a re-INVITE; `limit` ms after the loss a call whose media is not back ends
// with ERROR (the cause of any media failure). limit 0: no ICE restart; ICE failure ends the call
// at once.
struct IceRestartPolicy {
  int64_t wait = 2000;
  int64_t limit = 30000;
  friend bool operator==(const IceRestartPolicy&, const IceRestartPolicy&) = default;
};

struct ClientOptions {
  KeepAlive keep_alive;
  ReconnectPolicy reconnect;
  IceRestartPolicy ice_restart;
  friend bool operator==(const ClientOptions&, const ClientOptions&) = default;
};

// The longest wait or limit accepted, in ms (one hour): a larger one is a mistake in the page.
inline constexpr int64_t kMaxOptionMs = 3600000;

// Reads {"keepAlive": {"interval": ms, "timeout": ms}, "reconnect": {"delays": [ms, ...],
// "limit": ms}, "iceRestart": {"wait": ms, "limit": ms}}: every member may be left out (null is the
// same), ms are whole numbers 0 .. kMaxOptionMs, delays has 1 to 16 entries. "" is no options (the
// defaults). Returns "" with *options set, or the error ("Invalid client options: ...", *options
// left default).
std::string read_client_options(std::string_view json, ClientOptions* options);

}  // namespace acw::call
