// Tests for cpp/sip/headers.cpp: Via, CSeq, integers, Bearer credentials and Date.
#include "sip/headers.hpp"

#include <gtest/gtest.h>

namespace acw::sip {
namespace {

TEST(ViaTest, ParsesTheTraceForm) {
  const auto via = parse_via("SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK6131161");
  ASSERT_TRUE(via.has_value());
  EXPECT_EQ(via->protocol, "SIP/2.0");
  EXPECT_EQ(via->transport, "WSS");
  EXPECT_EQ(via->host, "iitrgatmgah1.invalid");
  EXPECT_EQ(via->port, 0);
  ASSERT_EQ(via->params.size(), 1u);
  EXPECT_EQ(via->branch(), "z9hG4bK6131161");
  EXPECT_EQ(via->str(), "SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK6131161");
}

TEST(ViaTest, PortsParamsAndHosts) {
  const auto via =
      parse_via("SIP/2.0/udp 127.0.0.1:5070;branch=z9hG4bK-d87543-1;rport;received=192.0.2.9");
  ASSERT_TRUE(via.has_value());
  EXPECT_EQ(via->transport, "UDP");
  EXPECT_EQ(via->host, "127.0.0.1");
  EXPECT_EQ(via->port, 5070);
  EXPECT_EQ(via->param("rport"), "");
  EXPECT_EQ(via->param("RECEIVED"), "192.0.2.9");
  EXPECT_EQ(via->param("ttl"), std::nullopt);
  EXPECT_EQ(via->str(),
            "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-1;rport;received=192.0.2.9");

  const auto v6 =
      parse_via("SIP/2.0/TCP [2001:db8::9:1]:5061;received=2001:db8::9:255;branch=z9hG4bKas3");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "[2001:db8::9:1]");
  EXPECT_EQ(v6->port, 5061);
  EXPECT_EQ(v6->param("received"), "2001:db8::9:255");
  EXPECT_EQ(parse_via(v6->str()), v6);
}

TEST(ViaTest, WhiteSpaceEverywhereTheGrammarAllowsIt) {
  // RFC 4475 §3.1.1.1 (wsinv), after unfolding.
  const auto first = parse_via("SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->protocol, "SIP/2.0");
  EXPECT_EQ(first->transport, "UDP");
  EXPECT_EQ(first->host, "192.0.2.2");
  EXPECT_EQ(first->branch(), "390skdjuw");
  const auto second =
      parse_via("SIP  / 2.0  / TCP     spindle.example.com   ;   branch  =   z9hG4bK9ikj8  ");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->host, "spindle.example.com");
  EXPECT_EQ(second->branch(), "z9hG4bK9ikj8");
  const auto third = parse_via("SIP/2.0/UDP host :\t5060 ;branch=1");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->port, 5060);
  EXPECT_EQ(third->str(), "SIP/2.0/UDP host:5060;branch=1");
  // The transport is written in upper case; the protocol name and version keep their case.
  const auto lower = parse_via("sip / 2.0 / wss [::1]");
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(lower->protocol, "sip/2.0");
  EXPECT_EQ(lower->transport, "WSS");
  EXPECT_EQ(lower->host, "[::1]");
  EXPECT_FALSE(parse_via("SIP/2.0/WSS [::1").has_value());
}

TEST(ViaTest, RefusesBrokenValues) {
  for (const char* bad :
       {"", "SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0 host", "SIP/2.0/UDPhost", "SIP//UDP host",
        "SIP/2.0/UDP host:", "SIP/2.0/UDP host:99999", "SIP/2.0/UDP host:5060x",
        "SIP/2.0/UDP ho st", "SIP/2.0/UDP [::1", "SIP/2.0/UDP [::1]x",
        "SIP/2.0/UDP 192.0.2.15;;,;,,", "SIP/2.0/UDP host;branch=", "SIP/2.0/UDP host;branch=\"x",
        "SIP/2.0/UDP host branch=1", "SIP/2.0/UDP h1, SIP/2.0/UDP h2", "SIP/2.0/UDP host;=1",
        "SIP /2.0/ UDP -host"}) {
    EXPECT_FALSE(parse_via(bad).has_value()) << bad;
  }
}

