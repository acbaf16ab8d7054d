#include "newsletter/schedule.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

class ScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tz_ = *TimeZone::Named("America/Toronto");
    FestivalConfig tiff;
    tiff.slug = "tiff";
    tiff.editions.push_back(FestivalEditionConfig{2021, "2021-09-09", "2021-09-18", ""});
    site_.festivals.push_back(tiff);
    weekly_.schedule.kind = "weekly";
    weekly_.schedule.weekday = 5;  // Friday
    weekly_.schedule.hour = 8;
    daily_.schedule.kind = "daily";
    daily_.schedule.edition = "tiff/2021";
    daily_.schedule.hour = 6;
  }
  int64_t At(const char* local) { return *tz_.Parse(local); }
  TimeZone tz_;
  SiteConfig site_;
  NewsletterConfig weekly_, daily_;
};

TEST_F(ScheduleTest, WeeklyOnItsDayFromItsHourInTheSitesZone) {
  EXPECT_FALSE(IsDue(weekly_, site_, tz_, At("2021-09-17 07:59"), nullptr));  // Friday, early
  EXPECT_TRUE(IsDue(weekly_, site_, tz_, At("2021-09-17 08:00"), nullptr));
  EXPECT_TRUE(IsDue(weekly_, site_, tz_, At("2021-09-17 23:30"), nullptr));   // caught up
  EXPECT_FALSE(IsDue(weekly_, site_, tz_, At("2021-09-18 08:00"), nullptr));  // Saturday
  EXPECT_FALSE(IsDue(weekly_, site_, tz_, At("2021-09-16 08:00"), nullptr));  // Thursday
  EXPECT_EQ(*OpenSlot(weekly_, site_, tz_, At("2021-09-17 09:15")), At("2021-09-17 08:00"));
  // 08:00 in Toronto is 12:00 UTC in September.
  EXPECT_EQ(At("2021-09-17 08:00"), 1631880000);
}

TEST_F(ScheduleTest, OnceAnIssueIsMadeTheSlotIsUsed) {
  NewsletterIssue latest;
  latest.created = At("2021-09-17 08:01");
  EXPECT_FALSE(IsDue(weekly_, site_, tz_, At("2021-09-17 09:00"), &latest));
  latest.created = At("2021-09-10 08:01");  // last week's
  EXPECT_TRUE(IsDue(weekly_, site_, tz_, At("2021-09-17 09:00"), &latest));
}

TEST_F(ScheduleTest, DailyOnTheMorningsAfterEachFestivalDay) {
  EXPECT_FALSE(IsDue(daily_, site_, tz_, At("2021-09-09 07:00"), nullptr));  // opening day
  EXPECT_FALSE(IsDue(daily_, site_, tz_, At("2021-09-10 05:59"), nullptr));
  EXPECT_TRUE(IsDue(daily_, site_, tz_, At("2021-09-10 06:00"), nullptr));
  EXPECT_TRUE(IsDue(daily_, site_, tz_, At("2021-09-19 06:30"), nullptr));  // after the last day
  EXPECT_FALSE(IsDue(daily_, site_, tz_, At("2021-09-20 06:30"), nullptr));
  NewsletterIssue yesterday;
  yesterday.created = At("2021-09-12 06:00");
  EXPECT_TRUE(IsDue(daily_, site_, tz_, At("2021-09-13 06:00"), &yesterday));
}

TEST_F(ScheduleTest, ManualIsNeverDue) {
  NewsletterConfig manual;
  EXPECT_FALSE(IsDue(manual, site_, tz_, At("2021-09-17 08:00"), nullptr));
}

}  // namespace
}  // namespace cinepress
