// Tests for cpp/sdp/codecs.cpp: prefer_codecs reorders m= formats and nothing else.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sdp/session.hpp"
#include "trace_sdp.hpp"

namespace acw::sdp {
namespace {

using Formats = std::vector<std::string>;

SessionDescription trace_offer() {
  auto sdp = parse(testing::all_trace_sdps()[0].body);
  EXPECT_TRUE(sdp.has_value());
  return sdp.value_or(SessionDescription{});
}

TEST(PreferCodecs, TraceOfferPcmuThenOpus) {
  SessionDescription sdp = trace_offer();
  const SessionDescription before = sdp;
  prefer_codecs(sdp, "audio", {"PCMU", "opus"});
  EXPECT_EQ(sdp.media[0].formats, (Formats{"0", "111", "63", "103", "104", "9", "102", "8", "106",
                                           "105", "13", "110", "112", "113", "126"}));
  // Only the m= line changes: every a= line (rtpmap, fmtp, rtcp-fb) stays where it was.
  EXPECT_EQ(sdp.media[0].attributes, before.media[0].attributes);
  EXPECT_EQ(sdp.media[0].lines, before.media[0].lines);
  std::string expected = testing::all_trace_sdps()[0].body;
  const std::string old_m = "m=audio 41430 UDP/TLS/RTP/SAVPF 111 63 103 104 9 102 0 8 106";
  const std::string new_m = "m=audio 41430 UDP/TLS/RTP/SAVPF 0 111 63 103 104 9 102 8 106";
  expected.replace(expected.find(old_m), old_m.size(), new_m);
  EXPECT_EQ(sdp.str(), expected);
}

TEST(PreferCodecs, NamesAreCaseInsensitiveAndUnknownOnesIgnored) {
  SessionDescription sdp = trace_offer();
  prefer_codecs(sdp, "audio", {"speex", "g722", "", "pcma", "OPUS", "pcma"});
  EXPECT_EQ(sdp.media[0].formats, (Formats{"9", "8", "111", "63", "103", "104", "102", "0", "106",
                                           "105", "13", "110", "112", "113", "126"}));
}

TEST(PreferCodecs, AMediaTypePrefixIsDroppedInAnyCase) {
  // The public client's codec options name codecs as "audio/PCMA"; the prefix of another media
  // type, or a bare "audio/", names nothing.
  SessionDescription sdp = trace_offer();
  prefer_codecs(sdp, "audio", {"video/opus", "audio/", "Audio/G722", "AUDIO/pcma", "audio"});
  EXPECT_EQ(sdp.media[0].formats, (Formats{"9", "8", "111", "63", "103", "104", "102", "0", "106",
                                           "105", "13", "110", "112", "113", "126"}));
}

TEST(PreferCodecs, OnlyUnknownNamesChangeNothing) {
  SessionDescription sdp = trace_offer();
  const std::string before = sdp.str();
  prefer_codecs(sdp, "audio", {"G729", "AMR"});
  prefer_codecs(sdp, "audio", {});
  EXPECT_EQ(sdp.str(), before);
}

TEST(PreferCodecs, EveryPayloadOfANamedCodecMovesInItsOrder) {
  SessionDescription sdp = trace_offer();
  prefer_codecs(sdp, "audio", {"telephone-event", "CN"});
  EXPECT_EQ(sdp.media[0].formats, (Formats{"110", "112", "113", "126", "106", "105", "13", "111",
                                           "63", "103", "104", "9", "102", "0", "8"}));
}

TEST(PreferCodecs, OtherMediaKindsAreLeftAlone) {
  SessionDescription sdp = trace_offer();
  const std::string before = sdp.str();
  prefer_codecs(sdp, "video", {"PCMU"});
  EXPECT_EQ(sdp.str(), before);
}

TEST(PreferCodecs, RtxAndRedStayBehindTheChosenCodec) {
  auto sdp = parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 0\r\na=rtpmap:111 opus/48000/2\r\n"
      "a=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\na=rtpmap:0 PCMU/8000\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101\r\n"
      "a=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
      "a=rtpmap:98 VP9/90000\r\na=rtpmap:99 rtx/90000\r\na=fmtp:99 apt=98\r\n"
      "a=rtpmap:100 H264/90000\r\na=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\n");
  ASSERT_TRUE(sdp.has_value());
  prefer_codecs(*sdp, "video", {"h264"});
  EXPECT_EQ(sdp->media[1].formats, (Formats{"100", "96", "97", "98", "99", "101"}));
  prefer_codecs(*sdp, "audio", {"PCMU"});
  EXPECT_EQ(sdp->media[0].formats, (Formats{"0", "111", "63"}));
}

TEST(PreferCodecs, StaticPayloadTypesWithoutRtpmap) {
  // RFC 3551 §6: 0, 8 and 18 need no a=rtpmap.
  auto sdp = parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 49170 RTP/AVP 0 8 18 96\r\n"
      "a=rtpmap:96 PCMA/16000\r\n");
  ASSERT_TRUE(sdp.has_value());
  prefer_codecs(*sdp, "AUDIO", {"G729", "PCMA"});
  EXPECT_EQ(sdp->media[0].formats, (Formats{"18", "8", "96", "0"}));
}

TEST(PreferCodecs, AnRtpmapOverridesTheStaticAssignment) {
  auto sdp = parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 49170 RTP/AVP 8 0\r\n"
      "a=rtpmap:0 opus/48000/2\r\n");
  ASSERT_TRUE(sdp.has_value());
  prefer_codecs(*sdp, "audio", {"PCMU"});
  EXPECT_EQ(sdp->media[0].formats, (Formats{"8", "0"}));
  prefer_codecs(*sdp, "audio", {"opus"});
  EXPECT_EQ(sdp->media[0].formats, (Formats{"0", "8"}));
}

}  // namespace
}  // namespace acw::sdp
