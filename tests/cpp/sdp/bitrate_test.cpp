// Tests for cpp/sdp/bitrate.cpp: cap_audio_bitrate's b= lines and Opus maxaveragebitrate, and
// cap_video_bitrate's b= lines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sdp/session.hpp"
#include "trace_sdp.hpp"

namespace acw::sdp {
namespace {

using Lines = std::vector<std::string>;

SessionDescription parsed(const std::string& text) {
  std::string error;
  auto sdp = parse(text, &error);
  EXPECT_TRUE(sdp.has_value()) << error;
  return sdp.value_or(SessionDescription{});
}

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

TEST(CapAudioBitrate, TraceOfferExactOutput) {
  const std::string body = testing::all_trace_sdps()[0].body;
  SessionDescription sdp = parsed(body);
  cap_audio_bitrate(sdp, 32000);
  std::string expected = body;
  const std::string c = "c=IN IP4 192.0.2.2\r\n";
  expected.insert(expected.find(c) + c.size(), "b=AS:32\r\nb=TIAS:32000\r\n");
  const std::string fmtp = "a=fmtp:111 minptime=10;useinbandfec=1";
  expected.insert(expected.find(fmtp) + fmtp.size(), ";maxaveragebitrate=32000");
  EXPECT_EQ(sdp.str(), expected);
  EXPECT_EQ(sdp.media[0].fmtp(111),
            std::optional<std::string_view>("minptime=10;useinbandfec=1;maxaveragebitrate=32000"));
  EXPECT_EQ(sdp.media[0].fmtp(63), std::optional<std::string_view>("111/111"));
}

TEST(CapAudioBitrate, IsIdempotentAndTheResultParses) {
  SessionDescription sdp = parsed(testing::all_trace_sdps()[0].body);
  cap_audio_bitrate(sdp, 24000);
  const std::string once = sdp.str();
  cap_audio_bitrate(sdp, 24000);
  EXPECT_EQ(sdp.str(), once);
  const auto again = parse(once);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->str(), once);
}

TEST(CapAudioBitrate, KilobitsRoundUp) {
  SessionDescription sdp = parsed(kHead + "m=audio 9 RTP/AVP 0\r\n");
  cap_audio_bitrate(sdp, 12345);
  EXPECT_EQ(sdp.media[0].lines, (Lines{"b=AS:13", "b=TIAS:12345"}));
  cap_audio_bitrate(sdp, 64000);
  EXPECT_EQ(sdp.media[0].lines, (Lines{"b=AS:64", "b=TIAS:64000"}));
}

TEST(CapAudioBitrate, ReplacesAsAndTiasKeepsOtherBandwidthsInRfcOrder) {
  SessionDescription sdp =
      parsed(kHead +
             "m=audio 9 RTP/AVP 0\r\ni=voice\r\nc=IN IP4 192.0.2.1\r\nb=as:128\r\n"
             "b=RR:0\r\nb=TIAS:128000\r\nk=prompt\r\n");
  cap_audio_bitrate(sdp, 20000);
  EXPECT_EQ(sdp.media[0].lines, (Lines{"i=voice", "c=IN IP4 192.0.2.1", "b=AS:20", "b=TIAS:20000",
                                       "b=RR:0", "k=prompt"}));
}

TEST(CapAudioBitrate, OpusMaxAverageBitrateIsLoweredNeverRaised) {
  SessionDescription sdp =
      parsed(kHead +
             "m=audio 9 RTP/AVP 96 97 98 99\r\na=rtpmap:96 opus/48000/2\r\n"
             "a=fmtp:96 maxaveragebitrate=20000; stereo=1\r\na=rtpmap:97 OPUS/48000/2\r\n"
             "a=fmtp:97 stereo=1; MaxAverageBitrate = 40000\r\na=rtpmap:98 opus/48000/2\r\n"
             "a=fmtp:98 maxaveragebitrate=lots;x=1\r\na=rtpmap:99 opus/48000/2\r\n"
             "a=fmtp:99 maxaveragebitrate\r\n");
  cap_audio_bitrate(sdp, 32000);
  const auto& media = sdp.media[0];
  EXPECT_EQ(media.fmtp(96), std::optional<std::string_view>("maxaveragebitrate=20000; stereo=1"));
  EXPECT_EQ(media.fmtp(97), std::optional<std::string_view>("stereo=1; MaxAverageBitrate =32000"));
  EXPECT_EQ(media.fmtp(98), std::optional<std::string_view>("maxaveragebitrate=32000;x=1"));
  EXPECT_EQ(media.fmtp(99), std::optional<std::string_view>("maxaveragebitrate=32000"));
}

TEST(CapAudioBitrate, OpusWithoutFmtpGetsOneAfterItsRtpmapAndFeedback) {
  SessionDescription sdp =
      parsed(kHead +
             "m=audio 9 RTP/AVP 111 0 110\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n"
             "a=rtcp-fb:111 transport-cc\r\na=rtcp-fb:111 nack\r\na=rtpmap:0 PCMU/8000\r\n"
             "a=rtpmap:110 opus/48000/2\r\n");
  cap_audio_bitrate(sdp, 16000);
  EXPECT_EQ(sdp.str(),
            kHead +
                "m=audio 9 RTP/AVP 111 0 110\r\nb=AS:16\r\nb=TIAS:16000\r\na=mid:0\r\n"
                "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=rtcp-fb:111 nack\r\n"
                "a=fmtp:111 maxaveragebitrate=16000\r\na=rtpmap:0 PCMU/8000\r\n"
                "a=rtpmap:110 opus/48000/2\r\na=fmtp:110 maxaveragebitrate=16000\r\n");
}

TEST(CapAudioBitrate, EmptyOrBareOpusFmtp) {
  SessionDescription sdp = parsed(kHead +
                                  "m=audio 9 RTP/AVP 111 112\r\na=rtpmap:111 opus/48000/2\r\n"
                                  "a=fmtp:111\r\na=rtpmap:112 opus/48000/2\r\na=fmtp:112 a=1;\r\n");
  cap_audio_bitrate(sdp, 16000);
  EXPECT_EQ(sdp.media[0].attributes[1], (Attribute{"fmtp", "111 maxaveragebitrate=16000", true}));
  EXPECT_EQ(sdp.media[0].attributes[3],
            (Attribute{"fmtp", "112 a=1;maxaveragebitrate=16000", true}));
}

TEST(CapAudioBitrate, FmtpSeparatorsBlanksAndRepeats) {
  SessionDescription sdp =
      parsed(kHead +
             "m=audio 9 RTP/AVP 111 112 113 114 115\r\na=rtpmap:111 opus/48000/2\r\n"
             "a=fmtp:111 \t\r\na=rtpmap:112 opus/48000/2\r\na=fmtp:112 a=1;  \r\n"
             "a=rtpmap:113 opus/48000/2\r\na=fmtp:113  ; \r\na=rtpmap:114 opus/48000/2\r\n"
             "a=fmtp:114 x;MAXAVERAGEBITRATE=7000;y\r\na=rtpmap:115 opus/48000/2\r\n"
             "a=fmtp:115 maxaveragebitrate=1;maxaveragebitrate=99999;\r\n");
  cap_audio_bitrate(sdp, 16000);
  const auto& media = sdp.media[0];
  EXPECT_EQ(media.fmtp(111), std::optional<std::string_view>("maxaveragebitrate=16000"));
  EXPECT_EQ(media.fmtp(112), std::optional<std::string_view>("a=1;  ;maxaveragebitrate=16000"));
  EXPECT_EQ(media.fmtp(113), std::optional<std::string_view>(" ; ;maxaveragebitrate=16000"));
  EXPECT_EQ(media.fmtp(114), std::optional<std::string_view>("x;MAXAVERAGEBITRATE=7000;y"));
  EXPECT_EQ(media.fmtp(115),
            std::optional<std::string_view>("maxaveragebitrate=1;maxaveragebitrate=16000;"));
}

TEST(CapAudioBitrate, FmtpBeforeRtpmapAndRepeatedRtpmap) {
  SessionDescription sdp = parsed(kHead +
                                  "m=audio 9 RTP/AVP 111 112\r\na=fmtp:111 x=1\r\n"
                                  "a=rtpmap:111 opus/48000/2\r\na=rtpmap:112 opus/48000/2\r\n"
                                  "a=rtpmap:112 opus/48000/2\r\na=fmtp:113 y=1\r\n");
  cap_audio_bitrate(sdp, 16000);
  const std::vector<Attribute> expected = {{"fmtp", "111 x=1;maxaveragebitrate=16000", true},
                                           {"rtpmap", "111 opus/48000/2", true},
                                           {"rtpmap", "112 opus/48000/2", true},
                                           {"fmtp", "112 maxaveragebitrate=16000", true},
                                           {"rtpmap", "112 opus/48000/2", true},
                                           {"fmtp", "113 y=1", true}};
  EXPECT_EQ(sdp.media[0].attributes, expected);
}

TEST(CapAudioBitrate, ClampsToTheOpusRange) {
  SessionDescription low = parsed(kHead + "m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n");
  SessionDescription high = low;
  cap_audio_bitrate(low, 0);
  EXPECT_EQ(low.media[0].lines, (Lines{"b=AS:6", "b=TIAS:6000"}));
  EXPECT_EQ(low.media[0].fmtp(111), std::optional<std::string_view>("maxaveragebitrate=6000"));
  cap_audio_bitrate(high, 4000000000u);
  EXPECT_EQ(high.media[0].lines, (Lines{"b=AS:510", "b=TIAS:510000"}));
  EXPECT_EQ(high.media[0].fmtp(111), std::optional<std::string_view>("maxaveragebitrate=510000"));
}

TEST(CapAudioBitrate, OnlyAudioSectionsChange) {
  const std::string video =
      "m=video 9 RTP/AVP 96\r\nc=IN IP4 192.0.2.1\r\nb=AS:2000\r\na=rtpmap:96 VP8/90000\r\n";
  const std::string head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nb=AS:3000\r\nt=0 0\r\n";
  SessionDescription sdp = parsed(head + video + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
  cap_audio_bitrate(sdp, 50000);
  EXPECT_EQ(sdp.str(), head + video +
                           "m=audio 9 RTP/AVP 0\r\nb=AS:50\r\nb=TIAS:50000\r\n"
                           "a=rtpmap:0 PCMU/8000\r\n");
}

TEST(CapVideoBitrate, OnlyVideoSectionsGetAsAndTias) {
  const std::string audio = "m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n";
  SessionDescription sdp =
      parsed(kHead + audio +
             "m=video 9 RTP/AVP 96\r\nc=IN IP4 192.0.2.1\r\nb=AS:2000\r\nb=RR:0\r\n"
             "a=rtpmap:96 VP8/90000\r\na=fmtp:96 max-fr=30\r\n");
  cap_video_bitrate(sdp, 250001);
  EXPECT_EQ(sdp.str(), kHead + audio +
                           "m=video 9 RTP/AVP 96\r\nc=IN IP4 192.0.2.1\r\nb=AS:251\r\n"
                           "b=TIAS:250001\r\nb=RR:0\r\na=rtpmap:96 VP8/90000\r\n"
                           "a=fmtp:96 max-fr=30\r\n");
  const std::string once = sdp.str();
  cap_video_bitrate(sdp, 250001);
  EXPECT_EQ(sdp.str(), once);
}

TEST(CapVideoBitrate, NoClampAndZeroIsNoCap) {
  // Video has no codec range to clamp to: a low cap stays low, a high one high.
  SessionDescription sdp = parsed(kHead + "m=video 9 RTP/AVP 96\r\n");
  cap_video_bitrate(sdp, 1000);
  EXPECT_EQ(sdp.media[0].lines, (Lines{"b=AS:1", "b=TIAS:1000"}));
  cap_video_bitrate(sdp, 4000000000u);
  EXPECT_EQ(sdp.media[0].lines, (Lines{"b=AS:4000000", "b=TIAS:4000000000"}));
  SessionDescription untouched = parsed(kHead + "m=video 9 RTP/AVP 96\r\nb=AS:300\r\n");
  cap_video_bitrate(untouched, 0);
  EXPECT_EQ(untouched.media[0].lines, (Lines{"b=AS:300"}));
}

}  // namespace
}  // namespace acw::sdp
