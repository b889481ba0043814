// Tests for cpp/sip/parser.cpp: the recorded traces, framing, line ends, folding and the §8 checks.
#include "sip/parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sip/headers.hpp"
#include "sip/uri.hpp"
#include "trace_messages.hpp"

namespace acw::sip {
namespace {

using testing::all_trace_messages;
using testing::crlf;

ParseError parse_error(std::string_view frame) {
  ParseError error;
  EXPECT_FALSE(parse_message(frame, &error).has_value()) << frame;
  return error;
}

std::string replace(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

const std::string kOptions = crlf(
    "OPTIONS sip:webrtc-1-2-0.aculabcloud.net SIP/2.0\n"
    "Via: SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK2367353\n"
    "To: <sip:webrtc-1-2-0.aculabcloud.net>\n"
    "From: <sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>;tag=b2cui5kvvq\n"
    "CSeq: 1 OPTIONS\n"
    "Call-ID: amcin8eheksrakrhun1t\n"
    "Max-Forwards: 70\n"
    "Content-Length: 0\n"
    "\n");

const std::string kResponse = crlf(
    "SIP/2.0 200 OK\n"
    "Via: SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK2367353\n"
    "From: <sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>;tag=b2cui5kvvq\n"
    "To: <sip:webrtc-1-2-0.aculabcloud.net>;tag=stubtag1\n"
    "Call-ID: amcin8eheksrakrhun1t\n"
    "CSeq: 1 OPTIONS\n"
    "Content-Length: 0\n"
    "\n");

// The benchmarks' like-for-like parse: the framing, then each Via, From, To, CSeq and Contact.
TEST(ParseLikePeers, CountsTheFieldsWhoseGrammarHolds) {
  EXPECT_EQ(parse_like_peers(kOptions), 4u);  // Via, To, From, CSeq (no Contact)
  const std::string two_vias_and_contact =
      replace(kOptions,
              "CSeq:", "Via: SIP/2.0/WSS b.invalid;branch=z9hG4bK2\r\nContact: <sip:a@b>\r\nCSeq:");
  EXPECT_EQ(parse_like_peers(two_vias_and_contact), 6u);
  EXPECT_EQ(parse_like_peers(replace(kOptions, "CSeq: 1 OPTIONS", "CSeq: x OPTIONS")), 3u);
  EXPECT_EQ(parse_like_peers(replace(kOptions, "To: <sip:", "To: <nosuch")), 3u);
  EXPECT_EQ(parse_like_peers("not SIP"), 0u);
}

// ---- The recorded traces ----

TEST(ParserTraceTest, LoadsEveryMessageOfBothTraces) {
  const auto messages = all_trace_messages();
  ASSERT_EQ(messages.size(), 32u);
  EXPECT_EQ(messages[0].first_line, "REGISTER sip:abc123.webrtc-1-2-0.aculabcloud.net SIP/2.0");
  EXPECT_EQ(messages.back().first_line, "SIP/2.0 200 OK");
}

TEST(ParserTraceTest, EveryMessageParsesValidatesAndSerializesToTheSameText) {
  for (const auto& trace : all_trace_messages()) {
    SCOPED_TRACE(trace.trace + ": " + trace.first_line);
    ParseError error;
    const auto message = parse_message(trace.wire, &error);
    ASSERT_TRUE(message.has_value()) << error.reason;
    if (message->is_request()) {
      EXPECT_EQ(validate_request(*message), "");
    } else {
      EXPECT_EQ(validate_response(*message), "");
    }
    const std::string wire = message->serialize();
    EXPECT_EQ(wire, trace.wire);
    const auto again = parse_message(wire);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *message);
    // The typed headers the transaction and dialog layers read all parse.
    EXPECT_TRUE(parse_name_addr(*message->header("To")).has_value());
    EXPECT_TRUE(parse_name_addr(*message->header("From")).has_value());
    EXPECT_TRUE(parse_cseq(*message->header("CSeq")).has_value());
    for (std::string_view via : message->header_values("Via")) {
      EXPECT_TRUE(parse_via(via).has_value()) << via;
    }
    for (std::string_view contact : message->header_values("Contact")) {
      EXPECT_TRUE(parse_name_addr(contact).has_value()) << contact;
    }
    if (message->is_request()) {
      EXPECT_TRUE(parse_uri(message->request_uri()).has_value());
    }
  }
}

TEST(ParserTraceTest, InviteWithSdpHasTheRecordedValues) {
  const auto messages = all_trace_messages();
  const auto& trace = messages[4];
  ASSERT_EQ(trace.first_line, "INVITE sip:echo@sip-1-2-0.aculab.com;transport=tcp SIP/2.0");
  const auto message = parse_message(trace.wire);
  ASSERT_TRUE(message.has_value());
  EXPECT_TRUE(message->is_request());
  EXPECT_EQ(message->method(), "INVITE");
  EXPECT_EQ(message->request_uri(), "sip:echo@sip-1-2-0.aculab.com;transport=tcp");
  ASSERT_EQ(message->fields().size(), 12u);
  EXPECT_EQ(message->fields()[0].name, "Via");
  EXPECT_EQ(message->fields()[0].value, "SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK1678980");
  EXPECT_EQ(message->call_id(), "amcinrehccdeou7svnqm");
  EXPECT_EQ(message->header("content-type"), "application/sdp");
  EXPECT_EQ(message->header("Content-Length"), "2289");
  EXPECT_EQ(message->body().size(), 2289u);
  EXPECT_EQ(message->body().substr(0, 5), "v=0\r\n");
  EXPECT_EQ(message->body().substr(message->body().size() - 2), "\r\n");
  const std::vector<std::string_view> allow = message->header_values("Allow");
  ASSERT_EQ(allow.size(), 9u);
  EXPECT_EQ(allow.front(), "ACK");
  EXPECT_EQ(allow.back(), "REFER");

  const auto via = parse_via(message->header_values("Via").front());
  ASSERT_TRUE(via.has_value());
  EXPECT_EQ(via->transport, "WSS");
  EXPECT_EQ(via->host, "iitrgatmgah1.invalid");
  EXPECT_EQ(via->branch(), "z9hG4bK1678980");
  const auto contact = parse_name_addr(*message->header("m"));
  ASSERT_TRUE(contact.has_value());
  EXPECT_EQ(contact->uri.user, "bclp4nsl");
  EXPECT_EQ(contact->uri.param("transport"), "ws");
  EXPECT_EQ(contact->uri.param("ob"), "");
  EXPECT_TRUE(contact->params.empty());
}

TEST(ParserTraceTest, RegisterResponseHasTheRecordedValues) {
  const auto messages = all_trace_messages();
  const auto message = parse_message(messages[1].wire);
  ASSERT_TRUE(message.has_value());
  EXPECT_TRUE(message->is_response());
  EXPECT_EQ(message->status(), 200);
  EXPECT_EQ(message->reason(), "OK");
  EXPECT_EQ(message->body(), "");
  const auto to = parse_name_addr(*message->header("To"));
  ASSERT_TRUE(to.has_value());
  EXPECT_EQ(to->tag(), "stubtag1");
  const auto contact = parse_name_addr(*message->header("Contact"));
  ASSERT_TRUE(contact.has_value());
  // The stub repeats the parameter; both are kept, the first answers lookups.
  ASSERT_EQ(contact->params.size(), 2u);
  EXPECT_EQ(contact->param("expires"), "600");
  const auto cseq = parse_cseq(*message->header("CSeq"));
  ASSERT_TRUE(cseq.has_value());
  EXPECT_EQ(cseq->number, 2u);
  EXPECT_EQ(cseq->method, "REGISTER");
}

TEST(ParserTraceTest, OptionsResponseBodyIsCutAtContentLength) {
  const auto messages = all_trace_messages();
  const auto message = parse_message(messages[3].wire);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->body(), "[]");
  EXPECT_EQ(message->header("Content-Type"), "application/json");
}

// ---- Line ends, folding, start lines ----

TEST(ParserTest, AcceptsLfOnlyLineEnds) {
  std::string lf = kOptions;
  for (std::size_t at; (at = lf.find("\r\n")) != std::string::npos;) lf.erase(at, 1);
  const auto from_lf = parse_message(lf);
  const auto from_crlf = parse_message(kOptions);
  ASSERT_TRUE(from_lf.has_value());
  ASSERT_TRUE(from_crlf.has_value());
  EXPECT_EQ(*from_lf, *from_crlf);
  EXPECT_EQ(from_lf->serialize(), kOptions);
}

TEST(ParserTest, AcceptsMixedLineEnds) {
  const std::string mixed = replace(replace(kOptions, "CSeq: 1 OPTIONS\r\n", "CSeq: 1 OPTIONS\n"),
                                    "Content-Length: 0\r\n\r\n", "Content-Length: 0\n\n");
  const auto message = parse_message(mixed);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->serialize(), kOptions);
}

