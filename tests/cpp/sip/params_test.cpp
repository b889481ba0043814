// Tests for cpp/sip/params.cpp: generic-param lists of header fields.
#include "sip/params.hpp"

#include <gtest/gtest.h>

namespace acw::sip {
namespace {

TEST(ParamsTest, ParsesFlagsValuesAndQuotedValues) {
  std::vector<Param> params;
  ASSERT_TRUE(
      parse_generic_params(" ; tag = 1a ;lr; +sip.instance=\"<urn:x>\" ;received=[::1]", params));
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0], (Param{"tag", "1a", true}));
  EXPECT_EQ(params[1], (Param{"lr", "", false}));
  EXPECT_EQ(params[2], (Param{"+sip.instance", "\"<urn:x>\"", true}));
  EXPECT_EQ(params[3], (Param{"received", "[::1]", true}));
  std::string out;
  append_params(out, params);
  EXPECT_EQ(out, ";tag=1a;lr;+sip.instance=\"<urn:x>\";received=[::1]");
}

TEST(ParamsTest, EmptyTextHasNoParameters) {
  std::vector<Param> params;
  EXPECT_TRUE(parse_generic_params("", params));
  EXPECT_TRUE(parse_generic_params("  ", params));
  EXPECT_TRUE(params.empty());
}

TEST(ParamsTest, RefusesBrokenLists) {
  for (const char* bad :
       {";", ";;", "x", ";a=", ";a=\"b", ";a=b c", ";=b", ";a b", ";a=b,", ";a=<b>", ";a=\"b\"c"}) {
    std::vector<Param> params;
    EXPECT_FALSE(parse_generic_params(bad, params)) << bad;
  }
}

TEST(ParamsTest, FindAndSet) {
  std::vector<Param> params;
  ASSERT_TRUE(parse_generic_params(";Tag=a;x;tag=b", params));
  EXPECT_EQ(find_param(params, "TAG"), "a");
  EXPECT_EQ(find_param(params, "x"), "");
  EXPECT_EQ(find_param(params, "y"), std::nullopt);
  set_param(params, "tag", "c");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0], (Param{"tag", "c", true}));
  set_param(params, "y", "");
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[2], (Param{"y", "", false}));
}

}  // namespace
}  // namespace acw::sip
