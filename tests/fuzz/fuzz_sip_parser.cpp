// libFuzzer target for cpp/sip: parse a frame; what parses validates, its typed fields round-trip,
// and serialize() reparses to an equal message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/headers.hpp"
#include "sip/message.hpp"
#include "sip/parser.hpp"
#include "sip/uri.hpp"

namespace {

using namespace acw::sip;

// Each typed value that parses is written back by str() to text that parses to the same value.
void check_uri(std::string_view text) {
  const auto uri = parse_uri(text);
  if (!uri) return;
  (void)uri->param("transport");
  const auto again = parse_uri(uri->str());
  if (!again || !(*again == *uri)) std::abort();
}

void check_name_addr(std::string_view text) {
  const auto address = parse_name_addr(text);
  if (!address) return;
  (void)address->tag();
  const auto again = parse_name_addr(address->str());
  if (!again || !(*again == *address)) std::abort();
}

void check_via(std::string_view text) {
  const auto via = parse_via(text);
  if (!via) return;
  (void)via->branch();
  const auto again = parse_via(via->str());
  if (!again || !(*again == *via)) std::abort();
}

void check_cseq(std::string_view text) {
  const auto cseq = parse_cseq(text);
  if (!cseq) return;
  const auto again = parse_cseq(cseq->str());
  if (!again || !(*again == *cseq)) std::abort();
}

void check_typed_fields(const Message& message) {
  if (message.is_request()) check_uri(message.request_uri());
  for (std::string_view name : {"To", "From"}) {
    if (const auto value = message.header(name)) check_name_addr(*value);
  }
  for (std::string_view name : {"Contact", "Route", "Record-Route"}) {
    for (std::string_view value : message.header_values(name)) check_name_addr(value);
  }
  for (std::string_view value : message.header_values("Via")) check_via(value);
  if (const auto value = message.header("CSeq")) check_cseq(*value);
  for (std::string_view name : {"Max-Forwards", "Expires", "Content-Length"}) {
    if (const auto value = message.header(name)) (void)parse_uint(*value);
  }
  if (const auto value = message.header("Authorization")) (void)parse_bearer(*value);
  if (const auto value = message.header("Date")) (void)parse_date(*value);
  (void)message.header_values("Allow");
  (void)message.header_values("X-Unknown");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  ParseError error;
  const auto message = parse_message(frame, &error);
  if (!message) return 0;

  if (message->is_request()) {
    (void)validate_request(*message);
  } else {
    (void)validate_response(*message);
  }
  check_typed_fields(*message);

  // The wire form parses back to the same message, with Content-Length added when it was
  // missing, and is a fixed point. (Unless it outgrew the frame limit: LF became CRLF.)
  const std::string wire = message->serialize();
  if (wire.size() > kMaxFrameSize) return 0;
  const auto again = parse_message(wire);
  if (!again) std::abort();
  Message expected = *message;
  if (!expected.has_header("Content-Length")) {
    expected.add_header("Content-Length", std::to_string(expected.body().size()));
  }
  if (!(*again == expected)) std::abort();
  if (again->serialize() != wire) std::abort();
  return 0;
}
