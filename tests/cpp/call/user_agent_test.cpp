// What the engine sends compared field by field with what the public client sent in the recorded
// traces: same header names in the same order, same forms.
#include "call/user_agent.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "harness.hpp"
#include "sip/headers.hpp"

namespace acw::call::test {
namespace {

// The random parts (branch, tags, Call-ID, Contact user, .invalid host) become '*'; what is left
// is the form both clients must share.
std::string form(std::string_view name, std::string value, bool any_cseq_number) {
  static const std::regex branch("z9hG4bK[0-9A-Za-z]+");
  static const std::regex tag("tag=[0-9A-Za-z]+");
  static const std::regex host("[0-9a-z]{12}\\.invalid");
  static const std::regex contact_user("sip:[0-9a-z]{8}@\\*\\.invalid");
  static const std::regex call_id("^[0-9a-z]{20}$");
  value = std::regex_replace(value, branch, "z9hG4bK*");
  value = std::regex_replace(value, tag, "tag=*");
  value = std::regex_replace(value, host, "*.invalid");
  value = std::regex_replace(value, contact_user, "sip:*@*.invalid");
  if (name == "Call-ID") value = std::regex_replace(value, call_id, "*");
  if (name == "Content-Length") value = "*";
  if (name == "CSeq" && any_cseq_number)
    value = std::regex_replace(value, std::regex("^[0-9]+"), "N");
  return value;
}

std::string start_form(const sip::Message& m) {
  if (m.is_response())
    return "SIP/2.0 " + std::to_string(m.status()) + " " + std::string(m.reason());
  return std::string(m.method()) + " " + form("", std::string(m.request_uri()), false);
}

// Same start line, same header names in the same order, same value forms.
void expect_same_form(const sip::Message& ours, const sip::Message& theirs,
                      bool any_cseq_number = false) {
  SCOPED_TRACE("ours:\n" + ours.serialize() + "\ntheirs:\n" + theirs.serialize());
  EXPECT_EQ(start_form(ours), start_form(theirs));
  ASSERT_EQ(header_names(ours), header_names(theirs));
  for (std::size_t i = 0; i < ours.fields().size(); ++i) {
    const auto& name = ours.fields()[i].name;
    EXPECT_EQ(form(name, ours.fields()[i].value, any_cseq_number),
              form(name, theirs.fields()[i].value, any_cseq_number))
        << name;
  }
}

// The "in" messages (sent by the public client) of a trace, in order.
std::vector<sip::Message> sent_by_public_client(const std::string& trace) {
  std::vector<sip::Message> out;
  for (const auto& entry : load_trace(trace)) {
    if (entry.direction != "in") continue;
    auto message = trace_message(entry);
    EXPECT_TRUE(message.has_value()) << entry.text;
    if (message) out.push_back(*message);
  }
  return out;
}

sip::Message ok_with_contact(const sip::Message& request, std::string_view tag) {
  sip::Message ok = Harness::response(request, 200, tag);
  ok.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  return ok;
}

TEST(TraceForms, OfficialClientTrace) {
  auto theirs = sent_by_public_client("official-client.txt");
  ASSERT_EQ(theirs.size(), 5u);  // REGISTER, OPTIONS, INVITE, ACK, 200 to BYE
  Harness h;
  h.engine.enable_incoming(h.now, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig");
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  ASSERT_TRUE(reg);
  expect_same_form(*reg, theirs[0], true);  // the public client's first CSeq is 2, ours 1
  EXPECT_EQ(reg->header("Authorization"), theirs[0].header("Authorization"));
  sip::Message reg_ok = Harness::response(*reg, 200, "stubtag1");
  reg_ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(reg_ok);
  auto options = h.take("OPTIONS");
  ASSERT_TRUE(options);
  expect_same_form(*options, theirs[1]);
  sip::Message options_ok = Harness::response(*options, 200, "stubtag1");
  options_ok.set_body("[]", "application/json");
  h.deliver(options_ok);

  auto call = h.engine.call_service(h.now, "echo", {});
  h.drain();
  auto invite = h.take("INVITE");
  ASSERT_TRUE(invite);
  expect_same_form(*invite, theirs[2]);
  // Same Contact user and host as the REGISTER, as in the trace.
  EXPECT_EQ(invite->header("Contact").value_or("").substr(0, 30),
            reg->header("Contact").value_or("").substr(0, 30));

  sip::Message trying = Harness::response(*invite, 100, "");
  h.deliver(trying);
  sip::Message ringing = Harness::response(*invite, 180, "stubtag1");
  ringing.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  h.deliver(ringing);
  sip::Message ok = ok_with_contact(*invite, "stubtag1");
  std::optional<sip::Message> trace_answer;  // the stub's 200 with SDP
  for (const auto& entry : load_trace("official-client.txt")) {
    if (entry.direction == "out" && entry.text.find("application/sdp") != std::string::npos) {
      trace_answer = trace_message(entry);
    }
  }
  ASSERT_TRUE(trace_answer);
  ASSERT_EQ(trace_answer->status(), 200);
  ok.set_body(std::string(trace_answer->body()), "application/sdp");
  h.deliver(ok);
  auto ack = h.take("ACK");
  ASSERT_TRUE(ack);
  expect_same_form(*ack, theirs[3]);
  auto ringing_cb = h.callback("onRinging");
  ASSERT_TRUE(ringing_cb);
  EXPECT_EQ(ringing_cb->call, call.call);
  EXPECT_TRUE(h.callback("onConnected"));

  sip::Message bye = Harness::in_dialog("BYE", *ack, 1, "z9hG4bKstubbye1", true);
  h.deliver(bye);
  auto bye_ok = h.take_response(200);
  ASSERT_TRUE(bye_ok);
  expect_same_form(*bye_ok, theirs[4]);
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");
}

TEST(TraceForms, IncomingCancelUnregisterTrace) {
  auto theirs = sent_by_public_client("official-client-incoming-cancel-unregister.txt");
  // REGISTER, OPTIONS, 100, 180, 180, 200, 200 BYE, INVITE, CANCEL, ACK, REGISTER expires=0
  ASSERT_EQ(theirs.size(), 11u);
  auto entries = load_trace("official-client-incoming-cancel-unregister.txt");
  Harness h;
  h.engine.set_has_incoming_handler(h.now, true);
  h.engine.enable_incoming(h.now, kToken);
  h.drain();
  h.open();
  auto reg = h.take("REGISTER");
  ASSERT_TRUE(reg);
  expect_same_form(*reg, theirs[0], true);
  sip::Message reg_ok = Harness::response(*reg, 200, "stubtag2");
  reg_ok.add_header("Contact", std::string(reg->header("Contact").value_or("")));
  h.deliver(reg_ok);
  auto options = h.take("OPTIONS");
  expect_same_form(*options, theirs[1]);
  sip::Message options_ok = Harness::response(*options, 200, "stubtag2");
  options_ok.set_body("[]", "application/json");
  h.deliver(options_ok);

  // The stub's INVITE, sent to our Contact.
  std::optional<sip::Message> stub_invite;
  for (const auto& entry : entries) {
    if (entry.direction == "out" && entry.text.rfind("INVITE ", 0) == 0)
      stub_invite = trace_message(entry);
  }
  ASSERT_TRUE(stub_invite);
  h.deliver(*stub_invite);
  auto trying = h.take_response(100);
  ASSERT_TRUE(trying);
  expect_same_form(*trying, theirs[2]);
  auto incoming = h.callback("onIncoming");
  ASSERT_TRUE(incoming);
  // The trace's event, plus the Call-ID this engine adds.
  EXPECT_EQ(
      incoming->json,
      R"({"callId":"stub-incoming-1","canReceiveAudio":true,"canReceiveVideo":false,"from":"441234567890",)"
      R"("offeringAudio":true,"offeringVideo":false,"type":"service"})");
  h.engine.ringing(h.now, incoming->call);
  h.drain();
  auto ringing = h.take_response(180);
  ASSERT_TRUE(ringing);
  expect_same_form(*ringing, theirs[3]);
  h.engine.answer(h.now, incoming->call, {});
  h.drain();
  auto ok = h.take_response(200);
  ASSERT_TRUE(ok);
  expect_same_form(*ok, theirs[5]);
  sip::Message ack = Harness::in_dialog("ACK", *ok, 1, "z9hG4bKstubACK1", false);
  h.deliver(ack);
  EXPECT_TRUE(h.callback("onConnected"));
  sip::Message bye = Harness::in_dialog("BYE", *ok, 2, "z9hG4bKstubBYE2", false);
  h.deliver(bye);
  auto bye_ok = h.take_response(200);
  ASSERT_TRUE(bye_ok);
  expect_same_form(*bye_ok, theirs[6]);
  auto disconnected = h.callback("onDisconnect");
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->json, R"({"cause":"NORMAL"})");

  CallOptions options_x;
  options_x.extra_sip_headers = {"X-Account: 42"};
  auto call = h.engine.call_client(h.now, "bob", kToken, options_x);
  ASSERT_EQ(call.error, "");
  h.drain();
  auto invite = h.take("INVITE");
  ASSERT_TRUE(invite);
  expect_same_form(*invite, theirs[7]);
  h.reply(*invite, 100, "");
  sip::Message ringing2 = Harness::response(*invite, 180, "stubtag2");
  ringing2.add_header("Contact", "<sip:stub@127.0.0.1;transport=ws>");
  h.deliver(ringing2);
  h.engine.disconnect(h.now, call.call);
  h.drain();
  auto cancel = h.take("CANCEL");
  ASSERT_TRUE(cancel);
  expect_same_form(*cancel, theirs[8]);
  h.reply(*cancel, 200, "stubtag2");
  h.reply(*invite, 487, "stubtag2");
  auto ack487 = h.take("ACK");
  ASSERT_TRUE(ack487);
  expect_same_form(*ack487, theirs[9]);
  auto noanswer = h.callback("onDisconnect");
  ASSERT_TRUE(noanswer);
  EXPECT_EQ(noanswer->json, R"({"cause":"NOANSWER"})");

  h.engine.disable_incoming(h.now);
  h.drain();
  auto unreg = h.take("REGISTER");
  ASSERT_TRUE(unreg);
  expect_same_form(*unreg, theirs[10], true);
  EXPECT_EQ(unreg->call_id(), reg->call_id());
  h.reply(*unreg, 200, "stubtag2");
  auto state = h.callback("onIncomingState");  // the earlier "ready" one was passed over above
  ASSERT_TRUE(state);
  // The documented cause, not the public client's DISCONNECTED with retry "".
  EXPECT_EQ(state->json, R"({"cause":"NORMAL","ready":false,"retry":false})");
}

TEST(UserAgent, ContactAndVia) {
  UserAgent ua(CloudAddresses{"1-2-0", "abc123", "alice"}, "bclp4nsl", "iitrgatmgah1.invalid");
  EXPECT_EQ(ua.contact(false), "<sip:bclp4nsl@iitrgatmgah1.invalid;transport=ws>");
  EXPECT_EQ(ua.contact(true), "<sip:bclp4nsl@iitrgatmgah1.invalid;transport=ws;ob>");
  EXPECT_EQ(ua.via("z9hG4bK6131161"), "SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK6131161");
  // The trace's REGISTER, rebuilt from its own random values, is the same message.
  sip::Message reg = ua.register_request("amcinlpt3k29i02nbd26", "eerl9h0rmf", 2, "z9hG4bK6131161",
                                         "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig", 600);
  auto theirs = sent_by_public_client("official-client.txt");
  EXPECT_EQ(reg.serialize(), theirs[0].serialize());
  sip::Message options =
      ua.ice_server_request("amcin8eheksrakrhun1t", "b2cui5kvvq", "z9hG4bK2367353");
  EXPECT_EQ(options.serialize(), theirs[1].serialize());
}

TEST(CloudAddresses, Names) {
  CloudAddresses a{"1-2-0", "abc123", "alice"};
  EXPECT_EQ(a.aor(), "sip:alice@abc123.webrtc-1-2-0.aculabcloud.net");
  EXPECT_EQ(a.registrar(), "sip:abc123.webrtc-1-2-0.aculabcloud.net");
  EXPECT_EQ(a.ice_server_uri(), "sip:webrtc-1-2-0.aculabcloud.net");
  EXPECT_EQ(a.service_uri("echo"), "sip:echo@sip-1-2-0.aculab.com;transport=tcp");
  EXPECT_EQ(a.client_uri("bob"), "sip:bob@abc123.webrtc-1-2-0.aculabcloud.net;transport=tcp");
  EXPECT_EQ(a.default_url(), "wss://webrtc-1-2-0.aculabcloud.net/sipproxy");
  EXPECT_EQ(a.caller_type("sip-1-2-0.aculab.com"), "service");
  EXPECT_EQ(a.caller_type("abc123.webrtc-1-2-0.aculabcloud.net"), "client");
  EXPECT_EQ(a.caller_type("xyz.webrtc-1-2-0.aculabcloud.net"), "other");
  EXPECT_EQ(a.caller_type("sip-1-2-1.aculab.com"), "other");
}

}  // namespace
}  // namespace acw::call::test
