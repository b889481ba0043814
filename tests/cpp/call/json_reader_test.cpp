// The strict JSON reader: RFC 8259's examples, every error, and nlohmann::json as an oracle.
#include "call/json_reader.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace acw::call {
namespace {

using Type = JsonValue::Type;

JsonValue read_ok(std::string_view text) {
  JsonValue v;
  const std::string error = read_json(text, &v);
  EXPECT_EQ(error, "") << text;
  return v;
}

std::string error_of(std::string_view text) {
  JsonValue v;
  return read_json(text, &v);
}

// RFC 8259 §13, the first example.
TEST(JsonReader, Rfc8259ObjectExample) {
  const JsonValue v = read_ok(R"({
      "Image": {
          "Width":  800,
          "Height": 600,
          "Title":  "View from 15th Floor",
          "Thumbnail": {
              "Url":    "http://www.example.com/image/481989943",
              "Height": 125,
              "Width":  100
          },
          "Animated" : false,
          "IDs": [116, 943, 234, 38793]
        }
    })");
  ASSERT_EQ(v.type, Type::kObject);
  const JsonValue* image = v.member("Image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->names,
            (std::vector<std::string>{"Width", "Height", "Title", "Thumbnail", "Animated", "IDs"}));
  EXPECT_EQ(image->member("Width")->text, "800");
  EXPECT_EQ(image->member("Title")->text, "View from 15th Floor");
  EXPECT_EQ(image->member("Thumbnail")->member("Url")->text,
            "http://www.example.com/image/481989943");
  EXPECT_EQ(image->member("Animated")->type, Type::kBoolean);
  EXPECT_FALSE(image->member("Animated")->boolean);
  const JsonValue* ids = image->member("IDs");
  ASSERT_EQ(ids->items.size(), 4u);
  EXPECT_EQ(ids->items[3].type, Type::kNumber);
  EXPECT_EQ(ids->items[3].text, "38793");
  EXPECT_EQ(image->member("Missing"), nullptr);
}

// RFC 8259 §13, the second example.
TEST(JsonReader, Rfc8259ArrayExample) {
  const JsonValue v = read_ok(R"([
        {
           "precision": "zip",
           "Latitude":  37.7668,
           "Longitude": -122.3959,
           "Address":   "",
           "City":      "SAN FRANCISCO",
           "State":     "CA",
           "Zip":       "94107",
           "Country":   "US"
        },
        {
           "precision": "zip",
           "Latitude":  37.371991,
           "Longitude": -122.026020,
           "Address":   "",
           "City":      "SUNNYVALE",
           "State":     "CA",
           "Zip":       "94085",
           "Country":   "US"
        }
      ])");
  ASSERT_EQ(v.type, Type::kArray);
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_EQ(v.items[1].member("Longitude")->text, "-122.026020");
  EXPECT_EQ(v.items[0].member("Address")->type, Type::kString);
  EXPECT_EQ(v.items[0].member("Address")->text, "");
}

// RFC 8259 §13: "Here are three small JSON texts containing only values".
TEST(JsonReader, Rfc8259ScalarTexts) {
  EXPECT_EQ(read_ok(R"("Hello world!")").text, "Hello world!");
  EXPECT_EQ(read_ok("42").text, "42");
  const JsonValue t = read_ok("true");
  EXPECT_EQ(t.type, Type::kBoolean);
  EXPECT_TRUE(t.boolean);
  EXPECT_EQ(read_ok(" \t\r\nnull \n").type, Type::kNull);
  EXPECT_EQ(read_ok("[]").items.size(), 0u);
  EXPECT_EQ(read_ok("{}").names.size(), 0u);
}

TEST(JsonReader, NumbersKeepTheirText) {
  for (const char* n :
       {"0", "-0", "1", "-12", "0.5", "1e10", "1E+2", "-3.25e-7", "123456789012345678901234567890"})
    EXPECT_EQ(read_ok(n).text, n);
}

