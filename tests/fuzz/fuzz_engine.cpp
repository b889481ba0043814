// libFuzzer target: drives a whole client engine (registration, calls) with fuzzed frames from the
// cloud.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "call/engine.hpp"

using namespace acw::call;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Config config;
  config.cloud_id = "1-2-0";
  config.web_rtc_access_key = "abc123";
  config.client_id = "alice";
  config.seed = 1;
  config.log_level = 6;
  Engine e(config);
  int64_t now = 0;
  auto drain = [&] {
    while (auto o = e.poll()) {
      if (o->kind == OutputKind::kCreateOffer || o->kind == OutputKind::kCreateAnswer) {
        e.sdp_created(now, o->call,
                      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP "
                      "0\r\na=rtpmap:0 PCMU/8000\r\n");
      } else if (o->kind == OutputKind::kSetLocalDescription) {
        e.local_description_ready(now, o->call, o->text);
      }
    }
  };
  e.set_has_incoming_handler(now, true);
  e.enable_incoming(now, "a.b.c");
  drain();
  e.socket_opened(now);
  drain();
  while (!in.empty()) {
    size_t end = in.find("\n===\n");
    std::string_view chunk = in.substr(0, end);
    in = end == std::string_view::npos ? std::string_view{} : in.substr(end + 5);
    if (chunk.empty()) continue;
    char op = chunk[0];
    std::string_view arg = chunk.substr(1);
    uint32_t call = arg.empty() ? 1 : static_cast<uint8_t>(arg[0]) % 4;
    switch (op) {
      case 'F':
        e.frame_received(now, arg);
        break;
      case 'T':
        now += 1 + (arg.empty() ? 1000 : static_cast<uint8_t>(arg[0]) * 500);
        e.timeout(now);
        break;
      case 'D': {
        int64_t d = e.next_deadline();
        if (d >= 0) {
          now = std::max(now, d);
          e.timeout(now);
        }
        break;
      }
      case 'S':
        e.call_service(now, std::string(arg.substr(arg.empty() ? 0 : 1)), {});
        break;
      case 'C':
        e.call_client(now, "bob", "a.b.c", {});
        break;
      case 'A':
        e.answer(now, call, {});
        break;
      case 'R':
        e.ringing(now, call);
        break;
      case 'J':
        e.reject(now, call, arg.size() > 1 ? static_cast<uint8_t>(arg[1]) * 3 : 0);
        break;
      case 'X':
        e.disconnect(now, call);
        break;
      case 'M':
        e.send_dtmf(now, call, arg);
        break;
      case 'E':
        e.enable_incoming(now, "x.y.z");
        break;
      case 'U':
        e.disable_incoming(now);
        break;
      case 'O':
        e.socket_opened(now);
        break;
      case 'K':
        e.socket_closed(now);
        break;
      case 'Q':
        e.media_failed(now, call, "ERROR", "x");
        break;
      case 'P':
        e.sdp_created(now, call, arg);
        break;
      case 'L':
        e.local_description_ready(now, call, arg);
        break;
      case 'Z':
        e.close(now);
        break;
      case 'N':
        e.handle(make_input(InputKind::kNetwork, now, 0, {}, {}, arg.empty() ? 1 : arg[0] % 3));
        break;
      case 'I': {
        static constexpr const char* kStates[] = {
            "new", "checking", "connected", "completed", "disconnected", "failed", "closed"};
        e.ice_state(now, call, arg.empty() ? "failed" : kStates[static_cast<uint8_t>(arg[0]) % 7]);
        break;
      }
      case 'H':
        e.hold(now, call, arg.empty() || arg[0] % 2 == 0);
        break;
      case 'V':
        e.reinvite(now, call, arg.empty() || arg[0] % 2 == 0);
        break;
      case 'W':
        e.media_heard(now, call, !arg.empty() && arg[0] % 2 == 0);
        break;
      default:
        break;
    }
    drain();
    // A call state change that the table forbids is a bug even when nothing crashed.
    if (e.forbidden_transitions() != 0) __builtin_trap();
  }
  return 0;
}
