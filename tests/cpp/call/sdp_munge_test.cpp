// Tests for cpp/call/sdp_munge.cpp: the edits the acw-sdp module makes for CreatePeer's sdpOptions.
#include "call/sdp_munge.hpp"

#include <gtest/gtest.h>

#include <string>

#include "harness.hpp"
#include "sdp/session.hpp"

namespace acw::call::test {
namespace {

TEST(MungeSdp, CodecOrderAndBitrateCapAsTheEngineAsks) {
  // CreatePeer's sdpOptions as outgoing_call_test.cpp sees the engine write them.
  MungedSdp out =
      munge_sdp(offer_sdp(), R"({"audioCodecs":["audio/PCMA","opus"],"maxBitrateAudio":32000})");
  EXPECT_EQ(out.error, "");
  auto parsed = sdp::parse(out.sdp);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->media.size(), 1u);
  EXPECT_EQ(parsed->media[0].formats, (std::vector<std::string>{"8", "111", "0", "126"}));
  EXPECT_NE(out.sdp.find("m=audio 9 UDP/TLS/RTP/SAVPF 8 111 0 126\r\n"), std::string::npos);
  EXPECT_NE(out.sdp.find("b=AS:32\r\nb=TIAS:32000\r\n"), std::string::npos);
  EXPECT_NE(out.sdp.find("a=fmtp:111 minptime=10;useinbandfec=1;maxaveragebitrate=32000\r\n"),
            std::string::npos);
  // Munging the gathered description again changes nothing more.
  EXPECT_EQ(
      munge_sdp(out.sdp, R"({"audioCodecs":["audio/PCMA","opus"],"maxBitrateAudio":32000})").sdp,
      out.sdp);
}

TEST(MungeSdp, VideoCodecsOnly) {
  const std::string video = offer_sdp() +
                            "m=video 9 UDP/TLS/RTP/SAVPF 96 98\r\nc=IN IP4 0.0.0.0\r\n"
                            "a=mid:1\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:98 VP9/90000\r\n";
  MungedSdp out = munge_sdp(video, R"({"videoCodecs":["video/VP9"]})");
  EXPECT_EQ(out.error, "");
  EXPECT_NE(out.sdp.find("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126\r\n"), std::string::npos);
  EXPECT_NE(out.sdp.find("m=video 9 UDP/TLS/RTP/SAVPF 98 96\r\n"), std::string::npos);
  EXPECT_EQ(out.sdp.find("b="), std::string::npos);
}

TEST(MungeSdp, VideoBitrateCapOnTheVideoSectionOnly) {
  const std::string video = offer_sdp() +
                            "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n"
                            "a=mid:1\r\na=rtpmap:96 VP8/90000\r\n";
  MungedSdp out = munge_sdp(video, R"({"maxBitrateVideo":300000})");
  EXPECT_EQ(out.error, "");
  auto parsed = sdp::parse(out.sdp);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->media.size(), 2u);
  EXPECT_EQ(out.sdp.find("b=AS:300\r\nb=TIAS:300000\r\n"),
            out.sdp.find("m=video") + std::string("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n").size() +
                std::string("c=IN IP4 0.0.0.0\r\n").size());
  EXPECT_EQ(out.sdp.find("maxaveragebitrate"), std::string::npos);
  EXPECT_EQ(out.sdp.find("b="), out.sdp.rfind("b=AS:300"));  // the audio section has no b= line
  // With the audio cap too, each section gets its own.
  out = munge_sdp(video, R"({"maxBitrateAudio":32000,"maxBitrateVideo":300000})");
  EXPECT_NE(out.sdp.find("b=AS:32\r\n"), std::string::npos);
  EXPECT_GT(out.sdp.find("b=AS:300\r\n"), out.sdp.find("m=video"));
}

TEST(MungeSdp, NoEditsLeaveTheTextAsItIs) {
  // Not even re-serialized: options without codecs or a bitrate change nothing.
  const std::string odd = "v=0\r\nnot sdp at all\r\n";
  EXPECT_EQ(munge_sdp(odd, "{}").sdp, odd);
  EXPECT_EQ(munge_sdp(odd, "{}").error, "");
  EXPECT_EQ(munge_sdp(offer_sdp(), R"({"receiveAudio":true})").sdp, offer_sdp());
}

TEST(MungeSdp, SdpNotUnderstoodIsUsedAsItIsWithTheReason) {
  const std::string odd = "v=0\r\nnot sdp at all\r\n";
  MungedSdp out = munge_sdp(odd, R"({"audioCodecs":["opus"]})");
  EXPECT_EQ(out.sdp, odd);
  EXPECT_EQ(out.error.rfind("local SDP not understood, used as it is: ", 0), 0u) << out.error;
  EXPECT_GT(out.error.size(), std::string("local SDP not understood, used as it is: ").size());
}

TEST(MungeSdp, BadOptionsLeaveTheSdpWithTheReason) {
  for (const char* bad : {"[", R"({"maxBitrateAudio":-1})", R"({"codecs":{}})"}) {
    MungedSdp out = munge_sdp(offer_sdp(), bad);
    EXPECT_EQ(out.sdp, offer_sdp()) << bad;
    EXPECT_EQ(out.error.rfind("Invalid call options: ", 0), 0u) << out.error;
  }
}

}  // namespace
}  // namespace acw::call::test
