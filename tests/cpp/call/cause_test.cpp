// SIP status code -> onDisconnect cause, and the SIP cause of a Reason header.
#include "call/cause.hpp"

#include <gtest/gtest.h>

namespace acw::call {
namespace {

TEST(Cause, EveryClass) {
  EXPECT_EQ(cause_for_status(100), "");
  EXPECT_EQ(cause_for_status(183), "");
  EXPECT_EQ(cause_for_status(200), "NORMAL");
  EXPECT_EQ(cause_for_status(202), "NORMAL");
  for (int code = 300; code < 400; ++code) EXPECT_EQ(cause_for_status(code), "MOVED") << code;
  for (int code = 400; code < 600; ++code) {
    std::string_view expected = "FAILED";
    if (code == 404 || code == 410 || code == 480) expected = "UNOBTAINABLE";
    if (code == 486) expected = "BUSY";
    if (code == 487) expected = "NOANSWER";
    EXPECT_EQ(cause_for_status(code), expected) << code;
  }
  for (int code = 600; code < 700; ++code) {
    std::string_view expected = "REJECTED";
    if (code == 600 || code == 603) expected = "BUSY";
    if (code == 604) expected = "UNOBTAINABLE";
    EXPECT_EQ(cause_for_status(code), expected) << code;
  }
  EXPECT_EQ(cause_for_status(0), "FAILED");
  EXPECT_EQ(cause_for_status(700), "FAILED");
}

TEST(Cause, ReasonHeader) {
  EXPECT_EQ(reason_sip_cause("SIP ;cause=486 ;text=\"Busy\""), 486);
  EXPECT_EQ(reason_sip_cause("SIP; cause=200; text=\"Call completed elsewhere\""), 200);
  EXPECT_EQ(reason_sip_cause("sip;cause=603"), 603);
  EXPECT_EQ(reason_sip_cause("Q.850;cause=16, SIP;cause=487"), std::nullopt);  // first value only
  EXPECT_EQ(reason_sip_cause("Q.850;cause=16"), std::nullopt);
  EXPECT_EQ(reason_sip_cause("SIP;text=x"), std::nullopt);
  EXPECT_EQ(reason_sip_cause("SIP;cause=48"), std::nullopt);
  EXPECT_EQ(reason_sip_cause("SIP;cause=4x6"), std::nullopt);
  EXPECT_EQ(reason_sip_cause(""), std::nullopt);
  // Blanks (spaces, tabs) around the protocol and parameters; names in any case.
  EXPECT_EQ(reason_sip_cause("\t Sip\t;\tCAUSE \t= 480 \t; text=x"), 480);
  EXPECT_EQ(reason_sip_cause("SIPS;cause=480"), std::nullopt);
  EXPECT_EQ(reason_sip_cause("SIP;causes=480"), std::nullopt);
}

}  // namespace
}  // namespace acw::call
