// The client engine: one per AculabCloudClient, holding its socket, registration, ICE servers and
// calls; a sans-I/O machine of inputs and outputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/call.hpp"
#include "call/ice_servers.hpp"
#include "call/input.hpp"
#include "call/output.hpp"
#include "call/random.hpp"
#include "call/registration.hpp"
#include "call/user_agent.hpp"
#include "sip/message.hpp"
#include "sip/transaction.hpp"

namespace acw::call {

// The constructor's four documented arguments plus what the host adds.
struct Config {
  std::string cloud_id;
  std::string web_rtc_access_key;
  std::string client_id;
  std::string url;    // WebSocket URL override (the local cloud); empty =
                      // wss://webrtc-C.aculabcloud.net/sipproxy
  uint64_t seed = 0;  // seeds every random choice; the host passes fresh entropy
  int log_level = 0;  // 0 silent, 1 errors ... 6 with every SIP message
};

struct CallResult {
  CallHandle call = 0;
  std::string error;  // the documented exception text; empty on success
};

// How to drive it (quinn-proto's Connection contract):
//  - feed inputs: socket_opened/socket_closed/frame_received/timeout, API commands, media
//    results; each carries `now` in milliseconds from any fixed origin, never going back;
//  - after each input, drain poll() until it returns nullopt and carry out the outputs;
//  - arm one timer for next_deadline() (-1: none) and call timeout(now) when it fires; a
//    timeout when nothing is due does nothing.
// Commands return the error string the page should get thrown ("" when fine); misuse never
// changes state. A malformed or unexpected message from the network is logged and dropped
// (answered 400 when it is a request that can be answered), never an error for the page.
class Engine {
 public:
  static constexpr std::size_t kMaxCalls = 32;  // hard cap whatever maxConcurrent says
  static constexpr std::size_t kMaxTransactions = 256;
  static constexpr int64_t kConnectTimeout = 30000;  // the public client's connectionTimeout
  static constexpr std::size_t kMaxJournal = 16 << 20;

  explicit Engine(Config config);

  // ---- getters
  // "" when the config is valid; otherwise the constructor's exception text, and every command
  // returns it.
  const std::string& config_error() const { return config_error_; }
  const Config& config() const { return config_; }
  // The one deadline to arm, in the same clock as `now`; -1 when no timer is needed.
  int64_t next_deadline() const;
  // The SIP Call-ID of a call ("" for an unknown handle).
  std::string call_id(CallHandle call) const;
  // getSipHeaders(name): the values of a header of the INVITE (incoming) or of the 2xx that
  // answered ours (outgoing).
  std::vector<std::string> sip_headers(CallHandle call, std::string_view name) const;
  std::size_t active_calls() const;
  bool socket_wanted() const;

  // ---- outputs
  std::optional<Output> poll();

  // ---- transport and time
  void socket_opened(int64_t now);
  void socket_closed(int64_t now);
  void frame_received(int64_t now, std::string_view text);
  void timeout(int64_t now);

  // ---- API commands
  std::string enable_incoming(int64_t now, std::string_view token);
  std::string disable_incoming(int64_t now);
  CallResult call_service(int64_t now, std::string_view service_name, const CallOptions& options);
  CallResult call_client(int64_t now, std::string_view client_id, std::string_view token,
                         const CallOptions& options);
  std::string answer(int64_t now, CallHandle call, const CallOptions& options);
  std::string ringing(int64_t now, CallHandle call);
  // `code`: the page's cause; anything but 400-699 (0 when none was given) means 486.
  std::string reject(int64_t now, CallHandle call, int code);
  std::string disconnect(int64_t now, CallHandle call);
  std::string send_dtmf(int64_t now, CallHandle call, std::string_view digits);
  std::string set_max_concurrent(int64_t now, int max_concurrent);
  void set_has_incoming_handler(int64_t now, bool has_handler);
  // setPeerConnectionConfiguration({iceServers, iceTransportPolicy}) or the iceServers property:
  // `ice_servers` is the JSON text of an array, or nullopt for the cloud's servers.
  std::string set_peer_connection_configuration(int64_t now, std::optional<std::string> ice_servers,
                                                std::string_view ice_transport_policy);
  // The client is done: calls are ended, the registration removed, the socket closed.
  void close(int64_t now);

