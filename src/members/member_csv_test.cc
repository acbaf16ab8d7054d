#include "members/member_csv.h"

#include <gtest/gtest.h>

#include "members/members.h"
#include "members/test_fixture.h"

namespace cinepress {
namespace {

using MemberCsvTest = MembersFixture;

// As Ghost exports it: its own id and deleted_at columns, which are ignored.
constexpr const char* kGhost =
    "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,"
    "deleted_at,labels,tiers\n"
    "6391,ann@r.example,Ann,\"likes Ozu, Naruse\",true,false,cus_1,2023-01-05T10:00:00.000Z,,"
    "\"vip, press\",Supporter\n"
    "6392,bo@r.example,Bo,,false,true,,2023-02-01T00:00:00.000Z,,,\n"
    "6393,cy@r.example,,,,,,,,,library\n";

TEST_F(MemberCsvTest, ReadsGhostsColumns) {
  MemberCsv csv = ParseMemberCsv(kGhost, "members.csv", site_);
  ASSERT_TRUE(csv.problems.empty()) << csv.problems[0].ToString();
  ASSERT_EQ(csv.rows.size(), 3u);
  EXPECT_EQ(csv.rows[0].email, "ann@r.example");
  EXPECT_EQ(csv.rows[0].note, "likes Ozu, Naruse");
  EXPECT_EQ(csv.rows[0].labels, (std::vector<std::string>{"vip", "press"}));
  EXPECT_EQ(csv.rows[0].tiers, (std::vector<std::string>{"supporter"}));  // by name
  EXPECT_EQ(csv.rows[0].stripe_customer_id, "cus_1");
  EXPECT_EQ(csv.rows[0].created_at, 1672912800);
  EXPECT_FALSE(csv.rows[1].subscribed_to_emails);
  EXPECT_TRUE(csv.rows[1].complimentary_plan);
  EXPECT_EQ(csv.rows[1].tiers, (std::vector<std::string>{"supporter"}));  // the paid tier
  EXPECT_EQ(csv.rows[2].tiers, (std::vector<std::string>{"library"}));
  EXPECT_EQ(csv.rows[2].line, 4);
}

TEST_F(MemberCsvTest, EveryBadRowIsReportedWithItsLineAndField) {
  const char* text =
      "email,name,subscribed_to_emails,created_at,tiers\n"
      "good@r.example,Good,true,,\n"
      "not-an-address,X,true,,\n"
      "c@r.example,C,maybe,,\n"
      "d@r.example,D,true,yesterday,\n"
      "e@r.example,E,true,,platinum\n"
      "GOOD@r.example,Again,true,,\n"
      "f@r.example,F\n";
  MemberCsv csv = ParseMemberCsv(text, "m.csv", site_);
  ASSERT_EQ(csv.rows.size(), 1u);
  ASSERT_EQ(csv.problems.size(), 6u);
  EXPECT_EQ(csv.problems[0].ToString().rfind("m.csv:3: email: ", 0), 0u)
      << csv.problems[0].ToString();
  EXPECT_EQ(csv.problems[1].line, 4);
  EXPECT_EQ(csv.problems[1].field, "subscribed_to_emails");
  EXPECT_EQ(csv.problems[2].field, "created_at");
  EXPECT_EQ(csv.problems[3].field, "tiers");
  EXPECT_EQ(csv.problems[4].line, 7);
  EXPECT_NE(csv.problems[4].message.find("line 2"), std::string::npos);
  EXPECT_EQ(csv.problems[5].line, 8);
}

TEST_F(MemberCsvTest, WithoutAnEmailColumnNothingIsRead) {
  MemberCsv csv = ParseMemberCsv("name\nAnn\n", "m.csv", site_);
  EXPECT_TRUE(csv.rows.empty());
  ASSERT_EQ(csv.problems.size(), 1u);
  EXPECT_EQ(csv.problems[0].field, "email");
}

TEST_F(MemberCsvTest, ImportThenExportRoundTrips) {
  MemberCsv csv = ParseMemberCsv(kGhost, "members.csv", site_);
  auto done = ImportMemberRows(*store_, csv.rows, 5000);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->created, 3u);
  EXPECT_EQ(done->granted, 3u);
  auto ann = LoadMemberView(*store_, "ann@r.example");
  ASSERT_TRUE(ann.ok());
  EXPECT_EQ(ann->member.created, 1672912800);
  EXPECT_EQ(TiersHeld(ann->grants, 6000), (std::vector<std::string>{"members", "supporter"}));
  std::string row = MemberCsvRow(ann->member, {"supporter"}, false);
  EXPECT_EQ(row,
            "\"ann@r.example\",\"Ann\",\"likes Ozu, Naruse\",true,false,\"cus_1\","
            "2023-01-05T10:00:00Z,\"vip,press\",\"supporter\"\r\n");
  MemberCsv back = ParseMemberCsv(MemberCsvHeader() + row, "export.csv", site_);
  ASSERT_TRUE(back.problems.empty()) << back.problems[0].ToString();
  EXPECT_EQ(back.rows[0].labels, ann->member.labels);
  // Importing again updates, and creates nobody.
  auto twice = ImportMemberRows(*store_, csv.rows, 5000);
  EXPECT_EQ(twice->created, 0u);
  EXPECT_EQ(twice->updated, 3u);
  EXPECT_EQ(twice->granted, 0u);  // tiers held are left as they are
}

}  // namespace
}  // namespace cinepress