TEST(CSeqTest, NumberAndMethod) {
  const auto cseq = parse_cseq("2 REGISTER");
  ASSERT_TRUE(cseq.has_value());
  EXPECT_EQ(cseq->number, 2u);
  EXPECT_EQ(cseq->method, "REGISTER");
  EXPECT_EQ(cseq->str(), "2 REGISTER");
  EXPECT_EQ(parse_cseq(" 0009 \t INVITE "), (CSeq{9, "INVITE"}));
  EXPECT_EQ(parse_cseq("0 ACK"), (CSeq{0, "ACK"}));
  EXPECT_EQ(parse_cseq("2147483647 X-Y"), (CSeq{2147483647u, "X-Y"}));
  EXPECT_EQ(parse_cseq("139122385 !interesting-Method0123456789_*+`.%indeed'~")->method,
            "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ((CSeq{17, "BYE"}).str(), "17 BYE");
}

TEST(CSeqTest, RefusesBrokenValues) {
  // §8.1.1.5: below 2**31 (RFC 4475 §3.1.2.3-4 scalar02 / scalarlg go far beyond).
  for (const char* bad : {"", "INVITE", "1", "1 ", "1INVITE", "x INVITE", "-1 INVITE", "1 INV ITE",
                          "1 INVITE;x", "2147483648 INVITE", "36893488147419103232 REGISTER",
                          "9292394834772304023312 OPTIONS", "1 INV\"ITE"}) {
    EXPECT_FALSE(parse_cseq(bad).has_value()) << bad;
  }
}

TEST(UintTest, ParsesUnsigned32BitIntegers) {
  EXPECT_EQ(parse_uint("0"), 0u);
  EXPECT_EQ(parse_uint("0068"), 68u);
  EXPECT_EQ(parse_uint(" 600\t"), 600u);
  EXPECT_EQ(parse_uint("4294967295"), 4294967295u);
  for (const char* bad : {"", " ", "4294967296", "10000000000000000000000000000000000000000", "-1",
                          "+1", "five", "1 2", "1.0", "0x10"}) {
    EXPECT_EQ(parse_uint(bad), std::nullopt) << bad;
  }
}

TEST(BearerTest, TakesTheToken) {
  EXPECT_EQ(parse_bearer("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig"),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig");
  EXPECT_EQ(parse_bearer("bearer   abc-._~+/=="), "abc-._~+/==");
  EXPECT_EQ(parse_bearer(" Bearer x "), "x");
  for (const char* bad : {"", "Bearer", "Bearer ", "Bearerabc", "Basic YWxhZGRpbjpvcGVu",
                          "Bearer a b", "Bearer =abc", "Bearer a=b", "Bearer a,b",
                          "Digest username=\"a\"", "NoOneKnowsThisScheme opaque-data=here"}) {
    EXPECT_EQ(parse_bearer(bad), std::nullopt) << bad;
  }
}

TEST(DateTest, ParsesRfc1123GmtDates) {
  const auto date = parse_date("Sat, 15 Oct 2005 04:44:56 GMT");
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(*date, (SipDate{6, 15, 10, 2005, 4, 44, 56}));
  EXPECT_EQ(parse_date("Thu, 01 Jan 1970 00:00:00 GMT"), (SipDate{4, 1, 1, 1970, 0, 0, 0}));
  // RFC 4475 §3.1.2.12 (baddate): only GMT.
  for (const char* bad : {"Fri, 01 Jan 2010 16:00:00 EST", "Fri, 01 Jan 2010 16:00:00 UT",
                          "Fri, 01 Jan 2010 16:00:00 UTC", "Fri, 1 Jan 2010 16:00:00 GMT",
                          "Fri 01 Jan 2010 16:00:00 GMT", "Fry, 01 Jan 2010 16:00:00 GMT",
                          "Fri, 01 Jax 2010 16:00:00 GMT", "Fri, 32 Jan 2010 16:00:00 GMT",
                          "Fri, 01 Jan 2010 24:00:00 GMT", "Fri, 01 Jan 2010 16:60:00 GMT",
                          "Fri, 01 Jan 2010 16:00:61 GMT", "Fri, 00 Jan 2010 16:00:00 GMT",
                          "Fri, 01 Jan 20x0 16:00:00 GMT", ""}) {
    EXPECT_EQ(parse_date(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace acw::sip
