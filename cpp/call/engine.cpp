// The client engine: inputs, the socket, routing SIP messages to the registration, ICE servers and
// calls, timers and outputs.
#include "call/engine.hpp"

#include <algorithm>
#include <utility>

#include "call/backoff.hpp"
#include "call/cause.hpp"
#include "call/join.hpp"
#include "call/journal.hpp"
#include "call/payload.hpp"
#include "call/validation.hpp"
#include "sdp/session.hpp"
#include "sip/dialog.hpp"
#include "sip/headers.hpp"
#include "sip/parser.hpp"
#include "sip/timers.hpp"
#include "sip/uri.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

CloudAddresses addresses(const Config& config) {
  return {config.cloud_id, config.web_rtc_access_key, config.client_id};
}

// `digits` base-36 digits of `random`, then `suffix`.
std::string base36(uint64_t random, int digits, std::string_view suffix = {}) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (int i = 0; i < digits; ++i) {
    out += kDigits[random % 36];
    random /= 36;
  }
  out += suffix;
  return out;
}

}  // namespace

namespace {

// The constructor's checks: the config normalized in place (clientId without its scheme, the
// default URL, the log level in range) and the error text, "" when it is valid.
Config&& checked(Config& config, std::string* error_text) {
  std::string client_id;
  std::string_view error = check_cloud_id(config.cloud_id);
  if (error.empty()) error = check_access_key(config.web_rtc_access_key);
  if (error.empty()) error = check_client_id(config.client_id, &client_id);
  if (error.empty() && !config.url.empty()) error = check_url(config.url);
  *error_text = error;
  if (error.empty()) config.client_id = std::move(client_id);
  config.log_level = std::clamp(config.log_level, 0, 6);
  if (config.url.empty()) config.url = addresses(config).default_url();
  return std::move(config);
}

}  // namespace

// RFC 7118 §5: a random Contact user and .invalid host, fixed for this client's life. The braces
// keep the order of the random draws (contact user, Via host, then the REGISTER Call-ID and tag).
Engine::Engine(Config config)
    : config_(checked(config, &config_error_)),
      random_(config_.seed),
      ua_{addresses(config_), base36(random_.next(), 8), base36(random_.next(), 12, ".invalid")},
      registration_{sip::make_call_id(random_.next(), random_.next()),
                    sip::make_tag(random_.next()), ua_.contact_user()} {}

// ---------------------------------------------------------------- getters

int64_t Engine::next_deadline() const {
  if (closed_ || !config_error_.empty()) return -1;
  int64_t next = sip::kNever;
  switch (socket_) {
    case SocketState::kConnecting:
      next = connect_deadline_;
      break;
    case SocketState::kBackoff:
      next = reconnect_at_;
      break;
    case SocketState::kOpen:
      next = std::min(transactions_.next_deadline(), registration_.next_deadline());
      if (socket_wanted()) next = std::min(next, ice_servers_.next_deadline());
      break;
    case SocketState::kClosed:
      break;
  }
  for (const auto& call : calls_) {
    next = std::min(
        {next, call->expires_at, call->cancel_deadline, call->retransmit_at, call->ack_deadline});
  }
  return next == sip::kNever ? -1 : next;
}

std::string Engine::call_id(CallHandle handle) const {
  const Call* call = find(handle);
  return call ? call->call_id : std::string();
}

std::vector<std::string> Engine::sip_headers(CallHandle handle, std::string_view name) const {
  std::vector<std::string> values;
  if (const Call* call = find(handle)) {
    for (auto value : call->remote.header_values(name)) values.emplace_back(value);
  }
  return values;
}

std::size_t Engine::active_calls() const {
  return static_cast<std::size_t>(
      std::count_if(calls_.begin(), calls_.end(), [](const auto& call) { return call->active(); }));
}

bool Engine::socket_wanted() const {
  return registration_.needs_transport() || !calls_.empty();
}