TEST(ParserTest, RefusesBareCr) {
  EXPECT_EQ(parse_error(replace(kOptions, "CSeq: 1 OPTIONS", "CSeq: 1\rOPTIONS")).reason,
            "bare CR");
  EXPECT_EQ(parse_error(replace(kOptions, "SIP/2.0\r\n", "SIP/2.0\r\r\n")).reason, "bare CR");
}

TEST(ParserTest, UnfoldsContinuationLines) {
  const std::string folded = replace(kOptions, "Max-Forwards: 70\r\n",
                                     "Subject: first  \r\n  second\r\n\tthird\r\n"
                                     "Max-Forwards:\r\n 70\r\n");
  const auto message = parse_message(folded);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->header("Subject"), "first second third");
  EXPECT_EQ(message->header("Max-Forwards"), "70");
  // The wire form is unfolded, and parses to the same message.
  const std::string wire = message->serialize();
  EXPECT_NE(wire.find("\r\nSubject: first second third\r\nMax-Forwards: 70\r\n"),
            std::string::npos);
  EXPECT_EQ(parse_message(wire), message);
}

TEST(ParserTest, UnfoldsOnlyFoldsAndTrimsTheValue) {
  // White space inside a line is kept; a fold with the white space around it, blank
  // continuation lines included, reads as one SP; LF-only folds too; an all-blank value is empty.
  const std::string folded = replace(kOptions, "Max-Forwards: 70\r\n",
                                     "X-A:  a  b \r\n"
                                     "X-B: a \r\n \r\n\t b  c \r\n"
                                     "X-C:\r\n \r\n x\n\ty\r\n"
                                     "X-D: \r\n  \r\n"
                                     "Max-Forwards: 70\r\n");
  const auto message = parse_message(folded);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->header("X-A"), "a  b");
  EXPECT_EQ(message->header("X-B"), "a b  c");
  EXPECT_EQ(message->header("X-C"), "x y");
  EXPECT_EQ(message->header("X-D"), "");
  EXPECT_EQ(message->header("Max-Forwards"), "70");
}