  // ---- media results
  void sdp_created(int64_t now, CallHandle call, std::string_view sdp);
  void local_description_ready(int64_t now, CallHandle call, std::string_view sdp);
  // getUserMedia, setRemoteDescription or ICE failed: cause "DEVICE_ERROR" or "ERROR".
  void media_failed(int64_t now, CallHandle call, std::string_view cause, std::string_view detail);

  // ---- record and replay
  // From now on every input is appended to the journal (JSON lines; the first line holds the
  // config). Engine replay (call/replay.hpp) feeds it to a fresh engine and gets the same outputs.
  // Returns false (and records nothing) once an input has been handled: a journal must start
  // from the seed.
  bool start_recording();
  const std::string& journal() const { return journal_; }
  // Every input goes through here; the methods above build the record. Taken by value: the
  // call options move on into the call.
  CallResult handle(Input input);

 private:
  enum class SocketState { kClosed, kConnecting, kOpen, kBackoff };

  // engine.cpp: dispatch, the pump, socket, timers, sending; routing.cpp: what arrives
  // The record of a command or event (all but setPeerConnectionConfiguration), handled.
  CallResult input(InputKind kind, int64_t now, CallHandle call = 0, std::string_view text = {},
                   std::string_view text2 = {}, int number = 0,
                   const CallOptions* options = nullptr);
  CallResult dispatch(Input& input);
  void drive(int64_t now);
  void open_socket(int64_t now);
  // The registration's reports to the page (onIncomingState).
  void report_incoming_state();
  void transport_lost(int64_t now);
  void receive(int64_t now, std::string_view text);
  void receive_request(int64_t now, const sip::Message& request);
  void receive_response(int64_t now, const sip::Message& response);
  void receive_in_dialog(int64_t now, Call& call, sip::TransactionId tx,
                         const sip::Message& request);
  // What is not a call's INVITE, BYE or CANCEL, inside a dialog or not.
  void receive_other(int64_t now, sip::TransactionId tx, const sip::Message& request,
                     bool in_dialog);
  void receive_ack(int64_t now, const sip::Message& ack);
  void receive_cancel(int64_t now, sip::TransactionId tx, sip::TransactionId cancels,
                      const sip::Message& cancel);
  void transaction_timeout(int64_t now, const sip::TransactionTimeout& timeout);
  void call_timers(int64_t now, Call& call);
  sip::TransactionId send_request(int64_t now, sip::Message request);
  void send_message(const sip::Message& message);
  void respond(int64_t now, sip::TransactionId tx, sip::Message response);
  // respond() with ua_.response(request, status, to_tag): one call site each instead of the
  // response's construction and destruction inlined at every one.
  void reply(int64_t now, sip::TransactionId tx, const sip::Message& request, int status,
             std::string_view to_tag = {});
  void flush();
  // Appends an output and returns it to be filled in (valid until the next push).
  Output& push(OutputKind kind, CallHandle call = 0);
  // A log line: the parts joined, built only when `level` is logged.
  void log(int level, std::initializer_list<std::string_view> parts);
  void log(int level, std::string_view text) { log(level, {text}); }
  bool logs(int level) const { return level <= config_.log_level; }
  void callback(CallHandle call, std::string_view name, std::string json);
  Call* find(CallHandle handle);
  const Call* find(CallHandle handle) const;
  Call* find_by_dialog(const sip::DialogId& id);
  Call* find_by_invite(sip::TransactionId tx);
  void purge_calls();
  // A call appended to calls_ with the next handle.
  Call& new_call(bool outgoing, CallState state);
  std::string munge(const Call& call, std::string_view sdp);
  // CreatePeer with the ICE servers and the call's options.
  void create_peer(Call& call);
  // SetRemoteDescription, then CreateAnswer when `type` is "offer".
  void describe_remote(const Call& call, std::string_view type, std::string_view sdp);
  void terminate(Call& call, std::string_view cause);
  void send_bye(int64_t now, Call& call, std::string_view reason = {});
  void send_bye(int64_t now, sip::Dialog& dialog, std::string_view reason = {});
  // §13.2.2.4: the ACK of a 2xx, sent (a new branch, the INVITE's CSeq) and returned.
  sip::Message send_ack(const sip::Dialog& dialog, const sip::Message& invite);
  // The 200 with our SDP to `request` (the INVITE or a re-INVITE), kept for retransmission.
  void send_2xx(int64_t now, Call& call, sip::TransactionId tx, const sip::Message& request,
                std::string sdp);
  void handle_ack_for_2xx(int64_t now, Call& call);

