// Tests for cpp/sip/message.cpp: lookups, compact forms, list values, editing and the wire form.
#include "sip/message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sip/parser.hpp"

namespace acw::sip {
namespace {

using Values = std::vector<std::string_view>;

Message parsed(std::string_view text) {
  std::string wire;
  for (char c : text) {
    if (c == '\n') wire += '\r';
    wire += c;
  }
  auto message = parse_message(wire);
  EXPECT_TRUE(message.has_value()) << wire;
  return message.value_or(Message{});
}

TEST(CompactNameTest, ExpandsTheRfc3261Letters) {
  EXPECT_EQ(expand_compact_name("i"), "Call-ID");
  EXPECT_EQ(expand_compact_name("I"), "Call-ID");
  EXPECT_EQ(expand_compact_name("f"), "From");
  EXPECT_EQ(expand_compact_name("t"), "To");
  EXPECT_EQ(expand_compact_name("v"), "Via");
  EXPECT_EQ(expand_compact_name("m"), "Contact");
  EXPECT_EQ(expand_compact_name("l"), "Content-Length");
  EXPECT_EQ(expand_compact_name("c"), "Content-Type");
  EXPECT_EQ(expand_compact_name("k"), "Supported");
  EXPECT_EQ(expand_compact_name("s"), "Subject");
  EXPECT_EQ(expand_compact_name("e"), "Content-Encoding");
  EXPECT_EQ(expand_compact_name("o"), "Event");
  EXPECT_EQ(expand_compact_name("r"), "Refer-To");
  EXPECT_EQ(expand_compact_name("q"), "q");
  EXPECT_EQ(expand_compact_name("Via"), "Via");
  EXPECT_EQ(expand_compact_name(""), "");
  // The first and last entries of the table, and a name that is only a prefix of an entry's.
  EXPECT_EQ(expand_compact_name("a"), "Accept-Contact");
  EXPECT_EQ(expand_compact_name("Y"), "Identity");
  EXPECT_EQ(expand_compact_name("Vi"), "Vi");
}

TEST(CompactNameTest, NamesCompareWithoutCaseAndForm) {
  EXPECT_TRUE(header_name_equals("Call-ID", "call-id"));
  EXPECT_TRUE(header_name_equals("i", "CALL-ID"));
  EXPECT_TRUE(header_name_equals("I", "i"));
  EXPECT_TRUE(header_name_equals("l", "Content-Length"));
  EXPECT_FALSE(header_name_equals("To", "t-o"));
  EXPECT_FALSE(header_name_equals("i", "f"));
  EXPECT_FALSE(header_name_equals("Contact", "C%6Fntact"));
}

TEST(MessageTest, HeaderFindsTheFirstFieldInAnyForm) {
  const Message message = parsed(
      "OPTIONS sip:a@b SIP/2.0\n"
      "i: first-call\n"
      "Call-ID: second\n"
      "v: SIP/2.0/WS h;branch=z9hG4bK1\n"
      "X-Custom: custom\n"
      "l: 0\n\n");
  EXPECT_EQ(message.header("Call-ID"), "first-call");
  EXPECT_EQ(message.header("call-id"), "first-call");
  EXPECT_EQ(message.header("i"), "first-call");
  EXPECT_EQ(message.call_id(), "first-call");
  EXPECT_EQ(message.header("VIA"), "SIP/2.0/WS h;branch=z9hG4bK1");
  EXPECT_EQ(message.header("x-custom"), "custom");
  EXPECT_EQ(message.header("X-Other"), std::nullopt);
  EXPECT_TRUE(message.has_header("Content-Length"));
  EXPECT_FALSE(message.has_header("To"));
  EXPECT_EQ(Message{}.call_id(), "");
  // Names keep the spelling they arrived in.
  EXPECT_EQ(message.fields()[0].name, "i");
}

TEST(MessageTest, HeaderValuesSplitListsAcrossFieldsAndCommas) {
  const Message message = parsed(
      "OPTIONS sip:a@b SIP/2.0\n"
      "Via: SIP/2.0/WS a;branch=z9hG4bK1 , SIP/2.0/WS b;branch=z9hG4bK2\n"
      "v: SIP/2.0/WS c;branch=z9hG4bK3\n"
      "Contact: \"Doe, John\" <sip:j@h;x=\"a,b\">;q=0.5, <sip:k@h?x=1,2>,sip:l@h\n"
      "m: \"Quote \\\", comma\" <sip:m@h>\n"
      "Allow: INVITE,ACK ,, CANCEL,\n"
      "Date: Sat, 13 Nov 2010 23:29:00 GMT\n"
      "X-List: a, b\n"
      "Warning: 370 h \"a, b\", 399 h \"c\"\n"
      "Content-Length: 0\n\n");
  EXPECT_EQ(message.header_values("Via"),
            (Values{"SIP/2.0/WS a;branch=z9hG4bK1", "SIP/2.0/WS b;branch=z9hG4bK2",
                    "SIP/2.0/WS c;branch=z9hG4bK3"}));
  EXPECT_EQ(message.header_values("v"), message.header_values("Via"));
  EXPECT_EQ(message.header_values("Contact"),
            (Values{"\"Doe, John\" <sip:j@h;x=\"a,b\">;q=0.5", "<sip:k@h?x=1,2>", "sip:l@h",
                    "\"Quote \\\", comma\" <sip:m@h>"}));
  EXPECT_EQ(message.header_values("Allow"), (Values{"INVITE", "ACK", "CANCEL"}));
  // Date, unknown fields and the like are never split.
  EXPECT_EQ(message.header_values("Date"), (Values{"Sat, 13 Nov 2010 23:29:00 GMT"}));
  EXPECT_EQ(message.header_values("X-List"), (Values{"a, b"}));
  EXPECT_EQ(message.header_values("Warning"), (Values{"370 h \"a, b\"", "399 h \"c\""}));
  EXPECT_EQ(message.header_values("Route"), Values{});
}

TEST(MessageTest, HeaderValuesSurviveUnbalancedQuotesAndBrackets) {
  const Message message = parsed(
      "OPTIONS sip:a@b SIP/2.0\n"
      "Route: <sip:a@b, <sip:c@d>\n"
      "Contact: \"open, <sip:x@y>\n"
      "Supported: \"a\\\n"
      "l: 0\n\n");
  EXPECT_EQ(message.header_values("Route"), (Values{"<sip:a@b, <sip:c@d>"}));
  EXPECT_EQ(message.header_values("Contact"), (Values{"\"open, <sip:x@y>"}));
  EXPECT_EQ(message.header_values("Supported"), (Values{"\"a\\"}));
}

TEST(MessageTest, EditsFields) {
  Message message = Message::request("INVITE", "sip:bob@example.com");
  message.add_header("Via", "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
  message.add_header("v", "SIP/2.0/WSS b.invalid;branch=z9hG4bK2");
  message.add_header("To", "<sip:bob@example.com>");
  message.add_header("Via", "SIP/2.0/WSS c.invalid;branch=z9hG4bK3");
  message.set_header("VIA", "SIP/2.0/WSS d.invalid;branch=z9hG4bK4");
  ASSERT_EQ(message.fields().size(), 2u);
  EXPECT_EQ(message.fields()[0].name, "VIA");
  EXPECT_EQ(message.fields()[0].value, "SIP/2.0/WSS d.invalid;branch=z9hG4bK4");
  EXPECT_EQ(message.fields()[1].name, "To");

  message.set_header("From", "<sip:alice@example.com>;tag=1");
  ASSERT_EQ(message.fields().size(), 3u);
  EXPECT_EQ(message.fields()[2].name, "From");

  message.remove_header("t");
  message.remove_header("X-Absent");
  ASSERT_EQ(message.fields().size(), 2u);
  EXPECT_FALSE(message.has_header("To"));
}

TEST(MessageTest, PlainHeaderValuesKeepEmptyValuesAndFieldsCopyViewsOfTheSameMessage) {
  Message message = Message::request("OPTIONS", "sip:a@b");
  message.add_header("Subject", "");
  message.add_header("Allow", " , ");
  EXPECT_EQ(message.header_values("Subject"), (std::vector<std::string_view>{""}));
  EXPECT_EQ(message.header_values("Allow"), std::vector<std::string_view>{});
  // Values that view the message's own fields are copied before the fields move.
  for (int i = 0; i < 40; ++i) message.add_header("X-Copy", *message.header("Subject"));
  message.set_header("Subject", *message.header("Allow"));
  EXPECT_EQ(message.header("Subject"), " , ");
  EXPECT_EQ(message.fields().front().name, "Subject");
  message.remove_header("X-Copy");
  EXPECT_EQ(message.fields().size(), 2u);
}

TEST(MessageTest, EditsFieldsByANameThatViewsOneOfThem) {
  // A name longer than std::string's inline buffer, viewed in the field that the edit overwrites
  // or moves: under ASan a use after free if the edit kept comparing with the view.
  const std::string long_name = "X-A-Header-Name-Longer-Than-Inline-Strings";
  Message message = Message::request("OPTIONS", "sip:a@b");
  message.add_header(long_name, "1");
  message.add_header(long_name, "2");
  message.add_header("To", "<sip:a@b>");
  message.add_header(long_name, "3");
  message.add_header("From", "<sip:c@d>;tag=1");
  message.set_header(message.fields()[0].name, "4");
  ASSERT_EQ(message.fields().size(), 3u);
  EXPECT_EQ(message.fields()[0].value, "4");
  message.add_header(long_name, "5");
  message.remove_header(message.fields()[0].name);
  ASSERT_EQ(message.fields().size(), 2u);
  EXPECT_EQ(message.fields()[0].name, "To");
  EXPECT_EQ(message.fields()[1].name, "From");
}

TEST(MessageTest, SerializesABuiltRequest) {
  Message message = Message::request("INVITE", "sip:bob@example.com");
  message.add_header("Via", "SIP/2.0/WSS a.invalid;branch=z9hG4bK1");
  message.add_header("Max-Forwards", "70");
  message.add_header("Subject", "");
  message.set_body("v=0\r\n", "application/sdp");
  EXPECT_EQ(message.body(), "v=0\r\n");
  EXPECT_EQ(message.serialize(),
            "INVITE sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n"
            "Max-Forwards: 70\r\n"
            "Subject:\r\n"
            "Content-Type: application/sdp\r\n"
            "Content-Length: 5\r\n"
            "\r\n"
            "v=0\r\n");
  message.set_body("", "text/plain");
  EXPECT_EQ(message.header("Content-Type"), "text/plain");
  EXPECT_EQ(message.fields().size(), 4u);
}

TEST(MessageTest, SerializeRewritesAWrongContentLengthInPlace) {
  Message message = Message::response(180, std::string(reason_phrase(180)));
  message.add_header("l", "12");
  message.add_header("To", "<sip:a@b>");
  message.add_header("Content-Length", "0");
  message.set_body("abc");
  EXPECT_EQ(message.serialize(),
            "SIP/2.0 180 Ringing\r\n"
            "l: 3\r\n"
            "To: <sip:a@b>\r\n"
            "\r\n"
            "abc");
  message.set_header("Content-Length", "003");
  EXPECT_EQ(message.serialize(),
            "SIP/2.0 180 Ringing\r\nContent-Length: 003\r\nTo: <sip:a@b>\r\n\r\nabc");
}

TEST(MessageTest, SerializesAResponseWithEmptyReason) {
  const Message message = Message::response(100, "");
  EXPECT_EQ(message.serialize(), "SIP/2.0 100 \r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(message.is_response());
  EXPECT_FALSE(message.is_request());
}

TEST(MessageTest, EqualityLooksAtEveryPart) {
  const Message a = parsed("OPTIONS sip:a@b SIP/2.0\nX: 1\nl: 0\n\n");
  EXPECT_EQ(a, parsed("OPTIONS sip:a@b SIP/2.0\nX:1\nl: 0\n\n"));
  EXPECT_NE(a, parsed("OPTIONS sip:a@b SIP/2.0\nx: 1\nl: 0\n\n"));
  EXPECT_NE(a, parsed("OPTIONS sip:a@c SIP/2.0\nX: 1\nl: 0\n\n"));
  EXPECT_NE(a, parsed("INFO sip:a@b SIP/2.0\nX: 1\nl: 0\n\n"));
  EXPECT_NE(a, parsed("OPTIONS sip:a@b SIP/2.0\nX: 1\nl: 1\n\nz"));
}

TEST(ReasonPhraseTest, CoversRfc3261Section21) {
  EXPECT_EQ(reason_phrase(100), "Trying");
  EXPECT_EQ(reason_phrase(180), "Ringing");
  EXPECT_EQ(reason_phrase(181), "Call Is Being Forwarded");
  EXPECT_EQ(reason_phrase(182), "Queued");
  EXPECT_EQ(reason_phrase(183), "Session Progress");
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(300), "Multiple Choices");
  EXPECT_EQ(reason_phrase(301), "Moved Permanently");
  EXPECT_EQ(reason_phrase(302), "Moved Temporarily");
  EXPECT_EQ(reason_phrase(305), "Use Proxy");
  EXPECT_EQ(reason_phrase(380), "Alternative Service");
  EXPECT_EQ(reason_phrase(400), "Bad Request");
  EXPECT_EQ(reason_phrase(401), "Unauthorized");
  EXPECT_EQ(reason_phrase(402), "Payment Required");
  EXPECT_EQ(reason_phrase(403), "Forbidden");
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(405), "Method Not Allowed");
  EXPECT_EQ(reason_phrase(406), "Not Acceptable");
  EXPECT_EQ(reason_phrase(407), "Proxy Authentication Required");
  EXPECT_EQ(reason_phrase(408), "Request Timeout");
  EXPECT_EQ(reason_phrase(410), "Gone");
  EXPECT_EQ(reason_phrase(413), "Request Entity Too Large");
  EXPECT_EQ(reason_phrase(414), "Request-URI Too Long");
  EXPECT_EQ(reason_phrase(415), "Unsupported Media Type");
  EXPECT_EQ(reason_phrase(416), "Unsupported URI Scheme");
  EXPECT_EQ(reason_phrase(420), "Bad Extension");
  EXPECT_EQ(reason_phrase(421), "Extension Required");
  EXPECT_EQ(reason_phrase(423), "Interval Too Brief");
  EXPECT_EQ(reason_phrase(480), "Temporarily Unavailable");
  EXPECT_EQ(reason_phrase(481), "Call/Transaction Does Not Exist");
  EXPECT_EQ(reason_phrase(482), "Loop Detected");
  EXPECT_EQ(reason_phrase(483), "Too Many Hops");
  EXPECT_EQ(reason_phrase(484), "Address Incomplete");
  EXPECT_EQ(reason_phrase(485), "Ambiguous");
  EXPECT_EQ(reason_phrase(486), "Busy Here");
  EXPECT_EQ(reason_phrase(487), "Request Terminated");
  EXPECT_EQ(reason_phrase(488), "Not Acceptable Here");
  EXPECT_EQ(reason_phrase(491), "Request Pending");
  EXPECT_EQ(reason_phrase(493), "Undecipherable");
  EXPECT_EQ(reason_phrase(500), "Server Internal Error");
  EXPECT_EQ(reason_phrase(501), "Not Implemented");
  EXPECT_EQ(reason_phrase(502), "Bad Gateway");
  EXPECT_EQ(reason_phrase(503), "Service Unavailable");
  EXPECT_EQ(reason_phrase(504), "Server Time-out");
  EXPECT_EQ(reason_phrase(505), "Version Not Supported");
  EXPECT_EQ(reason_phrase(513), "Message Too Large");
  EXPECT_EQ(reason_phrase(600), "Busy Everywhere");
  EXPECT_EQ(reason_phrase(603), "Decline");
  EXPECT_EQ(reason_phrase(604), "Does Not Exist Anywhere");
  EXPECT_EQ(reason_phrase(606), "Not Acceptable");
  EXPECT_EQ(reason_phrase(299), "Unknown");
  EXPECT_EQ(reason_phrase(0), "Unknown");
  EXPECT_EQ(reason_phrase(-1), "Unknown");
}

}  // namespace
}  // namespace acw::sip