TEST(ParserTest, RefusesFoldBeforeAnyHeaderField) {
  const std::string text = replace(kOptions, "SIP/2.0\r\nVia", "SIP/2.0\r\n Via");
  EXPECT_EQ(parse_error(text).reason, "folded line without a header field");
}

TEST(ParserTest, SkipsEmptyLinesBeforeTheStartLine) {
  const auto message = parse_message("\r\n\r\n\n" + kOptions);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->serialize(), kOptions);
}

TEST(ParserTest, HeaderFieldNamesAndValues) {
  const std::string text = replace(kOptions, "Max-Forwards: 70\r\n",
                                   "Max-Forwards \t:70  \r\nSubject:\r\nX-Empty:   \r\n");
  const auto message = parse_message(text);
  ASSERT_TRUE(message.has_value());
  ASSERT_EQ(message->fields().size(), 9u);
  EXPECT_EQ(message->fields()[5].name, "Max-Forwards");
  EXPECT_EQ(message->fields()[5].value, "70");
  EXPECT_EQ(message->fields()[6].name, "Subject");
  EXPECT_EQ(message->fields()[6].value, "");
  EXPECT_EQ(message->fields()[7].value, "");
  // A header field is the same type as a parameter: its has_value stays false.
  EXPECT_EQ(message->fields()[5], (HeaderField{"Max-Forwards", "70"}));
  EXPECT_FALSE(message->fields()[5].has_value);
  EXPECT_EQ(parse_message(message->serialize()), message);
}

