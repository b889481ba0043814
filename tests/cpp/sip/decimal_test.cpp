// text::decimal, the one integer-to-text routine of the core (it replaced std::to_string and
// std::to_chars): the same text as std::to_string for every integer type it is given.
#include "text/decimal.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

using acw::text::append_decimal;
using acw::text::append_signed_decimal;
using acw::text::decimal;
using acw::text::signed_decimal;

TEST(Decimal, UnsignedAsToString) {
  for (uint64_t value :
       {uint64_t{0}, uint64_t{7}, uint64_t{10}, uint64_t{99}, uint64_t{100}, uint64_t{65535},
        uint64_t{4294967295}, uint64_t{4294967296}, std::numeric_limits<uint64_t>::max() - 1,
        std::numeric_limits<uint64_t>::max()}) {
    EXPECT_EQ(decimal(value), std::to_string(value));
  }
}

TEST(Decimal, SignedAsToString) {
  for (int64_t value : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-10}, int64_t{486},
                        int64_t{-2147483648}, int64_t{2147483647},
                        std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(signed_decimal(value), std::to_string(value));
  }
}

TEST(Decimal, AppendsToWhatIsThere) {
  std::string out = "CSeq: ";
  append_decimal(out, 42);
  out += ' ';
  append_signed_decimal(out, -5060);
  EXPECT_EQ(out, "CSeq: 42 -5060");
}

}  // namespace
