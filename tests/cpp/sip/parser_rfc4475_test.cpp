// Tests for cpp/sip/parser.cpp against the SIP torture test messages of RFC 4475 (typed in from the
// RFC).
//
// The RFC's messages have CRLF line ends; they are written here with LF and converted. Octets the
// RFC gives in hex (<hex>..</hex>) are written as escapes. Each invalid message is checked to be
// refused by exactly the stage that should refuse it: parse_message, validate_request /
// validate_response, or the typed parser of the faulty header field.
#include <gtest/gtest.h>

#include <string>

#include "sip/headers.hpp"
#include "sip/parser.hpp"
#include "sip/uri.hpp"

namespace acw::sip {
namespace {

using namespace std::string_literals;

std::string wire(std::string_view lf) {
  std::string out;
  out.reserve(lf.size() + lf.size() / 16);
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

Message must_parse(const std::string& text) {
  ParseError error;
  auto message = parse_message(text, &error);
  EXPECT_TRUE(message.has_value()) << error.reason;
  return message.value_or(Message{});
}

std::string parse_failure(const std::string& text) {
  ParseError error;
  EXPECT_FALSE(parse_message(text, &error).has_value());
  return error.reason;
}

// What parses serializes to a message that parses back to the same (Content-Length added when
// the original had none).
void expect_round_trip(const Message& message) {
  Message expected = message;
  if (!expected.has_header("Content-Length")) {
    expected.add_header("Content-Length", std::to_string(expected.body().size()));
  }
  const auto again = parse_message(message.serialize());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, expected);
}

NameAddr address(const Message& message, std::string_view name) {
  auto parsed = parse_name_addr(message.header(name).value_or(""));
  EXPECT_TRUE(parsed.has_value()) << name;
  return parsed.value_or(NameAddr{});
}

// ---- §3.1.1 Valid messages ----

// §3.1.1.1 A Short Tortuous INVITE
const std::string kWsinv = wire(R"sip(INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0
TO :
 sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n
from   : "J Rosenberg \\\""       <sip:jdrosen@example.com>
  ;
  tag = 98asjd8
MaX-fOrWaRdS: 0068
Call-ID: wsinv.ndaksdj@192.0.2.1
Content-Length   : 150
cseq: 0009
  INVITE
Via  : SIP  /   2.0
 /UDP
    192.0.2.2;branch=390skdjuw
s :
NewFangledHeader:   newfangled value
 continued newfangled value
UnknownHeaderWithUnusualValue: ;;,,;;,;
Content-Type: application/sdp
Route:
 <sip:services.example.com;lr;unknownwith=value;unknown-no-value>
v:  SIP  / 2.0  / TCP     spindle.example.com   ;
  branch  =   z9hG4bK9ikj8  ,
 SIP  /    2.0   / UDP  192.168.255.111   ; branch=
 z9hG4bK30239
m:"Quoted string \"\"" <sip:jdrosen@example.com> ; newparam =
      newvalue ;
  secondparam ; q = 0.33

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.3
s=-
c=IN IP4 192.0.2.4
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475ValidTest, Wsinv) {
  const Message message = must_parse(kWsinv);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.method(), "INVITE");
  const auto uri = parse_uri(message.request_uri());
  ASSERT_TRUE(uri.has_value());
  EXPECT_EQ(uri->param("unknownparam"), "");
  const NameAddr to = address(message, "To");
  EXPECT_EQ(to.display_name, "");
  EXPECT_EQ(to.uri.str(), "sip:vivekg@chair-dnrc.example.com");
  EXPECT_EQ(to.tag(), "1918181833n");
  const NameAddr from = address(message, "From");
  EXPECT_EQ(from.display_name, "J Rosenberg \\\"");
  EXPECT_EQ(from.tag(), "98asjd8");
  EXPECT_EQ(parse_uint(*message.header("Max-Forwards")), 68u);
  EXPECT_EQ(parse_cseq(*message.header("CSeq")), (CSeq{9, "INVITE"}));
  EXPECT_EQ(message.header("Subject"), "");
  EXPECT_EQ(message.header("NewFangledHeader"), "newfangled value continued newfangled value");
  EXPECT_EQ(message.header("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
  const NameAddr route = address(message, "Route");
  EXPECT_EQ(route.uri.params.size(), 3u);
  EXPECT_EQ(route.uri.param("unknownwith"), "value");

  const auto vias = message.header_values("Via");
  ASSERT_EQ(vias.size(), 3u);
  const auto via0 = parse_via(vias[0]);
  const auto via1 = parse_via(vias[1]);
  const auto via2 = parse_via(vias[2]);
  ASSERT_TRUE(via0 && via1 && via2);
  EXPECT_EQ(via0->transport, "UDP");
  EXPECT_EQ(via0->host, "192.0.2.2");
  EXPECT_EQ(via0->branch(), "390skdjuw");
  EXPECT_EQ(via1->transport, "TCP");
  EXPECT_EQ(via1->host, "spindle.example.com");
  EXPECT_EQ(via1->branch(), "z9hG4bK9ikj8");
  EXPECT_EQ(via2->host, "192.168.255.111");
  EXPECT_EQ(via2->branch(), "z9hG4bK30239");

  const auto contacts = message.header_values("Contact");
  ASSERT_EQ(contacts.size(), 1u);
  const NameAddr contact = address(message, "Contact");
  EXPECT_EQ(contact.display_name, "Quoted string \"\"");
  ASSERT_EQ(contact.params.size(), 3u);
  EXPECT_EQ(contact.param("newparam"), "newvalue");
  EXPECT_EQ(contact.param("secondparam"), "");
  EXPECT_EQ(contact.param("q"), "0.33");
  EXPECT_EQ(message.body().size(), 150u);
  expect_round_trip(message);
}

// §3.1.1.2 Wide Range of Valid Characters
const std::string kIntmeth = wire(
    "!interesting-Method0123456789_*+`.%indeed'~ "
    "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
    "(doesn't-it)@example.com SIP/2.0\n"
    "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\n"
    "To: \"BEL:\\\x07 NUL:\\\0 DEL:\\\x7f\" "
    "<sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\n"
    "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%="
    "\"\xd1\x80\xd0\xb0\xd0\xb1\xd0\xbe\xd1\x82\xd0\xb0\xd1\x8e\xd1\x89\xd0\xb8\xd0\xb9\""
    ";tag=_token~1'+`*%!-.\n"
    "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\n"
    "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\n"
    "Max-Forwards: 255\n"
    "extensionHeader-!.%*+_`'~:\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb\n"
    "Content-Length: 0\n"
    "\n"s);

TEST(Rfc4475ValidTest, Intmeth) {
  const Message message = must_parse(kIntmeth);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.method(), "!interesting-Method0123456789_*+`.%indeed'~");
  const auto uri = parse_uri(message.request_uri());
  ASSERT_TRUE(uri.has_value());
  EXPECT_EQ(uri->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(uri->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(uri->host, "example.com");
  const auto via = parse_via(*message.header("Via"));
  ASSERT_TRUE(via.has_value());
  EXPECT_EQ(via->branch(), "z9hG4bK-.!%66*_+`'~");
  const NameAddr to = address(message, "To");
  EXPECT_EQ(to.display_name, "BEL:\x07 NUL:\0 DEL:\x7f"s);
  EXPECT_EQ(to.uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  const NameAddr from = address(message, "From");
  EXPECT_EQ(from.display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(from.tag(), "_token~1'+`*%!-.");
  EXPECT_EQ(from.param("fromParam''~+*_!.-%"),
            "\"\xd1\x80\xd0\xb0\xd0\xb1\xd0\xbe\xd1\x82\xd0\xb0\xd1\x8e\xd1\x89\xd0\xb8\xd0\xb9\"");
  EXPECT_EQ(message.call_id(), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(parse_cseq(*message.header("CSeq"))->number, 139122385u);
  EXPECT_EQ(message.header("extensionHeader-!.%*+_`'~"),
            "\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb");
  expect_round_trip(message);
}

// §3.1.1.3 Valid Use of the % Escaping Mechanism
const std::string kEsc01 = wire(R"sip(INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0
To: sip:%75se%72@example.com
From: <sip:I%20have%20spaces@example.net>;tag=938
Max-Forwards: 87
i: esc01.239409asdfakjkn23onasd0-3234
CSeq: 234234 INVITE
Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw
C: application/sdp
Contact:
  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>
Content-Length: 150

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475ValidTest, Esc01) {
  const Message message = must_parse(kEsc01);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(parse_uri(message.request_uri())->user, "sips:user@example.com");
  EXPECT_EQ(address(message, "To").uri.user, "user");
  EXPECT_EQ(address(message, "From").uri.user, "I have spaces");
  EXPECT_EQ(message.call_id(), "esc01.239409asdfakjkn23onasd0-3234");
  EXPECT_EQ(message.header("Content-Type"), "application/sdp");
  const NameAddr contact = address(message, "Contact");
  EXPECT_EQ(contact.uri.user, "caller");
  EXPECT_EQ(contact.uri.param("lr"), "");
  EXPECT_EQ(contact.uri.param("name"), "value%41");
  expect_round_trip(message);
}

// §3.1.1.4 Escaped Nulls in URIs
const std::string kEscnull = wire(R"sip(REGISTER sip:example.com SIP/2.0
To: sip:null-%00-null@example.com
From: sip:null-%00-null@example.com;tag=839923423
Max-Forwards: 70
Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd
CSeq: 14398234 REGISTER
Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw
Contact: <sip:%00@host5.example.com>
Contact: <sip:%00%00@host5.example.com>
L:0

)sip");

TEST(Rfc4475ValidTest, Escnull) {
  const Message message = must_parse(kEscnull);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(address(message, "To").uri.user, "null-\0-null"s);
  EXPECT_EQ(address(message, "From").tag(), "839923423");
  const auto contacts = message.header_values("Contact");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(parse_name_addr(contacts[0])->uri.user, "\0"s);
  EXPECT_EQ(parse_name_addr(contacts[1])->uri.user, "\0\0"s);
  EXPECT_EQ(message.header("Content-Length"), "0");
  expect_round_trip(message);
}

// §3.1.1.5 Use of % When It Is Not an Escape
const std::string kEsc02 = wire(R"sip(RE%47IST%45R sip:registrar.example.com SIP/2.0
To: "%Z%45" <sip:resource@example.com>
From: "%Z%45" <sip:resource@example.com>;tag=f232jadfj23
Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf
Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234
CSeq: 29344 RE%47IST%45R
Max-Forwards: 70
Contact: <sip:alias1@host1.example.com>
C%6Fntact: <sip:alias2@host2.example.com>
Contact: <sip:alias3@host3.example.com>
l: 0

)sip");

TEST(Rfc4475ValidTest, Esc02) {
  const Message message = must_parse(kEsc02);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.method(), "RE%47IST%45R");
  EXPECT_EQ(address(message, "To").display_name, "%Z%45");
  EXPECT_EQ(parse_via(*message.header("Via"))->branch(), "z9hG4bK209%fzsnel234");
  const auto contacts = message.header_values("Contact");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[1], "<sip:alias3@host3.example.com>");
  EXPECT_EQ(message.header("C%6Fntact"), "<sip:alias2@host2.example.com>");
  expect_round_trip(message);
}

// §3.1.1.6 No LWS between Display Name and <
const std::string kLwsdisp = wire(R"sip(OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: caller<sip:caller@example.com>;tag=323
Max-Forwards: 70
Call-ID: lwsdisp.1234abcd@funky.example.com
CSeq: 60 OPTIONS
Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw
l: 0

)sip");

TEST(Rfc4475ValidTest, Lwsdisp) {
  const Message message = must_parse(kLwsdisp);
  EXPECT_EQ(validate_request(message), "");
  const NameAddr from = address(message, "From");
  EXPECT_EQ(from.display_name, "caller");
  EXPECT_EQ(from.tag(), "323");
  expect_round_trip(message);
}

// §3.1.1.7 Long Values in Header Fields
const std::string kLongreq = wire(R"sip(INVITE sip:user@example.com SIP/2.0
To: "I have a user name of extremeextremeextremeextremeextremeextremeextremeextremeextremeextreme proportion"<sip:user@example.com:6000;unknownparam1=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongvalue;longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename=shortvalue;verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue>
F: sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername@example.net;tag=12982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982424;unknownheaderparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename=unknowheaderparamvaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevalue;unknownValuelessparamnameparamnameparamnameparamnameparamnameparamnameparamnameparamnameparamnameparamname
Call-ID: longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallylongcallid
CSeq: 3882340 INVITE
Unknown-LongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLong-Name: unknown-longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong-value; unknown-longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong-parameter-name = unknown-longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong-parameter-value
Via: SIP/2.0/TCP sip33.example.com
v: SIP/2.0/TCP sip32.example.com
V: SIP/2.0/TCP sip31.example.com
Via: SIP/2.0/TCP sip30.example.com
ViA: SIP/2.0/TCP sip29.example.com
VIa: SIP/2.0/TCP sip28.example.com
VIA: SIP/2.0/TCP sip27.example.com
via: SIP/2.0/TCP sip26.example.com
viA: SIP/2.0/TCP sip25.example.com
vIa: SIP/2.0/TCP sip24.example.com
vIA: SIP/2.0/TCP sip23.example.com
V :  SIP/2.0/TCP sip22.example.com
v :  SIP/2.0/TCP sip21.example.com
V  : SIP/2.0/TCP sip20.example.com
v  : SIP/2.0/TCP sip19.example.com
Via : SIP/2.0/TCP sip18.example.com
Via  : SIP/2.0/TCP sip17.example.com
Via: SIP/2.0/TCP sip16.example.com
Via: SIP/2.0/TCP sip15.example.com
Via: SIP/2.0/TCP sip14.example.com
Via: SIP/2.0/TCP sip13.example.com
Via: SIP/2.0/TCP sip12.example.com
Via: SIP/2.0/TCP sip11.example.com
Via: SIP/2.0/TCP sip10.example.com
Via: SIP/2.0/TCP sip9.example.com
Via: SIP/2.0/TCP sip8.example.com
Via: SIP/2.0/TCP sip7.example.com
Via: SIP/2.0/TCP sip6.example.com
Via: SIP/2.0/TCP sip5.example.com
Via: SIP/2.0/TCP sip4.example.com
Via: SIP/2.0/TCP sip3.example.com
Via: SIP/2.0/TCP sip2.example.com
Via: SIP/2.0/TCP sip1.example.com
Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongbranchvalue
Max-Forwards: 70
Contact: <sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername@host5.example.net>
Content-Type: application/sdp
l: 150

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475ValidTest, Longreq) {
  const Message message = must_parse(kLongreq);
  EXPECT_EQ(validate_request(message), "");
  const NameAddr to = address(message, "To");
  EXPECT_EQ(to.display_name,
            "I have a user name of "
            "extremeextremeextremeextremeextremeextremeextremeextremeextremeextreme proportion");
  EXPECT_EQ(to.uri.port, 6000);
  EXPECT_EQ(to.uri.params.size(), 3u);
  const NameAddr from = address(message, "From");
  EXPECT_EQ(from.params.size(), 3u);
  EXPECT_EQ(from.tag().size(), 155u);
  const auto vias = message.header_values("Via");
  ASSERT_EQ(vias.size(), 34u);
  for (std::size_t i = 0; i < 33; ++i) {
    const auto via = parse_via(vias[i]);
    ASSERT_TRUE(via.has_value()) << vias[i];
    EXPECT_EQ(via->host, std::string("sip").append(std::to_string(33 - i)).append(".example.com"));
  }
  const auto last = parse_via(vias[33]);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->param("received"), "192.0.2.5");
  EXPECT_EQ(last->branch().size(), 215u);
  EXPECT_EQ(message.body().size(), 150u);
  expect_round_trip(message);
}

// §3.1.1.8 Extra Trailing Octets in a UDP Datagram. Over UDP (§18.3) the octets after
// Content-Length are dropped; one WebSocket frame carries exactly one message (RFC 7118), so
// here the frame is refused, and the REGISTER alone is valid.
const std::string kDblreqRegister = wire(R"sip(REGISTER sip:example.com SIP/2.0
To: sip:j.user@example.com
From: sip:j.user@example.com;tag=43251j3j324
Max-Forwards: 8
I: dblreq.0ha0isndaksdj99sdfafnl3lk233412
Contact: sip:j.user@host.example.com
CSeq: 8 REGISTER
Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492
Content-Length: 0

)sip");
const std::string kDblreq = kDblreqRegister + wire(R"sip(INVITE sip:joe@example.com SIP/2.0
t: sip:joe@example.com
From: sip:caller@example.net;tag=141334
Max-Forwards: 8
Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15
CSeq: 8 INVITE
Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234
Content-Type: application/sdp
Content-Length: 150

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.15
s=-
c=IN IP4 192.0.2.15
t=0 0
m=audio 49217 RTP/AVP 0 12
m =video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475ValidTest, DblreqIsOneMessageTooManyForAFrame) {
  EXPECT_EQ(parse_failure(kDblreq), "body longer than Content-Length");
  const Message message = must_parse(kDblreqRegister);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.call_id(), "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
  EXPECT_EQ(address(message, "Contact").uri.host, "host.example.com");
  expect_round_trip(message);
}

// §3.1.1.9 Semicolon-Separated Parameters in URI User Part
const std::string kSemiuri = wire(R"sip(OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0
To: sip:j_user@example.com
From: sip:caller@example.org;tag=33242
Max-Forwards: 3
Call-ID: semiuri.0ha0isndaksdj
CSeq: 8 OPTIONS
Accept: application/sdp, application/pkcs7-mime,
        multipart/mixed, multipart/signed,
        message/sip, message/sipfrag
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw
l: 0

)sip");

TEST(Rfc4475ValidTest, Semiuri) {
  const Message message = must_parse(kSemiuri);
  EXPECT_EQ(validate_request(message), "");
  const auto uri = parse_uri(message.request_uri());
  ASSERT_TRUE(uri.has_value());
  EXPECT_EQ(uri->user, "user;par=u@example.net");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_TRUE(uri->params.empty());
  EXPECT_EQ(
      message.header_values("Accept"),
      (std::vector<std::string_view>{"application/sdp", "application/pkcs7-mime", "multipart/mixed",
                                     "multipart/signed", "message/sip", "message/sipfrag"}));
  expect_round_trip(message);
}

// §3.1.1.10 Varied and Unknown Transport Types
const std::string kTransports = wire(R"sip(OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: <sip:caller@example.com>;tag=323
Max-Forwards: 70
Call-ID:  transports.kijh4akdnaqjkwendsasfdj
Accept: application/sdp
CSeq: 60 OPTIONS
Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw
Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf
Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj
Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en
Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee
l: 0

)sip");

TEST(Rfc4475ValidTest, Transports) {
  const Message message = must_parse(kTransports);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.call_id(), "transports.kijh4akdnaqjkwendsasfdj");
  const auto vias = message.header_values("Via");
  ASSERT_EQ(vias.size(), 5u);
  const char* transports[] = {"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"};
  for (std::size_t i = 0; i < 5; ++i) {
    const auto via = parse_via(vias[i]);
    ASSERT_TRUE(via.has_value());
    EXPECT_EQ(via->transport, transports[i]);
    EXPECT_EQ(via->host, std::string("t").append(std::to_string(i + 1)).append(".example.com"));
  }
  expect_round_trip(message);
}

// §3.1.1.11 Multipart MIME Message. The RFC's second body part is a DER blob given in hex; a
// stand-in of the same length with NUL, CR and LF octets takes its place, so that the body
// keeps the RFC's 553 octets and the framing is exercised the same way.
std::string mpart01() {
  std::string message = wire(R"sip(MESSAGE sip:kumiko@example.org SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport
Max-Forwards: 70
Route: <sip:127.0.0.1:5080>
Identity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=
Contact: <sip:fluffy@127.0.0.1:5070>
To: <sip:kumiko@example.org>
From: <sip:fluffy@example.com>;tag=2fb0dcc9
Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..
CSeq: 1 MESSAGE
Content-Transfer-Encoding: binary
Content-Type: multipart/mixed;boundary=7a9cbec02ceef655
Date: Sat, 15 Oct 2005 04:44:56 GMT
User-Agent: SIPimp.org/0.2.5 (curses)
Content-Length: 553

--7a9cbec02ceef655
Content-Type: text/plain
Content-Transfer-Encoding: binary

Hello
--7a9cbec02ceef655
Content-Type: application/octet-stream
Content-Transfer-Encoding: binary

)sip");
  const std::string tail = wire("\n--7a9cbec02ceef655--\n");
  const std::size_t body_start = message.find("\r\n\r\n") + 4;
  const std::size_t binary_size = 553 - (message.size() - body_start) - tail.size();
  for (std::size_t i = 0; i < binary_size; ++i) message += static_cast<char>((i * 37 + 13) % 256);
  return message + tail;
}

TEST(Rfc4475ValidTest, Mpart01) {
  const std::string text = mpart01();
  const Message message = must_parse(text);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.body().size(), 553u);
  EXPECT_NE(message.body().find('\0'), std::string_view::npos);
  const auto via = parse_via(*message.header("Via"));
  ASSERT_TRUE(via.has_value());
  EXPECT_EQ(via->port, 5070);
  EXPECT_EQ(via->param("rport"), "");
  EXPECT_EQ(address(message, "Route").uri.port, 5080);
  EXPECT_EQ(parse_date(*message.header("Date")), (SipDate{6, 15, 10, 2005, 4, 44, 56}));
  EXPECT_EQ(message.serialize(), text);
  expect_round_trip(message);
}

// §3.1.1.12 Unusual Reason Phrase
const std::string kUnreason = wire(
    "SIP/2.0 200 = 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe "
    "\xd0\xb4\xd0\xb5\xd0\xb2\xd1\x8f\xd0\xbd\xd0\xbe\xd1\x81\xd1\x82\xd0\xbe "
    "\xd0\xb4\xd0\xb5\xd0\xb2\xd1\x8f\xd1\x82\xd1\x8c - "
    "\xd0\xbf\xd1\x80\xd0\xbe\xd1\x81\xd1\x82\xd0\xbe\xd0\xb5\n" +
    std::string(R"sip(Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923
Call-ID: unreason.1234ksdfak3j2erwedfsASdf
CSeq: 35 INVITE
From: sip:user@example.com;tag=11141343
To: sip:user@example.edu;tag=2229
Content-Length: 154
Content-Type: application/sdp
Contact: <sip:user@host198.example.com>

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.198
s=-
c=IN IP4 192.0.2.198
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip"));

TEST(Rfc4475ValidTest, Unreason) {
  const Message message = must_parse(kUnreason);
  EXPECT_EQ(validate_response(message), "");
  EXPECT_EQ(message.status(), 200);
  EXPECT_EQ(message.reason(),
            "= 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe "
            "\xd0\xb4\xd0\xb5\xd0\xb2\xd1\x8f\xd0\xbd\xd0\xbe\xd1\x81\xd1\x82\xd0\xbe "
            "\xd0\xb4\xd0\xb5\xd0\xb2\xd1\x8f\xd1\x82\xd1\x8c - "
            "\xd0\xbf\xd1\x80\xd0\xbe\xd1\x81\xd1\x82\xd0\xbe\xd0\xb5");
  EXPECT_EQ(message.body().size(), 154u);
  EXPECT_EQ(message.serialize(), kUnreason);
  expect_round_trip(message);
}

// §3.1.1.13 Empty Reason Phrase (the SP after the code is there)
const std::string kNoreason = wire(
    "SIP/2.0 100 \n"
    "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
    "Call-ID: noreason.asndj203insdf99223ndf\n"
    "CSeq: 35 INVITE\n"
    "From: <sip:user@example.com>;tag=39ansfi3\n"
    "To: <sip:user@example.edu>;tag=902jndnke3\n"
    "Content-Length: 0\n"
    "Contact: <sip:user@host105.example.com>\n"
    "\n");

TEST(Rfc4475ValidTest, Noreason) {
  const Message message = must_parse(kNoreason);
  EXPECT_EQ(validate_response(message), "");
  EXPECT_EQ(message.status(), 100);
  EXPECT_EQ(message.reason(), "");
  EXPECT_EQ(message.serialize(), kNoreason);
  expect_round_trip(message);
}

// ---- §3.1.2 Invalid messages ----

// §3.1.2.1 Extraneous Header Field Separators
const std::string kBadinv01 = wire(R"sip(INVITE sip:user@example.com SIP/2.0
To: sip:j.user@example.com
From: sip:caller@example.net;tag=134161461246
Max-Forwards: 7
Call-ID: badinv01.0ha0isndaksdjasdf3234nas
CSeq: 8 INVITE
Via: SIP/2.0/UDP 192.0.2.15;;,;,,
Contact: "Joe" <sip:joe@example.org>;;;;
Content-Length: 152
Content-Type: application/sdp

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.15
s=-
c=IN IP4 192.0.2.15
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, Badinv01RefusedByValidationAndTheTypedParsers) {
  const Message message = must_parse(kBadinv01);
  EXPECT_EQ(validate_request(message), "bad Via");
  const auto vias = message.header_values("Via");
  ASSERT_EQ(vias.size(), 2u);
  EXPECT_EQ(vias[0], "SIP/2.0/UDP 192.0.2.15;;");
  EXPECT_FALSE(parse_via(vias[0]).has_value());
  EXPECT_FALSE(parse_via(vias[1]).has_value());
  EXPECT_FALSE(parse_name_addr(*message.header("Contact")).has_value());
}

// §3.1.2.2 Content Length Larger Than Message
const std::string kClerr = wire(R"sip(INVITE sip:user@example.com SIP/2.0
Max-Forwards: 80
To: sip:j.user@example.com
From: sip:caller@example.net;tag=93942939o2
Contact: <sip:caller@hungry.example.net>
Call-ID: clerr.0ha0isndaksdjweiafasdk3
CSeq: 8 INVITE
Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523
Content-Type: application/sdp
Content-Length: 9999

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.155
s=-
c=IN IP4 192.0.2.155
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, ClerrRefusedByTheParser) {
  ParseError error;
  EXPECT_FALSE(parse_message(kClerr, &error).has_value());
  EXPECT_EQ(error.reason, "body shorter than Content-Length");
  EXPECT_TRUE(error.is_request);
  EXPECT_EQ(error.method, "INVITE");
  EXPECT_EQ(error.status, 400);
}

// §3.1.2.3 Negative Content-Length
const std::string kNcl = wire(R"sip(INVITE sip:user@example.com SIP/2.0
Max-Forwards: 254
To: sip:j.user@example.com
From: sip:caller@example.net;tag=32394234
Call-ID: ncl.0ha0isndaksdj2193423r542w35
CSeq: 0 INVITE
Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw
Contact: <sip:caller@example53.example.net>
Content-Type: application/sdp
Content-Length: -999

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.53
s=-
c=IN IP4 192.0.2.53
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, NclRefusedByTheParser) {
  EXPECT_EQ(parse_failure(kNcl), "bad Content-Length");
}

// §3.1.2.4 Request Scalar Fields with Overlarge Values
const std::string kScalar02 = wire(R"sip(REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3
To: <sip:user@example.com>
From: <sip:user@example.com>;tag=239232jh3
CSeq: 36893488147419103232 REGISTER
Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32
Max-Forwards: 300
Expires: 10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
Contact: <sip:user@host129.example.com>
  ;expires=280297596632815
Content-Length: 0

)sip");

TEST(Rfc4475InvalidTest, Scalar02RefusedByValidationAndTheTypedParsers) {
  const Message message = must_parse(kScalar02);
  EXPECT_EQ(validate_request(message), "bad CSeq");
  EXPECT_FALSE(parse_cseq(*message.header("CSeq")).has_value());
  EXPECT_FALSE(parse_uint(*message.header("Expires")).has_value());
  const NameAddr contact = address(message, "Contact");
  EXPECT_FALSE(parse_uint(contact.param("expires").value_or("")).has_value());
  // With the CSeq repaired, Max-Forwards is what is refused.
  Message repaired = message;
  repaired.set_header("CSeq", "1 REGISTER");
  EXPECT_EQ(validate_request(repaired), "bad Max-Forwards");
}

// §3.1.2.5 Response Scalar Fields with Overlarge Values
const std::string kScalarlg = wire(R"sip(SIP/2.0 503 Service Unavailable
Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129
To: <sip:user@example.com>
From: <sip:other@example.net>;tag=2easdjfejw
CSeq: 9292394834772304023312 OPTIONS
Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r
Retry-After: 949302838503028349304023988
Warning: 1812 overture "In Progress"
Content-Length: 0

)sip");

TEST(Rfc4475InvalidTest, ScalarlgRefusedByValidation) {
  const Message message = must_parse(kScalarlg);
  EXPECT_EQ(validate_response(message), "bad CSeq");
  EXPECT_FALSE(parse_uint(*message.header("Retry-After")).has_value());
}

// §3.1.2.6 Unterminated Quoted String in Display Name
const std::string kQuotbal = wire(R"sip(INVITE sip:user@example.com SIP/2.0
To: "Mr. J. User <sip:j.user@example.com>
From: sip:caller@example.net;tag=93334
Max-Forwards: 10
Call-ID: quotbal.aksdj
Contact: <sip:caller@host59.example.net>
CSeq: 8 INVITE
Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234
Content-Type: application/sdp
Content-Length: 152

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.15
s=-
c=IN IP4 192.0.2.15
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, QuotbalRefusedByValidation) {
  const Message message = must_parse(kQuotbal);
  EXPECT_EQ(validate_request(message), "bad To");
  EXPECT_FALSE(parse_name_addr(*message.header("To")).has_value());
}

// §3.1.2.7 <> Enclosing Request-URI
const std::string kLtgtruri = wire(R"sip(INVITE <sip:user@example.com> SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=39291
Max-Forwards: 23
Call-ID: ltgtruri.1@192.0.2.5
CSeq: 1 INVITE
Via: SIP/2.0/UDP 192.0.2.5
Contact: <sip:caller@host5.example.net>
Content-Type: application/sdp
Content-Length: 159

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.5
s=-
c=IN IP4 192.0.2.5
t=3149328700 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, LtgtruriRefusedByTheParser) {
  EXPECT_EQ(parse_failure(kLtgtruri), "bad Request-URI");
  // The rest of the message is fine.
  const std::string fixed = kLtgtruri.substr(0, 6) + " sip:user@example.com" +
                            kLtgtruri.substr(kLtgtruri.find(" SIP/2.0"));
  const Message message = must_parse(fixed);
  EXPECT_EQ(validate_request(message), "");
}

// §3.1.2.8 Malformed SIP Request-URI (embedded LWS)
const std::string kLwsruri = wire(R"sip(INVITE sip:user@example.com; lr SIP/2.0
To: sip:user@example.com;tag=3xfe-9921883-z9f
From: sip:caller@example.net;tag=231413434
Max-Forwards: 5
Call-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423
CSeq: 2130706432 INVITE
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395
Contact: <sip:caller@host1.example.net>
Content-Type: application/sdp
Content-Length: 159

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=3149328700 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, LwsruriRefusedByTheParser) {
  EXPECT_EQ(parse_failure(kLwsruri), "bad request line");
}

// §3.1.2.9 Multiple SP Separating Request-Line Elements
const std::string kLwsstart = wire(R"sip(INVITE  sip:user@example.com  SIP/2.0
Max-Forwards: 8
To: sip:user@example.com
From: sip:caller@example.net;tag=8814
Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com
CSeq: 1893884 INVITE
Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923
Contact: <sip:caller@host1.example.net>
Content-Type: application/sdp
Content-Length: 150

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, LwsstartRefusedByTheParser) {
  EXPECT_EQ(parse_failure(kLwsstart), "bad request line");
}

// §3.1.2.10 SP Characters at End of Request-Line
const std::string kTrws = wire(
    "OPTIONS sip:remote-target@example.com SIP/2.0  \n"
    "Via: SIP/2.0/TCP host1.examle.com;branch=z9hG4bK299342093\n"
    "To: <sip:remote-target@example.com>\n"
    "From: <sip:local-resource@example.com>;tag=329429089\n"
    "Call-ID: trws.oicu34958239neffasdhr2345r\n"
    "Accept: application/sdp\n"
    "CSeq: 238923 OPTIONS\n"
    "Max-Forwards: 70\n"
    "Content-Length: 0\n"
    "\n");

TEST(Rfc4475InvalidTest, TrwsRefusedByTheParser) {
  EXPECT_EQ(parse_failure(kTrws), "bad request line");
}

// §3.1.2.11 Escaped Headers in SIP Request-URI
const std::string kEscruri =
    wire(R"sip(INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=341518
Max-Forwards: 7
Contact: <sip:caller@host39923.example.net>
Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5
CSeq: 149209342 INVITE
Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw
Content-Type: application/sdp
Content-Length: 150

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
s=-
c=IN IP4 192.0.2.1
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, EscruriRefusedByValidation) {
  const Message message = must_parse(kEscruri);
  EXPECT_EQ(validate_request(message), "Request-URI has headers");
  EXPECT_EQ(parse_uri(message.request_uri())->headers.size(), 1u);
}

// §3.1.2.12 Invalid Time Zone in Date Header Field
const std::string kBaddate = wire(R"sip(INVITE sip:user@example.com SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=2234923
Max-Forwards: 70
Call-ID: baddate.239423mnsadf3j23lj42--sedfnm234
CSeq: 1392934 INVITE
Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw
Date: Fri, 01 Jan 2010 16:00:00 EST
Contact: <sip:caller@host5.example.net>
Content-Type: application/sdp
Content-Length: 150

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.5
s=-
c=IN IP4 192.0.2.5
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, BaddateRefusedByTheDateParserOnly) {
  // The RFC: reject only if the Date matters to the element; it never does to ours.
  const Message message = must_parse(kBaddate);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_FALSE(parse_date(*message.header("Date")).has_value());
}

// §3.1.2.13 Failure to Enclose name-addr URI in <>
const std::string kRegbadct = wire(R"sip(REGISTER sip:example.com SIP/2.0
To: sip:user@example.com
From: sip:user@example.com;tag=998332
Max-Forwards: 70
Call-ID: regbadct.k345asrl3fdbv@10.0.0.1
CSeq: 1 REGISTER
Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw
Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E
l: 0

)sip");

TEST(Rfc4475InvalidTest, RegbadctRefusedByTheNameAddrParser) {
  const Message message = must_parse(kRegbadct);
  EXPECT_EQ(validate_request(message), "");  // Contact is the registrar's business
  EXPECT_FALSE(parse_name_addr(*message.header("Contact")).has_value());
}

// §3.1.2.14 Spaces within addr-spec
const std::string kBadaspec = wire(R"sip(OPTIONS sip:user@example.org SIP/2.0
Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234
Max-Forwards: 70
From: "Bell, Alexander" <sip:a.g.bell@example.com>;tag=433423
To: "Watson, Thomas" < sip:t.watson@example.org >
Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3
Accept: application/sdp
CSeq: 3923239 OPTIONS
l: 0

)sip");

TEST(Rfc4475InvalidTest, BadaspecRefusedByValidation) {
  const Message message = must_parse(kBadaspec);
  EXPECT_EQ(validate_request(message), "bad To");
  EXPECT_FALSE(parse_name_addr(*message.header("To")).has_value());
  EXPECT_EQ(address(message, "From").display_name, "Bell, Alexander");
}

// §3.1.2.15 Non-token Characters in Display Name
const std::string kBaddn = wire(R"sip(OPTIONS sip:t.watson@example.org SIP/2.0
Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw
Max-Forwards:      70
From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43
To:      Watson, Thomas <sip:t.watson@example.org>
Call-ID: baddn.31415@c.example.com
Accept: application/sdp
CSeq:    3923239 OPTIONS
l: 0

)sip");

TEST(Rfc4475InvalidTest, BaddnRefusedByValidation) {
  const Message message = must_parse(kBaddn);
  EXPECT_EQ(validate_request(message), "bad To");
  EXPECT_FALSE(parse_name_addr(*message.header("To")).has_value());
  EXPECT_FALSE(parse_name_addr(*message.header("From")).has_value());
}

// §3.1.2.16 Unknown Protocol Version
const std::string kBadvers = wire(R"sip(OPTIONS sip:t.watson@example.org SIP/7.0
Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw
Max-Forwards:     70
From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe
To:      T. Watson <sip:t.watson@example.org>
Call-ID: badvers.31417@c.example.com
CSeq:    1 OPTIONS
l: 0

)sip");

TEST(Rfc4475InvalidTest, BadversRefusedByTheParserWith505) {
  ParseError error;
  EXPECT_FALSE(parse_message(kBadvers, &error).has_value());
  EXPECT_EQ(error.reason, "unsupported SIP version");
  EXPECT_EQ(error.status, 505);
  EXPECT_TRUE(error.is_request);
  EXPECT_EQ(error.method, "OPTIONS");
}

// §3.1.2.17 Start Line and CSeq Method Mismatch
const std::string kMismatch01 = wire(R"sip(OPTIONS sip:user@example.com SIP/2.0
To: sip:j.user@example.com
From: sip:caller@example.net;tag=34525
Max-Forwards: 6
Call-ID: mismatch01.dj0234sxdfl3
CSeq: 8 INVITE
Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw
l: 0

)sip");

TEST(Rfc4475InvalidTest, Mismatch01RefusedByValidation) {
  EXPECT_EQ(validate_request(must_parse(kMismatch01)), "CSeq method does not match the request");
}

// §3.1.2.18 Unknown Method with CSeq Method Mismatch
const std::string kMismatch02 = wire(R"sip(NEWMETHOD sip:user@example.com SIP/2.0
To: sip:j.user@example.com
From: sip:caller@example.net;tag=34525
Max-Forwards: 6
Call-ID: mismatch02.dj0234sxdfl3
CSeq: 8 INVITE
Contact: <sip:caller@host.example.net>
Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw
Content-Type: application/sdp
l: 138

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
c=IN IP4 192.0.2.1
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, Mismatch02RefusedByValidation) {
  const Message message = must_parse(kMismatch02);
  EXPECT_EQ(message.method(), "NEWMETHOD");
  EXPECT_EQ(validate_request(message), "CSeq method does not match the request");
}

// §3.1.2.19 Overlarge Response Code
const std::string kBigcode = wire(R"sip(SIP/2.0 4294967301 better not break the receiver
Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe
Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i
CSeq: 353494 INVITE
From: <sip:user@example.com>;tag=39ansfi3
To: <sip:user@example.edu>;tag=902jndnke3
Content-Length: 0
Contact: <sip:user@host105.example.com>

)sip");

TEST(Rfc4475InvalidTest, BigcodeRefusedByTheParser) {
  ParseError error;
  EXPECT_FALSE(parse_message(kBigcode, &error).has_value());
  EXPECT_EQ(error.reason, "bad status line");
  EXPECT_FALSE(error.is_request);
}

// ---- §3.2 Transaction layer semantics ----

// §3.2.1 Missing Transaction Identifier
const std::string kBadbranch = wire(R"sip(OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: sip:caller@example.org;tag=33242
Max-Forwards: 3
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK
Accept: application/sdp
Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n
CSeq: 8 OPTIONS
l: 0

)sip");

TEST(Rfc4475InvalidTest, BadbranchRefusedByValidation) {
  const Message message = must_parse(kBadbranch);
  EXPECT_EQ(parse_via(*message.header("Via"))->branch(), "z9hG4bK");
  EXPECT_EQ(validate_request(message), "branch without a transaction id");
}

// ---- §3.3 Application layer semantics ----

// §3.3.1 Missing Required Header Fields
const std::string kInsuf = wire(R"sip(INVITE sip:user@example.com SIP/2.0
CSeq: 193942 INVITE
Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf
Content-Type: application/sdp
l: 152

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.95
s=-
c=IN IP4 192.0.2.95
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475InvalidTest, InsufRefusedByValidation) {
  EXPECT_EQ(validate_request(must_parse(kInsuf)), "missing To");
}

// §3.3.2 Request-URI with Unknown Scheme
const std::string kUnkscm = wire(R"sip(OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=384
Max-Forwards: 3
Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34
CSeq: 3923423 OPTIONS
Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234
Content-Length: 0

)sip");

TEST(Rfc4475InvalidTest, UnkscmRefusedByValidation) {
  const Message message = must_parse(kUnkscm);
  const auto uri = parse_uri(message.request_uri());
  ASSERT_TRUE(uri.has_value());
  EXPECT_EQ(uri->scheme, "nobodyknowsthisscheme");
  EXPECT_EQ(uri->opaque, "totallyopaquecontent");
  EXPECT_EQ(validate_request(message), "unsupported URI scheme");
}

// §3.3.3 Request-URI with Known but Atypical Scheme
const std::string kNovelsc = wire(R"sip(OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=384
Max-Forwards: 3
Call-ID: novelsc.asdfasser0q239nwsdfasdkl34
CSeq: 3923423 OPTIONS
Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234
Content-Length: 0

)sip");

TEST(Rfc4475InvalidTest, NovelscRefusedByValidation) {
  EXPECT_EQ(validate_request(must_parse(kNovelsc)), "unsupported URI scheme");
}

// §3.3.4 Unknown URI Schemes in Header Fields: valid syntax, the registrar's decision.
const std::string kUnksm2 = wire(R"sip(REGISTER sip:example.com SIP/2.0
To: isbn:2983792873
From: <http://www.example.com>;tag=3234233
Call-ID: unksm2.daksdj@hyphenated-host.example.com
CSeq: 234902 REGISTER
Max-Forwards: 70
Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw
Contact: <name:John_Smith>
l: 0

)sip");

TEST(Rfc4475ApplicationTest, Unksm2Parses) {
  const Message message = must_parse(kUnksm2);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(address(message, "To").uri.scheme, "isbn");
  EXPECT_EQ(address(message, "From").uri.opaque, "//www.example.com");
  EXPECT_EQ(address(message, "Contact").uri.scheme, "name");
  expect_round_trip(message);
}

// §3.3.5 Proxy-Require and Require
const std::string kBext01 = wire(R"sip(OPTIONS sip:user@example.com SIP/2.0
To: sip:j_user@example.com
From: sip:caller@example.net;tag=242etr
Max-Forwards: 6
Call-ID: bext01.0ha0isndaksdj
Require: nothingSupportsThis, nothingSupportsThisEither
Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis
CSeq: 8 OPTIONS
Via: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw
Content-Length: 0

)sip");

TEST(Rfc4475ApplicationTest, Bext01Parses) {
  const Message message = must_parse(kBext01);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.header_values("Require"),
            (std::vector<std::string_view>{"nothingSupportsThis", "nothingSupportsThisEither"}));
  expect_round_trip(message);
}

// §3.3.7 Unknown Authorization Scheme
const std::string kRegaut01 = wire(R"sip(REGISTER sip:example.com SIP/2.0
To: sip:j.user@example.com
From: sip:j.user@example.com;tag=87321hj23128
Max-Forwards: 8
Call-ID: regaut01.0ha0isndaksdj
CSeq: 9338 REGISTER
Via: SIP/2.0/TCP 192.0.2.253;branch=z9hG4bKkdjuw
Authorization: NoOneKnowsThisScheme opaque-data=here
Content-Length:0

)sip");

TEST(Rfc4475ApplicationTest, Regaut01ParsesButIsNoBearerToken) {
  const Message message = must_parse(kRegaut01);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(parse_bearer(*message.header("Authorization")), std::nullopt);
  expect_round_trip(message);
}

// §3.3.8 Multiple Values in Single Value Required Fields (the body ends with an empty line, as
// the RFC's "l: 154" counts)
const std::string kMulti01 = wire(R"sip(INVITE sip:user@company.com SIP/2.0
Contact: <sip:caller@host25.example.net>
Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw
Max-Forwards: 70
CSeq: 5 INVITE
Call-ID: multi01.98asdh@192.0.2.1
CSeq: 59 INVITE
Call-ID: multi01.98asdh@192.0.2.2
From: sip:caller@example.com;tag=3413415
To: sip:user@example.com
To: sip:other@example.net
From: sip:caller@example.net;tag=2923420123
Content-Type: application/sdp
l: 154
Contact: <sip:caller@host36.example.net>
Max-Forwards: 5

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.25
s=-
c=IN IP4 192.0.2.25
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC

)sip");

TEST(Rfc4475InvalidTest, Multi01RefusedByValidation) {
  EXPECT_EQ(validate_request(must_parse(kMulti01)), "more than one To");
}

// §3.3.9 Multiple Content-Length Values
const std::string kMcl01 = wire(R"sip(OPTIONS sip:user@example.com SIP/2.0
Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423
To: sip:user@example.com
From: sip:other@example.net;tag=3923942
Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf
CSeq: 15932 OPTIONS
Content-Length: 13
Max-Forwards: 60
Content-Length: 5
Content-Type: text/plain

There's no way to know how many octets are supposed to be here.
)sip");

TEST(Rfc4475InvalidTest, Mcl01RefusedByTheParser) {
  EXPECT_EQ(parse_failure(kMcl01), "more than one Content-Length");
}

// §3.3.10 Multiple Requests in a Response (a broadcast Via): syntactically fine.
const std::string kBcast = wire(R"sip(SIP/2.0 200 OK
Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923
Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23
Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf
CSeq: 35 INVITE
From: sip:user@example.com;tag=11141343
To: sip:user@example.edu;tag=2229
Content-Length: 154
Content-Type: application/sdp
Contact: <sip:user@host28.example.com>

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.198
s=-
c=IN IP4 192.0.2.198
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
)sip");

TEST(Rfc4475ApplicationTest, BcastParses) {
  const Message message = must_parse(kBcast);
  EXPECT_EQ(validate_response(message), "");
  EXPECT_EQ(message.header_values("Via").size(), 2u);
  expect_round_trip(message);
}

// §3.3.11 Max-Forwards of Zero
const std::string kZeromf = wire(R"sip(OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=3ghsd41
Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas
CSeq: 39234321 OPTIONS
Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i
Max-Forwards: 0
Content-Length: 0

)sip");

TEST(Rfc4475ApplicationTest, ZeromfParses) {
  const Message message = must_parse(kZeromf);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(parse_uint(*message.header("Max-Forwards")), 0u);
}

// §3.3.12-13 REGISTER with a Contact parameter / with a URI parameter
const std::string kCparam01 = wire(R"sip(REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw
Max-Forwards: 70
From: sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe
To: sip:watson@example.com
Call-ID: cparam01.70710@saturn.example.com
CSeq: 2 REGISTER
Contact: sip:+19725552222@gw1.example.net;unknownparam
l: 0

)sip");
const std::string kCparam02 = wire(R"sip(REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw
Max-Forwards: 70
From: sip:watson@example.com;tag=838293
To: sip:watson@example.com
Call-ID: cparam02.70710@saturn.example.com
CSeq: 3 REGISTER
Contact: <sip:+19725552222@gw1.example.net;unknownparam>
l: 0

)sip");

TEST(Rfc4475ApplicationTest, CparamPlacesParametersByForm) {
  const Message header_param = must_parse(kCparam01);
  EXPECT_EQ(validate_request(header_param), "");
  const NameAddr contact1 = address(header_param, "Contact");
  EXPECT_TRUE(contact1.uri.params.empty());
  EXPECT_EQ(contact1.param("unknownparam"), "");
  const Message uri_param = must_parse(kCparam02);
  EXPECT_EQ(validate_request(uri_param), "");
  const NameAddr contact2 = address(uri_param, "Contact");
  EXPECT_EQ(contact2.uri.param("unknownparam"), "");
  EXPECT_TRUE(contact2.params.empty());
}

// §3.3.14 REGISTER with a URL Escaped Header
const std::string kRegescrt = wire(R"sip(REGISTER sip:example.com SIP/2.0
To: sip:user@example.com
From: sip:user@example.com;tag=8
Max-Forwards: 70
Call-ID: regescrt.k345asrl3fdbv@192.0.2.1
CSeq: 14398234 REGISTER
Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw
M: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>
L:0

)sip");

TEST(Rfc4475ApplicationTest, RegescrtParses) {
  const Message message = must_parse(kRegescrt);
  EXPECT_EQ(validate_request(message), "");
  const NameAddr contact = address(message, "Contact");
  ASSERT_EQ(contact.uri.headers.size(), 1u);
  EXPECT_EQ(contact.uri.headers[0], (Param{"Route", "<sip:sip.example.com>", true}));
  expect_round_trip(message);
}

// §3.4.1 INVITE with RFC 2543 Syntax: no branch, no tags, no Max-Forwards, no Content-Length.
const std::string kInv2543 = wire(R"sip(INVITE sip:UserB@example.com SIP/2.0
Via: SIP/2.0/UDP iftgw.example.com
From: <sip:+13035551111@ift.client.example.net;user=phone>
Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>
To: sip:+16505552222@ss1.example.net;user=phone
Call-ID: inv2543.1717@ift.client.example.com
CSeq: 56 INVITE
Content-Type: application/sdp

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.5
s=-
c=IN IP4 192.0.2.5
t=0 0
m=audio 49217 RTP/AVP 0
)sip");

TEST(Rfc4475ApplicationTest, Inv2543ParsesWithTheRestOfTheFrameAsBody) {
  const Message message = must_parse(kInv2543);
  EXPECT_EQ(validate_request(message), "");
  EXPECT_EQ(message.body().substr(0, 5), "v=0\r\n");
  EXPECT_EQ(message.body().size(), 105u);
  EXPECT_EQ(address(message, "To").param("user"), "phone");
  EXPECT_EQ(parse_via(*message.header("Via"))->branch(), "");
  expect_round_trip(message);
}

}  // namespace
}  // namespace acw::sip
