// Tests for cpp/sdp/session.cpp: parse, serialize, round trips of the recorded SDPs, bad input.
#include "sdp/session.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "trace_sdp.hpp"

namespace acw::sdp {
namespace {

using testing::all_trace_sdps;
using testing::crlf;

TEST(SdpTraces, EveryRecordedSdpParsesAndRoundTripsByteForByte) {
  const auto sdps = all_trace_sdps();
  ASSERT_EQ(sdps.size(), 5u);
  for (const auto& sdp : sdps) {
    SCOPED_TRACE(sdp.trace + ": " + sdp.first_line);
    std::string error;
    const auto parsed = parse(sdp.body, &error);
    ASSERT_TRUE(parsed.has_value()) << error;
    EXPECT_EQ(parsed->str(), sdp.body);
  }
}

TEST(SdpTraces, BodiesMatchTheirContentLength) {
  // Guards the helper: the bodies are exactly what the recorded Content-Length counted.
  const std::vector<std::size_t> lengths = {2289, 1606, 2288, 1766, 2289};
  const auto sdps = all_trace_sdps();
  ASSERT_EQ(sdps.size(), lengths.size());
  for (std::size_t i = 0; i < sdps.size(); ++i) EXPECT_EQ(sdps[i].body.size(), lengths[i]);
}

TEST(SdpTraces, LfLineEndsGiveTheSameDescription) {
  for (const auto& sdp : all_trace_sdps()) {
    std::string lf;
    for (char c : sdp.body) {
      if (c != '\r') lf += c;
    }
    const auto parsed = parse(lf);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->str(), sdp.body);
  }
}

TEST(SdpTraces, OfferSessionLevel) {
  const auto offer = parse(all_trace_sdps()[0].body);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->version, 0);
  EXPECT_EQ(offer->origin, "- 3346181849427622974 2 IN IP4 127.0.0.1");
  EXPECT_EQ(offer->name, "-");
  EXPECT_EQ(offer->lines, std::vector<std::string>{"t=0 0"});
  ASSERT_EQ(offer->attributes.size(), 3u);
  EXPECT_EQ(offer->attributes[0], (Attribute{"group", "BUNDLE 0", true}));
  EXPECT_EQ(offer->attributes[1], (Attribute{"extmap-allow-mixed", "", false}));
  EXPECT_EQ(offer->attribute("msid-semantic"),
            std::optional<std::string_view>(" WMS aa939279-f476-46e3-98f1-80b8812d4300"));
  EXPECT_EQ(offer->bundle(), std::vector<std::string>{"0"});
  EXPECT_EQ(offer->direction(), Direction::kSendRecv);
  ASSERT_EQ(offer->media.size(), 1u);
}

TEST(SdpTraces, OfferMediaSection) {
  const auto offer = parse(all_trace_sdps()[0].body);
  ASSERT_TRUE(offer.has_value());
  const MediaSection& audio = offer->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 41430);
  EXPECT_EQ(audio.port_count, 0);
  EXPECT_EQ(audio.protocol, "UDP/TLS/RTP/SAVPF");
  const std::vector<std::string> formats = {"111", "63",  "103", "104", "9",   "102", "0",  "8",
                                            "106", "105", "13",  "110", "112", "113", "126"};
  EXPECT_EQ(audio.formats, formats);
  EXPECT_EQ(audio.lines, std::vector<std::string>{"c=IN IP4 192.0.2.2"});
  EXPECT_EQ(audio.attributes.size(), 42u);
  EXPECT_EQ(audio.mid(), "0");
  EXPECT_EQ(audio.attribute("setup"), std::optional<std::string_view>("actpass"));
  EXPECT_EQ(audio.attribute("ice-ufrag"), std::optional<std::string_view>("M8Qq"));
  EXPECT_EQ(audio.attribute("rtcp"), std::optional<std::string_view>("9 IN IP4 0.0.0.0"));
  EXPECT_EQ(audio.attribute("rtcp-mux"), std::optional<std::string_view>(""));
  EXPECT_EQ(audio.attribute("no-such"), std::nullopt);
  EXPECT_EQ(audio.direction(), Direction::kSendRecv);
  EXPECT_FALSE(audio.rejected());
}

