// Tests for cpp/sdp/essentials.cpp: the engine's light reader agrees with the full parser on the
// recorded SDPs and the RFC 3264 directions, and refuses what does not have SDP's shape.
#include "sdp/essentials.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sdp/grammar.hpp"
#include "sdp/session.hpp"
#include "trace_sdp.hpp"

namespace acw::sdp {
namespace {

// The full parse's answer, for comparison.
Essentials parsed(const std::string& text) {
  const auto sdp = parse(text);
  EXPECT_TRUE(sdp.has_value()) << text;
  Essentials out;
  if (!sdp) return out;
  out.origin = sdp->origin;
  out.summary = summarize_offer(*sdp);
  for (const auto& m : sdp->media) {
    // Media names in any case, as summarize_offer reads them.
    out.has_media |=
        !m.rejected() && (grammar::iequals(m.media, "audio") || grammar::iequals(m.media, "video"));
  }
  return out;
}

void expect_same(const std::string& text) {
  const auto read = read_essentials(text);
  ASSERT_TRUE(read.has_value()) << text;
  const Essentials full = parsed(text);
  EXPECT_EQ(read->origin, full.origin) << text;
  EXPECT_EQ(read->summary, full.summary) << text;
  EXPECT_EQ(read->has_media, full.has_media) << text;
}

const std::string kHead = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

TEST(Essentials, RecordedSdpsReadAsTheFullParse) {
  for (const auto& sdp : testing::all_trace_sdps()) expect_same(sdp.body);
}

TEST(Essentials, DirectionsAtEachLevelAsRfc3264) {
  const std::string audio = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  const std::string video = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
  for (const char* session : {"", "a=sendonly\r\n", "a=recvonly\r\n", "a=inactive\r\n"}) {
    for (const char* media : {"", "a=sendrecv\r\n", "a=sendonly\r\n", "a=recvonly\r\n"}) {
      expect_same(kHead + session + audio + media + video);
      expect_same(kHead + session + video + media + audio + "a=inactive\r\n");
    }
  }
  // A rejected section (port 0) and other media count for nothing.
  const auto read = read_essentials(kHead + "m=audio 0 RTP/AVP 0\r\nm=application 9 x 1\r\n");
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->has_media);
  EXPECT_EQ(read->summary, OfferSummary{});
  expect_same(kHead + "m=AUDIO 9/2 RTP/AVP 0\r\na=recvonly\r\n");
}

TEST(Essentials, RefusesWhatIsNotShapedLikeSdp) {
  std::string error;
  for (const auto& [text, why] : std::initializer_list<std::pair<std::string, std::string>>{
           {"", "first line must be v=0"},
           {"v=1\r\n", "first line must be v=0"},
           {"v=0\r\ns=-\r\n", "second line must be o="},
           {"v=0\r\n\r\no=x\r\n", "empty line"},
           {kHead + "m=audio\r\n", "m= line without a media and a port"},
           {kHead + "m=audio 70000 RTP/AVP 0\r\n", "m= line without a media and a port"},
           {kHead + "m=audio 9 RTP/AVP 0\r\nA=x\r\n", "line not of the form <type>=<value>"},
           {kHead + "a=x\ry\r\n", "CR or NUL inside a line"},
           {kHead + std::string(kMaxSessionDescriptionSize, 'x'), "session description too large"},
       }) {
    EXPECT_FALSE(read_essentials(text, &error)) << text;
    EXPECT_EQ(error, why) << text;
  }
  // The browser checks the rest: a description the full parser refuses for its details (here no
  // s= line, and a bad c= line) still reads, and setRemoteDescription decides.
  EXPECT_FALSE(parse("v=0\r\no=- 1 2 IN IP4 h\r\nc=IN\r\nm=audio 9 RTP/AVP 0\r\n"));
  EXPECT_TRUE(read_essentials("v=0\r\no=- 1 2 IN IP4 h\r\nc=IN\r\nm=audio 9 RTP/AVP 0\r\n"));
  // A stray CR before the line end and a final empty line are allowed, as by the full parser.
  expect_same(kHead + "m=audio 9 RTP/AVP 0\r\r\n\r\n");
}

}  // namespace
}  // namespace acw::sdp
