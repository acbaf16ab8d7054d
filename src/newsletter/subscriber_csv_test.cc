#include "newsletter/subscriber_csv.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

const std::set<std::string> kLists = {"weekly", "daily"};

SubscriberCsv Parse(const std::string& text) {
  return ParseSubscriberCsv(text, "readers.csv", kLists, *TimeZone::Named("UTC"));
}

TEST(SubscriberCsv, ReadsQuotedFieldsAcrossLinesAndKnowsEachRowsLine) {
  auto csv = Parse(
      "email,name,lists,consent_date\r\n"
      "zoe@r.example,\"Ménard, Zoë\",weekly daily,2024-05-01\r\n"
      "\n"
      "ana@r.example,\"Ana \"\"the critic\"\"\",\"weekly\ndaily\",2024-05-02T10:00:00Z\n"
      "bo@r.example,,daily;weekly,2024-05-03\n");
  ASSERT_TRUE(csv.problems.empty()) << csv.problems[0].ToString();
  ASSERT_EQ(csv.rows.size(), 3u);
  EXPECT_EQ(csv.rows[0].name, "Ménard, Zoë");
  EXPECT_EQ(csv.rows[0].lists, (std::vector<std::string>{"weekly", "daily"}));
  EXPECT_EQ(csv.rows[0].line, 2);
  EXPECT_EQ(csv.rows[0].consent_at, 1714521600);
  EXPECT_EQ(csv.rows[1].name, "Ana \"the critic\"");
  EXPECT_EQ(csv.rows[1].line, 4);
  EXPECT_EQ(csv.rows[2].line, 6);
  EXPECT_EQ(csv.rows[2].lists, (std::vector<std::string>{"daily", "weekly"}));
}

TEST(SubscriberCsv, NameWithLineBreakIsRefused) {
  auto csv = Parse("email,name,lists,consent_date\na@r.example,\"x\ny\",weekly,2024-05-01\n");
  ASSERT_EQ(csv.problems.size(), 1u);
  EXPECT_EQ(csv.problems[0].field, "name");
}

TEST(SubscriberCsv, EveryBadRowIsReportedWithLineAndReason) {
  auto csv = Parse(
      "email,name,lists,consent_date\n"
      "not-an-address,,weekly,2024-05-01\n"
      "a@r.example,,monthly,2024-05-01\n"
      "b@r.example,,weekly,yesterday\n"
      "c@r.example,,weekly\n"
      "d@r.example,,,2024-05-01\n"
      "e@r.example,,weekly,2024-05-01\n"
      "E@R.example,,weekly,2024-05-01\n");
  ASSERT_EQ(csv.rows.size(), 1u);
  ASSERT_EQ(csv.problems.size(), 6u);
  EXPECT_EQ(csv.problems[0].ToString(),
            "readers.csv:2: email: not an email address: \"not-an-address\"");
  EXPECT_EQ(csv.problems[1].line, 3);
  EXPECT_EQ(csv.problems[1].field, "lists");
  EXPECT_EQ(csv.problems[2].field, "consent_date");
  EXPECT_EQ(csv.problems[3].message, "expected 4 fields, found 3");
  EXPECT_EQ(csv.problems[4].message, "names no newsletter");
  EXPECT_EQ(csv.problems[5].line, 8);
  EXPECT_NE(csv.problems[5].message.find("line 7"), std::string::npos);
}

TEST(SubscriberCsv, AMissingHeaderOrBrokenQuotingIsReported) {
  EXPECT_EQ(Parse("a@r.example,,weekly,2024-05-01\n").problems.size(), 1u);
  auto broken = Parse("email,name,lists,consent_date\na@r.example,\"open,weekly,2024-05-01\n");
  ASSERT_FALSE(broken.problems.empty());
  EXPECT_NE(broken.problems[0].message.find("not valid CSV"), std::string::npos);
}

TEST(SubscriberCsv, WrittenRowsReadBackTheSame) {
  std::string text = SubscriberCsvHeader() + SubscriberCsvRow("zoe@r.example", "Ménard, \"Zoë\"",
                                                              {"weekly", "daily"}, 1714521600);
  auto csv = Parse(text);
  ASSERT_TRUE(csv.problems.empty());
  ASSERT_EQ(csv.rows.size(), 1u);
  EXPECT_EQ(csv.rows[0].name, "Ménard, \"Zoë\"");
  EXPECT_EQ(csv.rows[0].consent_at, 1714521600);
  EXPECT_EQ(csv.rows[0].lists.size(), 2u);
}

}  // namespace
}  // namespace cinepress
