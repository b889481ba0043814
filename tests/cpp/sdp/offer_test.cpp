// Tests for cpp/sdp/offer.cpp: summarize_offer on the recorded SDPs and RFC 3264 / 4317 examples.
#include <gtest/gtest.h>

#include <string>

#include "sdp/session.hpp"
#include "trace_sdp.hpp"

namespace acw::sdp {
namespace {

OfferSummary summary_of(const std::string& text) {
  std::string error;
  const auto sdp = parse(text, &error);
  EXPECT_TRUE(sdp.has_value()) << error;
  return sdp ? summarize_offer(*sdp) : OfferSummary{};
}

// offering_audio, can_receive_audio, offering_video, can_receive_video
OfferSummary expect(bool oa, bool ra, bool ov, bool rv) {
  return OfferSummary{oa, ra, ov, rv};
}

const std::string kAlice =
    "v=0\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\ns= \n"
    "c=IN IP4 host.atlanta.example.com\nt=0 0\n";
const std::string kBob =
    "v=0\no=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\ns= \n"
    "c=IN IP4 host.biloxi.example.com\nt=0 0\n";

TEST(SummarizeOffer, RecordedOfferIsAudioBothWays) {
  // The recorded incoming INVITE: onIncoming reported offeringAudio and canReceiveAudio true.
  const auto sdps = testing::all_trace_sdps();
  EXPECT_EQ(summary_of(sdps[2].body), expect(true, true, false, false));
  EXPECT_EQ(summary_of(sdps[0].body), expect(true, true, false, false));
}

TEST(SummarizeOffer, RecordedRecvonlyAnswer) {
  EXPECT_EQ(summary_of(testing::all_trace_sdps()[1].body), expect(false, true, false, false));
}

TEST(SummarizeOffer, Rfc4317AudioAndVideo1Offer) {  // §2.1
  EXPECT_EQ(summary_of(kAlice +
                       "m=audio 49170 RTP/AVP 0 8 97\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\n"
                       "a=rtpmap:97 iLBC/8000\nm=video 51372 RTP/AVP 31 32\n"
                       "a=rtpmap:31 H261/90000\na=rtpmap:32 MPV/90000\n"),
            expect(true, true, true, true));
}

TEST(SummarizeOffer, Rfc4317AudioAndVideo2AnswerRejectsVideo) {  // §2.2: port 0
  EXPECT_EQ(
      summary_of(kBob + "m=audio 49172 RTP/AVP 0 8\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\n"
                        "m=video 0 RTP/AVP 31\na=rtpmap:31 H261/90000\n"),
      expect(true, true, false, false));
}

TEST(SummarizeOffer, Rfc4317AudioOnly1AnswerRejectsTheFirstStream) {  // §2.6
  EXPECT_EQ(
      summary_of(kBob + "m=audio 0 RTP/AVP 0\na=rtpmap:0 PCMU/8000\nm=audio 49170 RTP/AVP 97 101\n"
                        "a=rtpmap:97 iLBC/8000\na=rtpmap:101 telephone-event/8000\n"),
      expect(true, true, false, false));
}

TEST(SummarizeOffer, Rfc4317HoldAndUnhold1SendonlyAnswer) {  // §3.1: Bob holds Alice
  EXPECT_EQ(summary_of(kBob + "m=audio 49172 RTP/AVP 97\na=rtpmap:97 iLBC/8000\na=sendonly\n"),
            expect(true, false, false, false));
}

TEST(SummarizeOffer, Rfc4317SecondAudioStreamAddedRecvonly) {  // §4.1 second offer
  EXPECT_EQ(summary_of(kBob + "m=audio 49170 RTP/AVP 97\na=rtpmap:97 iLBC/8000\n"
                              "m=audio 48282 RTP/AVP 98\nc=IN IP4 mediaserver.biloxi.example.com\n"
                              "a=rtpmap:98 telephone-event/8000\na=recvonly\n"),
            expect(true, true, false, false));
}

TEST(SummarizeOffer, RecvonlyOfferOnlyReceives) {  // RFC 3264 §5.1
  EXPECT_EQ(summary_of(kAlice + "m=audio 49170 RTP/AVP 0\na=recvonly\n"),
            expect(false, true, false, false));
}

TEST(SummarizeOffer, InactiveOfferNeitherSendsNorReceives) {  // RFC 3264 §5.1, §8.4
  EXPECT_EQ(summary_of(kAlice + "m=audio 49170 RTP/AVP 0\na=inactive\nm=video 51372 RTP/AVP 31\n"
                                "a=inactive\n"),
            expect(false, false, false, false));
}

TEST(SummarizeOffer, RejectedStreamCountsForNothingWhateverItsDirection) {
  EXPECT_EQ(summary_of(kAlice + "m=audio 0 RTP/AVP 0\na=sendrecv\nm=video 0 RTP/AVP 31\n"),
            expect(false, false, false, false));
}

TEST(SummarizeOffer, SessionLevelDirectionIsTheDefault) {  // RFC 8866 §6.7
  EXPECT_EQ(summary_of(kAlice + "a=sendonly\nm=audio 49170 RTP/AVP 0\nm=video 51372 RTP/AVP 31\n"
                                "a=recvonly\n"),
            expect(true, false, false, true));
}

TEST(SummarizeOffer, VideoOnlyAndOtherMedia) {
  EXPECT_EQ(summary_of(kAlice + "m=video 51372 RTP/AVP 31\na=sendonly\n"
                                "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"),
            expect(false, false, true, false));
}

TEST(SummarizeOffer, NoMediaOffersNothing) {  // RFC 4317 §5.1
  EXPECT_EQ(summary_of(kAlice), expect(false, false, false, false));
}

TEST(SummarizeOffer, AnyStreamOfAKindCounts) {
  EXPECT_EQ(summary_of(kAlice + "m=audio 49170 RTP/AVP 0\na=sendonly\nm=audio 49172 RTP/AVP 0\n"
                                "a=recvonly\n"),
            expect(true, true, false, false));
}

}  // namespace
}  // namespace acw::sdp
