// Test helper: an Engine joined to a scripted cloud and a fake browser under a virtual clock (like
// quinn-proto's Pair, h11's ConnectionPair).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "call/engine.hpp"
#include "sip/message.hpp"
#include "sip/parser.hpp"
#include "sip/transaction.hpp"

namespace acw::call::test {

inline std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// What a browser's createOffer/createAnswer might give (Chrome's shape, trimmed).
inline std::string offer_sdp() {
  return crlf(
      "v=0\n"
      "o=- 3346181849427622974 2 IN IP4 127.0.0.1\n"
      "s=-\n"
      "t=0 0\n"
      "a=group:BUNDLE 0\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126\n"
      "c=IN IP4 0.0.0.0\n"
      "a=mid:0\n"
      "a=sendrecv\n"
      "a=rtpmap:111 opus/48000/2\n"
      "a=fmtp:111 minptime=10;useinbandfec=1\n"
      "a=rtpmap:0 PCMU/8000\n"
      "a=rtpmap:8 PCMA/8000\n"
      "a=rtpmap:126 telephone-event/8000\n");
}

inline std::string answer_sdp(std::string_view direction = "sendrecv") {
  return crlf(
      "v=0\n"
      "o=- 1122696426412394135 2 IN IP4 127.0.0.1\n"
      "s=-\n"
      "t=0 0\n"
      "a=group:BUNDLE 0\n"
      "m=audio 38072 UDP/TLS/RTP/SAVPF 111 126\n"
      "c=IN IP4 192.0.2.2\n"
      "a=candidate:3229573512 1 udp 2122194687 192.0.2.2 38072 typ host generation 0\n"
      "a=mid:0\n"
      "a=" +
      std::string(direction) +
      "\n"
      "a=rtpmap:111 opus/48000/2\n"
      "a=rtpmap:126 telephone-event/8000\n");
}

// The local description after ICE gathering: the same SDP plus a candidate.
inline std::string with_candidate(const std::string& sdp) {
  std::string out = sdp;
  auto at = out.find("a=mid:0\r\n");
  if (at != std::string::npos) {
    out.insert(at, "a=candidate:1 1 udp 2122194687 192.0.2.9 40000 typ host generation 0\r\n");
  }
  return out;
}

inline Config default_config(uint64_t seed = 42) {
  Config config;
  config.cloud_id = "1-2-0";
  config.web_rtc_access_key = "abc123";
  config.client_id = "alice";
  config.seed = seed;
  config.log_level = 0;
  // Most tests advance the clock over minutes with a silent cloud: the keep-alive (on by default,
  // keep_alive_test.cpp) would end their socket, so it is off unless a test turns it on.
  config.options = R"({"keepAlive":{"interval":0}})";
  return config;
}

// default_config() with the constructor's options as JSON text ("" = the defaults).
inline Config config_with_options(std::string options, uint64_t seed = 42) {
  Config config = default_config(seed);
  config.options = std::move(options);
  return config;
}

inline constexpr std::string_view kToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig";

struct Frame {
  sip::Message message;
  std::string text;
  bool taken = false;
};

// Drives an Engine; every output is kept in `history` and sorted: frames (parsed), callbacks and
// media requests. The fake browser answers media requests at once unless `auto_media` is off.
class Harness {
 public:
  explicit Harness(Config config = default_config(), bool record = false)
      : engine(std::move(config)) {
    if (record) engine.start_recording(/*keep_secrets=*/true);
  }
  // After every test: the engine never tried a call state change that the table forbids.
  ~Harness() {
    EXPECT_EQ(engine.forbidden_transitions(), 0u)
        << "a call state change that kCallTransitions forbids (logged at level 1)";
  }
  Harness(Harness&&) = default;

  Engine engine;
  int64_t now = 1000;
  bool auto_media = true;
  std::vector<Output> history;
  std::vector<Frame> frames;
  std::vector<Output> callbacks;
  std::vector<Output> media;  // CreatePeer, Create*, Set*Description, ClosePeer, SendDtmf
  std::size_t callbacks_taken = 0;
  int opens = 0;
  int closes = 0;