TEST(SessionDescription, StrWritesSessionLinesInRfcOrderAndMediaLinesAfterThem) {
  // RFC 3264 §10.2 writes t= before c=; parsing is lenient, writing follows RFC 8866 §5.
  const auto sdp = parse(
      "v=0\no=carol 28908764872 28908764872 IN IP4 100.3.6.6\ns=-\nt=0 0\nc=IN IP4 192.0.2.4\n"
      "m=audio 0 RTP/AVP 0 1 3\nb=AS:64\nc=IN IP4 192.0.2.5\ni=voice\na=rtpmap:0 PCMU/8000\n");
  ASSERT_TRUE(sdp.has_value());
  EXPECT_EQ(sdp->lines, (std::vector<std::string>{"t=0 0", "c=IN IP4 192.0.2.4"}));
  EXPECT_EQ(sdp->str(),
            "v=0\r\no=carol 28908764872 28908764872 IN IP4 100.3.6.6\r\ns=-\r\n"
            "c=IN IP4 192.0.2.4\r\nt=0 0\r\n"
            "m=audio 0 RTP/AVP 0 1 3\r\ni=voice\r\nc=IN IP4 192.0.2.5\r\nb=AS:64\r\n"
            "a=rtpmap:0 PCMU/8000\r\n");
}

TEST(SessionDescription, TimeAndRepeatLinesStayTogether) {
  const std::string text = crlf(
      "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=x\nt=3034423619 3042462419\nr=604800 3600 0 90000\n"
      "t=3034423620 3042462420\nz=2882844526 -1h\nk=prompt\na=recvonly\n");
  const auto sdp = parse(text);
  ASSERT_TRUE(sdp.has_value());
  EXPECT_EQ(sdp->str(), text);
  EXPECT_EQ(sdp->direction(), Direction::kRecvOnly);
}

TEST(SessionDescription, PortCountAndValuelessAndEmptyAttributesRoundTrip) {
  const std::string text = crlf(
      "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
      "m=video 49170/2 RTP/AVP 31\na=flag\na=empty:\na=rtpmap:31 H261/90000\n");
  const auto sdp = parse(text);
  ASSERT_TRUE(sdp.has_value());
  EXPECT_EQ(sdp->media[0].port, 49170);
  EXPECT_EQ(sdp->media[0].port_count, 2);
  EXPECT_EQ(sdp->media[0].attributes[0], (Attribute{"flag", "", false}));
  EXPECT_EQ(sdp->media[0].attributes[1], (Attribute{"empty", "", true}));
  EXPECT_EQ(sdp->str(), text);
}

TEST(SessionDescription, EmptySessionNameAndNoMediaAreAccepted) {
  // RFC 4317 §5.1 offer: no m= lines; its s= is empty in many copies of the RFC.
  const auto sdp = parse(
      "v=0\r\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\ns=\r\n"
      "c=IN IP4 host.atlanta.example.com\r\nt=0 0\r\n");
  ASSERT_TRUE(sdp.has_value());
  EXPECT_EQ(sdp->name, "");
  EXPECT_TRUE(sdp->media.empty());
}

TEST(SessionDescription, TrailingEmptyLinesAndAMissingFinalLineEndAreAccepted) {
  const std::string base = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0";
  for (const std::string& text : {base, base + "\r\n\r\n", base + "\n\n\n", base + "\r"}) {
    const auto sdp = parse(text);
    ASSERT_TRUE(sdp.has_value()) << text;
    EXPECT_EQ(sdp->str(), base + "\r\n");
  }
}

