#include "members/members.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "members/institutions.h"
#include "members/sessions.h"
#include "members/sign_in.h"
#include "members/test_fixture.h"

namespace cinepress {
namespace {

using MembersTest = MembersFixture;

TEST_F(MembersTest, AddMemberIsOnePerAddressWhateverTheCase) {
  auto a = AddMember(*store_, NewMember{"Reader@Example.com", "Zoë", "met at TIFF"}, 10);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_TRUE(a->created);
  auto b = AddMember(*store_, NewMember{"reader@example.com", "", ""}, 20);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->created);
  EXPECT_EQ(a->id, b->id);
  auto m = store_->LoadMember(a->id);
  EXPECT_EQ((*m)->name, "Zoë");  // an empty name keeps the stored one
  EXPECT_EQ((*m)->note, "met at TIFF");
  EXPECT_EQ((*m)->created, 10);
  auto bad = AddMember(*store_, NewMember{"nobody"}, 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
}

TEST_F(MembersTest, GrantAndRevokeTiers) {
  auto a = AddMember(*store_, NewMember{"a@r.example"}, 10);
  ASSERT_TRUE(GrantTier(*store_, a->id, "supporter", 500, "comp", "press", 10));
  ASSERT_TRUE(GrantTier(*store_, a->id, "supporter", 900, "comp", "extended", 20));  // replaces
  ASSERT_TRUE(GrantTier(*store_, a->id, "supporter", 0, "stripe", "", 20));
  EXPECT_FALSE(GrantTier(*store_, a->id, "supporter", 0, "bribe", "", 20));
  EXPECT_FALSE(GrantTier(*store_, 999, "supporter", 0, "comp", "", 20));
  auto view = LoadMemberView(*store_, "A@r.example");
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->grants.size(), 3u);  // signup (members), comp, stripe
  EXPECT_EQ(TiersHeld(view->grants, 1000), (std::vector<std::string>{"members", "supporter"}));
  ASSERT_TRUE(RevokeTier(*store_, a->id, "supporter", "stripe"));
  EXPECT_EQ(TiersHeld(store_->LoadGrants(a->id).value(), 1000),
            (std::vector<std::string>{"members"}));  // the comp ended at 900
  ASSERT_TRUE(RevokeTier(*store_, a->id, "supporter"));
  auto none = RevokeTier(*store_, a->id, "supporter");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
}

TEST_F(MembersTest, CheckTierKnowsTheConfiguredTiersAndMembers) {
  EXPECT_TRUE(CheckTier(site_, "members"));
  EXPECT_TRUE(CheckTier(site_, "supporter"));
  auto bad = CheckTier(site_, "platinum");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("supporter"), std::string::npos);
}

TEST_F(MembersTest, JoiningByDomainStopsWhenTheSeatsRunOut) {
  Institution uni;
  uni.name = "Uni";
  uni.tier = "library";
  uni.seats = 1;
  uni.domains = {"uni.example"};
  auto inst = AddInstitution(*store_, site_, uni, 10);
  ASSERT_TRUE(inst.ok());
  auto a = AddMember(*store_, NewMember{"a@uni.example"}, 10);
  EXPECT_EQ(LoadMemberView(*store_, a->id)->institution->id, *inst);
  auto b = AddMember(*store_, NewMember{"b@uni.example"}, 10);
  ASSERT_TRUE(b.ok());  // added, not joined
  EXPECT_FALSE(LoadMemberView(*store_, b->id)->institution.has_value());
  auto join = JoinInstitutionByDomain(*store_, b->id, 20);
  ASSERT_FALSE(join.ok());
  EXPECT_EQ(join.error().code, ErrorCode::kConflict);
  EXPECT_NE(join.error().message.find("Uni has no seats left (1 of 1 taken)"), std::string::npos);
  auto c = AddMember(*store_, NewMember{"c@elsewhere.example"}, 10);
  EXPECT_EQ(*JoinInstitutionByDomain(*store_, c->id, 20), 0);
}

