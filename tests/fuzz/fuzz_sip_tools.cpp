// libFuzzer target: every entry point the local cloud calls in bindings/sip_tools.cpp (compiled
// natively here, without its Emscripten registration), including one SipTransactions layer that
// lives for the whole input, as a connection's does in the cloud.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "../../bindings/sip_tools.cpp"

namespace {

// Every JSON the cloud receives must parse (it calls JSON.parse on it without a guard).
void check_json(const std::string& text) {
  if (json::parse(text, nullptr, false).is_discarded()) std::abort();
}

// Wire text the cloud sends to a client must be a message its own parser takes back.
void check_wire(const std::string& text) {
  if (text.empty() || text.size() > acw::sip::kMaxFrameSize) return;
  if (!acw::sip::parse_message(text)) std::abort();
}

// What reaches these functions came through embind from a JavaScript string: UTF-8, invalid
// bytes already replaced (the cloud decodes binary frames the same way). Raw bytes would be a
// fault of this target, not of the tools (take_outbox's JSON would replace them and change the
// length under Content-Length).
std::string from_js(std::string_view bytes) {
  return json::parse(dump(json(std::string(bytes)))).get<std::string>();
}

int small_int(std::string_view text) {
  int value = 0;
  for (char c : text.substr(0, 4)) value = value * 31 + static_cast<unsigned char>(c);
  return value % 800;
}

}  // namespace

// Input: operations separated by "\n===\n"; each is one selector byte then its arguments, which
// are separated by '\x01' when the function takes more than one.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  SipTransactions layer(8);
  double now = 0;
  while (!in.empty()) {
    const size_t end = in.find("\n===\n");
    std::string_view chunk = in.substr(0, end);
    in = end == std::string_view::npos ? std::string_view{} : in.substr(end + 5);
    if (chunk.empty()) continue;
    const char op = chunk[0];
    const std::string arg = from_js(chunk.substr(1));
    std::vector<std::string> args;
    for (size_t start = 0;;) {
      const size_t cut = arg.find('\x01', start);
      args.emplace_back(arg.substr(start, cut == std::string::npos ? cut : cut - start));
      if (cut == std::string::npos) break;
      start = cut + 1;
    }
    args.resize(std::max<size_t>(args.size(), 5));
    switch (op % 24) {
      case 0:
        check_json(parse_message(arg));
        break;
      case 1:
        check_wire(build_message(arg));
        break;
      case 2:
        check_wire(make_response(args[0], small_int(args[1]), args[2], args[3], args[4]));
        break;
      case 3:
        check_json(parse_uri(arg));
        break;
      case 4:
        (void)format_uri(arg);
        break;
      case 5:
        check_json(parse_name_addr(arg));
        break;
      case 6:
        (void)format_name_addr(arg);
        break;
      case 7:
        check_json(parse_via(arg));
        break;
      case 8:
        (void)format_via(arg);
        break;
      case 9:
        check_json(parse_cseq(arg));
        break;
      case 10:
        check_json(header_values(args[0], args[1]));
        break;
      case 11:
        (void)reason_phrase(small_int(arg));
        (void)cause_for_status(small_int(arg));
        check_json(sip_timers());
        break;
      case 12:
        (void)escape_user(arg);
        check_json(unescape(arg));
        break;
      case 13:
        check_json(check_client_id(arg));
        break;
      case 14:
        check_wire(make_cancel(arg));
        break;
      case 15:
        (void)layer.send_request(arg, now);
        break;
      case 16:
        check_json(layer.receive_response(arg, now));
        break;
      case 17:
        check_json(layer.receive_request(arg, now));
        break;
      case 18:
        (void)layer.respond(static_cast<double>(small_int(args[0]) % 16), args[1], now);
        break;
      case 19:
        now += 1 + small_int(arg) * 100;
        check_json(layer.handle_timeout(now));
        break;
      case 20: {
        const double next = layer.next_deadline();
        if (next >= 0) {
          now = std::max(now, next);
          check_json(layer.handle_timeout(now));
        }
        break;
      }
      case 21: {
        const std::string out = layer.take_outbox();
        check_json(out);
        for (const auto& message : json::parse(out)) check_wire(message.get<std::string>());
        break;
      }
      case 22:
        (void)layer.exists(static_cast<double>(small_int(arg) % 16));
        if (layer.size() > 8) std::abort();
        break;
      case 23:
        layer.clear();
        break;
      default:
        break;
    }
  }
  return 0;
}
