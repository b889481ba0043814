// Call options from the page's JSON text: the journal's shape read back, and every rejection.
#include "call/call_options.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "call/journal.hpp"

namespace acw::call {
namespace {

CallOptions read_ok(std::string_view json) {
  CallOptions o;
  EXPECT_EQ(read_call_options(json, &o), "") << json;
  return o;
}

std::string error_of(std::string_view json) {
  CallOptions o;
  o.audio_codecs = {"left over"};
  std::string error = read_call_options(json, &o);
  EXPECT_EQ(o, CallOptions()) << "options left default after " << json;
  return error;
}

TEST(CallOptions, NoTextIsNoOptions) {
  EXPECT_EQ(read_ok(""), CallOptions());
  EXPECT_EQ(read_ok("{}"), CallOptions());
  EXPECT_EQ(read_ok(R"({"audioCodecs":[],"extraSipHeaders":[]})"), CallOptions());
}

TEST(CallOptions, EveryMember) {
  CallOptions want;
  want.audio_codecs = {"opus", "audio/PCMU"};
  want.video_codecs = {"video/VP8"};
  want.max_bitrate_audio = 32000;
  want.max_bitrate_video = 500000;
  want.receive_audio = true;
  want.receive_video = false;
  want.extra_sip_headers = {"X-A: 1", "X-B: caf\xc3\xa9"};
  EXPECT_EQ(read_ok(R"({"audioCodecs":["opus","audio/PCMU"],"videoCodecs":["video/VP8"],
      "maxBitrateAudio":32000,"maxBitrateVideo":500000,"receiveAudio":true,"receiveVideo":false,
      "extraSipHeaders":["X-A: 1","X-B: caf\u00e9"]})"),
            want);
}

TEST(CallOptions, NullIsLeftOut) {
  EXPECT_EQ(read_ok(R"({"maxBitrateAudio":null,"receiveAudio":null,"audioCodecs":null})"),
            CallOptions());
}

TEST(CallOptions, BitrateLimits) {
  EXPECT_EQ(read_ok(R"({"maxBitrateAudio":0})").max_bitrate_audio, 0u);
  EXPECT_EQ(read_ok(R"({"maxBitrateAudio":4294967295})").max_bitrate_audio, 4294967295u);
  const std::string kNotWhole =
      "Invalid call options: maxBitrateAudio is not a whole number from 0 to 4294967295";
  for (const char* bad :
       {"4294967296", "99999999999", "-1", "1.5", "1e3", "-0", "\"8000\"", "true"})
    EXPECT_EQ(error_of(std::string(R"({"maxBitrateAudio":)") + bad + "}"), kNotWhole) << bad;
  EXPECT_EQ(read_ok(R"({"maxBitrateVideo":4294967295})").max_bitrate_video, 4294967295u);
  EXPECT_EQ(error_of(R"({"maxBitrateVideo":-1})"),
            "Invalid call options: maxBitrateVideo is not a whole number from 0 to 4294967295");
}

// What a journal writes as a call's "options" reads back as the same options (one shape).
TEST(CallOptions, JournalShapeReadsBack) {
  CallOptions o;
  o.audio_codecs = {"opus"};
  o.video_codecs = {"video/H264", "video/VP8"};
  o.max_bitrate_audio = 64000;
  o.max_bitrate_video = 128000;
  o.receive_video = true;
  o.extra_sip_headers = {"X-Room: 7"};
  CallOptions staged = o;
  const auto line = nlohmann::json::parse(
      journal_line(make_input(InputKind::kCallService, 5, 0, "echo", {}, 0, &staged)));
  EXPECT_EQ(read_ok(line.at("options").dump()), o);
}

TEST(CallOptions, Rejections) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "Invalid call options: not a JSON object"},
      {"null", "Invalid call options: not a JSON object"},
      {"{", "Invalid call options: JSON: expected a member name at byte 1"},
      {R"({"codecs":{}})", "Invalid call options: codecs is not an option"},
      {R"({"receiveAudio":true,"receiveAudio":false})",
       "Invalid call options: receiveAudio is given twice"},
      {R"({"audioCodecs":"opus"})", "Invalid call options: audioCodecs is not an array of strings"},
      {R"({"videoCodecs":[1]})", "Invalid call options: videoCodecs is not an array of strings"},
      {R"({"extraSipHeaders":["X-A: 1",null]})",
       "Invalid call options: extraSipHeaders is not an array of strings"},
      {R"({"receiveAudio":1})", "Invalid call options: receiveAudio is not a boolean"},
      {R"({"audioCodecs":["opus"],"receiveVideo":"yes"})",
       "Invalid call options: receiveVideo is not a boolean"},
  };
  for (const auto& [json, error] : cases) EXPECT_EQ(error_of(json), error) << json;
}

}  // namespace
}  // namespace acw::call
