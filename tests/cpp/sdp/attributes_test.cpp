// Tests for cpp/sdp/attributes.cpp: typed attribute views on the recorded SDPs and RFC examples.
#include "sdp/attributes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sdp/session.hpp"
#include "trace_sdp.hpp"

namespace acw::sdp {
namespace {

using testing::all_trace_sdps;

MediaSection trace_audio(std::size_t index) {
  auto sdp = parse(all_trace_sdps()[index].body);
  EXPECT_TRUE(sdp.has_value());
  return sdp ? sdp->media.at(0) : MediaSection{};
}

TEST(TraceOffer, Rtpmaps) {
  const MediaSection audio = trace_audio(0);
  const auto rtpmaps = audio.rtpmaps();
  ASSERT_EQ(rtpmaps.size(), 15u);
  EXPECT_EQ(rtpmaps[0], (Rtpmap{111, "opus", 48000, 2}));
  EXPECT_EQ(rtpmaps[1], (Rtpmap{63, "red", 48000, 2}));
  EXPECT_EQ(rtpmaps[6], (Rtpmap{0, "PCMU", 8000, 1}));
  EXPECT_EQ(rtpmaps[14], (Rtpmap{126, "telephone-event", 8000, 1}));
  EXPECT_EQ(audio.rtpmap(111), (Rtpmap{111, "opus", 48000, 2}));
  EXPECT_EQ(audio.rtpmap(13), (Rtpmap{13, "CN", 8000, 1}));
  EXPECT_EQ(audio.rtpmap(96), std::nullopt);
}

TEST(TraceOffer, Fmtps) {
  const MediaSection audio = trace_audio(0);
  EXPECT_EQ(audio.fmtps(),
            (std::vector<Fmtp>{{111, "minptime=10;useinbandfec=1"}, {63, "111/111"}}));
  EXPECT_EQ(audio.fmtp(111), std::optional<std::string_view>("minptime=10;useinbandfec=1"));
  EXPECT_EQ(audio.fmtp(63), std::optional<std::string_view>("111/111"));
  EXPECT_EQ(audio.fmtp(0), std::nullopt);
}

TEST(TraceOffer, RtcpFeedbackExtmapsSsrcs) {
  const MediaSection audio = trace_audio(0);
  EXPECT_EQ(audio.rtcp_feedback(), (std::vector<RtcpFeedback>{{"111", "transport-cc", ""}}));
  const auto extmaps = audio.extmaps();
  ASSERT_EQ(extmaps.size(), 4u);
  EXPECT_EQ(extmaps[0],
            (Extmap{1, std::nullopt, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", ""}));
  EXPECT_EQ(extmaps[3], (Extmap{4, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", ""}));
  const auto ssrcs = audio.ssrcs();
  ASSERT_EQ(ssrcs.size(), 2u);
  EXPECT_EQ(ssrcs[0], (SsrcAttribute{1581949074, "cname", "AFiuYt0Zz8qU8nVg"}));
  EXPECT_EQ(ssrcs[1], (SsrcAttribute{1581949074, "msid",
                                     "aa939279-f476-46e3-98f1-80b8812d4300 "
                                     "c4b98f97-a926-40e0-ae3b-909acde4287a"}));
}

TEST(TraceOffer, Candidates) {
  const auto candidates = trace_audio(0).candidates();
  ASSERT_EQ(candidates.size(), 8u);
  Candidate first;
  first.foundation = "3077952869";
  first.component = 1;
  first.transport = "udp";
  first.priority = 2122265343;
  first.address = "fd00::2";
  first.port = 40344;
  first.type = "host";
  first.extensions = {{"generation", "0"}, {"network-id", "2"}};
  EXPECT_EQ(candidates[0], first);
  EXPECT_EQ(candidates[7].transport, "tcp");
  EXPECT_EQ(candidates[7].address, "127.0.0.1");
  EXPECT_EQ(candidates[7].port, 56627);
  EXPECT_EQ(candidates[7].priority, 1518083839u);
  EXPECT_EQ(candidates[7].extensions,
            (std::vector<std::pair<std::string, std::string>>{
                {"tcptype", "passive"}, {"generation", "0"}, {"network-id", "3"}}));
}

TEST(TraceAnswer, DirectionSetupAndCandidates) {
  const MediaSection audio = trace_audio(1);
  EXPECT_EQ(audio.direction(), Direction::kRecvOnly);
  EXPECT_EQ(audio.attribute("setup"), std::optional<std::string_view>("active"));
  EXPECT_EQ(audio.candidates().size(), 4u);
  EXPECT_TRUE(audio.ssrcs().empty());
}

TEST(Rtpmap, Grammar) {
  EXPECT_EQ(parse_rtpmap("96 VP8/90000"), (Rtpmap{96, "VP8", 90000, 1}));
  EXPECT_EQ(parse_rtpmap("10 L16/44100/2"), (Rtpmap{10, "L16", 44100, 2}));
  for (const char* bad : {"", "96", "96 VP8", "96 VP8/", "96 /90000", "128 VP8/90000",
                          "-1 VP8/90000", "96 VP8/0", "96 VP8/90000/0", "96 VP8/90000/x",
                          "96  VP8/90000", "96 VP8/90000 x", "96 VP8/4294967296"}) {
    EXPECT_EQ(parse_rtpmap(bad), std::nullopt) << bad;
  }
}

TEST(Fmtp, GrammarNeedsAPayloadTypeForTheView) {
  EXPECT_EQ(parse_fmtp("101 0-15"), (Fmtp{101, "0-15"}));
  EXPECT_EQ(parse_fmtp("101"), (Fmtp{101, ""}));
  EXPECT_EQ(parse_fmtp("webrtc-datachannel max-message-size=65536"), std::nullopt);
  EXPECT_EQ(parse_fmtp(" 101 0-15"), std::nullopt);
}

TEST(RtcpFeedback, Grammar) {
  EXPECT_EQ(parse_rtcp_feedback("96 nack pli"), (RtcpFeedback{"96", "nack", "pli"}));
  EXPECT_EQ(parse_rtcp_feedback("* ccm fir"), (RtcpFeedback{"*", "ccm", "fir"}));
  EXPECT_EQ(parse_rtcp_feedback("96"), std::nullopt);
}

TEST(Extmap, Grammar) {
  EXPECT_EQ(parse_extmap("2/sendonly urn:ietf:params:rtp-hdrext:toffset attr"),
            (Extmap{2, Direction::kSendOnly, "urn:ietf:params:rtp-hdrext:toffset", "attr"}));
  EXPECT_EQ(parse_extmap("0 urn:x"), std::nullopt);
  EXPECT_EQ(parse_extmap("1"), std::nullopt);
  EXPECT_EQ(parse_extmap("1/up urn:x"), std::nullopt);
}

TEST(Ssrc, Grammar) {
  EXPECT_EQ(parse_ssrc("4294967295 flag"), (SsrcAttribute{4294967295u, "flag", ""}));
  EXPECT_EQ(parse_ssrc("4294967296 cname:x"), std::nullopt);
  EXPECT_EQ(parse_ssrc("1 :x"), std::nullopt);
  EXPECT_EQ(parse_ssrc("1"), std::nullopt);
}

TEST(Candidate, ServerReflexiveWithRelatedAddress) {
  // RFC 8839 §5.1 grammar, as browsers write it.
  const auto candidate = parse_candidate(
      "842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 192.0.2.2 rport 41430 "
      "generation 0 network-cost 999");
  ASSERT_TRUE(candidate.has_value());
  EXPECT_EQ(candidate->type, "srflx");
  EXPECT_EQ(candidate->related_address, "192.0.2.2");
  EXPECT_EQ(candidate->related_port, std::optional<uint16_t>(41430));
  EXPECT_EQ(candidate->extensions, (std::vector<std::pair<std::string, std::string>>{
                                       {"generation", "0"}, {"network-cost", "999"}}));
}

TEST(Candidate, Grammar) {
  for (const char* bad : {
           "1 1 udp 1 192.0.2.1 9 typ",                               // no type
           "1 1 udp 1 192.0.2.1 9 type host",                         // not "typ"
           "1 0 udp 1 192.0.2.1 9 typ host",                          // component 0
           "1 257 udp 1 192.0.2.1 9 typ host",                        // component > 256
           "1 1 udp 4294967296 192.0.2.1 9 typ host",                 // priority > 32 bits
           "1 1 udp 1 192.0.2.1 65536 typ host",                      // port
           "1 1 udp 1 192.0.2.1 9 typ host rport x",                  // rport not a number
           "123456789012345678901234567890123 1 udp 1 a 9 typ host",  // foundation > 32
           "a_b 1 udp 1 192.0.2.1 9 typ host",                        // foundation char
       }) {
    EXPECT_EQ(parse_candidate(bad), std::nullopt) << bad;
  }
}

TEST(Group, Grammar) {
  EXPECT_EQ(parse_group("BUNDLE 0 1"), (Group{"BUNDLE", {"0", "1"}}));
  EXPECT_EQ(parse_group("LS"), (Group{"LS", {}}));
  EXPECT_EQ(parse_group(""), std::nullopt);
  EXPECT_EQ(parse_group("BUNDLE 0 "), std::nullopt);
}

TEST(StaticPayloadTypes, Rfc3551Tables) {
  EXPECT_EQ(static_rtpmap(0), (Rtpmap{0, "PCMU", 8000, 1}));
  EXPECT_EQ(static_rtpmap(8), (Rtpmap{8, "PCMA", 8000, 1}));
  EXPECT_EQ(static_rtpmap(10), (Rtpmap{10, "L16", 44100, 2}));
  EXPECT_EQ(static_rtpmap(18), (Rtpmap{18, "G729", 8000, 1}));
  EXPECT_EQ(static_rtpmap(34), (Rtpmap{34, "H263", 90000, 1}));
  EXPECT_EQ(static_rtpmap(1), std::nullopt);  // reserved
  EXPECT_EQ(static_rtpmap(96), std::nullopt);
  EXPECT_EQ(static_rtpmap(12), (Rtpmap{12, "QCELP", 8000, 1}));  // a name that fills its row
  EXPECT_EQ(static_encoding(28), "nv");
  EXPECT_EQ(static_encoding(16), "DVI4");
  EXPECT_EQ(static_encoding(35), "");
}

TEST(Direction, NamesRoundTrip) {
  for (Direction d :
       {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly, Direction::kInactive}) {
    EXPECT_EQ(direction_from_name(direction_name(d)), d);
  }
  EXPECT_EQ(direction_name(Direction::kInactive), "inactive");
  EXPECT_EQ(direction_from_name("SENDRECV"), std::nullopt);
}

TEST(Direction, MediaOverridesSessionWhichOverridesDefault) {
  const auto sdp = parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=sendonly\r\nm=audio 9 RTP/AVP 0\r\n"
      "m=audio 9 RTP/AVP 0\r\na=inactive\r\n");
  ASSERT_TRUE(sdp.has_value());
  EXPECT_EQ(sdp->direction(), Direction::kSendOnly);
  EXPECT_EQ(sdp->media[0].direction(sdp->direction()), Direction::kSendOnly);
  EXPECT_EQ(sdp->media[0].direction(), Direction::kSendRecv);
  EXPECT_EQ(sdp->media[1].direction(sdp->direction()), Direction::kInactive);
}

TEST(Group, BundleOfSeveralSections) {
  const auto sdp = parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:LS 1\r\na=group:BUNDLE 1 0\r\n"
      "m=audio 9 RTP/AVP 0\r\na=mid:0\r\nm=video 9 RTP/AVP 31\r\na=mid:1\r\n");
  ASSERT_TRUE(sdp.has_value());
  EXPECT_EQ(sdp->bundle(), (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(sdp->groups().size(), 2u);
  EXPECT_EQ(sdp->media[1].mid(), "1");
}

TEST(CheckAttribute, UnknownAttributesAreNotChecked) {
  EXPECT_EQ(check_attribute("x-anything", true, "  any  thing "), nullptr);
  EXPECT_STREQ(check_attribute("rtpmap", false, ""), "bad a=rtpmap");
  EXPECT_STREQ(check_attribute("inactive", true, ""), "a direction attribute takes no value");
}

// parse() checks these attributes with the grammar the typed views read (one field-grammar routine
// for both): what it accepts the view reads, what it refuses the view does not.
TEST(CheckAttribute, AgreesWithTheTypedViews) {
  struct Case {
    const char* name;
    const char* value;
    bool valid;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"candidate", "1 1 udp 1 192.0.2.1 9 typ host raddr 0.0.0.0 rport 0 generation 0", true},
           {"candidate", "1 1 udp 1 192.0.2.1 9 typ host generation", false},  // odd extension
           {"candidate", "1 1 udp 1 192.0.2.1 9 typ host ", false},
           {"candidate", "1 0 udp 1 192.0.2.1 9 typ host", false},
           {"candidate", "1 0256 udp 1 192.0.2.1 9 typ host", false},  // 4 digits
           {"candidate", "1 1 udp 04294967295 a 9 typ host", false},   // 11 digits
           {"candidate", "1 1 udp 4294967296 a 9 typ host", false},
           {"candidate", "1 1 udp 1 a 9 type host", false},
           {"candidate", "1 1 udp 1 a 65536 typ host", false},
           {"extmap", "1/recvonly urn:x a b", true},
           {"extmap", "1/both urn:x", false},
           {"extmap", "0001 urn:x", true},
           {"extmap", "1", false},
           {"extmap", "65536 urn:x", false},
           {"ssrc", "1 cname:a b", true},
           {"ssrc", "1", false},
           {"ssrc", "1 ", false},
           {"ssrc", "1  cname", false},
           {"ssrc", "4294967296 cname", false},
           {"rtcp-fb", "* nack pli", true},
           {"rtcp-fb", "96", false},
           {"rtcp-fb", "96  nack", false},
           {"group", "BUNDLE", true},
           {"group", "BUNDLE a b", true},
           {"group", "BUNDLE a  b", false},
           {"mid", "a", true},
           {"mid", "a b", false},
           {"mid", "a ", false},
           {"mid", "", false},
           {"fmtp", "96", true},
           {"fmtp", " 96", false},
       }) {
    const bool checked = check_attribute(c.name, true, c.value) == nullptr;
    EXPECT_EQ(checked, c.valid) << c.name << ":" << c.value;
    const std::string_view name = c.name;
    std::optional<bool> read;
    if (name == "candidate") read = parse_candidate(c.value).has_value();
    if (name == "extmap") read = parse_extmap(c.value).has_value();
    if (name == "ssrc") read = parse_ssrc(c.value).has_value();
    if (name == "rtcp-fb") read = parse_rtcp_feedback(c.value).has_value();
    if (name == "group") read = parse_group(c.value).has_value();
    if (read) {
      EXPECT_EQ(*read, c.valid) << c.name << ":" << c.value;
    }
  }
  EXPECT_EQ(parse_extmap("0001/sendonly urn:x"), (Extmap{1, Direction::kSendOnly, "urn:x", ""}));
  EXPECT_EQ(parse_ssrc("7 cname"), (SsrcAttribute{7, "cname", ""}));
}

TEST(CheckFields, CountsAndNumbers) {
  EXPECT_TRUE(check_fields("IN IP4 0.0.0.0", "aaa"));
  EXPECT_FALSE(check_fields("IN IP4", "aaa"));
  EXPECT_FALSE(check_fields("IN IP4 0.0.0.0 x", "aaa"));
  EXPECT_FALSE(check_fields("", "aaa"));
  EXPECT_TRUE(check_fields("18446744073709551615 0", "NN"));
  EXPECT_FALSE(check_fields("18446744073709551616 0", "NN"));
  EXPECT_TRUE(check_fields("x", "t."));
  EXPECT_TRUE(check_fields("x  y", "t."));
}

}  // namespace
}  // namespace acw::sdp
