// embind surface of the SIP core for the local cloud: messages, URIs and header values as JSON.
//
// The cloud (Node) never parses or builds SIP text itself: every frame goes through
// acw::sip here, and values cross the boundary as JSON strings (server-side only, so
// nlohmann's parser and serializer are fine). Every function answers any input with a
// value, never a crash: bad JSON or bad SIP gives {"ok":false,...} or an empty string.
// Without Emscripten (tests/fuzz/fuzz_sip_tools.cpp includes this file natively) the
// registration is left out and the functions are fuzzed directly.
#ifdef __EMSCRIPTEN__
#include <emscripten/bind.h>
#endif

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/cause.hpp"
#include "call/validation.hpp"
#include "sip/headers.hpp"
#include "sip/message.hpp"
#include "sip/parser.hpp"
#include "sip/timers.hpp"
#include "sip/transaction.hpp"
#include "sip/uri.hpp"

namespace {

using nlohmann::json;

// What a SIP client over WebSocket legitimately sends stays far below these; above them the
// JSON for the cloud would cost more than parsing did, so the digest stops there (the cloud
// answers such a request 400 or 413).
constexpr std::size_t kMaxFields = 200;
constexpr std::size_t kMaxDigestValues = 16;

// Invalid UTF-8 in a header must not abort the serializer (JSON_NOEXCEPTION turns its
// type_error into abort()): replace such bytes instead.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reads from untrusted JSON: wrong types give the fallback, never an abort.
std::string string_at(const json& object, const char* key, std::string fallback = {}) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

int64_t int_at(const json& object, const char* key, int64_t fallback = 0) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return fallback;
  return it->get<int64_t>();
}

bool bool_at(const json& object, const char* key, bool fallback = false) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Parameters keep their order: [[name, value-or-null], ...] (null for a flag such as ;lr).
json params_json(const std::vector<acw::sip::Param>& params) {
  json out = json::array();
  for (const auto& p : params) {
    out.push_back(json::array({p.name, p.has_value ? json(p.value) : json(nullptr)}));
  }
  return out;
}

std::vector<acw::sip::Param> params_from(const json& object, const char* key) {
  std::vector<acw::sip::Param> out;
  if (!object.is_object()) return out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (!item.is_array() || item.empty() || !item[0].is_string()) continue;
    acw::sip::Param p;
    p.name = item[0].get<std::string>();
    if (item.size() > 1 && item[1].is_string()) {
      p.value = item[1].get<std::string>();
      p.has_value = true;
    }
    out.push_back(std::move(p));
  }
  return out;
}

json uri_json(const acw::sip::Uri& uri) {
  return json{{"scheme", uri.scheme},
              {"user", uri.user},
              {"password", uri.password},
              {"host", uri.host},
              {"port", uri.port},
              {"params", params_json(uri.params)},
              {"headers", params_json(uri.headers)},
              {"opaque", uri.opaque},
              {"text", uri.str()}};
}

acw::sip::Uri uri_from(const json& object) {
  acw::sip::Uri uri;
  uri.scheme = lower(string_at(object, "scheme", "sip"));
  uri.user = string_at(object, "user");
  uri.password = string_at(object, "password");
  uri.host = string_at(object, "host");
  int64_t port = int_at(object, "port");
  uri.port = port > 0 && port < 65536 ? static_cast<int>(port) : 0;
  uri.params = params_from(object, "params");
  uri.headers = params_from(object, "headers");
  uri.opaque = string_at(object, "opaque");
  return uri;
}

json name_addr_json(const acw::sip::NameAddr& value) {
  return json{{"displayName", value.display_name},   {"uri", uri_json(value.uri)},
              {"params", params_json(value.params)}, {"tag", std::string(value.tag())},
              {"wildcard", value.wildcard},          {"text", value.str()}};
}

json via_json(const acw::sip::Via& via) {
  return json{{"protocol", via.protocol},
              {"transport", via.transport},
              {"host", via.host},
              {"port", via.port},
              {"params", params_json(via.params)},
              {"branch", std::string(via.branch())},
              {"text", via.str()}};
}

