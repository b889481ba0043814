// Tests for cpp/sip/grammar.cpp: character classes, hosts, ports, quoted strings, SIP-Version.
#include "sip/grammar.hpp"

#include <gtest/gtest.h>

namespace acw::sip::grammar {
namespace {

TEST(GrammarTest, CharacterClasses) {
  EXPECT_TRUE(is_token("INVITE"));
  EXPECT_TRUE(is_token("-.!%*_+`'~aZ09"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a:b"));
  EXPECT_FALSE(is_token("a\"b"));
  EXPECT_FALSE(is_token("a\xc3\xa9"));
  EXPECT_TRUE(all_of("()<>:\\\"/[]?{}", kWord));
  EXPECT_FALSE(all_of("a@b", kWord));
  EXPECT_TRUE(is('&', kUser));
  EXPECT_FALSE(is(':', kUser));
  EXPECT_TRUE(is(':', kParam));
  EXPECT_FALSE(is(';', kParam));
  EXPECT_TRUE(is('?', kHeader));
  EXPECT_FALSE(is('&', kHeader));
  EXPECT_TRUE(is(':', kGenValue));
  EXPECT_FALSE(is('\0', kToken | kWord | kUser | kLws));
  EXPECT_FALSE(is('\xff', kToken | kWord | kUser | kLws));
}

TEST(GrammarTest, TrimAndCase) {
  EXPECT_EQ(trim_lws(" \t a b \t"), "a b");
  EXPECT_EQ(trim_lws("  "), "");
  EXPECT_EQ(skip_lws("  x", 0), 2u);
  EXPECT_EQ(skip_lws("  ", 1), 2u);
  EXPECT_TRUE(iequals("Call-ID", "cALL-id"));
  EXPECT_FALSE(iequals("Call-ID", "Call-I"));
  EXPECT_FALSE(iequals("[", "{"));
  EXPECT_TRUE(istarts_with("sip/2.0", "SIP/"));
  EXPECT_FALSE(istarts_with("SI", "SIP/"));
  // Edges of the substr-free forms.
  EXPECT_EQ(trim_lws(""), "");
  EXPECT_EQ(trim_lws("x"), "x");
  EXPECT_EQ(trim_lws("\tx y"), "x y");
  EXPECT_EQ(trim_lws("x \t"), "x");
  EXPECT_TRUE(istarts_with("SIP/", "sip/"));
  EXPECT_TRUE(istarts_with("", ""));
  EXPECT_TRUE(istarts_with("x", ""));
  EXPECT_FALSE(istarts_with("", "x"));
  EXPECT_FALSE(istarts_with("SIQ/2.0", "SIP/"));
}

TEST(GrammarTest, Hosts) {
  EXPECT_TRUE(is_ipv4("0.0.0.0"));
  EXPECT_TRUE(is_ipv4("255.255.255.255"));
  EXPECT_FALSE(is_ipv4("256.0.0.0"));
  EXPECT_FALSE(is_ipv4("1.2.3"));
  EXPECT_FALSE(is_ipv4("1.2.3.4.5"));
  EXPECT_FALSE(is_ipv4("1.2.3.4."));
  EXPECT_FALSE(is_ipv4("0001.2.3.4"));
  EXPECT_TRUE(is_ipv6("::"));
  EXPECT_TRUE(is_ipv6("fe80::1"));
  EXPECT_TRUE(is_ipv6("1:2:3:4:5:6:1.2.3.4"));
  EXPECT_TRUE(is_ipv6("::1.2.3.4"));
  EXPECT_FALSE(is_ipv6("1:2:3:4:5:6:7:1.2.3.4"));
  EXPECT_FALSE(is_ipv6(":::"));
  EXPECT_FALSE(is_ipv6("1:2:3:4:5:6:7:8::"));
  EXPECT_TRUE(is_ipv6("1:2:3:4:5:6:7::"));
  EXPECT_TRUE(is_ipv6_reference("[::1]"));
  EXPECT_FALSE(is_ipv6_reference("::1"));
  // Group and "::" edges (the check was rewritten as one loop).
  for (const char* good : {"1::", "::1:2:3:4:5:6:7", "1:2::3:4", "::ffff:192.0.2.1", "ABCD::ef"}) {
    EXPECT_TRUE(is_ipv6(good)) << good;
  }
  for (const char* bad : {"", ":", ":1", "1:", "1::2:", "1:::2", "1::2::3", "12345::",
                          "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7", "1.2.3.4", "::1.2.3", "g::1"}) {
    EXPECT_FALSE(is_ipv6(bad)) << bad;
  }
  EXPECT_TRUE(is_hostname("a"));
  EXPECT_TRUE(is_hostname("x1.example.com."));
  EXPECT_TRUE(is_hostname("7g6an991ogs2.invalid"));
  EXPECT_FALSE(is_hostname("example.1com"));
  EXPECT_FALSE(is_hostname("."));
  EXPECT_FALSE(is_hostname("a.-b.c"));
  EXPECT_TRUE(is_hostname("a-b.c-d"));
  EXPECT_TRUE(is_hostname("1a.b2"));
  for (const char* bad : {"", "a..b", ".a", "-a", "a-", "a.b-", "a-.b", "a..", "a.1b", "a_b"}) {
    EXPECT_FALSE(is_hostname(bad)) << bad;
  }
  EXPECT_TRUE(is_host("[::1]"));
  EXPECT_TRUE(is_host("10.0.0.1"));
  EXPECT_FALSE(is_host(""));
  EXPECT_FALSE(is_host("[::1"));
}

TEST(GrammarTest, Ports) {
  EXPECT_EQ(parse_port("5060"), 5060);
  EXPECT_EQ(parse_port("0"), 0);
  EXPECT_EQ(parse_port("65535"), 65535);
  EXPECT_EQ(parse_port("65536"), std::nullopt);
  EXPECT_EQ(parse_port("000001"), std::nullopt);
  EXPECT_EQ(parse_port(""), std::nullopt);
  EXPECT_EQ(parse_port("5o"), std::nullopt);
}

TEST(GrammarTest, QuotedStrings) {
  std::string out;
  EXPECT_EQ(scan_quoted_string("\"a\\\"b\" rest", 0, &out), 6u);
  EXPECT_EQ(out, "a\"b");
  out.clear();
  EXPECT_EQ(scan_quoted_string("x\"\"", 1, &out), 3u);
  EXPECT_EQ(out, "");
  EXPECT_EQ(scan_quoted_string("\"abc", 0, nullptr), std::string_view::npos);
  EXPECT_EQ(scan_quoted_string("abc\"", 0, nullptr), std::string_view::npos);
  EXPECT_EQ(scan_quoted_string("\"a\\", 0, nullptr), std::string_view::npos);
  EXPECT_EQ(scan_quoted_string("\"a\nb\"", 0, nullptr), std::string_view::npos);
  EXPECT_EQ(scan_quoted_string("\"a\\\nb\"", 0, nullptr), std::string_view::npos);
  EXPECT_EQ(scan_quoted_string("\"\"", 5, nullptr), std::string_view::npos);
}

TEST(GrammarTest, SipVersion) {
  EXPECT_TRUE(is_sip_version("SIP/2.0"));
  EXPECT_TRUE(is_sip_version("sip/7.10"));
  EXPECT_FALSE(is_sip_version("SIP/2"));
  EXPECT_FALSE(is_sip_version("SIP/2."));
  EXPECT_FALSE(is_sip_version("SIP/.0"));
  EXPECT_FALSE(is_sip_version("SIP/2.0 "));
  EXPECT_FALSE(is_sip_version("HTTP/1.1"));
}

}  // namespace
}  // namespace acw::sip::grammar