TEST(ParserTest, RefusesBadHeaderLines) {
  EXPECT_EQ(parse_error(replace(kOptions, "Max-Forwards: 70", "Max-Forwards 70")).reason,
            "header field without colon");
  EXPECT_EQ(parse_error(replace(kOptions, "Max-Forwards: 70", "Max Forwards: 70")).reason,
            "bad header field name");
  EXPECT_EQ(parse_error(replace(kOptions, "Max-Forwards: 70", ": 70")).reason,
            "bad header field name");
  EXPECT_EQ(parse_error(replace(kOptions, "Max-Forwards: 70", "Max-Forwards\x01: 70")).reason,
            "bad header field name");
}

TEST(ParserTest, RefusesMissingEmptyLine) {
  const std::string text = kOptions.substr(0, kOptions.size() - 2);
  EXPECT_EQ(parse_error(text).reason, "no empty line after the header fields");
  EXPECT_EQ(parse_error("OPTIONS sip:a@b SIP/2.0").reason, "no end of start line");
  EXPECT_EQ(parse_error("").reason, "empty message");
  EXPECT_EQ(parse_error("\r\n\r\n").reason, "empty message");
}

TEST(ParserTest, RequestLine) {
  const auto message = parse_message(replace(kOptions, "OPTIONS sip:webrtc-1-2-0.aculabcloud.net",
                                             "NEW-METHOD.x sip:u@[2001:db8::1]:5061"));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->method(), "NEW-METHOD.x");
  EXPECT_EQ(message->request_uri(), "sip:u@[2001:db8::1]:5061");

  EXPECT_EQ(parse_error(replace(kOptions, "OPTIONS sip", "OPT@ONS sip")).reason, "bad method");
  EXPECT_EQ(parse_error(replace(kOptions, " SIP/2.0\r\nVia", " SIP/2.0 \r\nVia")).reason,
            "bad request line");
  EXPECT_EQ(parse_error(replace(kOptions, " SIP/2.0\r\nVia", "\r\nVia")).reason,
            "bad request line");
  EXPECT_EQ(parse_error(replace(kOptions, " SIP/2.0\r\nVia", " HTTP/1.1\r\nVia")).reason,
            "bad request line");
  EXPECT_EQ(parse_error(replace(kOptions, "sip:webrtc", "webrtc")).reason, "bad Request-URI");
  EXPECT_EQ(parse_error(replace(kOptions, "sip:webrtc", "\x01sip:webrtc")).reason,
            "bad Request-URI");
}

TEST(ParserTest, ErrorSaysWhetherARequestCanBeAnswered) {
  const ParseError version = parse_error(replace(kOptions, " SIP/2.0\r\nVia", " SIP/3.0\r\nVia"));
  EXPECT_EQ(version.reason, "unsupported SIP version");
  EXPECT_EQ(version.status, 505);
  EXPECT_TRUE(version.is_request);
  EXPECT_EQ(version.method, "OPTIONS");

  const ParseError length =
      parse_error(replace(kOptions, "Content-Length: 0", "Content-Length: 9"));
  EXPECT_TRUE(length.is_request);
  EXPECT_EQ(length.method, "OPTIONS");
  EXPECT_EQ(length.status, 400);

  const ParseError response = parse_error(replace(kResponse, "Content-Length: 0", "l: x"));
  EXPECT_EQ(response.reason, "bad Content-Length");
  EXPECT_FALSE(response.is_request);
  EXPECT_EQ(response.method, "");
}

TEST(ParserTest, ManyFieldsAndAContentLengthAmongThem) {
  std::string fields;
  for (int i = 0; i < 40; ++i)
    fields += "X-" + std::to_string(i) + ": " + std::to_string(i) + "\r\n";
  const std::string text =
      replace(kOptions, "Content-Length: 0\r\n", "l: 3\r\n" + fields + "X-Fold: a\r\n  b\r\n") +
      "abc";
  const auto message = parse_message(text);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->body(), "abc");
  EXPECT_EQ(message->header("X-39"), "39");
  EXPECT_EQ(message->header("X-Fold"), "a b");
  EXPECT_EQ(message->serialize(), replace(text, "a\r\n  b", "a b"));
  EXPECT_EQ(parse_error("\r\r\n" + kOptions).reason, "bare CR");
}