json error_json(std::string_view reason) {
  return json{{"ok", false}, {"error", std::string(reason)}};
}

// Header fields in order, plus an index by lowercased long name (compact forms expanded)
// so that the cloud looks fields up without knowing SIP's naming rules.
void add_fields(json& out, const acw::sip::Message& message) {
  json fields = json::array();
  json index = json::object();
  for (const auto& field : message.fields()) {
    fields.push_back(json::array({field.name, field.value}));
    std::string key = lower(acw::sip::expand_compact_name(field.name));
    if (!index.contains(key)) index[key] = json::array();
    index[key].push_back(field.value);
  }
  out["headers"] = std::move(fields);
  out["h"] = std::move(index);
}

// The fields every cloud component reads, already parsed (null when absent or invalid).
void add_digest(json& out, const acw::sip::Message& message) {
  out["callId"] = std::string(message.call_id());
  out["cseq"] = nullptr;
  if (auto value = message.header("CSeq")) {
    if (auto cseq = acw::sip::parse_cseq(*value)) {
      out["cseq"] = json{{"number", cseq->number}, {"method", cseq->method}};
    }
  }
  for (const char* name : {"From", "To"}) {
    std::string key = lower(name);
    out[key] = nullptr;
    if (auto value = message.header(name)) {
      if (auto parsed = acw::sip::parse_name_addr(*value)) out[key] = name_addr_json(*parsed);
    }
  }
  // Only the first Vias are digested (the cloud reads the top one; responses copy them all
  // from the text); more Contacts than that make the list unusable (contactOk false).
  json vias = json::array();
  bool vias_ok = true;
  const auto via_values = message.header_values("Via");
  for (std::size_t i = 0; i < via_values.size() && i < kMaxDigestValues; ++i) {
    if (auto via = acw::sip::parse_via(via_values[i])) {
      vias.push_back(via_json(*via));
    } else {
      vias_ok = false;
    }
  }
  out["via"] = std::move(vias);
  out["viaOk"] = vias_ok;
  out["viaCount"] = via_values.size();
  json contacts = json::array();
  const auto contact_values = message.header_values("Contact");
  bool contacts_ok = contact_values.size() <= kMaxDigestValues;
  for (std::size_t i = 0; contacts_ok && i < contact_values.size(); ++i) {
    if (auto contact = acw::sip::parse_name_addr(contact_values[i])) {
      contacts.push_back(name_addr_json(*contact));
    } else {
      contacts_ok = false;
    }
  }
  out["contact"] = std::move(contacts);
  out["contactOk"] = contacts_ok;
  out["maxForwards"] = nullptr;
  if (auto value = message.header("Max-Forwards")) {
    if (auto number = acw::sip::parse_uint(*value)) out["maxForwards"] = *number;
  }
  out["expires"] = nullptr;
  if (auto value = message.header("Expires")) {
    if (auto number = acw::sip::parse_uint(*value)) out["expires"] = *number;
  }
  out["bearer"] = nullptr;
  if (auto value = message.header("Authorization")) {
    if (auto token = acw::sip::parse_bearer(*value)) out["bearer"] = std::string(*token);
  }
  out["contentType"] = std::string(message.header("Content-Type").value_or(""));
  if (message.is_request()) {
    out["ruri"] = nullptr;
    if (auto uri = acw::sip::parse_uri(message.request_uri())) out["ruri"] = uri_json(*uri);
  }
}

json message_json(const acw::sip::Message& message) {
  json out{{"ok", true}, {"request", message.is_request()}};
  if (message.is_request()) {
    out["method"] = std::string(message.method());
    out["uri"] = std::string(message.request_uri());
  } else {
    out["status"] = message.status();
    out["reason"] = std::string(message.reason());
  }
  add_fields(out, message);
  out["body"] = std::string(message.body());
  add_digest(out, message);
  return out;
}

