// libFuzzer target: the engine placing calls with fuzzed call options (the page's JSON) and
// fuzzed SDP on both sides: the browser's offer, and the answer the cloud sends back in a 200.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "call/call_options.hpp"
#include "call/engine.hpp"
#include "sip/headers.hpp"
#include "sip/message.hpp"
#include "sip/parser.hpp"

using namespace acw::call;

namespace {

std::string_view next_chunk(std::string_view& in) {
  const size_t end = in.find("\n===\n");
  std::string_view chunk = in.substr(0, end);
  in = end == std::string_view::npos ? std::string_view{} : in.substr(end + 5);
  return chunk;
}

// The cloud's answer to an INVITE the engine sent: 180 or 200 with the fuzzed SDP, as the cloud
// builds them (RFC 3261 §8.2.6.2).
std::string answer_to(std::string_view frame, int status, std::string_view sdp) {
  auto invite = acw::sip::parse_message(frame);
  if (!invite || !invite->is_request() || invite->method() != "INVITE") return {};
  auto response = acw::sip::Message::response(status, status == 200 ? "OK" : "Ringing");
  for (auto via : invite->header_values("Via")) response.add_header("Via", via);
  if (auto from = invite->header("From")) response.add_header("From", *from);
  if (auto to = invite->header("To")) {
    auto parsed = acw::sip::parse_name_addr(*to);
    if (!parsed) return {};
    parsed->set_param("tag", "cloud1", true);
    response.add_header("To", parsed->str());
  }
  if (auto call_id = invite->header("Call-ID")) response.add_header("Call-ID", *call_id);
  if (auto cseq = invite->header("CSeq")) response.add_header("CSeq", *cseq);
  response.add_header("Contact", "<sip:svc@127.0.0.1;transport=ws>");
  if (!sdp.empty()) response.set_body(std::string(sdp), "application/sdp");
  return response.serialize();
}

}  // namespace

// Input: call options (JSON) "\n===\n" the browser's SDP "\n===\n" the cloud's SDP, then one
// byte per step: which call command to try next.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string_view options_text = next_chunk(in);
  const std::string_view local_sdp = next_chunk(in);
  const std::string_view remote_sdp = next_chunk(in);
  const std::string_view steps = in;

  CallOptions options;
  const std::string error = read_call_options(options_text, &options);
  if (!error.empty() && error.rfind("Invalid call options: ", 0) != 0) __builtin_trap();

  Config config;
  config.cloud_id = "1-2-0";
  config.web_rtc_access_key = "abc123";
  config.client_id = "alice";
  config.seed = 1;
  config.log_level = 6;
  Engine e(config);
  int64_t now = 0;
  std::string invite;
  auto drain = [&] {
    while (auto o = e.poll()) {
      switch (o->kind) {
        case OutputKind::kCreateOffer:
        case OutputKind::kCreateAnswer:
          e.sdp_created(now, o->call, local_sdp);
          break;
        case OutputKind::kSetLocalDescription:
          e.local_description_ready(now, o->call, o->text);
          break;
        case OutputKind::kSendFrame:
          if (o->text.rfind("INVITE ", 0) == 0) invite = o->text;
          break;
        default:
          break;
      }
    }
  };
  e.socket_opened(now);
  drain();
  (void)e.call_service(now, "svc", options);
  drain();
  for (size_t i = 0; i <= steps.size(); ++i) {
    const uint8_t step = i < steps.size() ? static_cast<uint8_t>(steps[i]) : 0;
    now += 10;
    switch (step % 6) {
      case 0:
        if (!invite.empty()) e.frame_received(now, answer_to(invite, 200, remote_sdp));
        break;
      case 1:
        if (!invite.empty()) e.frame_received(now, answer_to(invite, 180, remote_sdp));
        break;
      case 2:
        (void)e.call_client(now, "bob", "a.b.c", options);
        break;
      case 3:
        (void)e.send_dtmf(now, static_cast<CallHandle>(1 + step / 64), "1#");
        break;
      case 4:
        (void)e.disconnect(now, static_cast<CallHandle>(1 + step / 64));
        break;
      case 5: {
        const int64_t deadline = e.next_deadline();
        if (deadline >= 0) now = std::max(now, deadline);
        e.timeout(now);
        break;
      }
      default:
        break;
    }
    drain();
    if (e.forbidden_transitions() != 0) __builtin_trap();
  }
  return 0;
}
