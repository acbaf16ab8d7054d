#include "core/url.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(PercentDecode, DecodesEscapesAndRefusesMalformedOnes) {
  EXPECT_EQ(PercentDecode("%ce%b5%cf%80"), "επ");
  EXPECT_EQ(PercentDecode("/caf%C3%A9/"), "/café/");
  EXPECT_EQ(PercentDecode("/a+b/"), "/a+b/");  // a path's '+' is a plus
  EXPECT_EQ(PercentDecode("%ff"), "\xff");     // bytes: UTF-8 is the caller's to check
  EXPECT_EQ(PercentDecode("100%"), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz"), std::nullopt);
}

}  // namespace
}  // namespace cinepress