  // Drains the engine, feeding the fake browser's results back until nothing more happens.
  void drain() {
    for (int guard = 0; guard < 1000; ++guard) {
      std::vector<Output> batch;
      while (auto out = engine.poll()) batch.push_back(std::move(*out));
      if (batch.empty()) return;
      std::vector<std::pair<InputKind, Output>> follow;
      for (auto& out : batch) {
        history.push_back(out);
        switch (out.kind) {
          case OutputKind::kSendFrame: {
            sip::ParseError error;
            auto parsed = sip::parse_message(out.text, &error);
            EXPECT_TRUE(parsed.has_value())
                << "engine sent unparsable SIP: " << error.reason << "\n"
                << out.text;
            frames.push_back({parsed.value_or(sip::Message{}), out.text, false});
            break;
          }
          case OutputKind::kCallback:
            callbacks.push_back(out);
            break;
          case OutputKind::kOpenSocket:
            ++opens;
            break;
          case OutputKind::kCloseSocket:
            ++closes;
            break;
          case OutputKind::kLog:
            break;
          default:
            media.push_back(out);
            if (auto_media) {
              if (out.kind == OutputKind::kCreateOffer)
                follow.push_back({InputKind::kSdpCreated, out});
              if (out.kind == OutputKind::kCreateAnswer)
                follow.push_back({InputKind::kSdpCreated, out});
              if (out.kind == OutputKind::kSetLocalDescription) {
                follow.push_back({InputKind::kLocalDescriptionReady, out});
              }
            }
            break;
        }
      }
      for (auto& [kind, out] : follow) {
        if (kind == InputKind::kSdpCreated) {
          bool offer = out.kind == OutputKind::kCreateOffer;
          engine.sdp_created(now, out.call, offer ? offer_sdp() : answer_sdp());
        } else {
          engine.local_description_ready(now, out.call, with_candidate(out.text));
        }
      }
    }
    ADD_FAILURE() << "engine never went quiet";
  }

  // Virtual time: fires every deadline up to now + ms, in order.
  void advance(int64_t ms) {
    const int64_t target = now + ms;
    for (int guard = 0; guard < 100000; ++guard) {
      int64_t deadline = engine.next_deadline();
      if (deadline < 0 || deadline > target) break;
      now = std::max(now, deadline);
      engine.timeout(now);
      drain();
    }
    now = target;
  }

  void open() {
    engine.socket_opened(now);
    drain();
  }
  void close_socket() {
    engine.socket_closed(now);
    drain();
  }
  void deliver(const std::string& text) {
    engine.frame_received(now, text);
    drain();
  }
  void deliver(const sip::Message& message) { deliver(message.serialize()); }

  // The next SIP message the engine sent that nobody looked at yet (optionally of one method,
  // or a response when method is "" and response is true).
  std::optional<sip::Message> take(std::string_view method) {
    for (auto& frame : frames) {
      if (!frame.taken && frame.message.is_request() && frame.message.method() == method) {
        frame.taken = true;
        return frame.message;
      }
    }
    return std::nullopt;
  }
  std::optional<sip::Message> take_response(int status = 0) {
    for (auto& frame : frames) {
      if (!frame.taken && frame.message.is_response() &&
          (status == 0 || frame.message.status() == status)) {
        frame.taken = true;
        return frame.message;
      }
    }
    return std::nullopt;
  }
  std::size_t untaken_frames() const {
    std::size_t n = 0;
    for (const auto& frame : frames) n += frame.taken ? 0 : 1;
    return n;
  }
  std::string untaken_summary() const {
    std::string out;
    for (const auto& frame : frames) {
      if (frame.taken) continue;
      out += frame.message.is_request() ? std::string(frame.message.method())
                                        : std::to_string(frame.message.status());
      out += "; ";
    }
    return out;
  }