TEST_F(MembersTest, ExportHasEverythingHeldIncludingNewsletterConsent) {
  auto a = AddMember(*store_, NewMember{"a@r.example", "Ann", "note"}, 10);
  ASSERT_TRUE(GrantTier(*store_, a->id, "supporter", 0, "comp", "", 10));
  auto sub = newsletters_->UpsertSubscriber("A@r.example", "Ann", 10);
  ASSERT_TRUE(newsletters_->SetSubscription(*sub, "weekly", SubscriptionState::kConfirmed,
                                            Consent{10, "192.0.2.1", "article:/x/"}, 10));
  auto json = ExportMemberData(*store_, *newsletters_, a->id);
  ASSERT_TRUE(json.ok()) << json.error().ToString();
  auto j = nlohmann::json::parse(*json);
  EXPECT_EQ(j["member"]["email"], "a@r.example");
  EXPECT_EQ(j["member"]["name"], "Ann");
  EXPECT_EQ(j["tiers"].size(), 2u);
  ASSERT_EQ(j["newsletter_subscriptions"].size(), 1u);
  EXPECT_EQ(j["newsletter_subscriptions"][0]["consent"]["ip"], "192.0.2.1");
}

TEST_F(MembersTest, DeleteErasesPersonalDataAndKeepsConsentUnderAMarker) {
  auto a = AddMember(*store_, NewMember{"Ann@r.example", "Ann", "note", {"vip"}}, 10);
  ASSERT_TRUE(GrantTier(*store_, a->id, "supporter", 0, "comp", "", 10));
  SessionTable sessions;
  auto token = sessions.Create(*store_, a->id, 10, 3600);
  ASSERT_TRUE(StartSignIn(*store_, site_, "ann@r.example", "", 10)->send);
  auto sub = newsletters_->UpsertSubscriber("ann@r.example", "Ann", 10);
  ASSERT_TRUE(newsletters_->SetSubscription(*sub, "weekly", SubscriptionState::kConfirmed,
                                            Consent{10, "192.0.2.1", "article:/x/"}, 10));
  ASSERT_TRUE(DeleteMember(*store_, *newsletters_, a->id, 20));
  auto m = store_->LoadMember(a->id);
  ASSERT_TRUE(m->has_value());
  EXPECT_TRUE((*m)->deleted);
  EXPECT_EQ((*m)->email, "deleted-" + std::to_string(a->id) + "@invalid");
  EXPECT_EQ((*m)->name, "");
  EXPECT_TRUE((*m)->labels.empty());
  EXPECT_FALSE(store_->FindMember("ann@r.example")->has_value());
  EXPECT_TRUE(store_->LoadGrants(a->id)->empty());
  EXPECT_EQ(*store_->CountLiveSessions(a->id, 11), 0);
  EXPECT_FALSE(store_->LatestSignInToken("ann@r.example")->has_value());
  ASSERT_TRUE(sessions.Reload(*store_, 11));
  EXPECT_FALSE(sessions.Lookup(*token, 11).has_value());
  // The consent record stays, its address replaced by a marker.
  EXPECT_FALSE(newsletters_->FindSubscriber("ann@r.example")->has_value());
  auto kept = newsletters_->LoadSubscriber(*sub);
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->email.rfind("erased:", 0), 0u);
  EXPECT_EQ((*kept)->email.size(), 7u + 64u);
  EXPECT_TRUE((*kept)->suppressed);
  EXPECT_EQ((*kept)->name, "");
  auto subs = newsletters_->LoadSubscriptions(*sub);
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ((*subs)[0].consent.at, 10);
  EXPECT_EQ((*subs)[0].consent.form, "article:/x/");
  EXPECT_EQ((*subs)[0].state, SubscriptionState::kUnsubscribed);
  // The address can sign up again as a new member.
  auto again = AddMember(*store_, NewMember{"ann@r.example"}, 30);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->id, a->id);
}

TEST_F(MembersTest, RemoveMemberDeletesTheRow) {
  auto a = AddMember(*store_, NewMember{"a@r.example"}, 10);
  ASSERT_TRUE(RemoveMember(*store_, a->id));
  EXPECT_FALSE(store_->LoadMember(a->id)->has_value());
  EXPECT_TRUE(store_->LoadGrants(a->id)->empty());
  EXPECT_FALSE(RemoveMember(*store_, a->id));
}

}  // namespace
}  // namespace cinepress