// parseMessage(frame): the message as JSON, or {ok:false, error, isRequest, method} when it
// cannot be parsed. A message that parses but lacks a mandatory field (RFC 3261 §8.1.1) is
// returned in full with ok:false and answerable:true, so that a request can get a 400.
std::string parse_message(const std::string& frame) {
  acw::sip::ParseError error;
  auto message = acw::sip::parse_message(frame, &error);
  if (!message) {
    json out = error_json(error.reason);
    out["isRequest"] = error.is_request;
    out["method"] = error.method;
    out["errorStatus"] = error.status;  // 400, 505 (SIP version), 513 (too large)
    out["answerable"] = false;
    return dump(out);
  }
  if (message->fields().size() > kMaxFields) {
    // Answerable (Via is copied from the text) but not worth a full digest.
    json out = error_json("too many header fields");
    out["isRequest"] = message->is_request();
    out["method"] = std::string(message->method());
    out["errorStatus"] = 400;
    out["answerable"] = message->is_request() && message->has_header("Via");
    return dump(out);
  }
  json out = message_json(*message);
  std::string invalid = message->is_request() ? acw::sip::validate_request(*message)
                                              : acw::sip::validate_response(*message);
  if (!invalid.empty()) {
    out["ok"] = false;
    out["error"] = invalid;
    out["isRequest"] = message->is_request();
    out["answerable"] = message->is_request() && !out["via"].empty();
  }
  return dump(out);
}

void add_header_list(acw::sip::Message& message, const json& spec) {
  auto it = spec.find("headers");
  if (it == spec.end() || !it->is_array()) return;
  for (const auto& item : *it) {
    if (!item.is_array() || item.size() < 2 || !item[0].is_string() || !item[1].is_string()) {
      continue;
    }
    message.add_header(item[0].get<std::string>(), item[1].get<std::string>());
  }
}