std::optional<Output> Engine::poll() {
  if (next_output_ == outputs_.size()) return std::nullopt;
  Output out = std::move(outputs_[next_output_++]);
  // A FIFO on a vector (std::deque's code costs the wasm ~3 KB): drop what was taken once the
  // queue is drained, or once the taken part is the larger half.
  if (next_output_ == outputs_.size()) {
    outputs_.clear();
    next_output_ = 0;
  } else if (next_output_ > outputs_.size() / 2) {
    outputs_.erase(outputs_.begin(), outputs_.begin() + static_cast<std::ptrdiff_t>(next_output_));
    next_output_ = 0;
  }
  return out;
}

// ---------------------------------------------------------------- inputs

CallResult Engine::input(InputKind kind, int64_t now, CallHandle call, std::string_view text,
                         std::string_view text2, int number, const CallOptions* options) {
  CallOptions staged = options ? *options : CallOptions();
  return handle(
      make_input(kind, now, call, std::string(text), std::string(text2), number, &staged));
}

void Engine::socket_opened(int64_t now) {
  input(InputKind::kSocketOpened, now);
}
void Engine::socket_closed(int64_t now) {
  input(InputKind::kSocketClosed, now);
}
void Engine::timeout(int64_t now) {
  input(InputKind::kTimeout, now);
}

void Engine::frame_received(int64_t now, std::string_view text) {
  input(InputKind::kFrame, now, 0, text);
}

std::string Engine::enable_incoming(int64_t now, std::string_view token) {
  return input(InputKind::kEnableIncoming, now, 0, token).error;
}

std::string Engine::disable_incoming(int64_t now) {
  return input(InputKind::kDisableIncoming, now).error;
}

CallResult Engine::call_service(int64_t now, std::string_view service_name,
                                const CallOptions& options) {
  return input(InputKind::kCallService, now, 0, service_name, {}, 0, &options);
}

CallResult Engine::call_client(int64_t now, std::string_view client_id, std::string_view token,
                               const CallOptions& options) {
  return input(InputKind::kCallClient, now, 0, client_id, token, 0, &options);
}

std::string Engine::answer(int64_t now, CallHandle call, const CallOptions& options) {
  return input(InputKind::kAnswer, now, call, {}, {}, 0, &options).error;
}

std::string Engine::ringing(int64_t now, CallHandle call) {
  return input(InputKind::kRinging, now, call).error;
}

std::string Engine::reject(int64_t now, CallHandle call, int code) {
  return input(InputKind::kReject, now, call, {}, {}, code).error;
}

std::string Engine::disconnect(int64_t now, CallHandle call) {
  return input(InputKind::kDisconnect, now, call).error;
}

std::string Engine::send_dtmf(int64_t now, CallHandle call, std::string_view digits) {
  return input(InputKind::kSendDtmf, now, call, digits).error;
}

std::string Engine::set_max_concurrent(int64_t now, int max_concurrent) {
  return input(InputKind::kSetMaxConcurrent, now, 0, {}, {}, max_concurrent).error;
}

void Engine::set_has_incoming_handler(int64_t now, bool has_handler) {
  input(InputKind::kSetIncomingHandler, now, 0, {}, {}, has_handler ? 1 : 0);
}

std::string Engine::set_peer_connection_configuration(int64_t now,
                                                      std::optional<std::string> ice_servers,
                                                      std::string_view ice_transport_policy) {
  Input input = make_input(InputKind::kSetPeerConnectionConfiguration, now);
  input.ice_servers = std::move(ice_servers);
  input.text2 = std::string(ice_transport_policy);
  return handle(std::move(input)).error;
}

void Engine::close(int64_t now) {
  input(InputKind::kClose, now);
}

void Engine::sdp_created(int64_t now, CallHandle call, std::string_view sdp) {
  input(InputKind::kSdpCreated, now, call, sdp);
}

