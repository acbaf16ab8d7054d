#include "members/rights.h"

#include <gtest/gtest.h>

#include <random>

#include "members/institutions.h"
#include "members/members.h"
#include "members/test_fixture.h"

namespace cinepress {
namespace {

using RightsBookTest = MembersFixture;

TEST_F(RightsBookTest, AMemberHoldsTheFreeTierAndTheirGrantsInForceNow) {
  auto m = AddMember(*store_, NewMember{"a@r.example", "Ann"}, 10);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(GrantTier(*store_, m->id, "supporter", 2000, "comp", "", 10));
  ASSERT_TRUE(GrantTier(*store_, m->id, "library", 500, "gift", "", 10));
  RightsBook book;
  ASSERT_TRUE(book.Load(*store_, site_, 1000));
  ReaderRights r = book.For(m->id, "", 1000);
  EXPECT_EQ(r.member_id, m->id);
  EXPECT_EQ(r.tiers, (std::vector<std::string>{"members", "supporter"}));
  EXPECT_EQ(book.For(m->id, "", 2000).tiers, (std::vector<std::string>{"members"}));
  EXPECT_FALSE(book.For(0, "", 1000).signed_in());
  EXPECT_TRUE(book.For(0, "", 1000).tiers.empty());
  EXPECT_FALSE(book.For(999, "", 1000).signed_in());  // unknown member: anonymous
  auto summary = book.Member(m->id);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->email, "a@r.example");
  EXPECT_EQ(summary->name, "Ann");
}

TEST_F(RightsBookTest, AnInstitutionsNetworksGiveItsTierWithoutSigningIn) {
  Institution lib;
  lib.name = "City Library";
  lib.tier = "library";
  lib.networks = {"192.0.2.0/24", "2001:db8:10::/48"};
  lib.until = 5000;
  auto id = AddInstitution(*store_, site_, lib, 10);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  RightsBook book;
  ASSERT_TRUE(book.Load(*store_, site_, 1000));
  for (const char* inside : {"192.0.2.0", "192.0.2.77", "192.0.2.255", "2001:db8:10::1",
                             "2001:db8:10:ffff:ffff:ffff:ffff:ffff", "::ffff:192.0.2.9"}) {
    ReaderRights r = book.For(0, inside, 1000);
    EXPECT_EQ(r.institution_id, *id) << inside;
    EXPECT_EQ(r.institution_name, "City Library");
    EXPECT_TRUE(r.Holds("library")) << inside;
    EXPECT_FALSE(r.signed_in());
  }
  for (const char* outside : {"192.0.3.0", "192.0.1.255", "2001:db8:11::1", "", "junk"}) {
    EXPECT_EQ(book.For(0, outside, 1000).institution_id, 0) << outside;
  }
  // Expired: nothing.
  EXPECT_EQ(book.For(0, "192.0.2.77", 5000).institution_id, 0);
  EXPECT_EQ(book.InstitutionAt("192.0.2.77", 1000), *id);
}

TEST_F(RightsBookTest, AMemberWhoJoinedByDomainHoldsTheInstitutionsTier) {
  Institution uni;
  uni.name = "Uni";
  uni.tier = "library";
  uni.seats = 1;
  uni.domains = {"uni.example"};
  ASSERT_TRUE(AddInstitution(*store_, site_, uni, 10).ok());
  auto a = AddMember(*store_, NewMember{"a@uni.example"}, 10);
  auto b = AddMember(*store_, NewMember{"b@uni.example"}, 10);  // no seat left
  RightsBook book;
  ASSERT_TRUE(book.Load(*store_, site_, 1000));
  EXPECT_TRUE(book.For(a->id, "", 1000).Holds("library"));
  EXPECT_EQ(book.For(a->id, "", 1000).institution_name, "Uni");
  EXPECT_FALSE(book.For(b->id, "", 1000).Holds("library"));
}

TEST_F(RightsBookTest, NestedNetworksFindTheMostSpecific) {
  Institution wide, narrow;
  wide.name = "Consortium";
  wide.tier = "library";
  wide.networks = {"10.0.0.0/8"};
  narrow.name = "College";
  narrow.tier = "supporter";
  narrow.networks = {"10.1.2.0/24"};
  auto w = AddInstitution(*store_, site_, wide, 10);
  auto n = AddInstitution(*store_, site_, narrow, 10);
  RightsBook book;
  ASSERT_TRUE(book.Load(*store_, site_, 1000));
  EXPECT_EQ(book.InstitutionAt("10.1.2.3", 1000), *n);
  EXPECT_EQ(book.InstitutionAt("10.1.3.3", 1000), *w);
  EXPECT_EQ(book.InstitutionAt("10.200.0.1", 1000), *w);
}

// 10,000 institutions with an IPv4 and an IPv6 network each: every address finds its own (or none).
TEST_F(RightsBookTest, LookupAmongTenThousandNetworksFindsEachAddressesOwn) {
  ASSERT_TRUE(store_->BeginTransaction());
  for (int i = 0; i < 10000; ++i) {
    Institution inst;
    inst.name = "Institution " + std::to_string(i);
    inst.slug = "i" + std::to_string(i);
    inst.tier = "library";
    // 10.x.y.0/24 and 2001:db8:i::/48
    inst.networks = {"10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24"};
    char v6[64];
    std::snprintf(v6, sizeof v6, "2001:db8:%x::/48", i);
    inst.networks.push_back(v6);
    ASSERT_TRUE(store_->InsertInstitution(inst).ok());
  }
  ASSERT_TRUE(store_->Commit());
  RightsBook book;
  ASSERT_TRUE(book.Load(*store_, site_, 1000));
  EXPECT_GT(book.InstitutionAt("10.39.15.200", 1000), 0);
  EXPECT_GT(book.InstitutionAt("2001:db8:2700::9", 1000), 0);
  EXPECT_EQ(book.InstitutionAt("11.0.0.1", 1000), 0);
  // Addresses in the first 10,000 /24s belong to an institution; past them, to none. (How fast a
  // lookup is belongs to bench/, not to a test: these machines are shared.)
  std::mt19937 rng(7);
  int64_t expected = 0, found = 0;
  for (int i = 0; i < 2000; ++i) {
    const int k = static_cast<int>(rng() % 12000);
    const std::string ip = "10." + std::to_string(k / 256) + "." + std::to_string(k % 256) + ".9";
    expected += k < 10000;
    found += book.InstitutionAt(ip, 1000) != 0;
  }
  EXPECT_GT(expected, 0);
  EXPECT_EQ(found, expected);
}

}  // namespace
}  // namespace cinepress
