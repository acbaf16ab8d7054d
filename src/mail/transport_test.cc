#include "mail/transport.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(RetryPolicy, PausesDoubleUpToTheLongestAndTriesEnd) {
  RetryPolicy p;  // what issues and the confirmation outbox both use
  EXPECT_EQ(p.PauseAfter(1), 60);
  EXPECT_EQ(p.PauseAfter(2), 120);
  EXPECT_EQ(p.PauseAfter(6), 1920);
  EXPECT_EQ(p.PauseAfter(7), 3600);
  EXPECT_EQ(p.PauseAfter(500), 3600);
  EXPECT_FALSE(p.GiveUpAfter(7));
  EXPECT_TRUE(p.GiveUpAfter(8));
  p.first_pause_s = 30;
  EXPECT_EQ(p.PauseAfter(2), 60);
}

}  // namespace
}  // namespace cinepress