TEST(ParserTest, StatusLine) {
  auto reason_of = [](std::string_view status_line) {
    auto message = parse_message(replace(kResponse, "SIP/2.0 200 OK", status_line));
    EXPECT_TRUE(message.has_value()) << status_line;
    return message ? std::string(message->reason()) : std::string("<error>");
  };
  EXPECT_EQ(reason_of("SIP/2.0 200 OK"), "OK");
  EXPECT_EQ(reason_of("SIP/2.0 183 Session Progress "), "Session Progress ");
  EXPECT_EQ(reason_of("SIP/2.0 200 "), "");
  EXPECT_EQ(reason_of("SIP/2.0 200"), "");
  EXPECT_EQ(reason_of("sip/2.0 699 x"), "x");

  EXPECT_EQ(parse_error(replace(kResponse, "SIP/2.0 200 OK", "SIP/2.0 099 Low")).reason,
            "bad status code");
  EXPECT_EQ(parse_error(replace(kResponse, "SIP/2.0 200 OK", "SIP/2.0 700 High")).reason,
            "bad status code");
  EXPECT_EQ(parse_error(replace(kResponse, "SIP/2.0 200 OK", "SIP/2.0 2000 OK")).reason,
            "bad status line");
  EXPECT_EQ(parse_error(replace(kResponse, "SIP/2.0 200 OK", "SIP/2.0 20 OK")).reason,
            "bad status line");
  EXPECT_EQ(parse_error(replace(kResponse, "SIP/2.0 200 OK", "SIP/2.0  200 OK")).reason,
            "bad status line");
  EXPECT_EQ(parse_error(replace(kResponse, "SIP/2.0 200 OK", "SIP/2.x 200 OK")).reason,
            "bad status line");
  const ParseError version = parse_error(replace(kResponse, "SIP/2.0 200 OK", "SIP/2.1 200 OK"));
  EXPECT_EQ(version.reason, "unsupported SIP version");
  EXPECT_FALSE(version.is_request);
}

// ---- Content-Length framing (one message per frame) ----

TEST(ParserTest, BodyMustMatchContentLength) {
  const std::string with_body =
      replace(kOptions, "Content-Length: 0", "Content-Length: 5") + "hello";
  const auto message = parse_message(with_body);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->body(), "hello");

  EXPECT_EQ(parse_error(with_body + "!").reason, "body longer than Content-Length");
  EXPECT_EQ(parse_error(with_body.substr(0, with_body.size() - 1)).reason,
            "body shorter than Content-Length");
  EXPECT_EQ(parse_error(replace(with_body, "Content-Length: 5", "Content-Length: -5")).reason,
            "bad Content-Length");
  EXPECT_EQ(parse_error(replace(with_body, "Content-Length: 5", "Content-Length: five")).reason,
            "bad Content-Length");
  EXPECT_EQ(
      parse_error(replace(with_body, "Content-Length: 5", "Content-Length: 99999999999")).reason,
      "bad Content-Length");
  EXPECT_EQ(
      parse_error(replace(with_body, "Content-Length: 5", "Content-Length: 5\r\nl: 5")).reason,
      "more than one Content-Length");
  // Counted over the parsed fields: a folded value counts as read, and a second field is refused
  // before the first one's value is looked at.
  const auto folded =
      parse_message(replace(with_body, "Content-Length: 5", "Content-Length:\r\n 5"));
  ASSERT_TRUE(folded.has_value());
  EXPECT_EQ(folded->body(), "hello");
  EXPECT_EQ(
      parse_error(replace(with_body, "Content-Length: 5", "l: x\r\nContent-length: 5")).reason,
      "more than one Content-Length");
}

TEST(ParserTest, CompactContentLengthFrames) {
  const auto message = parse_message(replace(kOptions, "Content-Length: 0", "L: 0003") + "a\r\n");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->body(), "a\r\n");
  EXPECT_EQ(message->header("Content-Length"), "0003");
  EXPECT_NE(message->serialize().find("\r\nL: 0003\r\n\r\na\r\n"), std::string::npos);
}