// A header name or value that would break the framing (CR/LF, NUL) is refused, so a value
// that came from a peer can never smuggle in another header.
bool safe_text(std::string_view text) {
  for (char c : text) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool fields_safe(const acw::sip::Message& message) {
  for (const auto& field : message.fields()) {
    if (field.name.empty() || !safe_text(field.name) || !safe_text(field.value)) return false;
  }
  return true;
}

// The wire text of a message the cloud built, or "" when its own parser (and so a client's) would
// refuse it: a method or header name that is not a token, a Request-URI with a space, a frame
// over the size limit; what a client cannot read is never sent.
std::string wire_text(const acw::sip::Message& message) {
  if (!fields_safe(message)) return {};
  std::string text = message.serialize();
  return acw::sip::parse_message(text) ? text : std::string{};
}

// buildMessage({request, method, uri | status, reason, headers:[[n,v]], body}): wire text
// with Content-Length computed by Message::serialize; "" when the description is unusable.
std::string build_message(const std::string& spec_text) {
  json spec = json::parse(spec_text, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) return {};
  acw::sip::Message message;
  if (bool_at(spec, "request")) {
    std::string method = string_at(spec, "method");
    std::string uri = string_at(spec, "uri");
    if (method.empty() || uri.empty() || !safe_text(method) || !safe_text(uri)) return {};
    message = acw::sip::Message::request(std::move(method), std::move(uri));
  } else {
    int64_t status = int_at(spec, "status");
    if (status < 100 || status > 699) return {};
    std::string reason = string_at(spec, "reason");
    if (reason.empty()) reason = std::string(acw::sip::reason_phrase(static_cast<int>(status)));
    if (!safe_text(reason)) return {};
    message = acw::sip::Message::response(static_cast<int>(status), std::move(reason));
  }
  add_header_list(message, spec);
  std::string body = string_at(spec, "body");
  if (!body.empty()) message.set_body(std::move(body));
  return wire_text(message);
}

// makeResponse(request, status, reason, toTag, extra): RFC 3261 §8.2.6.2 — the response
// copies Via (all, in order), From, To, Call-ID and CSeq from the request, and adds a To tag
// when the request's To has none (never on 100 Trying, §8.2.6.1). extra (JSON, may be "")
// adds {headers:[[n,v]], body, contentType}. "" when the request cannot be parsed at all.
std::string make_response(const std::string& request_text, int status, const std::string& reason,
                          const std::string& to_tag, const std::string& extra_text) {
  if (status < 100 || status > 699 || !safe_text(reason) || !safe_text(to_tag)) return {};
  auto request = acw::sip::parse_message(request_text);
  if (!request || !request->is_request()) return {};
  auto response = acw::sip::Message::response(
      status, reason.empty() ? std::string(acw::sip::reason_phrase(status)) : reason);
  for (auto via : request->header_values("Via")) response.add_header("Via", std::string(via));
  if (auto from = request->header("From")) response.add_header("From", std::string(*from));
  if (auto to = request->header("To")) {
    std::string value(*to);
    if (status > 100 && !to_tag.empty()) {
      if (auto parsed = acw::sip::parse_name_addr(*to); parsed && parsed->tag().empty()) {
        parsed->set_param("tag", to_tag, true);
        value = parsed->str();
      }
    }
    response.add_header("To", std::move(value));
  }
  if (auto call_id = request->header("Call-ID")) {
    response.add_header("Call-ID", std::string(*call_id));
  }
  if (auto cseq = request->header("CSeq")) response.add_header("CSeq", std::string(*cseq));
  if (!extra_text.empty()) {
    json extra = json::parse(extra_text, nullptr, false);
    if (extra.is_discarded() || !extra.is_object()) return {};
    add_header_list(response, extra);
    std::string body = string_at(extra, "body");
    std::string content_type = string_at(extra, "contentType");
    if (!body.empty() || !content_type.empty()) {
      response.set_body(std::move(body), content_type);
    }
  }
  return wire_text(response);
}

std::string parse_uri(const std::string& text) {
  auto uri = acw::sip::parse_uri(text);
  if (!uri) return dump(error_json("bad URI"));
  json out = uri_json(*uri);
  out["ok"] = true;
  return dump(out);
}

std::string format_uri(const std::string& spec_text) {
  json spec = json::parse(spec_text, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) return {};
  std::string text = uri_from(spec).str();
  return safe_text(text) ? text : std::string{};
}

std::string parse_name_addr(const std::string& text) {
  auto value = acw::sip::parse_name_addr(text);
  if (!value) return dump(error_json("bad name-addr"));
  json out = name_addr_json(*value);
  out["ok"] = true;
  return dump(out);
}

// formatNameAddr({displayName, uri:{...} | uriText, params:[[n,v]]}).
std::string format_name_addr(const std::string& spec_text) {
  json spec = json::parse(spec_text, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) return {};
  acw::sip::NameAddr value;
  value.display_name = string_at(spec, "displayName");
  std::string uri_text = string_at(spec, "uriText");
  if (!uri_text.empty()) {
    auto uri = acw::sip::parse_uri(uri_text);
    if (!uri) return {};
    value.uri = std::move(*uri);
  } else {
    auto it = spec.find("uri");
    if (it == spec.end() || !it->is_object()) return {};
    value.uri = uri_from(*it);
  }
  value.params = params_from(spec, "params");
  std::string text = value.str();
  return safe_text(text) ? text : std::string{};
}

std::string parse_via(const std::string& text) {
  auto via = acw::sip::parse_via(text);
  if (!via) return dump(error_json("bad Via"));
  json out = via_json(*via);
  out["ok"] = true;
  return dump(out);
}

// formatVia({transport, host, port, params:[[n,v]]}).
std::string format_via(const std::string& spec_text) {
  json spec = json::parse(spec_text, nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) return {};
  acw::sip::Via via;
  via.transport = string_at(spec, "transport", "WSS");
  via.host = string_at(spec, "host");
  int64_t port = int_at(spec, "port");
  via.port = port > 0 && port < 65536 ? static_cast<int>(port) : 0;
  via.params = params_from(spec, "params");
  if (via.host.empty()) return {};
  std::string text = via.str();
  return safe_text(text) ? text : std::string{};
}

std::string parse_cseq(const std::string& text) {
  auto cseq = acw::sip::parse_cseq(text);
  if (!cseq) return dump(error_json("bad CSeq"));
  return dump(json{{"ok", true}, {"number", cseq->number}, {"method", cseq->method}});
}

// headerValues(message, name): every value of a header (comma lists split) as a JSON array.
std::string header_values(const std::string& frame, const std::string& name) {
  auto message = acw::sip::parse_message(frame);
  json out = json::array();
  if (message) {
    for (auto value : message->header_values(name)) out.push_back(std::string(value));
  }
  return dump(out);
}

std::string reason_phrase(int status) {
  return std::string(acw::sip::reason_phrase(status));
}
std::string escape_user(const std::string& raw) {
  return acw::sip::escape_user(raw);
}

// unescape(text): the %-decoded text, or null (as JSON) when an escape is bad.
std::string unescape(const std::string& text) {
  auto value = acw::sip::unescape(text);
  return value ? dump(json(*value)) : std::string("null");
}

// The core's rules, so that the cloud never keeps a copy of its own.

// sipTimers(): every RFC 3261 timer the core runs over a reliable transport, in ms.
std::string sip_timers() {
  namespace t = acw::sip::timers;
  return dump(json{{"T1", t::kT1},
                   {"T2", t::kT2},
                   {"T4", t::kT4},
                   {"B", t::kTimerB},
                   {"F", t::kTimerF},
                   {"H", t::kTimerH},
                   {"L", t::kTimerL},
                   {"M", t::kTimerM},
                   {"C", t::kTimerC},
                   {"ackWait", t::k2xxAckWait},
                   {"cancelWait", t::kCancelWait}});
}

// causeForStatus(status): the onDisconnect cause a client reports for a final status ("" for 1xx).
std::string cause_for_status(int status) {
  return std::string(acw::call::cause_for_status(status));
}

// checkClientId(text): {ok, clientId} with a leading sip:/webrtc: stripped, or {ok:false, error}.
std::string check_client_id(const std::string& text) {
  std::string normalized;
  std::string_view error = acw::call::check_client_id(text, &normalized);
  if (!error.empty()) return dump(error_json(error));
  return dump(json{{"ok", true}, {"clientId", normalized}});
}

// makeCancel(invite): the CANCEL for an INVITE the cloud sent (§9.1), "" when it cannot be parsed.
std::string make_cancel(const std::string& invite_text) {
  auto invite = acw::sip::parse_message(invite_text);
  if (!invite || !invite->is_request() || invite->method() != "INVITE") return {};
  return wire_text(acw::sip::make_cancel(*invite));
}

// The core's transaction layer (RFC 3261 §17 over a reliable transport) for one connection of the
// cloud: messages cross as text, ids and times as doubles (exact below 2^53), results as JSON.
// The cloud feeds `now` and drains takeOutbox() after every call.
class SipTransactions {
 public:
  explicit SipTransactions(int max_transactions)
      : layer_(static_cast<std::size_t>(max_transactions > 0 ? max_transactions : 1)) {}

  // A client transaction for a request the cloud built: its id, 0 when refused.
  double send_request(const std::string& text, double now) {
    auto request = acw::sip::parse_message(text);
    if (!request || !request->is_request()) return 0;
    return static_cast<double>(layer_.send_request(std::move(*request), at(now)));
  }

  // {id, method, toTu} for a response that matches a client transaction, null otherwise.
  std::string receive_response(const std::string& text, double now) {
    auto response = acw::sip::parse_message(text);
    if (!response || response->is_request()) return "null";
    auto match = layer_.receive_response(*response, at(now));
    if (!match) return "null";
    return dump(json{{"id", match->id}, {"method", match->method}, {"toTu", match->to_tu}});
  }

  // {match: new|retransmission|ackAbsorbed|ackForTu|refused, id, cancels} (§17.2.3, §9.2).
  std::string receive_request(const std::string& text, double now) {
    auto request = acw::sip::parse_message(text);
    if (!request || !request->is_request()) return "null";
    auto disposition = layer_.receive_request(*request, at(now));
    return dump(json{{"match", match_name(disposition.match)},
                     {"id", disposition.id},
                     {"cancels", disposition.cancels}});
  }

  // Sends a response within a server transaction; false when it is gone or already final.
  bool respond(double id, const std::string& text, double now) {
    auto response = acw::sip::parse_message(text);
    if (!response || response->is_request()) return false;
    return layer_.respond(static_cast<acw::sip::TransactionId>(id), std::move(*response), at(now));
  }

  // The earliest deadline, -1 when no timer runs.
  double next_deadline() const {
    const int64_t next = layer_.next_deadline();
    return next == acw::sip::kNever ? -1 : static_cast<double>(next);
  }

  // [{id, client, method}]: the transactions that failed by timeout (B, F, H).
  std::string handle_timeout(double now) {
    json out = json::array();
    for (const auto& failure : layer_.handle_timeout(at(now))) {
      out.push_back(
          json{{"id", failure.id}, {"client", failure.client}, {"method", failure.method}});
    }
    return dump(out);
  }

  // The messages to send, in order, as wire text.
  std::string take_outbox() {
    json out = json::array();
    for (const auto& message : layer_.take_outbox()) out.push_back(message.serialize());
    return dump(out);
  }

  bool exists(double id) const { return layer_.exists(static_cast<acw::sip::TransactionId>(id)); }
  double size() const { return static_cast<double>(layer_.size()); }
  void clear() { layer_.clear(); }

 private:
  static int64_t at(double now) { return static_cast<int64_t>(now); }

  static const char* match_name(acw::sip::RequestMatch match) {
    using enum acw::sip::RequestMatch;
    switch (match) {
      case kNew:
        return "new";
      case kRetransmission:
        return "retransmission";
      case kAckAbsorbed:
        return "ackAbsorbed";
      case kAckForTu:
        return "ackForTu";
      case kRefused:
        return "refused";
    }
    return "refused";
  }

  acw::sip::TransactionLayer layer_;
};

}  // namespace