  // commands.cpp
  // How disconnect(), reject() and a media failure end a call, by its state: CANCEL before the
  // answer (outgoing), `status` to an unanswered INVITE, BYE (with `reason`) once answered, after
  // the ACK of our 2xx; `early_cause` for a CANCEL or a call whose INVITE has not gone out.
  void end_call(int64_t now, Call& call, int status, std::string_view cause,
                std::string_view early_cause, std::string_view reason = {});
  void close_client(int64_t now);
  // "<what> ignored in <state>": a media result the call's state does not expect.
  void ignored(const Call& call, std::string_view what);
  // The browser's SDP (never empty: dispatch makes an empty one a media failure).
  void media_described(Call& call, std::string_view sdp);
  void media_gathered(int64_t now, Call& call, std::string_view sdp);
  void media_failure(int64_t now, Call& call, std::string_view failure, std::string_view detail);

  // outgoing_call.cpp
  CallResult start_outgoing(int64_t now, std::string target, std::string token,
                            CallOptions&& options, std::vector<sip::HeaderField> extra);
  void create_offer(int64_t now, Call& call);
  void send_invite(int64_t now, Call& call, std::string_view sdp);
  void invite_response(int64_t now, Call& call, const sip::Message& response);
  void invite_answered(int64_t now, Call& call, const sip::Message& response);
  void ack_and_bye(int64_t now, const sip::Message& invite, const sip::Message& response);
  void cancel(int64_t now, Call& call, std::string_view cause);
  void send_cancel(int64_t now, Call& call);
  void apply_remote_answer(int64_t now, Call& call, const sip::Message& message);

  // incoming_call.cpp
  void incoming_invite(int64_t now, sip::TransactionId tx, const sip::Message& invite);
  void create_answer(int64_t now, Call& call);
  void reoffer(int64_t now, Call& call, sip::TransactionId tx, const sip::Message& invite);
  void end_unanswered(int64_t now, Call& call, int status, std::string_view cause);

  std::string config_error_;  // before config_, whose initialisation sets it
  Config config_;
  Random random_;
  UserAgent ua_;
  sip::TransactionLayer transactions_{kMaxTransactions};
  Registration registration_;
  IceServers ice_servers_;

  SocketState socket_ = SocketState::kClosed;
  int64_t connect_deadline_ = sip::kNever;
  int64_t reconnect_at_ = sip::kNever;
  uint32_t reconnect_attempts_ = 0;
  bool closed_ = false;

  // In creation order, which is handle order (handles only grow). Calls are added only while no
  // Call& is held (a new command or a new INVITE), so references stay valid where they are used.
  // Each call on the heap: the vector moves pointers, never a Call (whose move code is large).
  std::vector<std::unique_ptr<Call>> calls_;
  CallHandle next_handle_ = 1;
  int max_concurrent_ = 1;
  bool has_incoming_handler_ = false;

  std::vector<Output> outputs_;  // outputs_[next_output_] is the next one poll() gives
  std::size_t next_output_ = 0;
  uint64_t inputs_handled_ = 0;
  bool recording_ = false;
  std::string journal_;
};

}  // namespace acw::call