TEST(ParserTest, WithoutContentLengthTheRestOfTheFrameIsTheBody) {
  const std::string text = replace(kOptions, "Content-Length: 0\r\n", "") + "body\r\n\r\nmore";
  const auto message = parse_message(text);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->body(), "body\r\n\r\nmore");
  EXPECT_FALSE(message->has_header("Content-Length"));
  // The wire form says how long the body is.
  const auto again = parse_message(message->serialize());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->header("Content-Length"), "12");
  EXPECT_EQ(again->body(), message->body());
}

TEST(ParserTest, RefusesFramesOverTheLimit) {
  // A frame of exactly kMaxFrameSize parses (the length has as many digits as its placeholder).
  const std::string head = replace(kOptions, "Content-Length: 0", "Content-Length: 99999");
  const std::size_t body_size = kMaxFrameSize - head.size();
  std::string fitting = replace(head, "99999", std::to_string(body_size));
  fitting += std::string(body_size, 'x');
  ASSERT_EQ(fitting.size(), kMaxFrameSize);
  const auto message = parse_message(fitting);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->body().size(), body_size);

  const ParseError error = parse_error(fitting + "x");
  EXPECT_EQ(error.reason, "frame too large");
  EXPECT_EQ(error.status, 513);
  EXPECT_EQ(parse_error(std::string(10 * kMaxFrameSize, 'A')).reason, "frame too large");
}

TEST(ParserTest, KeepsBinaryBodies) {
  std::string body("\0\r\n\xff\x01", 5);
  const std::string text = replace(kOptions, "Content-Length: 0", "Content-Length: 5") + body;
  const auto message = parse_message(text);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->body(), body);
  EXPECT_EQ(message->serialize(), text);
}

// ---- validate_request / validate_response ----

std::string validate_request_text(const std::string& text) {
  const auto message = parse_message(text);
  EXPECT_TRUE(message.has_value()) << text;
  return message ? validate_request(*message) : "<parse error>";
}

std::string validate_response_text(const std::string& text) {
  const auto message = parse_message(text);
  EXPECT_TRUE(message.has_value()) << text;
  return message ? validate_response(*message) : "<parse error>";
}

TEST(ValidateRequestTest, AcceptsAWellFormedRequest) {
  EXPECT_EQ(validate_request_text(kOptions), "");
  // Max-Forwards is optional here, compact forms count.
  EXPECT_EQ(validate_request_text(replace(kOptions, "Max-Forwards: 70\r\n", "")), "");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Call-ID:", "i:")), "");
}

TEST(ValidateRequestTest, RequiresEachMandatoryField) {
  EXPECT_EQ(
      validate_request_text(replace(kOptions, "To: <sip:webrtc-1-2-0.aculabcloud.net>\r\n", "")),
      "missing To");
  EXPECT_EQ(validate_request_text(replace(
                kOptions,
                "From: <sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>;tag=b2cui5kvvq\r\n", "")),
            "missing From");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Call-ID: amcin8eheksrakrhun1t\r\n", "")),
            "missing Call-ID");
  EXPECT_EQ(validate_request_text(replace(kOptions, "CSeq: 1 OPTIONS\r\n", "")), "missing CSeq");
  EXPECT_EQ(validate_request_text(replace(
                kOptions, "Via: SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK2367353\r\n", "")),
            "missing Via");
}

TEST(ValidateRequestTest, RequiresParseableMandatoryFields) {
  EXPECT_EQ(validate_request_text(replace(kOptions, "To: <sip:webrtc", "To: <sip:web rtc")),
            "bad To");
  EXPECT_EQ(
      validate_request_text(replace(kOptions, "To: <sip:webrtc-1-2-0.aculabcloud.net>", "To: *")),
      "bad To");
  EXPECT_EQ(validate_request_text(replace(kOptions, ";tag=b2cui5kvvq", ";tag=")), "bad From");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Call-ID: amcin8", "Call-ID: am cin8")),
            "bad Call-ID");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Call-ID: amcin8eheksrakrhun1t", "Call-ID:")),
            "bad Call-ID");
  EXPECT_EQ(validate_request_text(replace(kOptions, "CSeq: 1 OPTIONS", "CSeq: OPTIONS")),
            "bad CSeq");
  EXPECT_EQ(validate_request_text(replace(kOptions, "SIP/2.0/WSS", "SIP/2.0")), "bad Via");
  EXPECT_EQ(validate_request_text(
                replace(kOptions, ";branch=z9hG4bK2367353", ";branch=z9hG4bK2367353, SIP/2.0/UDP")),
            "bad Via");
}

