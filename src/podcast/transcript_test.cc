#include "podcast/transcript.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(Transcript, ReadsWebVttCuesWithSpeakersAndWithoutMarkup) {
  auto cues = ParseTranscript(
      "WEBVTT\n\nNOTE a comment\nover two lines\n\n1\n00:00:00.000 --> 00:00:04.000\n"
      "<v Nia Bianchi>Welcome to <i>Close-Up</i>.\n\n00:01:04.500 --> 00:01:09.000 align:start\n"
      "We talk about\nslow cinema.\n",
      true);
  ASSERT_TRUE(cues.ok()) << cues.error().ToString();
  ASSERT_EQ(cues->size(), 2u);
  EXPECT_EQ((*cues)[0].speaker, "Nia Bianchi");
  EXPECT_EQ((*cues)[0].text, "Welcome to Close-Up.");
  EXPECT_DOUBLE_EQ((*cues)[1].start, 64.5);
  EXPECT_EQ((*cues)[1].text, "We talk about slow cinema.");
  EXPECT_EQ(TranscriptText(*cues),
            "Nia Bianchi: Welcome to Close-Up.\n\nWe talk about slow cinema.");
}

TEST(Transcript, ReadsSrt) {
  auto cues = ParseTranscript(
      "1\r\n00:00:01,250 --> 00:00:03,000\r\nHello.\r\n\r\n2\r\n"
      "01:00:00,000 --> 01:00:02,000\r\nAn hour in.\r\n",
      false);
  ASSERT_TRUE(cues.ok());
  ASSERT_EQ(cues->size(), 2u);
  EXPECT_DOUBLE_EQ((*cues)[0].start, 1.25);
  EXPECT_DOUBLE_EQ((*cues)[1].start, 3600);
}

TEST(Transcript, NamesTheLineItCannotRead) {
  auto bad = ParseTranscript("WEBVTT\n\n00:xx:01.000 --> 00:00:02.000\nText\n", true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().line, 3);
  EXPECT_FALSE(ParseTranscript("1\n00:00:01,000 --> 00:00:02,000\nText\n", true).ok())
      << "WebVTT begins with WEBVTT";
}

TEST(Transcript, ClockTimesAreSecondsMinutesAndHours) {
  EXPECT_DOUBLE_EQ(ParseClockTime("90"), 90);
  EXPECT_DOUBLE_EQ(ParseClockTime("1:30"), 90);
  EXPECT_DOUBLE_EQ(ParseClockTime("1:00:30.5"), 3630.5);
  EXPECT_DOUBLE_EQ(ParseClockTime("00:00:01,250"), 1.25);
  EXPECT_EQ(ParseClockTime("1:2:3:4"), -1);
  EXPECT_EQ(ParseClockTime("soon"), -1);
  EXPECT_EQ(ParseClockTime(""), -1);
}

}  // namespace
}  // namespace cinepress
