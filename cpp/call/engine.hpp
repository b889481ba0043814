// The client engine: one per AculabCloudClient, holding its socket, registration, ICE servers and
// calls; a sans-I/O machine of inputs and outputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/call.hpp"
#include "call/client_options.hpp"
#include "call/connection.hpp"
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
  std::string url;      // WebSocket URL override (the local cloud); empty =
                        // wss://webrtc-C.aculabcloud.net/sipproxy
  uint64_t seed = 0;    // seeds every random choice; the host passes fresh entropy
  int log_level = 0;    // 0 silent, 1 errors ... 6 with every SIP message
  std::string options;  // the constructor's options as one JSON text (client_options.hpp); "" none
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
  static constexpr int64_t kConnectTimeout = Connection::kConnectTimeout;
  static constexpr std::size_t kMaxJournal = 16 << 20;
  // onTokenExpiring fires this long before a JWT's "exp" (at once when less is left).
  static constexpr int64_t kTokenWarning = 60000;

  explicit Engine(Config config);

  // ---- getters
  // "" when the config is valid; otherwise the constructor's exception text, and every command
  // returns it.
  const std::string& config_error() const { return config_error_; }
  const Config& config() const { return config_; }
  const ClientOptions& options() const { return options_; }
  // The one deadline to arm, in the same clock as `now`; -1 when no timer is needed.
  int64_t next_deadline() const;
  // The SIP Call-ID of a call ("" for an unknown handle).
  std::string call_id(CallHandle call) const;
  // getSipHeaders(name): the values of a header of the INVITE (incoming) or of the 2xx that
  // answered ours (outgoing).
  std::vector<std::string> sip_headers(CallHandle call, std::string_view name) const;
  std::size_t active_calls() const;
  bool socket_wanted() const;
  // How many times the engine tried a call state change that kCallTransitions forbids (each one
  // refused and logged at level 1): a bug counter that the tests require to stay 0.
  uint32_t forbidden_transitions() const { return forbidden_transitions_; }

  // ---- outputs
  std::optional<Output> poll();

  // ---- transport and time
  void socket_opened(int64_t now);
  void socket_closed(int64_t now);
  void frame_received(int64_t now, std::string_view text);
  void timeout(int64_t now);

  // ---- API commands
  // `unix_ms`: the page's wall clock (Date.now()) at `now`, to place the token's "exp" on the
  // engine's clock; 0 = unknown (no onTokenExpiring).
  std::string enable_incoming(int64_t now, std::string_view token, int64_t unix_ms = 0);
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
  // The peer connection's iceConnectionState changed ("connected", "disconnected", "failed"...).
  void ice_state(int64_t now, CallHandle call, std::string_view state);
  // Something came from the far side again (heard), or nothing did for a second.
  void media_heard(int64_t now, CallHandle call, bool heard);
  // call.hold() (on) / call.unhold(): "" or kNotConnected (hold.cpp).
  std::string hold(int64_t now, CallHandle call, bool on);
  // addStream/removeStream/reinvite: a re-INVITE with the browser's offer (send), or only the
  // check: "", kReinviteInProgress (not yet confirmed, or an offer/answer under way) or
  // kNotConnected (ended) (hold.cpp).
  std::string reinvite(int64_t now, CallHandle call, bool send);

  // ---- what the browser says of the network (the offline and online events)
  // Offline, no socket is opened (a reconnect waits for online instead of failing and growing
  // the back-off); online, a waiting reconnect goes at once. Kept calls still end at their limit.
  void network(int64_t now, bool online);

  // ---- record and replay
  // From now on every input is recorded (call/journal.hpp): records() holds them, journal() gives
  // them as the journal's JSON lines (the first line holds the config), which engine replay
  // (call/replay.hpp) feeds to a fresh engine to get the same outputs. Returns false (and records
  // nothing) once an input has been handled: a journal must start from the seed. Unless
  // `keep_secrets`, the journal's text has tokens and received Authorization values redacted. An
  // input that would take the records past `max_bytes` ends them with a "full" record instead:
  // what was recorded still replays, up to there.
  bool start_recording(bool keep_secrets = false, std::size_t max_bytes = kMaxJournal);
  const std::string& records() const { return records_; }
  std::string journal() const;  // journal.cpp
  // Every input goes through here; the methods above build the record. Taken by value: the
  // call options move on into the call.
  CallResult handle(Input input);

 private:
  // engine.cpp: every input's way in, the common prelude, and what all inputs share.
  // The record of a command or event (all but setPeerConnectionConfiguration), handled.
  CallResult input(InputKind kind, int64_t now, CallHandle call = 0, std::string_view text = {},
                   std::string_view text2 = {}, int number = 0,
                   const CallOptions* options = nullptr);
  // Refuses everything once the config is bad or the client closed, then calls the input's
  // handler (on_*), then drive() unless a command was refused.
  CallResult dispatch(Input& input);
  // What every input ends with: open or release the socket, send what the registration and the
  // ICE servers want, start calls that waited for the ICE servers, report, purge ended calls.
  void drive(int64_t now);
  void send_registration_request(int64_t now);
  void send_ice_servers_request(int64_t now);
  // The socket is open and the ICE servers known: calls that waited for them go on.
  void start_waiting_calls();
  // No socket wanted: an idle open one closes, a pending reconnect is dropped.
  void release_socket();
  // The registration's reports to the page (onIncomingState).
  void report_incoming_state();
  sip::TransactionId send_request(int64_t now, sip::Message request);
  void send_message(const sip::Message& message);
  void respond(int64_t now, sip::TransactionId tx, sip::Message response);
  // respond() with the plain response to `request` (§8.2.6).
  void reply(int64_t now, sip::TransactionId tx, const sip::Message& request, int status,
             std::string_view to_tag = {});
  // Sends what the transaction layer queued.
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
  // The call of `handle`, live or among the last ones purged.
  const Call* find_any(CallHandle handle) const;
  // The call of `handle` unless it is unknown or has ended.
  Call* find_active(CallHandle handle);
  Call* find_by_dialog(const sip::DialogId& id);
  Call* find_by_invite(sip::TransactionId tx);
  void purge_calls();
  // A call appended to calls_ with the next handle, in its first state.
  Call& new_call(bool outgoing);
  // Every change of a call's state goes through here: the change when kCallTransitions allows it;
  // otherwise a bug, logged at level 1, counted, and the state left as it was.
  bool set_state(Call& call, CallState to);
  void terminate(Call& call, std::string_view cause);
  // CreatePeer with the ICE servers and the call's options.
  void create_peer(Call& call);
  // SetRemoteDescription, then CreateAnswer when `type` is "offer".
  void describe_remote(const Call& call, std::string_view type, std::string_view sdp);
  void send_bye(int64_t now, Call& call, std::string_view reason = {});
  void send_bye(int64_t now, sip::Dialog& dialog, std::string_view reason = {});
  // §13.2.2.4: the ACK of a 2xx, sent (a new branch, the INVITE's CSeq) and returned.
  sip::Message send_ack(const sip::Dialog& dialog, const sip::Message& invite);
  // The 200 with our SDP to `request` (the INVITE or a re-INVITE), kept for retransmission.
  void send_2xx(int64_t now, Call& call, sip::TransactionId tx, const sip::Message& request,
                std::string sdp);

  // transport.cpp: socket_opened, socket_closed, timeout.
  void on_socket_opened(const Input& input);
  void on_socket_closed(const Input& input);
  void on_timeout(const Input& input);
  // onTokenExpiring, once, when its time has come (engine.cpp).
  void token_timeout(int64_t now);
  void open_socket(int64_t now);
  void on_network(const Input& input);
  // The keep-alive OPTIONS (Connection::Due::kKeepAlive); any response, or anything else
  // received, proves the socket alive.
  void send_keep_alive(int64_t now);
  // The socket is gone: transactions, registration, ICE servers and calls with it; a reconnect
  // after the back-off when the socket is still wanted.
  void transport_lost(int64_t now);
  void transaction_timeout(int64_t now, const sip::TransactionTimeout& timeout);
  void call_timers(int64_t now, Call& call);

  // reconnect.cpp: confirmed calls kept across a lost socket and moved to the new one with a
  // target refresh (RFC 3261 §12.2, §14.1).
  bool has_kept_calls() const;
  // The socket is lost: a confirmed call goes Reconnecting (onReconnecting) instead of ending.
  void keep_call(int64_t now, Call& call);
  // onReconnecting (back false) or onReconnected, {"reason": "signalling" or "media"}.
  void reconnect_callback(const Call& call, bool back, std::string_view reason);
  // Its target refresh answered with the same session: Confirmed again (onReconnected).
  void target_refreshed(Call& call);

  // reinvite.cpp: our re-INVITE in the dialog (§14.1): a target refresh, or the browser's offer.
  // Asks the browser for an offer to send (restart_ice: an ICE restart's; a hold change's
  // otherwise), unless one is already wanted or open.
  void renegotiate(Call& call, bool restart_ice);
  // From drive(): the browser's offers asked for, and re-INVITEs sent, where the dialog allows.
  void send_reinvites(int64_t now);
  void reinvite_response(int64_t now, Call& call, const sip::Message& response);
  // A re-INVITE refused, unanswered or not sent: the call ends (FAILED for a target refresh,
  // ERROR for the browser's offer).
  void reinvite_failed(int64_t now, Call& call, bool bye, std::string_view why);
  // A confirmed or kept call that cannot go on; ERROR is told with onError first.
  void end_kept_call(int64_t now, Call& call, bool bye, std::string_view cause,
                     std::string_view why);
  Call* find_by_reinvite(sip::TransactionId tx);

  // ice_restart.cpp: the iceState input; a call whose media is lost restarts ICE (RFC 8445 §9).
  void on_ice_state(const Input& input);
  // The mediaHeard input: media that stops for iceRestart.wait is lost too, though ICE still says
  // connected.
  void on_media_heard(const Input& input);
  // ICE disconnected for too long, or failed: onReconnecting('media'), the limit, a restart.
  void media_lost(int64_t now, Call& call);
  // ICE is up and the far side heard again after media_lost, and no restart is half done:
  // onReconnected('media').
  void media_back(Call& call);
  // The browser says its network changed (online, navigator.connection): every call restarts.
  void network_changed();

  // hold.cpp: hold and unhold (RFC 3264 §8.4), ours and the far side's.
  std::string_view on_hold(const Input& input);
  std::string_view on_reinvite(const Input& input);
  // Our offer's answer (answered) or its refusal: onHold when the offer changed hold or was to.
  void hold_settled(Call& call, bool answered);
  // The far side's offer in a re-INVITE, answered: onRemoteHold when it holds or no longer does.
  void remote_hold_settled(Call& call);

  // routing.cpp: frame_received.
  void on_frame(const Input& input);
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
  void handle_ack_for_2xx(int64_t now, Call& call);

  // commands.cpp: the page's commands; those that can be refused return the error text.
  std::string_view on_enable_incoming(const Input& input);
  void on_disable_incoming(const Input& input);
  CallResult on_call_service(Input& input);
  CallResult on_call_client(Input& input);
  std::string_view on_answer(Input& input);
  void on_ringing(const Input& input);
  void on_reject(const Input& input);
  void on_disconnect(const Input& input);
  std::string_view on_send_dtmf(Input& input);
  std::string_view on_set_max_concurrent(const Input& input);
  void on_set_incoming_handler(const Input& input);
  std::string_view on_set_peer_connection_configuration(const Input& input);
  void on_close(const Input& input);
  bool at_max_concurrent() const;
  // How disconnect(), reject() and a media failure end a call, by its state: CANCEL before the
  // answer (outgoing), `status` to an unanswered INVITE, BYE (with `reason`) once answered, after
  // the ACK of our 2xx; `early_cause` for a CANCEL or a call whose INVITE has not gone out.
  void end_call(int64_t now, Call& call, int status, std::string_view cause,
                std::string_view early_cause, std::string_view reason = {});

  // media.cpp: sdp_created, local_description_ready, media_failed.
  void on_sdp_created(const Input& input);
  void on_local_description_ready(const Input& input);
  Call* call_with_sdp(const Input& input);
  void on_media_failed(const Input& input);
  // "<what> ignored in <state>": a media result the call's state does not expect.
  void ignored(const Call& call, std::string_view what);
  void media_described(Call& call, std::string_view sdp);
  void media_gathered(int64_t now, Call& call, std::string_view sdp);
  void media_failure(int64_t now, Call& call, std::string_view failure, std::string_view detail);

  // outgoing_call.cpp
  CallResult start_outgoing(std::string target, std::string token, CallOptions&& options,
                            std::vector<sip::HeaderField> extra);
  void create_offer(Call& call);
  void send_invite(int64_t now, Call& call, std::string_view sdp);
  void invite_response(int64_t now, Call& call, const sip::Message& response);
  void invite_answered(int64_t now, Call& call, const sip::Message& response);
  void ack_and_bye(int64_t now, const sip::Message& invite, const sip::Message& response);
  void cancel(int64_t now, Call& call, std::string_view cause);
  void send_cancel(int64_t now, Call& call);
  void apply_remote_answer(Call& call, const sip::Message& message);

  // incoming_call.cpp
  void incoming_invite(int64_t now, sip::TransactionId tx, const sip::Message& invite);
  void create_answer(Call& call);
  void reoffer(int64_t now, Call& call, sip::TransactionId tx, const sip::Message& invite);
  void end_unanswered(int64_t now, Call& call, int status, std::string_view cause);

  std::string config_error_;  // before config_, whose initialisation sets it
  Config config_;
  ClientOptions options_;  // read from config_.options
  Random random_;
  UserAgent ua_;
  sip::TransactionLayer transactions_{kMaxTransactions};
  Registration registration_;
  IceServers ice_servers_;

  Connection connection_{options_.keep_alive};
  bool offline_ = false;  // the browser said offline (and not online since)
  bool closed_ = false;

  // In creation order, which is handle order (handles only grow). Each call on the heap, so that a
  // Call& stays valid while other calls are added or purged.
  std::vector<std::unique_ptr<Call>> calls_;
  // Purged calls, for their Call-ID and far-side message: the page asks for them in onDisconnect,
  // which runs after the purge. A ring of the last kMaxCalls, so that close() ending every call
  // still answers for each.
  std::array<std::unique_ptr<Call>, kMaxCalls> ended_;
  std::size_t ended_count_ = 0;
  CallHandle next_handle_ = 1;
  int max_concurrent_ = 1;
  bool has_incoming_handler_ = false;
  uint32_t forbidden_transitions_ = 0;

  std::vector<Output> outputs_;  // outputs_[next_output_] is the next one poll() gives
  std::size_t next_output_ = 0;
  uint64_t inputs_handled_ = 0;
  bool recording_ = false;
  std::size_t max_journal_ = kMaxJournal;
  std::string records_;
  // The registration token's "exp" on the engine's clock, and when onTokenExpiring is due.
  int64_t token_expires_at_ = 0;
  int64_t token_warning_at_ = sip::kNever;
};

}  // namespace acw::call