TEST(ValidateRequestTest, RefusesRepeatedSingleFields) {
  EXPECT_EQ(validate_request_text(
                replace(kOptions, "CSeq: 1 OPTIONS\r\n", "CSeq: 1 OPTIONS\r\nCSeq: 2 OPTIONS\r\n")),
            "more than one CSeq");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Call-ID: amcin8eheksrakrhun1t\r\n",
                                          "Call-ID: amcin8eheksrakrhun1t\r\ni: other\r\n")),
            "more than one Call-ID");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Max-Forwards: 70\r\n",
                                          "Max-Forwards: 70\r\nMax-Forwards: 70\r\n")),
            "more than one Max-Forwards");
}

TEST(ValidateRequestTest, CSeqMethodMatchesTheRequest) {
  EXPECT_EQ(validate_request_text(replace(kOptions, "CSeq: 1 OPTIONS", "CSeq: 1 INVITE")),
            "CSeq method does not match the request");
  EXPECT_EQ(validate_request_text(replace(kOptions, "CSeq: 1 OPTIONS", "CSeq: 1 options")),
            "CSeq method does not match the request");
  // ACK and CANCEL name themselves in CSeq (§17.1.1.3, §9.1).
  const auto trace = all_trace_messages();
  for (std::size_t index : {8u, 11u + 15u, 11u + 18u}) {
    SCOPED_TRACE(trace[index].first_line);
    const auto message = parse_message(trace[index].wire);
    ASSERT_TRUE(message.has_value());
    EXPECT_TRUE(message->method() == "ACK" || message->method() == "CANCEL");
    EXPECT_EQ(validate_request(*message), "");
  }
  const std::string ack =
      replace(replace(kOptions, "OPTIONS sip", "ACK sip"), "1 OPTIONS", "1 INVITE");
  EXPECT_EQ(validate_request_text(ack), "CSeq method does not match the request");
}

TEST(ValidateRequestTest, MaxForwardsIsANumberUpTo255) {
  EXPECT_EQ(validate_request_text(replace(kOptions, "Max-Forwards: 70", "Max-Forwards: 255")), "");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Max-Forwards: 70", "Max-Forwards: 0")), "");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Max-Forwards: 70", "Max-Forwards: 256")),
            "bad Max-Forwards");
  EXPECT_EQ(validate_request_text(replace(kOptions, "Max-Forwards: 70", "Max-Forwards: seventy")),
            "bad Max-Forwards");
}

TEST(ValidateRequestTest, RequestUri) {
  EXPECT_EQ(validate_request_text(replace(kOptions, "OPTIONS sip:webrtc-1-2-0.aculabcloud.net",
                                          "OPTIONS sips:[::1]:5061;transport=tls")),
            "");
  EXPECT_EQ(validate_request_text(replace(kOptions, "sip:webrtc-1-2-0.aculabcloud.net SIP",
                                          "sip:webrtc-1-2-0..aculabcloud.net SIP")),
            "bad Request-URI");
  EXPECT_EQ(validate_request_text(
                replace(kOptions, "sip:webrtc-1-2-0.aculabcloud.net SIP", "tel:+15551234 SIP")),
            "unsupported URI scheme");
  EXPECT_EQ(validate_request_text(replace(kOptions, "sip:webrtc-1-2-0.aculabcloud.net SIP",
                                          "sip:webrtc-1-2-0.aculabcloud.net?Subject=x SIP")),
            "Request-URI has headers");
}

TEST(ValidateRequestTest, BranchNeedsAnIdentifierAfterTheCookie) {
  EXPECT_EQ(validate_request_text(replace(kOptions, "branch=z9hG4bK2367353", "branch=z9hG4bK")),
            "branch without a transaction id");
  // RFC 2543 branches (and none at all) are still accepted.
  EXPECT_EQ(validate_request_text(replace(kOptions, "branch=z9hG4bK2367353", "branch=1")), "");
  EXPECT_EQ(validate_request_text(replace(kOptions, ";branch=z9hG4bK2367353", "")), "");
}