#ifdef __EMSCRIPTEN__
EMSCRIPTEN_BINDINGS(acw_sip_tools) {
  emscripten::function("parseMessage", &parse_message);
  emscripten::function("buildMessage", &build_message);
  emscripten::function("makeResponse", &make_response);
  emscripten::function("parseUri", &parse_uri);
  emscripten::function("formatUri", &format_uri);
  emscripten::function("parseNameAddr", &parse_name_addr);
  emscripten::function("formatNameAddr", &format_name_addr);
  emscripten::function("parseVia", &parse_via);
  emscripten::function("formatVia", &format_via);
  emscripten::function("parseCSeq", &parse_cseq);
  emscripten::function("headerValues", &header_values);
  emscripten::function("reasonPhrase", &reason_phrase);
  emscripten::function("escapeUser", &escape_user);
  emscripten::function("unescape", &unescape);
  emscripten::function("sipTimers", &sip_timers);
  emscripten::function("causeForStatus", &cause_for_status);
  emscripten::function("checkClientId", &check_client_id);
  emscripten::function("makeCancel", &make_cancel);
  emscripten::class_<SipTransactions>("SipTransactions")
      .constructor<int>()
      .function("sendRequest", &SipTransactions::send_request)
      .function("receiveResponse", &SipTransactions::receive_response)
      .function("receiveRequest", &SipTransactions::receive_request)
      .function("respond", &SipTransactions::respond)
      .function("nextDeadline", &SipTransactions::next_deadline)
      .function("handleTimeout", &SipTransactions::handle_timeout)
      .function("takeOutbox", &SipTransactions::take_outbox)
      .function("exists", &SipTransactions::exists)
      .function("size", &SipTransactions::size)
      .function("clear", &SipTransactions::clear);
}
#endif
