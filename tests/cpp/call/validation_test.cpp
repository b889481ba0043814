// The argument checks and their exact strings.
#include "call/validation.hpp"

#include <gtest/gtest.h>

namespace acw::call {
namespace {

TEST(Validation, CloudId) {
  EXPECT_EQ(check_cloud_id("1-2-0"), "");
  EXPECT_EQ(check_cloud_id("123-45-6789"), "");
  for (auto bad :
       {"", "1", "1-2", "1-2-", "-1-2", "1--2", "1-2-3-4", "a-b-c", "1-2-0 ", " 1-2-0"}) {
    EXPECT_EQ(check_cloud_id(bad), "Invalid cloudId") << bad;
  }
}

TEST(Validation, AccessKey) {
  EXPECT_EQ(check_access_key("abc123"), "");
  for (auto bad : {"", "ABC", "abc-1", "abc 1", "é"})
    EXPECT_EQ(check_access_key(bad), "Invalid webRtcAccessKey");
}

TEST(Validation, ClientIdStripsPrefixes) {
  std::string id;
  EXPECT_EQ(check_client_id("sip:alice", &id), "");
  EXPECT_EQ(id, "alice");
  EXPECT_EQ(check_client_id("webrtc%3Abob", &id), "");
  EXPECT_EQ(id, "bob");
  EXPECT_EQ(check_client_id("sip:webrtc:carol", &id), "");
  EXPECT_EQ(id, "carol");
  EXPECT_EQ(check_client_id("sipalice", &id), "");
  EXPECT_EQ(id, "sipalice");
  EXPECT_EQ(check_client_id("A+b-C_d.9", &id), "");
  for (auto bad : {"", "sip:", "a b", "a@b", "a:b", "a%20b", "é"}) {
    EXPECT_EQ(check_client_id(bad, &id), "Invalid clientId") << bad;
  }
}

TEST(Validation, ServiceNameTakesUriEscapes) {
  std::string name;
  EXPECT_EQ(check_service_name("echo", &name), "");
  EXPECT_EQ(check_service_name("sip%3Aecho", &name), "");
  EXPECT_EQ(name, "echo");
  EXPECT_EQ(check_service_name("my%20service%2Fx", &name), "");
  EXPECT_EQ(name, "my%20service%2Fx");
  EXPECT_EQ(check_service_name("a-_.!~*'()+", &name), "");
  for (auto bad : {"", "sip:", "a b", "a%2", "a%zz", "a@b", "a;b", "a/b"}) {
    EXPECT_EQ(check_service_name(bad, &name), "Invalid serviceName") << bad;
  }
}

TEST(Validation, Token) {
  EXPECT_EQ(check_token("a.b.c"), "");
  EXPECT_EQ(check_token("a-_.b9.C"), "");
  EXPECT_EQ(check_token("a.b.c.d.e"), "");
  for (auto bad : {"", "a", "a.b", "a.b.c.d", "a.b.c.d.e.f", ".b.c", "a.b.", "a.b=.c", "a.b c.d"}) {
    EXPECT_EQ(check_token(bad), "Invalid token") << bad;
  }
}

TEST(Validation, DtmfRejectsAnyInvalidCharacter) {
  EXPECT_EQ(check_dtmf("0123456789*#ABCDabcd"), "");
  for (auto bad : {"", "E", "1 2", "12e", "x", ",", "١"})
    EXPECT_EQ(check_dtmf(bad), "Invalid DTMF string") << bad;
}

TEST(Validation, RejectStatus) {
  EXPECT_EQ(reject_status(0), 486);
  EXPECT_EQ(reject_status(400), 400);
  EXPECT_EQ(reject_status(699), 699);
  EXPECT_EQ(reject_status(399), 486);
  EXPECT_EQ(reject_status(700), 486);
  EXPECT_EQ(reject_status(-486), 486);
}

TEST(Validation, ExtraSipHeaders) {
  std::vector<sip::HeaderField> parsed;
  EXPECT_EQ(check_extra_sip_headers({"X-A: 1", "x-b:two words", "X-Empty:"}, &parsed), "");
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0].name, "X-A");
  EXPECT_EQ(parsed[0].value, "1");
  EXPECT_EQ(parsed[1].name, "x-b");
  EXPECT_EQ(parsed[1].value, "two words");
  EXPECT_EQ(parsed[2].value, "");
  EXPECT_EQ(check_extra_sip_headers({"Subject: x"}, &parsed),
            "extraSipHeader must start with 'X-'");
  EXPECT_EQ(check_extra_sip_headers({"X-A: 1", "Via: x"}, &parsed),
            "extraSipHeader must start with 'X-'");
  for (const std::string& bad :
       std::vector<std::string>{"X-: 1", "X-A", "X-A B: 1", "X-A: a\r\nVia: b", "X-A: a\nb",
                                std::string("X-A: \0", 6)}) {
    EXPECT_EQ(check_extra_sip_headers({bad}, &parsed), "extraSipHeader must be 'X-Name: value'")
        << bad;
  }
  // RFC 3261 §25.1: every token character is allowed in the name, nothing else; the "X-" prefix
  // in either case, blanks around name and value trimmed.
  EXPECT_EQ(check_extra_sip_headers({"\t X-a.b!%*_+`'~9 :\t v \t"}, &parsed), "");
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].name, "X-a.b!%*_+`'~9");
  EXPECT_EQ(parsed[0].value, "v");
  for (const char* bad : {"X-a(b: 1", "X-a\"b: 1", "X-a/b: 1", "X-a\xc3\xa9: 1", "X-a\tb: 1"})
    EXPECT_EQ(check_extra_sip_headers({bad}, &parsed), "extraSipHeader must be 'X-Name: value'")
        << bad;
  EXPECT_EQ(check_extra_sip_headers({"X\t-A: 1"}, &parsed), "extraSipHeader must start with 'X-'");
}

TEST(Validation, OtherSettings) {
  EXPECT_EQ(check_max_concurrent(1), "");
  EXPECT_EQ(check_max_concurrent(0), "maxConcurrent must be 1 or greater");
  EXPECT_EQ(check_ice_transport_policy(""), "");
  EXPECT_EQ(check_ice_transport_policy("relay"), "");
  EXPECT_NE(check_ice_transport_policy("ALL"), "");
  EXPECT_TRUE(looks_like_json_array(" [ ] \r\n"));
  EXPECT_TRUE(looks_like_json_array(R"([{"urls":"stun:x"}])"));
  EXPECT_FALSE(looks_like_json_array("{}"));
  EXPECT_FALSE(looks_like_json_array("["));
  EXPECT_FALSE(looks_like_json_array(""));
  EXPECT_EQ(check_url("wss://webrtc-1-2-0.aculabcloud.net/sipproxy"), "");
  EXPECT_EQ(check_url("ws://127.0.0.1:8080/sipproxy"), "");
  for (auto bad : {"", "http://x", "ws://", "ws:///x", "ws://a b", "wss://x\n"}) {
    EXPECT_EQ(check_url(bad), "Invalid cloud URL") << bad;
  }
}

}  // namespace
}  // namespace acw::call