  // The next callback not looked at yet; name "" for any.
  std::optional<Output> callback(std::string_view name = {}) {
    while (callbacks_taken < callbacks.size()) {
      const Output& out = callbacks[callbacks_taken++];
      if (name.empty() || out.name == name) return out;
    }
    return std::nullopt;
  }
  std::size_t untaken_callbacks() const { return callbacks.size() - callbacks_taken; }

  std::vector<Output> media_of(OutputKind kind) const {
    std::vector<Output> out;
    for (const auto& m : media) {
      if (m.kind == kind) out.push_back(m);
    }
    return out;
  }

  // The cloud's response to one of our requests.
  static sip::Message response(const sip::Message& request, int status,
                               std::string_view to_tag = "cloudtag1") {
    return sip::make_response(request, status, to_tag);
  }
  void reply(const sip::Message& request, int status, std::string_view to_tag = "cloudtag1") {
    deliver(response(request, status, to_tag));
  }
  void reply_with_contact(const sip::Message& request, int status, std::string body = {},
                          std::string_view to_tag = "cloudtag1") {
    sip::Message r = response(request, status, to_tag);
    r.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
    if (!body.empty()) r.set_body(std::move(body), "application/sdp");
    deliver(r);
  }

  // enableIncoming -> OpenSocket -> REGISTER 200 -> OPTIONS 200 []: ready.
  void register_ok(std::string_view token = kToken) {
    EXPECT_EQ(engine.enable_incoming(now, token), "");
    drain();
    if (opens > 0 && !socket_up) {
      open();
      socket_up = true;
    }
    auto reg = take("REGISTER");
    ASSERT_TRUE(reg.has_value());
    sip::Message ok = response(*reg, 200);
    ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
    deliver(ok);
    answer_ice_servers();
  }
  void answer_ice_servers(std::string body = "[]") {
    if (auto options = take("OPTIONS")) {
      sip::Message ok = response(*options, 200);
      ok.set_body(std::move(body), "application/json");
      deliver(ok);
    }
  }
  // Opens the socket if the engine asked for it, and answers the ICE-server OPTIONS.
  void connect() {
    if (opens > 0 && !socket_up) {
      open();
      socket_up = true;
    }
    answer_ice_servers();
  }
  bool socket_up = false;

  // callService -> socket -> OPTIONS -> offer -> INVITE; returns the INVITE.
  std::optional<sip::Message> start_call(CallHandle* handle, std::string_view service = "echo",
                                         const CallOptions& options = {}) {
    CallResult result = engine.call_service(now, service, options);
    EXPECT_EQ(result.error, "");
    *handle = result.call;
    drain();
    connect();
    return take("INVITE");
  }

  // An INVITE from the cloud to this client, like trace 2.
  sip::Message incoming_invite(
      std::string_view call_id = "stub-incoming-1",
      std::string_view from = "<sip:441234567890@sip-1-2-0.aculab.com>;tag=svc1",
      std::string body = offer_sdp(), std::string_view branch = "z9hG4bKstubinv1") {
    sip::Message invite = sip::Message::request("INVITE", "sip:contact@host.invalid;transport=ws");
    invite.add_header("Via", "SIP/2.0/WSS 127.0.0.1;branch=" + std::string(branch));
    invite.add_header("Max-Forwards", "70");
    invite.add_header("From", std::string(from));
    invite.add_header("To", "<sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>");
    invite.add_header("Call-ID", std::string(call_id));
    invite.add_header("CSeq", "1 INVITE");
    invite.add_header("Contact", "<sip:svc@127.0.0.1;transport=ws>");
    if (!body.empty()) invite.set_body(std::move(body), "application/sdp");
    return invite;
  }

