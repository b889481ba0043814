// Engine: every input comes in here (the typed methods, handle, the common prelude, dispatch to
// the on_* handlers of the other files), and here is what all inputs share: drive(), the outputs,
// sending SIP, call state changes and lookups.
#include "call/engine.hpp"

#include <algorithm>
#include <utility>

#include "call/join.hpp"
#include "call/journal.hpp"
#include "call/json_object.hpp"
#include "call/payload.hpp"
#include "call/validation.hpp"
#include "sip/dialog.hpp"
#include "sip/headers.hpp"
#include "sip/timers.hpp"
#include "text/decimal.hpp"

namespace acw::call {
namespace {

CloudAddresses addresses(const Config& config) {
  return {config.cloud_id, config.web_rtc_access_key, config.client_id};
}

// `digits` base-36 digits of `random`.
std::string base36(uint64_t random, int digits) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (int i = 0; i < digits; ++i) {
    out += kDigits[random % 36];
    random /= 36;
  }
  return out;
}

// The constructor's checks: the config normalized (clientId without its scheme, the default URL,
// the log level in range) and the error text, "" when it is valid.
Config checked(Config config, std::string* error_text) {
  std::string client_id;
  std::string_view error = check_cloud_id(config.cloud_id);
  if (error.empty()) error = check_access_key(config.web_rtc_access_key);
  if (error.empty()) error = check_client_id(config.client_id, &client_id);
  if (error.empty() && !config.url.empty()) error = check_url(config.url);
  *error_text = error;
  if (error.empty()) config.client_id = std::move(client_id);
  config.log_level = std::clamp(config.log_level, 0, 6);
  if (config.url.empty()) config.url = addresses(config).default_url();
  return config;
}

// The constructor's options; their error, when the rest of the config had none.
ClientOptions options_of(const Config& config, std::string* error_text) {
  ClientOptions options;
  std::string error = read_client_options(config.options, &options);
  if (error_text->empty()) *error_text = std::move(error);
  return options;
}

// The page's commands get an error text back; the socket, the timer and the browser's media
// results are events, which have nobody to tell.
bool is_command(InputKind kind) {
  switch (kind) {
    case InputKind::kSocketOpened:
    case InputKind::kSocketClosed:
    case InputKind::kFrame:
    case InputKind::kTimeout:
    case InputKind::kSdpCreated:
    case InputKind::kLocalDescriptionReady:
    case InputKind::kMediaFailed:
    case InputKind::kNetwork:
    case InputKind::kIceState:
    case InputKind::kMediaHeard:
      return false;
    case InputKind::kEnableIncoming:
    case InputKind::kDisableIncoming:
    case InputKind::kCallService:
    case InputKind::kCallClient:
    case InputKind::kAnswer:
    case InputKind::kRinging:
    case InputKind::kReject:
    case InputKind::kDisconnect:
    case InputKind::kSendDtmf:
    case InputKind::kHold:
    case InputKind::kReinvite:
    case InputKind::kSetMaxConcurrent:
    case InputKind::kSetIncomingHandler:
    case InputKind::kSetPeerConnectionConfiguration:
    case InputKind::kClose:
      return true;
  }
  return true;
}

}  // namespace

// RFC 7118 §5: a random Contact user and .invalid host, fixed for this client's life. The braces
// keep the order of the random draws (contact user, Via host, then the REGISTER Call-ID and tag).
Engine::Engine(Config config)
    : config_(checked(std::move(config), &config_error_)),
      options_(options_of(config_, &config_error_)),
      random_(config_.seed),
      ua_{addresses(config_), base36(random_.next(), 8), base36(random_.next(), 12) + ".invalid"},
      registration_{sip::make_call_id(random_.next(), random_.next()),
                    sip::make_tag(random_.next()), ua_.contact_user()} {}

// ---------------------------------------------------------------- getters

int64_t Engine::next_deadline() const {
  if (closed_ || !config_error_.empty()) return -1;
  int64_t next = connection_.next_deadline();
  if (connection_.is_open()) {
    next = std::min({next, transactions_.next_deadline(), registration_.next_deadline()});
    if (socket_wanted()) next = std::min(next, ice_servers_.next_deadline());
  }
  for (const auto& call : calls_) {
    next =
        std::min({next, call->expires_at, call->cancel_deadline, call->retransmit_at,
                  call->ack_deadline, call->reconnect_deadline, call->reinvite_at, call->media_at});
  }
  next = std::min(next, token_warning_at_);
  return next == sip::kNever ? -1 : next;
}

std::string Engine::call_id(CallHandle handle) const {
  const Call* call = find_any(handle);
  return call ? call->call_id : std::string();
}