TEST(SessionDescription, DefaultConstructedSerializes) {
  SessionDescription sdp;
  sdp.origin = "- 1 1 IN IP4 127.0.0.1";
  sdp.lines.push_back("t=0 0");
  EXPECT_EQ(sdp.str(), "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
  EXPECT_TRUE(parse(sdp.str()).has_value());
}

std::string media_sections(std::size_t count) {
  std::string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
  for (std::size_t i = 0; i < count; ++i) text += "m=audio 9 RTP/AVP 0\r\n";
  return text;
}

TEST(SessionDescription, SizeLimits) {
  EXPECT_TRUE(parse(media_sections(kMaxMediaSections)).has_value());
  std::string error;
  EXPECT_FALSE(parse(media_sections(kMaxMediaSections + 1), &error).has_value());
  EXPECT_EQ(error, "line 69: too many media sections");

  std::string formats;
  for (std::size_t i = 0; i < kMaxFormats; ++i) formats += " 0";
  const std::string head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP";
  EXPECT_TRUE(parse(head + formats + "\r\n").has_value());
  EXPECT_FALSE(parse(head + formats + " 0\r\n", &error).has_value());
  EXPECT_EQ(error, "line 4: too many m= formats");

  std::string big = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=x:";
  big += std::string(kMaxSessionDescriptionSize - big.size() - 2, 'x') + "\r\n";
  ASSERT_EQ(big.size(), kMaxSessionDescriptionSize);
  EXPECT_TRUE(parse(big).has_value());
  EXPECT_FALSE(parse(big + "a=y\r\n", &error).has_value());
  EXPECT_EQ(error, "session description too large");
}

struct Malformed {
  const char* what;
  std::string text;
  const char* reason;  // the error parse() must give
};

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
const std::string kAudio = "m=audio 9 RTP/AVP 0\r\n";  // line 5 after kHead
const std::string kO = "o=- 1 1 IN IP4 0.0.0.0\r\n";

class SdpMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(SdpMalformed, IsRejectedForItsReason) {
  std::string error;
  EXPECT_FALSE(parse(GetParam().text, &error).has_value());
  EXPECT_EQ(error, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SdpMalformed,
    ::testing::Values(
        Malformed{"empty", "", "first line must be v=0"},
        Malformed{"only line ends", "\r\n\r\n", "line 1: first line must be v=0"},
        Malformed{"version 1", "v=1\r\n" + kO + "s=-\r\n", "line 1: first line must be v=0"},
        Malformed{"no o=", "v=0\r\ns=-\r\nt=0 0\r\n", "line 2: second line must be a valid o="},
        Malformed{"o= with five fields", "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n",
                  "line 2: second line must be a valid o="},
        Malformed{"no s=", "v=0\r\n" + kO + "t=0 0\r\n", "line 3: third line must be s="},
        Malformed{"v= repeated", kHead + "v=0\r\n", "line 5: v=, o= or s= repeated"},
        Malformed{"line without =", kHead + "hello\r\n",
                  "line 5: line not of the form <type>=<value>"},
        Malformed{"upper-case type", kHead + "A=sendrecv\r\n",
                  "line 5: line not of the form <type>=<value>"},
        Malformed{"space before type", kHead + " a=sendrecv\r\n",
                  "line 5: line not of the form <type>=<value>"},
        Malformed{"unknown type", kHead + "x=1\r\n",
                  "line 5: line type not allowed at session level"},
        Malformed{"empty line inside", kHead + "\r\na=sendrecv\r\n", "line 5: empty line"},
        Malformed{"NUL in a line", kHead + std::string("a=x\0y\r\n", 7),
                  "line 5: CR or NUL inside a line"},
        Malformed{"CR in a line", kHead + "a=x\ry\r\n", "line 5: CR or NUL inside a line"},
        Malformed{"bad c=", kHead + "c=IN IP4\r\n", "line 5: bad c= line"},
        Malformed{"bad b=", kHead + "b=AS:lots\r\n", "line 5: bad b= line"},
        Malformed{"bad t=", kHead + "t=0\r\n", "line 5: bad t= line"},
        Malformed{"o= with seven fields", "v=0\r\no=- 1 1 IN IP4 0.0.0.0 x\r\ns=-\r\n",
                  "line 2: second line must be a valid o="},
        Malformed{"o= with two spaces", "v=0\r\no=- 1  1 IN IP4 0.0.0.0\r\ns=-\r\n",
                  "line 2: second line must be a valid o="},
        Malformed{"c= with four fields", kHead + "c=IN IP4 0.0.0.0 x\r\n", "line 5: bad c= line"},
        Malformed{"c= trailing space", kHead + "c=IN IP4 0.0.0.0 \r\n", "line 5: bad c= line"},
        Malformed{"t= past 64 bits", kHead + "t=0 18446744073709551616\r\n", "line 5: bad t= line"},
        Malformed{"t= three fields", kHead + "t=0 0 0\r\n", "line 5: bad t= line"},
        Malformed{"t= not a number", kHead + "t=0 x\r\n", "line 5: bad t= line"},
        Malformed{"port out of range", kHead + "m=audio 65536 RTP/AVP 0\r\n",
                  "line 5: m= port out of range"},
        Malformed{"port not a number", kHead + "m=audio abc RTP/AVP 0\r\n",
                  "line 5: m= port out of range"},
        Malformed{"zero number of ports", kHead + "m=audio 9/0 RTP/AVP 0\r\n",
                  "line 5: bad m= number of ports"},
        Malformed{"m= without formats", kHead + "m=audio 9 RTP/AVP\r\n",
                  "line 5: m= line without formats"},
        Malformed{"m= with two spaces", kHead + "m=audio  9 RTP/AVP 0\r\n", "line 5: bad m= line"},
        Malformed{"m= with a bad protocol", kHead + "m=audio 9 RTP//AVP 0\r\n",
                  "line 5: bad m= line"},
        Malformed{"m= trailing space", kHead + "m=audio 9 RTP/AVP 0 \r\n", "line 5: bad m= format"},
        Malformed{"session line in media", kHead + kAudio + "u=http://example.com\r\n",
                  "line 6: line type not allowed in a media section"},
        Malformed{"empty attribute name", kHead + "a=:x\r\n", "line 5: bad attribute name"},
        Malformed{"rtpmap payload type 128", kHead + kAudio + "a=rtpmap:128 x/8000\r\n",
                  "line 6: bad a=rtpmap"},
        Malformed{"rtpmap without clock", kHead + kAudio + "a=rtpmap:96 opus\r\n",
                  "line 6: bad a=rtpmap"},
        Malformed{"rtpmap zero clock", kHead + kAudio + "a=rtpmap:96 opus/0\r\n",
                  "line 6: bad a=rtpmap"},
        Malformed{"fmtp without format", kHead + kAudio + "a=fmtp: x=1\r\n", "line 6: bad a=fmtp"},
        Malformed{"rtcp-fb without type", kHead + kAudio + "a=rtcp-fb:111\r\n",
                  "line 6: bad a=rtcp-fb"},
        Malformed{"extmap id 0", kHead + kAudio + "a=extmap:0 urn:x\r\n", "line 6: bad a=extmap"},
        Malformed{"extmap bad direction", kHead + kAudio + "a=extmap:1/both urn:x\r\n",
                  "line 6: bad a=extmap"},
        Malformed{"ssrc not a number", kHead + kAudio + "a=ssrc:abc cname:x\r\n",
                  "line 6: bad a=ssrc"},
        Malformed{"candidate port out of range",
                  kHead + kAudio + "a=candidate:1 1 udp 1 192.0.2.1 65536 typ host\r\n",
                  "line 6: bad a=candidate"},
        Malformed{"candidate without typ",
                  kHead + kAudio + "a=candidate:1 1 udp 1 192.0.2.1 9 host\r\n",
                  "line 6: bad a=candidate"},
        Malformed{"candidate extension without value",
                  kHead + kAudio + "a=candidate:1 1 udp 1 192.0.2.1 9 typ host generation\r\n",
                  "line 6: bad a=candidate"},
        Malformed{"direction with a value", kHead + kAudio + "a=sendrecv:yes\r\n",
                  "line 6: a direction attribute takes no value"},
        Malformed{"two directions", kHead + kAudio + "a=sendonly\r\na=recvonly\r\n",
                  "line 7: more than one direction attribute"},
        Malformed{"two session directions", kHead + "a=inactive\r\na=inactive\r\n",
                  "line 6: more than one direction attribute"},
        Malformed{"empty mid", kHead + kAudio + "a=mid:\r\n", "line 6: bad a=mid"},
        Malformed{"two mids", kHead + kAudio + "a=mid:0\r\na=mid:1\r\n",
                  "line 7: more than one a=mid in a media section"},
        Malformed{"repeated mid", kHead + kAudio + "a=mid:0\r\n" + kAudio + "a=mid:0\r\n",
                  "line 8: a=mid repeated"},
        Malformed{"BUNDLE names an unknown mid",
                  "v=0\r\n" + kO + "s=-\r\na=group:BUNDLE 0 1\r\n" + kAudio + "a=mid:0\r\n",
                  "a=group names an unknown mid"}),
    [](const ::testing::TestParamInfo<Malformed>& param_info) {
      std::string name;
      for (const char* c = param_info.param.what; *c != '\0'; ++c) {
        name += (std::isalnum(static_cast<unsigned char>(*c)) != 0) ? *c : '_';
      }
      return name;
    });

// What other stacks (libwebrtc, JsSIP, Kamailio) take and what we decided for each: accepted
// where it is safe, refused where refusing protects (docs/LENIENCY.md has the table and why).
struct Leniency {
  const char* what;
  std::string text;
  bool accepted;
};

class SdpLeniency : public ::testing::TestWithParam<Leniency> {};

TEST_P(SdpLeniency, IsDecided) {
  std::string error;
  const auto sdp = parse(GetParam().text, &error);
  EXPECT_EQ(sdp.has_value(), GetParam().accepted) << error;
  // What is accepted is written back with plain CRLF line ends and reads the same again.
  if (sdp) {
    EXPECT_EQ(parse(sdp->str())->str(), sdp->str());
  }
}

const std::string kOpus = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n";

INSTANTIATE_TEST_SUITE_P(
    Decisions, SdpLeniency,
    ::testing::Values(
        Leniency{"stray_cr_before_crlf",
                 "v=0\r\r\no=- 1 1 IN IP4 0.0.0.0\r\r\ns=-\r\r\nt=0 0\r\r\n"
                 "m=audio 9 RTP/AVP 0\r\r\na=sendrecv\r\r\r\n",
                 true},
        Leniency{"lf_line_ends", "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 9 RTP/AVP 0\n",
                 true},
        Leniency{"no_final_line_end", kHead + "m=audio 9 RTP/AVP 0", true},
        Leniency{"empty_lines_at_the_end", kHead + kOpus + "\r\n\r\n", true},
        Leniency{"empty_session_name", "v=0\r\n" + kO + "s=\r\nt=0 0\r\n" + kOpus, true},
        Leniency{"no_t_line", "v=0\r\n" + kO + "s=-\r\n" + kOpus, true},
        Leniency{"c_b_i_after_a_in_media", kHead + kOpus + "c=IN IP4 0.0.0.0\r\nb=AS:64\r\ni=x\r\n",
                 true},
        Leniency{"rtpmap_for_a_format_not_listed",
                 kHead + "m=audio 9 RTP/AVP 0\r\na=rtpmap:111 opus/48000/2\r\n", true},
        Leniency{"latin1_session_name", "v=0\r\n" + kO + "s=\xe9\r\nt=0 0\r\n", true},
        Leniency{"host_names_in_o_and_c",
                 "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP4 h.example\r\nt=0 0\r\n", true},
        Leniency{"cr_inside_a_line", kHead + "a=x\ry\r\n", false},
        Leniency{"nul_inside_a_line", kHead + std::string("a=x\0y\r\n", 7), false},
        Leniency{"empty_line_inside", kHead + "\r\n" + kOpus, false},
        Leniency{"unknown_type_letter", kHead + "x=1\r\n" + kOpus, false},
        Leniency{"two_directions", kHead + kOpus + "a=sendrecv\r\na=recvonly\r\n", false},
        Leniency{"trailing_space_on_a_structured_line",
                 kHead + "m=audio 9 RTP/AVP 111 \r\na=rtpmap:111 opus/48000/2\r\n", false},
        Leniency{"two_spaces_between_fields", kHead + "m=audio 9  RTP/AVP 0\r\n", false},
        Leniency{"media_without_formats", kHead + "m=audio 0 RTP/AVP\r\n", false},
        Leniency{"space_after_equals", kHead + kOpus + "a= sendrecv\r\n", false},
        Leniency{"ssrc_without_attribute", kHead + kOpus + "a=ssrc:1234\r\n", false},
        Leniency{"bundle_names_an_unknown_mid",
                 kHead + "a=group:BUNDLE 0 1\r\n" + kOpus + "a=mid:0\r\n", false}),
    [](const ::testing::TestParamInfo<Leniency>& param_info) {
      return std::string(param_info.param.what);
    });

TEST(SdpMalformed, ErrorNamesTheLine) {
  std::string error;
  EXPECT_FALSE(parse(kHead + "m=audio 70000 RTP/AVP 0\r\n", &error).has_value());
  EXPECT_EQ(error, "line 5: m= port out of range");
  EXPECT_FALSE(parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nhello\r\n", &error).has_value());
  EXPECT_EQ(error, "line 3: line not of the form <type>=<value>");
  EXPECT_FALSE(parse("", &error).has_value());
  EXPECT_EQ(error, "first line must be v=0");
}

TEST(SdpMalformed, WithoutAnErrorPointerStillFails) {
  EXPECT_FALSE(parse("v=0\r\n").has_value());
}

// The checked-in fuzz seeds and crash inputs keep the fuzz target's properties: what parses
// serializes to a fixed point, before and after the edits.
TEST(FuzzCorpus, EverySeedKeepsTheFuzzProperties) {
  const std::filesystem::path dir =
      std::filesystem::path(ACW_SOURCE_DIR) / "tests/fuzz/corpus/sdp_parser";
  std::size_t files = 0;
  std::size_t parsed_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    SCOPED_TRACE(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    ++files;
    std::string error;
    auto sdp = parse(text.str(), &error);
    if (!sdp) {
      EXPECT_FALSE(error.empty());
      continue;
    }
    ++parsed_files;
    const auto again = parse(sdp->str());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->str(), sdp->str());
    prefer_codecs(*sdp, "audio", {"PCMU", "opus"});
    cap_audio_bitrate(*sdp, 30000);
    const auto edited = parse(sdp->str(), &error);
    ASSERT_TRUE(edited.has_value()) << error;
    EXPECT_EQ(edited->str(), sdp->str());
  }
  EXPECT_GE(files, 10u);
  EXPECT_GE(parsed_files, 9u);
}

}  // namespace
}  // namespace acw::sdp