void Engine::local_description_ready(int64_t now, CallHandle call, std::string_view sdp) {
  input(InputKind::kLocalDescriptionReady, now, call, sdp);
}

void Engine::media_failed(int64_t now, CallHandle call, std::string_view cause,
                          std::string_view detail) {
  input(InputKind::kMediaFailed, now, call, cause, detail);
}

bool Engine::start_recording() {
  if (inputs_handled_ != 0) return false;  // the journal must start from the seed
  recording_ = true;
  journal_ = journal_header(config_);
  journal_ += '\n';
  return true;
}

CallResult Engine::handle(Input input) {
  ++inputs_handled_;
  if (recording_) {
    std::string line = journal_line(input);
    if (journal_.size() + line.size() < kMaxJournal) {
      journal_ += line;
      journal_ += '\n';
    } else {
      recording_ = false;
      log(1, {"journal full: not recording"});
    }
  }
  return dispatch(input);
}

CallResult Engine::dispatch(Input& input) {
  const int64_t now = input.now;
  const InputKind kind = input.kind;
  // The transport, timer and media results are no commands: nothing is thrown for them.
  constexpr uint32_t kEvents =
      1u << static_cast<int>(InputKind::kSocketOpened) |
      1u << static_cast<int>(InputKind::kSocketClosed) | 1u << static_cast<int>(InputKind::kFrame) |
      1u << static_cast<int>(InputKind::kTimeout) | 1u << static_cast<int>(InputKind::kSdpCreated) |
      1u << static_cast<int>(InputKind::kLocalDescriptionReady) |
      1u << static_cast<int>(InputKind::kMediaFailed);
  const bool command = !(kEvents >> static_cast<int>(kind) & 1);
  // The error thrown to the page; a command with one changes nothing.
  std::string_view error;
  if (!config_error_.empty()) {
    error = config_error_;
  } else if (closed_) {
    error = errors::kClientClosed;
  }
  // Every return is `result` (one object, built in place by the caller).
  CallResult result;
  if (!error.empty()) {
    if (command) result.error = error;
    return result;
  }

  Call* call = input.call != 0 ? find(input.call) : nullptr;
  const bool live = call && call->active();
  switch (kind) {
    case InputKind::kSocketOpened:
      if (socket_ != SocketState::kConnecting) {
        log(2, {"socket open ignored: not connecting"});
        break;
      }
      socket_ = SocketState::kOpen;
      connect_deadline_ = sip::kNever;
      log(2, {"websocket connected"});
      registration_.on_transport_up();
      ice_servers_.on_transport_up();
      break;

    case InputKind::kSocketClosed:
      if (socket_ == SocketState::kConnecting || socket_ == SocketState::kOpen) {
        log(2, {"websocket disconnected"});
        transport_lost(now);
      }
      break;

    case InputKind::kFrame:
      receive(now, input.text);
      break;

    case InputKind::kTimeout:
      if (socket_ == SocketState::kConnecting && now >= connect_deadline_) {
        log(1, {"websocket connect timed out"});
        push(OutputKind::kCloseSocket);
        transport_lost(now);
      }
      if (socket_ == SocketState::kBackoff && now >= reconnect_at_) {
        reconnect_at_ = sip::kNever;
        socket_ = SocketState::kClosed;  // drive() reopens it if still wanted
      }
      for (const auto& t : transactions_.handle_timeout(now)) transaction_timeout(now, t);
      flush();
      registration_.handle_timeout(now);
      for (auto& c : calls_) call_timers(now, *c);
      break;

    case InputKind::kEnableIncoming:
      error = check_token(input.text);
      if (error.empty()) registration_.enable(input.text);
      break;

    case InputKind::kDisableIncoming:
      registration_.disable();
      break;

    case InputKind::kCallService:
    case InputKind::kCallClient: {
      const bool service = kind == InputKind::kCallService;
      const bool full = active_calls() >= static_cast<std::size_t>(max_concurrent_);
      std::string name;
      // The public client's order of checks: callClient's count comes before the token and the
      // headers, callService's after the headers.
      error = service ? check_service_name(input.text, &name) : check_client_id(input.text, &name);
      if (error.empty() && !service)
        error = full ? errors::kTooManyCalls : check_token(input.text2);
      std::vector<sip::HeaderField> extra;
      if (error.empty()) error = check_extra_sip_headers(input.options.extra_sip_headers, &extra);
      if (error.empty() && full) error = errors::kTooManyCalls;
      if (!error.empty()) break;
      const CloudAddresses& addresses = ua_.addresses();
      result = start_outgoing(
          now, service ? addresses.service_uri(name) : addresses.client_uri(name),
          service ? std::string() : input.text2, std::move(input.options), std::move(extra));
      break;
    }

    case InputKind::kAnswer: {
      std::vector<sip::HeaderField> extra;
      error = check_extra_sip_headers(input.options.extra_sip_headers, &extra);
      if (!error.empty()) break;
      if (!call || call->outgoing || call->state != CallState::kOffered) {
        log(2, {"answer() ignored: not an unanswered incoming call"});
        break;
      }
      call->options = std::move(input.options);
      call->extra_headers = std::move(extra);
      call->state = CallState::kAnswerPending;  // drive() goes on once the ICE servers are known
      break;
    }

    case InputKind::kRinging:
      if (call && call->unanswered()) {
        respond(now, call->invite_tx, ua_.invite_response(call->invite, 180, call->local_tag, {}));
      }
      break;

    case InputKind::kReject:
    case InputKind::kDisconnect:
      if (live) {
        int status = 486;  // disconnect() of an unanswered incoming call, as the public client
        std::string reason;
        if (kind == InputKind::kReject && !call->outgoing) {
          status = reject_status(input.number);
          // After an answer the public client ends the call with BYE and a Reason (RFC 3326).
          reason = join({"SIP; cause=", text::signed_decimal(status), "; text=\"Rejected\""});
        }
        end_call(now, *call, status, cause::kNormal, cause::kNoAnswer, reason);
      }
      break;

    case InputKind::kSendDtmf: {
      error = check_dtmf(input.text);
      if (!error.empty()) break;
      bool media_up = live && call->peer_created &&
                      (call->outgoing ? call->remote_answer_applied
                                      : call->state == CallState::kAnswered ||
                                            call->state == CallState::kConfirmed);
      if (!media_up) {
        error = errors::kDtmfSendError;
        break;
      }
      std::string& digits = input.text;
      for (char& c : digits) {
        if (c >= 'a') c = static_cast<char>(c - ('a' - 'A'));  // checked: only a-d are lower case
      }
      push(OutputKind::kSendDtmf, call->handle).text = std::move(digits);
      break;
    }

    case InputKind::kSetMaxConcurrent:
      error = check_max_concurrent(input.number);
      if (error.empty()) max_concurrent_ = std::min<int>(input.number, static_cast<int>(kMaxCalls));
      break;

    case InputKind::kSetIncomingHandler:
      has_incoming_handler_ = input.number != 0;
      break;

    case InputKind::kSetPeerConnectionConfiguration:
      error = check_ice_transport_policy(input.text2);
      if (error.empty() && input.ice_servers && !looks_like_json_array(*input.ice_servers)) {
        error = errors::kInvalidIceServers;
      }
      if (error.empty()) ice_servers_.set_override(input.ice_servers, input.text2);
      break;

    case InputKind::kClose:
      close_client(now);
      return result;

    case InputKind::kSdpCreated:
    case InputKind::kLocalDescriptionReady:
      if (!live) break;
      if (input.text.empty()) {
        media_failure(now, *call, cause::kError, "empty SDP");
      } else if (kind == InputKind::kSdpCreated) {
        media_described(*call, input.text);
      } else {
        media_gathered(now, *call, input.text);
      }
      break;

    case InputKind::kMediaFailed:
      if (live) media_failure(now, *call, input.text, input.text2);
      break;
  }
  if (!error.empty()) {
    result.error = error;  // a command with an error made no call
    return result;
  }
  drive(now);
  return result;
}