std::vector<std::string> Engine::sip_headers(CallHandle handle, std::string_view name) const {
  std::vector<std::string> values;
  if (const Call* call = find_any(handle)) {
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

std::string Engine::enable_incoming(int64_t now, std::string_view token, int64_t unix_ms) {
  return input(InputKind::kEnableIncoming, now, 0, token,
               unix_ms > 0 ? text::decimal(static_cast<uint64_t>(unix_ms)) : std::string())
      .error;
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

void Engine::network(int64_t now, bool online) {
  input(InputKind::kNetwork, now, 0, {}, {}, online ? 1 : 0);
}

void Engine::ice_state(int64_t now, CallHandle call, std::string_view state) {
  input(InputKind::kIceState, now, call, state);
}

void Engine::media_heard(int64_t now, CallHandle call, bool heard) {
  input(InputKind::kMediaHeard, now, call, {}, {}, heard ? 1 : 0);
}

std::string Engine::hold(int64_t now, CallHandle call, bool on) {
  return input(InputKind::kHold, now, call, {}, {}, on ? 1 : 0).error;
}

std::string Engine::reinvite(int64_t now, CallHandle call, bool send) {
  return input(InputKind::kReinvite, now, call, {}, {}, send ? 1 : 0).error;
}

bool Engine::start_recording(bool keep_secrets, std::size_t max_bytes) {
  if (inputs_handled_ != 0) return false;  // the journal must start from the seed
  recording_ = true;
  max_journal_ = std::min(max_bytes, kMaxJournal);
  append_config_record(records_, config_, keep_secrets);
  return true;
}

CallResult Engine::handle(Input input) {
  ++inputs_handled_;
  if (recording_) {
    const std::size_t before = records_.size();
    append_input_record(records_, input);
    // Room is kept for the "full" record: 'F' and two numbers of at most 20 characters and a space.
    constexpr std::size_t kFullRecordRoom = 43;
    if (records_.size() + kFullRecordRoom > max_journal_) {
      recording_ = false;
      records_.resize(before);
      append_full_record(records_, input.now, max_journal_);
      log(1, {"journal full: not recording"});
    }
  }
  return dispatch(input);
}

CallResult Engine::dispatch(Input& input) {
  // The common prelude: a bad config or a closed client refuses everything; only a command has
  // someone to tell why.
  std::string_view refusal;
  if (!config_error_.empty()) {
    refusal = config_error_;
  } else if (closed_) {
    refusal = errors::kClientClosed;
  }
  if (!refusal.empty()) {
    return {0, is_command(input.kind) ? std::string(refusal) : std::string()};
  }

  CallResult result;
  switch (input.kind) {
    case InputKind::kSocketOpened:
      on_socket_opened(input);
      break;
    case InputKind::kSocketClosed:
      on_socket_closed(input);
      break;
    case InputKind::kFrame:
      on_frame(input);
      break;
    case InputKind::kTimeout:
      on_timeout(input);
      token_timeout(input.now);
      break;
    case InputKind::kEnableIncoming:
      result.error = on_enable_incoming(input);
      break;
    case InputKind::kDisableIncoming:
      on_disable_incoming(input);
      break;
    case InputKind::kCallService:
      result = on_call_service(input);
      break;
    case InputKind::kCallClient:
      result = on_call_client(input);
      break;
    case InputKind::kAnswer:
      result.error = on_answer(input);
      break;
    case InputKind::kRinging:
      on_ringing(input);
      break;
    case InputKind::kReject:
      on_reject(input);
      break;
    case InputKind::kDisconnect:
      on_disconnect(input);
      break;
    case InputKind::kSendDtmf:
      result.error = on_send_dtmf(input);
      break;
    case InputKind::kSetMaxConcurrent:
      result.error = on_set_max_concurrent(input);
      break;
    case InputKind::kSetIncomingHandler:
      on_set_incoming_handler(input);
      break;
    case InputKind::kSetPeerConnectionConfiguration:
      result.error = on_set_peer_connection_configuration(input);
      break;
    case InputKind::kClose:
      on_close(input);
      break;
    case InputKind::kSdpCreated:
      on_sdp_created(input);
      break;
    case InputKind::kLocalDescriptionReady:
      on_local_description_ready(input);
      break;
    case InputKind::kMediaFailed:
      on_media_failed(input);
      break;
    case InputKind::kNetwork:
      on_network(input);
      break;
    case InputKind::kIceState:
      on_ice_state(input);
      break;
    case InputKind::kMediaHeard:
      on_media_heard(input);
      break;
    case InputKind::kHold:
      result.error = on_hold(input);
      break;
    case InputKind::kReinvite:
      result.error = on_reinvite(input);
      break;
  }
  // A refused command changed nothing, so there is nothing to drive.
  if (result.error.empty()) drive(input.now);
  return result;
}

// ---------------------------------------------------------------- the pump

void Engine::drive(int64_t now) {
  if (closed_) return;
  const bool wanted = socket_wanted();
  // Offline, a reconnect would only fail and lengthen the back-off: it waits for online.
  if (wanted && connection_.state() == Connection::State::kClosed && !offline_) open_socket(now);
  if (connection_.is_open()) {
    send_registration_request(now);
    if (wanted) send_ice_servers_request(now);
    if (ice_servers_.ready()) start_waiting_calls();
  }
  send_reinvites(now);
  report_incoming_state();
  purge_calls();
  if (!socket_wanted()) release_socket();
}

void Engine::send_registration_request(int64_t now) {
  auto request = registration_.next_request(now, ua_, random_);
  if (!request) return;
  sip::TransactionId id = send_request(now, std::move(*request));
  if (id == 0) {
    registration_.on_timeout(now, random_);
  } else {
    registration_.sent(id);
  }
}

void Engine::send_ice_servers_request(int64_t now) {
  auto request = ice_servers_.next_request(now, ua_, random_);
  if (!request) return;
  sip::TransactionId id = send_request(now, std::move(*request));
  if (id == 0) {
    ice_servers_.on_timeout(now);
  } else {
    ice_servers_.sent(id);
  }
}

void Engine::start_waiting_calls() {
  for (auto& call : calls_) {
    if (call->state() == CallState::kWaitingForClient) create_offer(*call);
    if (call->state() == CallState::kAnswerPending) create_answer(*call);
  }
}

void Engine::release_socket() {
  // The public client stops its user agent when it has no calls and no token; an open
  // transaction still needs the socket for its answer.
  if (connection_.is_open() && transactions_.size() == 0) {
    log(2, {"websocket unneeded: closing"});
    push(OutputKind::kCloseSocket);
    connection_.close();
    registration_.on_transport_lost();
    ice_servers_.on_transport_lost();
  } else if (connection_.state() == Connection::State::kBackoff) {
    connection_.close();
  }
}

void Engine::report_incoming_state() {
  while (auto report = registration_.take_report()) {
    callback(0, "onIncomingState",
             incoming_state_payload(report->ready, report->cause, report->retry));
  }
}

// ---------------------------------------------------------------- calls

Call& Engine::new_call(bool outgoing) {
  return *calls_.emplace_back(std::make_unique<Call>(next_handle_++, outgoing));
}

void Engine::purge_calls() {
  for (auto& call : calls_) {
    if (!call->active() && !call->bye_after_ack)
      ended_[ended_count_++ % kMaxCalls] = std::move(call);
  }
  std::erase(calls_, nullptr);
}

bool Engine::set_state(Call& call, CallState to) {
  const CallState from = call.state();
  if (call.transition(to)) return true;
  ++forbidden_transitions_;
  if (logs(1)) {
    log(1, {"bug: call ", text::decimal(call.handle), " may not go from ", call_state_name(from),
            " to ", call_state_name(to)});
  }
  return false;
}

void Engine::terminate(Call& call, std::string_view cause) {
  if (!call.active()) return;
  if (logs(2)) log(2, {"call ", text::decimal(call.handle), " ends: ", cause});
  set_state(call, CallState::kTerminated);
  call.expires_at = call.cancel_deadline = call.reconnect_deadline = call.reinvite_at =
      call.media_at = sip::kNever;
  call.renegotiation = Renegotiation::kNone;
  call.media_lost = false;
  if (!call.bye_after_ack) call.retransmit_at = call.ack_deadline = sip::kNever;
  if (call.peer_created) push(OutputKind::kClosePeer, call.handle);
  callback(call.handle, "onDisconnect", disconnect_payload(cause));
}

void Engine::create_peer(Call& call) {
  std::string json = peer_payload(ice_servers_.policy(), call.options);
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
  call.local_sdp = response.body();
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

// ---------------------------------------------------------------- outputs

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

void Engine::token_timeout(int64_t now) {
  if (now < token_warning_at_) return;
  token_warning_at_ = sip::kNever;
  // now >= the warning's time: what is left is at most the margin, and never overflows.
  const int64_t left = now < token_expires_at_ ? (token_expires_at_ - now) / 1000 : 0;
  callback(0, "onTokenExpiring", JsonObject().integer("secondsLeft", left).text());
}

void Engine::callback(CallHandle call, std::string_view name, std::string json) {
  Output& output = push(OutputKind::kCallback, call);
  output.name = name;
  output.json = std::move(json);
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

const Call* Engine::find_any(CallHandle handle) const {
  if (const Call* call = find(handle)) return call;
  for (const auto& call : ended_) {
    if (call && call->handle == handle) return call.get();
  }
  return nullptr;
}

Call* Engine::find_active(CallHandle handle) {
  Call* call = find(handle);
  return call && call->active() ? call : nullptr;
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
