#include "members/institutions.h"

#include <gtest/gtest.h>

#include "members/members.h"
#include "members/test_fixture.h"

namespace cinepress {
namespace {

using InstitutionsTest = MembersFixture;

TEST(NormalizeNetwork, ReadsCidrAndSingleAddresses) {
  EXPECT_EQ(*NormalizeNetwork("192.0.2.0/24"), "192.0.2.0/24");
  EXPECT_EQ(*NormalizeNetwork(" 192.0.2.7 "), "192.0.2.7/32");
  EXPECT_EQ(*NormalizeNetwork("2001:DB8::/32"), "2001:db8::/32");
  EXPECT_EQ(*NormalizeNetwork("2001:db8::1"), "2001:db8::1/128");
  EXPECT_FALSE(NormalizeNetwork("192.0.2.7/24").ok());  // host bits
  EXPECT_FALSE(NormalizeNetwork("192.0.2.0/33").ok());
  EXPECT_FALSE(NormalizeNetwork("example.org").ok());
  EXPECT_FALSE(NormalizeNetwork("").ok());
}

TEST_F(InstitutionsTest, AddListFindRemove) {
  Institution lib;
  lib.name = "City Library";
  lib.tier = "library";
  lib.seats = 5;
  lib.networks = {"192.0.2.0/24"};
  lib.domains = {"@City.example"};
  auto id = AddInstitution(*store_, site_, lib, 10);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto again = AddInstitution(*store_, site_, lib, 10);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto found = FindInstitution(*store_, "city-library");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->domains, (std::vector<std::string>{"city.example"}));
  EXPECT_EQ(FindInstitution(*store_, "CITY LIBRARY")->id, *id);
  EXPECT_EQ(ListInstitutions(*store_)->size(), 1u);
  ASSERT_TRUE(RemoveInstitution(*store_, *id));
  EXPECT_FALSE(FindInstitution(*store_, "city-library").ok());
}

TEST_F(InstitutionsTest, EveryProblemIsReportedAtOnce) {
  Institution bad;
  bad.name = "Bad";
  bad.tier = "platinum";
  bad.seats = -1;
  bad.networks = {"10.0.0.1/8", "nonsense"};
  bad.domains = {"not a domain"};
  auto r = AddInstitution(*store_, site_, bad, 10);
  ASSERT_FALSE(r.ok());
  for (const char* part : {"platinum", "negative", "10.0.0.1/8", "nonsense", "not a domain"}) {
    EXPECT_NE(r.error().message.find(part), std::string::npos) << part;
  }
}

TEST_F(InstitutionsTest, TheReportCountsViewsDistinctArticlesAndRefusals) {
  Institution a, b;
  a.name = "Alpha College";
  a.tier = "library";
  a.networks = {"192.0.2.0/24"};
  b.name = "Beta Library";
  b.tier = "library";
  b.networks = {"198.51.100.0/24"};
  auto ia = AddInstitution(*store_, site_, a, 10);
  auto ib = AddInstitution(*store_, site_, b, 10);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(RecordUsage(*store_, *ia, "2026-11", "/r/a/", UsageKind::kView));
  ASSERT_TRUE(RecordUsage(*store_, *ia, "2026-11", "/r/b/", UsageKind::kView));
  ASSERT_TRUE(RecordUsage(*store_, *ia, "2026-11", "/r/c/", UsageKind::kRefusal));
  ASSERT_TRUE(RecordUsage(*store_, *ia, "2026-10", "/r/d/", UsageKind::kView));
  auto rows = UsageReport(*store_, "2026-11");
  ASSERT_TRUE(rows.ok()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].name, "Alpha College");
  EXPECT_EQ((*rows)[0].views, 4);
  EXPECT_EQ((*rows)[0].distinct_articles, 2);
  EXPECT_EQ((*rows)[0].refusals, 1);
  EXPECT_EQ((*rows)[1].institution_id, *ib);
  EXPECT_EQ((*rows)[1].views, 0);
  EXPECT_FALSE(UsageReport(*store_, "2026-13").ok());
  EXPECT_FALSE(UsageReport(*store_, "Nov 2026").ok());
  EXPECT_EQ(UsageMonth(1795000000), "2026-11");
}

}  // namespace
}  // namespace cinepress