TEST(JsonReader, Escapes) {
  EXPECT_EQ(read_ok(R"("\" \\ \/ \b \f \n \r \t")").text, "\" \\ / \b \f \n \r \t");
  EXPECT_EQ(read_ok(R"("\u0041\u00e9\u20AC\u0000")").text,
            std::string("A\xc3\xa9\xe2\x82\xac\0", 7));
  EXPECT_EQ(read_ok(R"("\ud834\udd1e")").text, "\xf0\x9d\x84\x9e");  // U+1D11E, a pair
  EXPECT_EQ(read_ok("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"").text, "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

// §8.2: a lone surrogate escape is grammatical but no character: U+FFFD, as TextEncoder makes it.
TEST(JsonReader, LoneSurrogateEscapesReadAsReplacementCharacter) {
  EXPECT_EQ(read_ok(R"("\ud800")").text, "\xef\xbf\xbd");
  EXPECT_EQ(read_ok(R"("\udc00x")").text, "\xef\xbf\xbdx");
  EXPECT_EQ(read_ok(R"("\ud800\u0041")").text,
            "\xef\xbf\xbd"
            "A");
  EXPECT_EQ(read_ok(R"("\ud800\ud800\udc00")").text, "\xef\xbf\xbd\xf0\x90\x80\x80");
}

TEST(JsonReader, DuplicateMembersAreKeptInOrder) {
  const JsonValue v = read_ok(R"({"a":1,"a":2})");
  EXPECT_EQ(v.names, (std::vector<std::string>{"a", "a"}));
  EXPECT_EQ(v.member("a")->text, "1");
}

TEST(JsonReader, DepthIsBounded) {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  read_ok(nested(kJsonMaxDepth));
  EXPECT_EQ(error_of(nested(kJsonMaxDepth + 1)), "JSON: nested too deep at byte 32");
  EXPECT_EQ(error_of(std::string(100000, '[')), "JSON: nested too deep at byte 32");
  EXPECT_EQ(error_of(std::string(kJsonMaxDepth, '[') + "{}" + std::string(kJsonMaxDepth, ']')),
            "JSON: nested too deep at byte 32");
}

TEST(JsonReader, EveryError) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "JSON: unexpected end at byte 0"},
      {"  ", "JSON: unexpected end at byte 2"},
      {"[1,", "JSON: unexpected end at byte 3"},
      {"x", "JSON: unexpected character at byte 0"},
      {"tru", "JSON: unexpected character at byte 0"},
      {"nul", "JSON: unexpected character at byte 0"},
      {"[1,]", "JSON: unexpected character at byte 3"},
      {"'a'", "JSON: unexpected character at byte 0"},
      {"NaN", "JSON: unexpected character at byte 0"},
      {"+1", "JSON: unexpected character at byte 0"},
      {".5", "JSON: unexpected character at byte 0"},
      {"\xef\xbb\xbf{}", "JSON: unexpected character at byte 0"},  // no byte order mark
      {"/* c */ 1", "JSON: unexpected character at byte 0"},
      {"-", "JSON: bad number at byte 1"},
      {"-a", "JSON: bad number at byte 1"},
      {"1.", "JSON: bad number at byte 2"},
      {"1.e3", "JSON: bad number at byte 2"},
      {"1e", "JSON: bad number at byte 2"},
      {"1e+", "JSON: bad number at byte 3"},
      {"01", "JSON: text after the value at byte 1"},
      {"1 2", "JSON: text after the value at byte 2"},
      {"{} x", "JSON: text after the value at byte 3"},
      {"\"abc", "JSON: unexpected end in a string at byte 4"},
      {"\"a\\", "JSON: unexpected end in a string at byte 3"},
      {"\"a\nb\"", "JSON: control character in a string at byte 2"},
      {std::string("\"a\0b\"", 5), "JSON: control character in a string at byte 2"},
      {"\"\\x\"", "JSON: bad escape at byte 2"},
      {"\"\\'\"", "JSON: bad escape at byte 2"},
      {"\"\\u12G4\"", "JSON: bad \\u escape at byte 5"},
      {"\"\\u12\"", "JSON: bad \\u escape at byte 3"},
      {"\"\\u1", "JSON: bad \\u escape at byte 3"},
      {"\"\\ud800\\u12\"", "JSON: bad \\u escape at byte 9"},
      {"\"\xc3\"", "JSON: bad UTF-8 at byte 1"},
      {"\"\xc0\x80\"", "JSON: bad UTF-8 at byte 1"},          // overlong
      {"\"\xed\xa0\x80\"", "JSON: bad UTF-8 at byte 1"},      // a surrogate
      {"\"\xf4\x90\x80\x80\"", "JSON: bad UTF-8 at byte 1"},  // past U+10FFFF
      {"\"\x80\"", "JSON: bad UTF-8 at byte 1"},
      {"\"\xff\"", "JSON: bad UTF-8 at byte 1"},
      {"[1", "JSON: unexpected end in an array at byte 2"},
      {"[1 2]", "JSON: expected ',' or ']' at byte 3"},
      {"{\"a\":1", "JSON: unexpected end in an object at byte 6"},
      {"{\"a\":1 \"b\":2}", "JSON: expected ',' or '}' at byte 7"},
      {"{1:2}", "JSON: expected a member name at byte 1"},
      {"{\"a\":1,}", "JSON: expected a member name at byte 7"},
      {"{", "JSON: expected a member name at byte 1"},
      {"{\"a\" 1}", "JSON: expected ':' at byte 5"},
      {"{\"a\"", "JSON: expected ':' at byte 4"},
      {"{\"a\":}", "JSON: unexpected character at byte 5"},
  };
  for (const auto& [text, error] : cases) EXPECT_EQ(error_of(text), error) << text;
}

// ---- nlohmann::json as an oracle on random texts

