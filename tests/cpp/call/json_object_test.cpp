// The engine's JSON writer: exact text, and byte for byte what nlohmann::json wrote before it.
#include "call/json_object.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>

namespace acw::call {
namespace {

std::string json_quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// What payload.cpp and journal.cpp wrote with nlohmann/json.
std::string nlohmann_dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonObject, MembersSortedByName) {
  EXPECT_EQ(JsonObject().text(), "{}");
  EXPECT_EQ(
      JsonObject().boolean("ready", true).string("cause", "NORMAL").boolean("retry", false).text(),
      R"({"cause":"NORMAL","ready":true,"retry":false})");
  // "text2" < "text2Hex" < "textHex" byte-wise, whatever order they were added in.
  EXPECT_EQ(JsonObject().string("textHex", "00").string("text2Hex", "01").integer("t", 5).text(),
            R"({"t":5,"text2Hex":"01","textHex":"00"})");
  EXPECT_EQ(JsonObject().string("textHex", "00").string("text2", "x").text(),
            R"({"text2":"x","textHex":"00"})");
  EXPECT_EQ(JsonObject().integer("a", 1).integer("b", 2).integer("a", 3).text(),
            R"({"a":1,"b":2})");
}

TEST(JsonObject, Values) {
  JsonObject inner;
  inner.strings("audioCodecs", {"opus", "a\"b"}).strings("videoCodecs", {});
  EXPECT_EQ(JsonObject()
                .integer("min", std::numeric_limits<int64_t>::min())
                .integer("max", std::numeric_limits<int64_t>::max())
                .unsigned_integer("u", std::numeric_limits<uint64_t>::max())
                .integer("zero", 0)
                .null("n")
                .object("options", inner)
                .text(),
            R"({"max":9223372036854775807,"min":-9223372036854775808,"n":null,)"
            R"("options":{"audioCodecs":["opus","a\"b"],"videoCodecs":[]},)"
            R"("u":18446744073709551615,"zero":0})");
}

TEST(JsonObject, Numbers) {
  EXPECT_EQ(
      JsonObject().number("a", 0).number("b", 12).number("c", 4.409).number("d", -0.25).text(),
      R"({"a":0,"b":12,"c":4.409,"d":-0.25})");
  // Six places, rounded; below half a millionth is 0, with no sign.
  EXPECT_EQ(JsonObject().number("a", 0.0001).number("b", 1.0000004).number("c", 2.9999996).text(),
            R"({"a":0.0001,"b":1,"c":3})");
  EXPECT_EQ(
      JsonObject().number("a", -0.0000001).number("b", 0.000001).number("c", 123.450006).text(),
      R"({"a":0,"b":0.000001,"c":123.450006})");
  EXPECT_EQ(JsonObject()
                .number("nan", std::nan(""))
                .number("inf", -std::numeric_limits<double>::infinity())
                .number("big", 1e12)
                .number("max", 123456789.125)
                .text(),
            R"({"big":null,"inf":null,"max":123456789.125,"nan":null})");
}

TEST(JsonString, Escapes) {
  // RFC 8259 §7: two-character escapes, \u00XX (lower-case hex) for other controls; '/' and
  // DEL are left alone.
  EXPECT_EQ(json_quoted("a\"b\\c\b\f\n\r\t/\x7f"), R"("a\"b\\c\b\f\n\r\t/)"
                                                   "\x7f\"");
  EXPECT_EQ(json_quoted(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  // The escape letters themselves are plain text.
  EXPECT_EQ(json_quoted("bfnrtu0"), R"("bfnrtu0")");
  EXPECT_EQ(json_quoted("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

TEST(JsonString, IllFormedUtf8BecomesReplacementCharacters) {
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(json_quoted("\x80"), "\"" + r + "\"");                  // a lone continuation byte
  EXPECT_EQ(json_quoted("\xc0\xaf"), "\"" + r + r + "\"");          // overlong: C0 is never a lead
  EXPECT_EQ(json_quoted("\xe0\x80\x80"), "\"" + r + r + r + "\"");  // overlong 3-byte form
  EXPECT_EQ(json_quoted("\xed\xa0\x80"), "\"" + r + r + r + "\"");  // a surrogate
  EXPECT_EQ(json_quoted("\xf4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // above U+10FFFF
  EXPECT_EQ(json_quoted("\xe2\x82x"), "\"" + r + "x\"");  // truncated: one for the subpart, x kept
  EXPECT_EQ(json_quoted("a\xf0\x9f\x98"), "\"a" + r + "\"");  // truncated at the end
  EXPECT_EQ(json_quoted("\xe2\x82\""), "\"" + r + "\\\"\"");  // the breaking byte is still escaped
  EXPECT_EQ(json_quoted("\xff\xfe"), "\"" + r + r + "\"");
}

TEST(JsonString, SameAsNlohmannForAnyBytes) {
  // Bytes drawn mostly from the interesting ones: leads, continuations, edges, controls.
  const unsigned char pool[] = {0x00, 0x08, 0x1f, '"',  '\\', 'a',  0x7f, 0x80, 0x8f,
                                0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
                                0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff};
  std::mt19937 random(7);
  for (int n = 0; n < 20000; ++n) {
    std::string s(random() % 12, '\0');
    for (char& c : s) {
      c = static_cast<char>(random() % 4 == 0 ? random() % 256 : pool[random() % sizeof pool]);
    }
    ASSERT_EQ(json_quoted(s), nlohmann_dump(nlohmann::json(s))) << testing::PrintToString(s);
    nlohmann::json object;
    object[s] = s;
    ASSERT_EQ(JsonObject().string(s, s).text(), nlohmann_dump(object));
  }
}

}  // namespace
}  // namespace acw::call