// ---------------------------------------------------------------- the pump

void Engine::drive(int64_t now) {
  if (closed_) return;
  const bool wanted = socket_wanted();
  if (wanted && socket_ == SocketState::kClosed) open_socket(now);

  if (socket_ == SocketState::kOpen) {
    if (auto request = registration_.next_request(now, ua_, random_)) {
      sip::TransactionId id = send_request(now, std::move(*request));
      if (id == 0) {
        registration_.on_timeout(now, random_);
      } else {
        registration_.sent(id);
      }
    }
    if (wanted) {
      if (auto request = ice_servers_.next_request(now, ua_, random_)) {
        sip::TransactionId id = send_request(now, std::move(*request));
        if (id == 0) {
          ice_servers_.on_timeout(now);
        } else {
          ice_servers_.sent(id);
        }
      }
    }
    if (ice_servers_.ready()) {
      for (auto& call : calls_) {
        if (call->state == CallState::kWaitingForClient) create_offer(now, *call);
        if (call->state == CallState::kAnswerPending) create_answer(now, *call);
      }
    }
  }

  report_incoming_state();
  purge_calls();

  // Nothing needs the cloud any more: let the socket go once no transaction is open (the public
  // client stops its user agent when it has no calls and no token).
  if (!socket_wanted()) {
    if (socket_ == SocketState::kOpen && transactions_.size() == 0) {
      log(2, {"websocket unneeded: closing"});
      push(OutputKind::kCloseSocket);
      socket_ = SocketState::kClosed;
      registration_.on_transport_lost();
      ice_servers_.on_transport_lost();
    } else if (socket_ == SocketState::kBackoff) {
      socket_ = SocketState::kClosed;
      reconnect_at_ = sip::kNever;
    }
  }
}