TEST(ValidateRequestTest, RefusesAResponse) {
  const auto response = parse_message(kResponse);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(validate_request(*response), "not a request");
  const auto request = parse_message(kOptions);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(validate_response(*request), "not a response");
}

TEST(ValidateResponseTest, ChecksTheMandatoryFields) {
  EXPECT_EQ(validate_response_text(kResponse), "");
  EXPECT_EQ(validate_response_text(replace(kResponse, "CSeq: 1 OPTIONS\r\n", "")), "missing CSeq");
  EXPECT_EQ(
      validate_response_text(replace(kResponse, "CSeq: 1 OPTIONS", "CSeq: 4294967296 OPTIONS")),
      "bad CSeq");
  EXPECT_EQ(validate_response_text(replace(kResponse, "tag=stubtag1", "tag=\"x")), "bad To");
  // A response's CSeq method is whatever the request's was.
  EXPECT_EQ(validate_response_text(replace(kResponse, "CSeq: 1 OPTIONS", "CSeq: 1 INVITE")), "");
  Message built = Message::response(800, "Odd");
  EXPECT_EQ(validate_response(built), "bad status code");
}

// What other stacks (JsSIP, Kamailio) take and what we decided for each: accepted where it is
// safe, refused where refusing protects (docs/LENIENCY.md has the table and why).
struct Leniency {
  const char* what;
  std::string frame;
  bool accepted;
};

class SipLeniency : public ::testing::TestWithParam<Leniency> {};

TEST_P(SipLeniency, IsDecided) {
  ParseError error;
  EXPECT_EQ(parse_message(GetParam().frame, &error).has_value(), GetParam().accepted)
      << error.reason;
}

std::string lf_only(std::string text) {
  for (std::size_t at; (at = text.find("\r\n")) != std::string::npos;) text.replace(at, 2, "\n");
  return text;
}

const std::string kOk = crlf(
    "SIP/2.0 200 OK\n"
    "Via: SIP/2.0/WSS iitrgatmgah1.invalid;branch=z9hG4bK2367353\n"
    "To: <sip:webrtc-1-2-0.aculabcloud.net>;tag=1\n"
    "From: <sip:alice@abc123.webrtc-1-2-0.aculabcloud.net>;tag=b2cui5kvvq\n"
    "CSeq: 1 OPTIONS\n"
    "Call-ID: amcin8eheksrakrhun1t\n"
    "\n");

INSTANTIATE_TEST_SUITE_P(
    Decisions, SipLeniency,
    ::testing::Values(
        Leniency{"lf_line_ends", lf_only(kOptions), true},
        Leniency{"no_content_length_with_a_body",
                 replace(kOptions, "Content-Length: 0\r\n\r\n", "\r\nhello"), true},
        Leniency{"folded_header", replace(kOptions, "CSeq: 1", "CSeq:\r\n 1"), true},
        Leniency{"space_before_colon", replace(kOptions, "CSeq:", "CSeq :"), true},
        Leniency{"status_without_reason", replace(kOk, "200 OK", "200"), true},
        Leniency{"lower_case_version", replace(kOptions, "SIP/2.0\r\n", "sip/2.0\r\n"), true},
        Leniency{"keepalive_crlf_before_the_message", "\r\n" + kOptions, true},
        Leniency{"compact_header_names", replace(kOptions, "Call-ID:", "i:"), true},
        Leniency{"utf8_reason_phrase", replace(kOk, "200 OK", "200 D\xc3\xa9j\xc3\xa0"), true},
        Leniency{"stray_cr_before_crlf",
                 replace(kOptions, "CSeq: 1 OPTIONS\r\n", "CSeq: 1 OPTIONS\r\r\n"), false},
        Leniency{"cr_inside_a_header", replace(kOptions, "CSeq: 1", "CSeq: \r1"), false},
        Leniency{"content_length_over_the_body",
                 replace(kOptions, "Content-Length: 0", "Content-Length: 10"), false},
        Leniency{"content_length_under_the_body", kOptions + "hello", false},
        Leniency{"two_spaces_in_the_request_line",
                 replace(kOptions, "OPTIONS sip:", "OPTIONS  sip:"), false}),
    [](const ::testing::TestParamInfo<Leniency>& param_info) {
      return std::string(param_info.param.what);
    });

}  // namespace
}  // namespace acw::sip