  // A request from the cloud inside the dialog of a call (From = the cloud's side).
  static sip::Message in_dialog(std::string_view method, const sip::Message& reference_from_us,
                                uint32_t cseq, std::string_view branch, bool we_are_uac) {
    // reference_from_us: a request we sent in the dialog (ACK/INVITE) when we are the UAC, or
    // our 2xx/180 when we are the UAS.
    std::string ours = std::string(we_are_uac ? reference_from_us.header("From").value_or("")
                                              : reference_from_us.header("To").value_or(""));
    std::string theirs = std::string(we_are_uac ? reference_from_us.header("To").value_or("")
                                                : reference_from_us.header("From").value_or(""));
    sip::Message m =
        sip::Message::request(std::string(method), "sip:contact@host.invalid;transport=ws;ob");
    m.add_header("Via", "SIP/2.0/WSS 127.0.0.1;branch=" + std::string(branch));
    m.add_header("Max-Forwards", "70");
    m.add_header("From", theirs);
    m.add_header("To", ours);
    m.add_header("Call-ID", std::string(reference_from_us.call_id()));
    m.add_header("CSeq", std::to_string(cseq) + " " + std::string(method));
    return m;
  }
};

inline std::vector<std::string> header_names(const sip::Message& m) {
  std::vector<std::string> names;
  for (const auto& field : m.fields()) names.push_back(field.name);
  return names;
}

// Loads a recorded trace (LF lines in the file, CRLF on the wire) as its "=== in"/"=== out" blocks.
struct TraceEntry {
  std::string direction;  // "in" (sent by the public client), "out", "event"
  std::string text;
};
inline std::vector<TraceEntry> load_trace(const std::string& name) {
  std::ifstream file(std::string(ACW_SHARED_DIR) + "/traces/" + name);
  std::stringstream buffer;
  buffer << file.rdbuf();
  std::string all = buffer.str();
  std::vector<TraceEntry> entries;
  std::size_t pos = 0;
  while ((pos = all.find("=== ", pos)) != std::string::npos) {
    std::size_t eol = all.find('\n', pos);
    std::string direction = all.substr(pos + 4, eol - pos - 4);
    std::size_t next = all.find("\n=== ", eol);
    std::string body =
        all.substr(eol + 1, next == std::string::npos ? std::string::npos : next + 1 - eol - 1);
    entries.push_back({direction, body});
    pos = next == std::string::npos ? all.size() : next + 1;
  }
  return entries;
}

// The SIP message of a trace block: LF -> CRLF; the body is cut to its Content-Length.
inline std::optional<sip::Message> trace_message(const TraceEntry& entry) {
  std::string text = crlf(entry.text);
  auto head_end = text.find("\r\n\r\n");
  if (head_end == std::string::npos) return std::nullopt;
  std::string head = text.substr(0, head_end + 4);
  std::size_t length = 0;
  auto cl = head.find("Content-Length: ");
  if (cl != std::string::npos) length = std::stoul(head.substr(cl + 16));
  std::string body = text.substr(head_end + 4, length);
  return sip::parse_message(head + body);
}

// A call up, for what happens in it later (ICE restarts, hold): its handle, INVITE and ACK.
struct Up {
  CallHandle call = 0;
  sip::Message invite;
  sip::Message ack;
};

inline void ice(Harness& h, const Up& up, std::string_view state) {
  h.engine.ice_state(h.now, up.call, state);
  h.drain();
}

// An outgoing call to a service, answered and ACKed, its ICE connected.
inline Up confirmed_call(Harness& h) {
  Up up;
  auto invite = h.start_call(&up.call);
  EXPECT_TRUE(invite.has_value());
  if (!invite) return up;
  up.invite = *invite;
  h.reply_with_contact(*invite, 200, answer_sdp());
  auto ack = h.take("ACK");
  EXPECT_TRUE(ack.has_value());
  if (ack) up.ack = *ack;
  EXPECT_TRUE(h.callback("onConnected").has_value());
  ice(h, up, "checking");
  ice(h, up, "connected");
  return up;
}

inline std::size_t count_callbacks(const Harness& h, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(h.callbacks.begin(), h.callbacks.end(),
                                                [&](const Output& o) { return o.name == name; }));
}

}  // namespace acw::call::test