void Engine::report_incoming_state() {
  while (auto report = registration_.take_report()) {
    callback(0, "onIncomingState",
             incoming_state_payload(report->ready, report->cause, report->retry));
  }
}

void Engine::open_socket(int64_t now) {
  push(OutputKind::kOpenSocket).text = config_.url;
  socket_ = SocketState::kConnecting;
  connect_deadline_ = now + kConnectTimeout;
  reconnect_at_ = sip::kNever;
}

void Engine::transport_lost(int64_t now) {
  socket_ = SocketState::kClosed;
  connect_deadline_ = sip::kNever;
  transactions_.clear();
  registration_.on_transport_lost();
  ice_servers_.on_transport_lost();
  // The public client ends every call when the connection drops.
  for (auto& call : calls_) {
    call->bye_after_ack = false;
    terminate(*call, cause::kFailed);
  }
  purge_calls();
  if (socket_wanted()) {
    socket_ = SocketState::kBackoff;
    reconnect_at_ = now + reconnect_wait(reconnect_attempts_++, random_.next());
    if (logs(2))
      log(2, {"websocket reconnect in ", text::signed_decimal(reconnect_at_ - now), " ms"});
  }
}

Call& Engine::new_call(bool outgoing, CallState state) {
  Call& call = *calls_.emplace_back(std::make_unique<Call>());
  call.handle = next_handle_++;
  call.outgoing = outgoing;
  call.state = state;
  return call;
}

void Engine::purge_calls() {
  std::erase_if(calls_, [](const auto& call) {
    return call->state == CallState::kTerminated && !call->bye_after_ack;
  });
}

