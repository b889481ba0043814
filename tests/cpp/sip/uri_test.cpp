// Tests for cpp/sip/uri.cpp: SIP URIs (user, password, hosts, ports, params, headers, escapes) and
// name-addr.
#include "sip/uri.hpp"

#include <gtest/gtest.h>

#include <string>

namespace acw::sip {
namespace {

Uri must_parse(std::string_view text) {
  auto uri = parse_uri(text);
  EXPECT_TRUE(uri.has_value()) << text;
  return uri.value_or(Uri{});
}

// A string literal with its embedded NULs, without the terminating one.
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

NameAddr must_parse_address(std::string_view text) {
  auto address = parse_name_addr(text);
  EXPECT_TRUE(address.has_value()) << text;
  return address.value_or(NameAddr{});
}

TEST(UriTest, ParsesEveryPart) {
  const Uri uri =
      must_parse("sip:alice:secret@example.com:5060;transport=tcp;lr?Subject=hi&Priority=urgent");
  EXPECT_EQ(uri.scheme, "sip");
  EXPECT_TRUE(uri.is_sip());
  EXPECT_EQ(uri.user, "alice");
  EXPECT_EQ(uri.password, "secret");
  EXPECT_EQ(uri.host, "example.com");
  EXPECT_EQ(uri.port, 5060);
  ASSERT_EQ(uri.params.size(), 2u);
  EXPECT_EQ(uri.params[0], (Param{"transport", "tcp", true}));
  EXPECT_EQ(uri.params[1], (Param{"lr", "", false}));
  ASSERT_EQ(uri.headers.size(), 2u);
  EXPECT_EQ(uri.headers[0], (Param{"Subject", "hi", true}));
  EXPECT_EQ(uri.headers[1], (Param{"Priority", "urgent", true}));
  EXPECT_EQ(uri.opaque, "");
  EXPECT_EQ(uri.str(),
            "sip:alice:secret@example.com:5060;transport=tcp;lr?Subject=hi&Priority=urgent");
}

TEST(UriTest, HostOnlyAndSchemeCase) {
  const Uri uri = must_parse("SIPS:Example.COM");
  EXPECT_EQ(uri.scheme, "sips");
  EXPECT_TRUE(uri.is_sip());
  EXPECT_EQ(uri.user, "");
  EXPECT_EQ(uri.host, "Example.COM");
  EXPECT_EQ(uri.port, 0);
  EXPECT_EQ(uri.str(), "sips:Example.COM");
  EXPECT_EQ(must_parse("sip:host.example.com.").host, "host.example.com.");
  EXPECT_EQ(must_parse("sip:a-b.c-d.example").host, "a-b.c-d.example");
}

TEST(UriTest, Ipv4AndIpv6Hosts) {
  EXPECT_EQ(must_parse("sip:u@192.0.2.1:5060").host, "192.0.2.1");
  const Uri v6 = must_parse("sip:u@[2001:db8::1]:5061;transport=tls");
  EXPECT_EQ(v6.host, "[2001:db8::1]");
  EXPECT_EQ(v6.port, 5061);
  EXPECT_EQ(v6.param("transport"), "tls");
  EXPECT_EQ(v6.str(), "sip:u@[2001:db8::1]:5061;transport=tls");
  EXPECT_EQ(must_parse("sip:[::1]").host, "[::1]");
  EXPECT_EQ(must_parse("sip:[::]").host, "[::]");
  EXPECT_EQ(must_parse("sip:[1:2:3:4:5:6:7:8]").host, "[1:2:3:4:5:6:7:8]");
  EXPECT_EQ(must_parse("sip:[::ffff:192.0.2.128]").host, "[::ffff:192.0.2.128]");
  EXPECT_EQ(must_parse("sip:[2001:DB8:0:0:8:800:200C:417A]").host,
            "[2001:DB8:0:0:8:800:200C:417A]");

  for (const char* bad : {"sip:[2001:db8::1",
                          "sip:[2001:db8::1]x",
                          "sip:[2001:db8:::1]",
                          "sip:[12345::1]",
                          "sip:[1:2:3:4:5:6:7:8:9]",
                          "sip:[1:2:3:4:5:6:7]",
                          "sip:[1::2::3]",
                          "sip:[:1]",
                          "sip:[1:]",
                          "sip:[]",
                          "sip:[g::1]",
                          "sip:[::1.2.3.256]",
                          "sip:2001:db8::1",
                          "sip:256.1.1.1",
                          "sip:1.2.3",
                          "sip:host.123",
                          "sip:-host.example",
                          "sip:host-.example",
                          "sip:ho_st.example",
                          "sip:a..b",
                          "sip:.a"}) {
    EXPECT_FALSE(parse_uri(bad).has_value()) << bad;
  }
}

TEST(UriTest, Ports) {
  EXPECT_EQ(must_parse("sip:h:1").port, 1);
  EXPECT_EQ(must_parse("sip:h:65535").port, 65535);
  EXPECT_EQ(must_parse("sip:h:00080").port, 80);
  EXPECT_EQ(must_parse("sip:h:0").port, 0);
  for (const char* bad :
       {"sip:h:", "sip:h:65536", "sip:h:123456", "sip:h:8o", "sip:h:-1", "sip:h:80:81"}) {
    EXPECT_FALSE(parse_uri(bad).has_value()) << bad;
  }
}

TEST(UriTest, UnescapesUserPasswordParamsAndHeaders) {
  // RFC 4475 §3.1.1.3 (esc01): escapes stand for the octets they encode, only once.
  const Uri uri = must_parse(
      "sip:%75se%72:p%40ss@example.com;%6C%72;n%61me=v%61lue%25%34%31?"
      "Route=%3Csip:example.com%3E&x=");
  EXPECT_EQ(uri.user, "user");
  EXPECT_EQ(uri.password, "p@ss");
  ASSERT_EQ(uri.params.size(), 2u);
  EXPECT_EQ(uri.params[0], (Param{"lr", "", false}));
  EXPECT_EQ(uri.params[1], (Param{"name", "value%41", true}));
  EXPECT_EQ(uri.param("lr"), "");
  ASSERT_EQ(uri.headers.size(), 2u);
  EXPECT_EQ(uri.headers[0], (Param{"Route", "<sip:example.com>", true}));
  EXPECT_EQ(uri.headers[1], (Param{"x", "", true}));
  EXPECT_EQ(uri.str(),
            "sip:user:p%40ss@example.com;lr;name=value%2541?Route=%3Csip:example.com%3E&x=");
  EXPECT_EQ(parse_uri(uri.str()), uri);
}

TEST(UriTest, UserPartsTheGrammarAllows) {
  // RFC 4475 §3.1.1.9 (semiuri): ";" and escaped "@" in the user part.
  EXPECT_EQ(must_parse("sip:user;par=u%40example.net@example.com").user, "user;par=u@example.net");
  // §3.1.1.4 (escnull): escaped NULs stay in the user part.
  EXPECT_EQ(must_parse("sip:null-%00-null@example.com").user, std::string("null-\0-null", 11));
  const Uri odd = must_parse(
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
      "(doesn't-it)@example.com");
  EXPECT_EQ(odd.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(odd.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(odd.host, "example.com");
  EXPECT_EQ(parse_uri(odd.str()), odd);
  EXPECT_EQ(must_parse("sip:+1-212-555-1234;phone-context=x@gw.example").user,
            "+1-212-555-1234;phone-context=x");
}

TEST(UriTest, RefusesBrokenSipUris) {
  for (const char* bad : {"",
                          "sip",
                          "sip:",
                          ":x",
                          "1sip:x",
                          "s_p:x",
                          "sip:@host",
                          "sip::pw@host",
                          "sip:us er@h",
                          "sip:user@",
                          "sip:user@host@other",
                          "sip:u%4@h",
                          "sip:u%ZZ@h",
                          "sip:u%@h",
                          "sip:u\"@h",
                          "sip:u<@h",
                          "sip:h;",
                          "sip:h;;lr",
                          "sip:h;=x",
                          "sip:h;a=",
                          "sip:h;a b",
                          "sip:h;a=\"b\"",
                          "sip:h?",
                          "sip:h?a",
                          "sip:h?=a",
                          "sip:h?a=1&",
                          "sip:h?a=b c",
                          "sip:h;lr?a=b;c",
                          "sip:h x",
                          " sip:h",
                          "sip:h ",
                          "sip:h\t",
                          "<sip:h>",
                          "sip:h>",
                          "sip:u@h%41"}) {
    EXPECT_FALSE(parse_uri(bad).has_value()) << bad;
  }
}

TEST(UriTest, ParamAndHeaderItemEdges) {
  const Uri empty_header = must_parse("sip:h?a=&b=%41");
  ASSERT_EQ(empty_header.headers.size(), 2u);
  EXPECT_EQ(empty_header.headers[0], (Param{"a", "", true}));
  EXPECT_EQ(empty_header.headers[1], (Param{"b", "A", true}));
  const Uri flags = must_parse("sip:h;lr;x=%62?c=d");
  EXPECT_EQ(flags.params, (std::vector<Param>{{"lr", "", false}, {"x", "b", true}}));
  for (const char* bad : {"sip:h;=x", "sip:h;a=b=c", "sip:h;a=%4", "sip:h?=b", "sip:h?a=b?c=d=e",
                          "sip:@h", "sip::p@h", "sip:u@", "sip:h:", "sip:h:x", "sip:h;a=b x"}) {
    EXPECT_FALSE(parse_uri(bad).has_value()) << bad;
  }
}

TEST(UriTest, OtherSchemesAreOpaque) {
  const Uri tel = must_parse("tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_EQ(tel.scheme, "tel");
  EXPECT_FALSE(tel.is_sip());
  EXPECT_EQ(tel.opaque, "+1-201-555-0123;phone-context=example.com");
  EXPECT_EQ(tel.host, "");
  EXPECT_EQ(tel.str(), "tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_EQ(must_parse("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6").opaque,
            "uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  EXPECT_EQ(must_parse("soap.beep://192.0.2.103:3002").scheme, "soap.beep");
  EXPECT_EQ(must_parse("HTTP://www.example.com").scheme, "http");
  for (const char* bad :
       {"tel:", "tel:+1 2", "isbn:<1>", "mailto:\"a\"@b", "x:\x7f", "x:\xc3\xa9"}) {
    EXPECT_FALSE(parse_uri(bad).has_value()) << bad;
  }
}

TEST(UriTest, ParamLookupAndEditing) {
  Uri uri = must_parse("sip:a@b;Transport=WS;ob;maddr=192.0.2.1");
  EXPECT_EQ(uri.param("transport"), "WS");
  EXPECT_EQ(uri.param("OB"), "");
  EXPECT_EQ(uri.param("lr"), std::nullopt);
  uri.set_param("transport", "tcp", true);
  uri.set_param("lr");
  EXPECT_EQ(uri.str(), "sip:a@b;transport=tcp;ob;maddr=192.0.2.1;lr");
  uri.set_param("ob", "1");
  EXPECT_EQ(uri.str(), "sip:a@b;transport=tcp;ob=1;maddr=192.0.2.1;lr");
}

TEST(UriTest, StrEscapesWhatTheGrammarDoesNotAllow) {
  Uri uri;
  uri.scheme = "sip";
  uri.user = "a b@c:d";
  uri.password = "p:w@";
  uri.host = "example.com";
  uri.params.push_back(Param{"x y", "v;w", true});
  uri.headers.push_back(Param{"h&", "a=b&c", true});
  EXPECT_EQ(uri.str(), "sip:a%20b%40c%3Ad:p%3Aw%40@example.com;x%20y=v%3Bw?h%26=a%3Db%26c");
  EXPECT_EQ(parse_uri(uri.str()), uri);
}

TEST(EscapeTest, EscapeUserKeepsUserCharacters) {
  EXPECT_EQ(escape_user("alice"), "alice");
  EXPECT_EQ(escape_user("+44 1234;x=y?/&$,"), "+44%201234;x=y?/&$,");
  EXPECT_EQ(escape_user("a@b:c\"%"), "a%40b%3Ac%22%25");
  EXPECT_EQ(escape_user(std::string("\0\xff", 2)), "%00%FF");
  EXPECT_EQ(escape_user("My Service"), "My%20Service");
}

TEST(EscapeTest, Unescape) {
  EXPECT_EQ(unescape("a%20b"), "a b");
  EXPECT_EQ(unescape("%41%4a%4A"), "AJJ");
  EXPECT_EQ(unescape("%2541"), "%41");
  EXPECT_EQ(unescape(""), "");
  EXPECT_EQ(unescape("%00"), std::string(1, '\0'));
  EXPECT_EQ(unescape("%"), std::nullopt);
  EXPECT_EQ(unescape("%4"), std::nullopt);
  EXPECT_EQ(unescape("a%4"), std::nullopt);
  EXPECT_EQ(unescape("%G0"), std::nullopt);
  EXPECT_EQ(unescape("%0G"), std::nullopt);
}

// ---- name-addr / addr-spec ----

TEST(NameAddrTest, NameAddrWithQuotedDisplayName) {
  const NameAddr address = must_parse_address(
      "\"Bob \\\"B\\\" \\\\ Smith\" <sips:bob@example.com;transport=tls>;tag=a1b2");
  EXPECT_EQ(address.display_name, "Bob \"B\" \\ Smith");
  EXPECT_EQ(address.uri.scheme, "sips");
  EXPECT_EQ(address.uri.param("transport"), "tls");
  ASSERT_EQ(address.params.size(), 1u);
  EXPECT_EQ(address.tag(), "a1b2");
  EXPECT_FALSE(address.wildcard);
  EXPECT_EQ(address.str(),
            "\"Bob \\\"B\\\" \\\\ Smith\" <sips:bob@example.com;transport=tls>;tag=a1b2");
  EXPECT_EQ(parse_name_addr(address.str()), address);
}

TEST(NameAddrTest, TokenDisplayNames) {
  EXPECT_EQ(must_parse_address("A. Bell <sip:a.g.bell@example.com>").display_name, "A. Bell");
  // RFC 4475 §3.1.1.6 (lwsdisp): no white space before "<".
  EXPECT_EQ(must_parse_address("caller<sip:caller@example.com>;tag=323").display_name, "caller");
  EXPECT_EQ(
      must_parse_address("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>").display_name,
      "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(must_parse_address("<sip:a@b>").display_name, "");
  EXPECT_EQ(must_parse_address("\"\" <sip:a@b>").display_name, "");
  // RFC 4475 §3.1.2.15 (baddn): unquoted non-token characters.
  EXPECT_FALSE(parse_name_addr("Bell, Alexander <sip:a.g.bell@example.com>;tag=43").has_value());
  EXPECT_FALSE(parse_name_addr("J@ne <sip:j@example.com>").has_value());
}

TEST(NameAddrTest, QuotedStringEscapesAndLimits) {
  const NameAddr address =
      must_parse_address(bytes("\"BEL:\\\x07 NUL:\\\0 DEL:\\\x7f\" <sip:a@b>"));
  EXPECT_EQ(address.display_name, bytes("BEL:\x07 NUL:\0 DEL:\x7f"));
  EXPECT_EQ(parse_name_addr(address.str()), address);
  EXPECT_EQ(must_parse_address("\"caf\xc3\xa9\t\" <sip:a@b>").display_name, "caf\xc3\xa9\t");
  // Raw controls, an escaped CR or a non-ASCII quoted-pair are not allowed.
  EXPECT_FALSE(parse_name_addr(bytes("\"a\0b\" <sip:a@b>")).has_value());
  EXPECT_FALSE(parse_name_addr("\"a\x7f\" <sip:a@b>").has_value());
  EXPECT_FALSE(parse_name_addr("\"a\\\r\" <sip:a@b>").has_value());
  EXPECT_FALSE(parse_name_addr("\"a\\\xc3\xa9\" <sip:a@b>").has_value());
  // RFC 4475 §3.1.2.5 (quotbal): unterminated quote.
  EXPECT_FALSE(parse_name_addr("\"Mr. J. User <sip:j.user@example.com>").has_value());
  EXPECT_FALSE(parse_name_addr("\"a\\\"").has_value());
  EXPECT_FALSE(parse_name_addr("\"name\" sip:a@b").has_value());
}

TEST(NameAddrTest, AddrSpecParamsBelongToTheHeader) {
  // RFC 3261 §20.10 / RFC 4475 §3.3.12 (cparam01).
  const NameAddr bare = must_parse_address("sip:+19725552222@gw1.example.net;unknownparam;tag=1");
  EXPECT_TRUE(bare.uri.params.empty());
  ASSERT_EQ(bare.params.size(), 2u);
  EXPECT_EQ(bare.params[0], (Param{"unknownparam", "", false}));
  EXPECT_EQ(bare.tag(), "1");
  EXPECT_EQ(bare.str(), "<sip:+19725552222@gw1.example.net>;unknownparam;tag=1");
  // In angle brackets (§3.3.13 cparam02) they are the URI's.
  const NameAddr bracketed = must_parse_address("<sip:+19725552222@gw1.example.net;unknownparam>");
  ASSERT_EQ(bracketed.uri.params.size(), 1u);
  EXPECT_TRUE(bracketed.params.empty());
  // White space around ";" and "=" (RFC 4475 §3.1.1.1 wsinv).
  const NameAddr spaced =
      must_parse_address("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
  EXPECT_EQ(spaced.uri.host, "chair-dnrc.example.com");
  EXPECT_EQ(spaced.tag(), "1918181833n");
  const NameAddr quoted = must_parse_address("sip:a@b;+sip.instance=\"<urn:uuid:1,2>\";q=0.5");
  EXPECT_EQ(quoted.param("+sip.instance"), "\"<urn:uuid:1,2>\"");
  EXPECT_EQ(quoted.param("Q"), "0.5");
}

TEST(NameAddrTest, RefusesAddrSpecThatNeedsBrackets) {
  // RFC 4475 §3.1.2.13 (regbadct): "?" (or ",") in an addr-spec.
  EXPECT_FALSE(parse_name_addr("sip:user@example.com?Route=%3Csip:sip.example.com%3E").has_value());
  EXPECT_FALSE(parse_name_addr("sip:a,b@example.com").has_value());
  const NameAddr bracketed =
      must_parse_address("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>");
  ASSERT_EQ(bracketed.uri.headers.size(), 1u);
  EXPECT_EQ(bracketed.uri.headers[0].value, "<sip:sip.example.com>");
}

TEST(NameAddrTest, RefusesBrokenValues) {
  for (const char* bad : {"",
                          "   ",
                          "<sip:a@b",
                          "< sip:t.watson@example.org >",
                          "<sip:a@b >",
                          "<>",
                          "<sip:a@b>;",
                          "<sip:a@b>;;",
                          "\"Joe\" <sip:joe@example.org>;;;;",
                          "<sip:a@b>;tag=",
                          "<sip:a@b>;tag=\"x",
                          "<sip:a@b>;=x",
                          "<sip:a@b> x",
                          "<sip:a@b>;a=b c",
                          "<sip:a@b>;a=<x>",
                          "sip:a@b c",
                          "a",
                          "**",
                          "<sip:a@b>>",
                          "<sip:a@b>;tag=1,"}) {
    EXPECT_FALSE(parse_name_addr(bad).has_value()) << bad;
  }
}

TEST(NameAddrTest, Wildcard) {
  const NameAddr star = must_parse_address(" * ");
  EXPECT_TRUE(star.wildcard);
  EXPECT_EQ(star.str(), "*");
  EXPECT_FALSE(parse_name_addr("*;expires=0").has_value());
}

TEST(NameAddrTest, OtherSchemes) {
  // RFC 4475 §3.3.4 (unksm2).
  EXPECT_EQ(must_parse_address("isbn:2983792873").uri.opaque, "2983792873");
  EXPECT_EQ(must_parse_address("<http://www.example.com>;tag=3234233").uri.scheme, "http");
  EXPECT_EQ(must_parse_address("<name:John_Smith>").uri.opaque, "John_Smith");
}

TEST(NameAddrTest, ParamEditingAndStr) {
  NameAddr address = must_parse_address("<sip:bob@example.com>");
  EXPECT_EQ(address.tag(), "");
  address.set_param("tag", "xyz");
  address.set_param("expires", "600");
  address.display_name = "Bob \"Q\"\r\n";
  EXPECT_EQ(address.str(), "\"Bob \\\"Q\\\"\" <sip:bob@example.com>;tag=xyz;expires=600");
  address.set_param("TAG", "abc");
  EXPECT_EQ(address.tag(), "abc");
  ASSERT_EQ(address.params.size(), 2u);
  EXPECT_EQ(address.params[0].name, "TAG");
}

}  // namespace
}  // namespace acw::sip