nlohmann::json to_nlohmann(const JsonValue& v) {
  switch (v.type) {
    case Type::kNull:
      return nullptr;
    case Type::kBoolean:
      return v.boolean;
    case Type::kNumber:
      return nlohmann::json::parse(v.text, nullptr, false);  // discarded past a double's range
    case Type::kString:
      return v.text;
    case Type::kArray: {
      auto a = nlohmann::json::array();
      for (const auto& item : v.items) a.push_back(to_nlohmann(item));
      return a;
    }
    case Type::kObject: {
      auto o = nlohmann::json::object();
      // nlohmann keeps the last of repeated names
      for (std::size_t i = 0; i < v.names.size(); ++i) o[v.names[i]] = to_nlohmann(v.items[i]);
      return o;
    }
  }
  return nullptr;
}

// A number nlohmann rejects (past a double's range, such as 2E+7011): ours keeps its text.
bool holds_number_nlohmann_rejects(const JsonValue& v) {
  if (v.type == Type::kNumber) return nlohmann::json::parse(v.text, nullptr, false).is_discarded();
  for (const auto& item : v.items) {
    if (holds_number_nlohmann_rejects(item)) return true;
  }
  return false;
}

// Ours and nlohmann agree on accepting `text`, and on the value when both do. Where they differ
// by design, ours accepts and nlohmann rejects: a lone surrogate escape (ours U+FFFD) and a
// number past a double's range (ours keeps the text).
void expect_agreement(const std::string& text) {
  JsonValue ours;
  const bool ours_ok = read_json(text, &ours).empty();
  const auto theirs = nlohmann::json::parse(text, nullptr, false);
  const bool theirs_ok = !theirs.is_discarded();
  if (ours_ok && !theirs_ok &&
      (text.find("\\ud") != std::string::npos || text.find("\\uD") != std::string::npos ||
       holds_number_nlohmann_rejects(ours)))
    return;
  ASSERT_EQ(ours_ok, theirs_ok) << testing::PrintToString(text);
  if (ours_ok) {
    ASSERT_EQ(to_nlohmann(ours), theirs) << testing::PrintToString(text);
  }
}

TEST(JsonReader, AgreesWithNlohmannOnRandomTokenSoup) {
  const char* const pieces[] = {"{",
                                "}",
                                "[",
                                "]",
                                ",",
                                ":",
                                " ",
                                "\n",
                                "\"a\"",
                                "\"b\"",
                                "\"\\u00e9\"",
                                "\"\\ud834\\udd1e\"",
                                "\"\\ud834\"",
                                "\"\\n\\t\"",
                                "\"\xc3\xa9\"",
                                "\"\x01\"",
                                "\"\xff\"",
                                "0",
                                "1",
                                "-0.5e3",
                                "01",
                                "1.",
                                "2E+7",
                                "true",
                                "false",
                                "null",
                                "tru",
                                "\"\\x\"",
                                "\"",
                                "\\",
                                "-"};
  std::mt19937 random(8259);
  std::uniform_int_distribution<std::size_t> piece(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> length(1, 12);
  int accepted = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    for (int n = length(random); n > 0; --n) text += pieces[piece(random)];
    expect_agreement(text);
    if (HasFatalFailure()) return;
    JsonValue v;
    accepted += read_json(text, &v).empty();
  }
  EXPECT_GT(accepted, 500) << "the soup should hold some JSON texts";
}

TEST(JsonReader, AgreesWithNlohmannOnEditedJson) {
  std::mt19937 random(7159);
  const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  // A random value of small depth, written by nlohmann.
  std::function<nlohmann::json(int)> value = [&](int depth) -> nlohmann::json {
    switch (pick(depth > 3 ? 5 : 7)) {
      case 0:
        return nullptr;
      case 1:
        return pick(2) == 1;
      case 2:
        return pick(100000) - 50000;
      case 3:
        return pick(1000) / 8.0;
      case 4: {
        std::string s;
        const char* const parts[] = {
            "a", "\"", "\\", "\n", "\x1f", "\xc3\xa9", " ", "/", "\xf0\x9d\x84\x9e"};
        for (int n = pick(6); n > 0; --n) s += parts[pick(static_cast<int>(std::size(parts)))];
        return s;
      }
      case 5: {
        auto a = nlohmann::json::array();
        for (int n = pick(4); n > 0; --n) a.push_back(value(depth + 1));
        return a;
      }
      default: {
        auto o = nlohmann::json::object();
        for (int n = pick(4); n > 0; --n) o[std::string(1, "abcd"[pick(4)])] = value(depth + 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 20000; ++i) {
    std::string text = value(0).dump(pick(2) ? -1 : 1);
    // One edit in most texts: a byte replaced, removed or inserted.
    const char bytes[] = "{}[],:\" \\-.e01\x80\xc3";
    const std::size_t at = static_cast<std::size_t>(pick(static_cast<int>(text.size()) + 1));
    switch (pick(4)) {
      case 0:
        if (at < text.size()) text[at] = bytes[pick(sizeof bytes - 1)];
        break;
      case 1:
        if (at < text.size()) text.erase(at, 1);
        break;
      case 2:
        text.insert(at, 1, bytes[pick(sizeof bytes - 1)]);
        break;
      default:
        break;
    }
    expect_agreement(text);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace acw::call
