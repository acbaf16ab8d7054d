#include "web/rate_limiter.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(RateLimiter, SlidingWindowPerKey) {
  RateLimiter limit(3, 60);
  EXPECT_TRUE(limit.Allow("a", 100));
  EXPECT_TRUE(limit.Allow("a", 110));
  EXPECT_TRUE(limit.Allow("a", 120));
  EXPECT_FALSE(limit.Allow("a", 130));
  EXPECT_TRUE(limit.Allow("b", 130));  // another key has its own count
  EXPECT_TRUE(limit.Allow("a", 161));  // the first event left the window
  EXPECT_FALSE(limit.Allow("a", 162));
}

TEST(RateLimiter, AFloodOfNewKeysCannotWipeAnOffender) {
  RateLimiter limit(2, 600, 100);
  EXPECT_TRUE(limit.Allow("offender", 1));
  EXPECT_TRUE(limit.Allow("offender", 2));
  EXPECT_FALSE(limit.Allow("offender", 3));
  for (int i = 0; i < 10000; ++i) limit.Allow("stranger-" + std::to_string(i), 4);
  EXPECT_LE(limit.size(), 100u);
  EXPECT_FALSE(limit.Allow("offender", 5));   // still remembered
  EXPECT_TRUE(limit.Allow("offender", 603));  // until its window passes
}

}  // namespace cinepress