void Engine::transaction_timeout(int64_t now, const sip::TransactionTimeout& timeout) {
  if (!timeout.client) {
    log(2, {"no ACK for a failure (Timer H)"});
    return;
  }
  const bool registration = timeout.id == registration_.in_flight();
  const bool ice = !registration && timeout.id == ice_servers_.in_flight();
  Call* call = registration || ice ? nullptr : find_by_invite(timeout.id);
  if (call && !call->active()) call = nullptr;
  // REGISTER and OPTIONS (the ICE servers) end with Timer F, an INVITE with Timer B.
  log(registration || ice || call ? 1 : 3,
      {timeout.method,
       timeout.method == "INVITE" ? " timed out (Timer B)" : " timed out (Timer F)"});
  if (registration) {
    registration_.on_timeout(now, random_);
  } else if (ice) {
    ice_servers_.on_timeout(now);
  } else if (call) {
    terminate(*call, call->cancel_wanted ? call->end_cause : cause::kFailed);
  }
}

void Engine::call_timers(int64_t now, Call& call) {
  if (call.retransmit_at <= now) {
    // §13.3.1.4: the 2xx again, at T1, 2*T1 ... capped at T2, until the ACK.
    send_message(call.last_2xx);
    call.retransmit_interval =
        std::min(call.retransmit_interval * 2, sip::timers::k2xxRetransmitMax);
    call.retransmit_at = now + call.retransmit_interval;
  }
  if (call.ack_deadline <= now) {
    call.retransmit_at = call.ack_deadline = sip::kNever;
    if (call.reoffer == Reoffer::kAwaitingAck) {
      log(2, {"no ACK for a re-INVITE 2xx"});
      call.reoffer = Reoffer::kNone;
    } else if (call.state == CallState::kAnswered) {
      // §13.3.1.4: no ACK in 64*T1: the session ends with BYE.
      log(1, {"no ACK for our 2xx: ending call"});
      send_bye(now, call);
      terminate(call, cause::kFailed);
    } else if (call.bye_after_ack) {
      send_bye(now, call, call.bye_reason);
      call.bye_after_ack = false;
    }
  }
  if (call.expires_at <= now) {
    call.expires_at = sip::kNever;
    if (call.state == CallState::kInviting || call.state == CallState::kEarly) {
      log(2, {"no answer (Timer C): cancelling"});
      cancel(now, call, cause::kNoAnswer);
    }
  }
  if (call.cancel_deadline <= now) {
    call.cancel_deadline = sip::kNever;
    // §9.1: no final response 64*T1 after CANCEL: the INVITE counts as cancelled.
    if (call.state == CallState::kInviting || call.state == CallState::kEarly)
      terminate(call, call.end_cause);
  }
}

// ---------------------------------------------------------------- sending

sip::TransactionId Engine::send_request(int64_t now, sip::Message request) {
  sip::TransactionId id = transactions_.send_request(std::move(request), now);
  if (id == 0) log(1, {"too many transactions: not sent"});
  flush();
  return id;
}

void Engine::respond(int64_t now, sip::TransactionId tx, sip::Message response) {
  if (!transactions_.respond(tx, std::move(response), now))
    log(3, {"response to ended transaction dropped"});
  flush();
}

void Engine::reply(int64_t now, sip::TransactionId tx, const sip::Message& request, int status,
                   std::string_view to_tag) {
  respond(now, tx, ua_.response(request, status, to_tag));
}

void Engine::send_2xx(int64_t now, Call& call, sip::TransactionId tx, const sip::Message& request,
                      std::string sdp) {
  sip::Message response =
      ua_.invite_response(request, 200, call.local_tag, call.extra_headers, std::move(sdp));
  call.last_2xx = response;
  respond(now, tx, std::move(response));
  call.retransmit_interval = sip::timers::k2xxRetransmitFirst;
  call.retransmit_at = now + call.retransmit_interval;
  call.ack_deadline = now + sip::timers::k2xxAckWait;
}

void Engine::send_bye(int64_t now, Call& call, std::string_view reason) {
  if (call.dialog) send_bye(now, *call.dialog, reason);
}

void Engine::send_bye(int64_t now, sip::Dialog& dialog, std::string_view reason) {
  sip::Message bye = dialog.make_request("BYE", ua_.via(sip::make_branch(random_.next())));
  if (!reason.empty()) bye.add_header("Reason", reason);
  ua_.finish_request(bye);
  send_request(now, std::move(bye));
}

void Engine::send_message(const sip::Message& message) {
  std::string text = message.serialize();
  log(6, {"send:\n", text});
  push(OutputKind::kSendFrame).text = std::move(text);
}

void Engine::flush() {
  for (const auto& message : transactions_.take_outbox()) send_message(message);
}

Output& Engine::push(OutputKind kind, CallHandle call) {
  Output& output = outputs_.emplace_back();
  output.kind = kind;
  output.call = call;
  return output;
}

void Engine::log(int level, std::initializer_list<std::string_view> parts) {
  if (!logs(level)) return;
  std::string text = join(parts);
  Output& output = push(OutputKind::kLog);
  output.text = std::move(text);
  output.level = level;
}

void Engine::callback(CallHandle call, std::string_view name, std::string json) {
  Output& output = push(OutputKind::kCallback, call);
  output.name = name;
  output.json = std::move(json);
}

void Engine::terminate(Call& call, std::string_view cause) {
  if (call.state == CallState::kTerminated) return;
  if (logs(2)) log(2, {"call ", text::decimal(call.handle), " ends: ", cause});
  call.state = CallState::kTerminated;
  call.expires_at = call.cancel_deadline = sip::kNever;
  if (!call.bye_after_ack) call.retransmit_at = call.ack_deadline = sip::kNever;
  if (call.peer_created) push(OutputKind::kClosePeer, call.handle);
  callback(call.handle, "onDisconnect", disconnect_payload(cause));
}

void Engine::create_peer(Call& call) {
  std::string json =
      peer_payload(ice_servers_.policy(), call.options.receive_audio, call.options.receive_video);
  Output& output = push(OutputKind::kCreatePeer, call.handle);
  output.text = ice_servers_.servers();
  output.json = std::move(json);
  call.peer_created = true;
}

void Engine::describe_remote(const Call& call, std::string_view type, std::string_view sdp) {
  Output& output = push(OutputKind::kSetRemoteDescription, call.handle);
  output.name = type;
  output.text = sdp;
  if (type == "offer") push(OutputKind::kCreateAnswer, call.handle);
}

std::string Engine::munge(const Call& call, std::string_view sdp) {
  const CallOptions& options = call.options;
  if (options.audio_codecs.empty() && options.video_codecs.empty() && !options.max_bitrate_audio) {
    return std::string(sdp);
  }
  std::string error;
  auto parsed = sdp::parse(sdp, &error);
  if (!parsed) {
    log(1, {"local SDP not understood, used as it is: ", error});
    return std::string(sdp);
  }
  // prefer_codecs reads "audio/opus" as "opus", and an empty list changes nothing.
  sdp::prefer_codecs(*parsed, "audio", options.audio_codecs);
  sdp::prefer_codecs(*parsed, "video", options.video_codecs);
  if (options.max_bitrate_audio) sdp::cap_audio_bitrate(*parsed, *options.max_bitrate_audio);
  return parsed->str();
}

// ---------------------------------------------------------------- lookups

Call* Engine::find(CallHandle handle) {
  for (auto& call : calls_) {
    if (call->handle == handle) return call.get();
  }
  return nullptr;
}

const Call* Engine::find(CallHandle handle) const {
  return const_cast<Engine*>(this)->find(handle);
}

Call* Engine::find_by_dialog(const sip::DialogId& id) {
  for (auto& call : calls_) {
    if (call->dialog && call->dialog->id == id) return call.get();
  }
  return nullptr;
}

Call* Engine::find_by_invite(sip::TransactionId tx) {
  if (tx == 0) return nullptr;
  for (auto& call : calls_) {
    if (call->invite_tx == tx) return call.get();
  }
  return nullptr;
}

}  // namespace acw::call
