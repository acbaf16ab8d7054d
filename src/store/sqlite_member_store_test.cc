#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/open_store.h"

namespace cinepress {
namespace {

class MemberStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-member-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenMemberStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Member Named(const std::string& email) {
    Member m;
    m.email = email;
    m.created = 10;
    return m;
  }
  std::filesystem::path dir_;
  std::unique_ptr<MemberStore> store_;
};

TEST_F(MemberStoreTest, AnAddressIsOneMemberWhateverTheCase) {
  auto a = store_->InsertMember(Named("Reader@Example.com"));
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  auto b = store_->InsertMember(Named("reader@example.COM"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kConflict);
  auto found = store_->FindMember("READER@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *a);
  EXPECT_EQ((*found)->email, "Reader@Example.com");
}

TEST_F(MemberStoreTest, MembersKeepEveryField) {
  Member m = Named("a@r.example");
  m.name = "Ann";
  m.note = "note";
  m.labels = {"vip", "press"};
  m.stripe_customer_id = "cus_1";
  m.subscribed_to_emails = false;
  auto id = store_->InsertMember(m);
  ASSERT_TRUE(id.ok());
  auto back = store_->LoadMember(*id);
  ASSERT_TRUE(back.ok() && back->has_value());
  m.id = *id;
  EXPECT_EQ((*back)->labels, m.labels);
  EXPECT_EQ((*back)->stripe_customer_id, "cus_1");
  EXPECT_FALSE((*back)->subscribed_to_emails);
  EXPECT_EQ(store_->LoadMembers()->size(), 1u);
  m.deleted = true;
  ASSERT_TRUE(store_->UpdateMember(m));
  EXPECT_TRUE(store_->LoadMembers()->empty());  // deleted members are not listed
}

TEST_F(MemberStoreTest, VersionMovesForEveryConnectionButNotForUsageOrSignIns) {
  auto other = OpenMemberStore(dir_ / "site.db", {});
  ASSERT_TRUE(other.ok());
  const int64_t v0 = *store_->Version();
  auto id = (*other)->InsertMember(Named("a@r.example"));
  ASSERT_TRUE(id.ok());
  const int64_t v1 = *store_->Version();
  EXPECT_NE(v1, v0);
  ASSERT_TRUE((*other)->SaveGrant(TierGrant{0, *id, "supporter", 0, "comp", "", 10}));
  const int64_t v2 = *store_->Version();
  EXPECT_NE(v2, v1);
  ASSERT_TRUE((*other)->InsertSession(MemberSession{std::string(32, 'h'), *id, 10, 100, false}));
  const int64_t v3 = *store_->Version();
  EXPECT_NE(v3, v2);
  Institution i;
  i.name = "Lib";
  i.slug = "lib";
  i.tier = "library";
  auto inst = (*other)->InsertInstitution(i);
  ASSERT_TRUE(inst.ok());
  const int64_t v4 = *store_->Version();
  EXPECT_NE(v4, v3);
  ASSERT_TRUE((*other)->AddUsage(UsageCount{"2026-11", *inst, "/a/", "view", 1}));
  SignInToken t;
  t.link_hash = std::string(32, 'l');
  t.email = "a@r.example";
  t.purpose = "sign-in";
  ASSERT_TRUE((*other)->InsertSignInToken(t).ok());
  EXPECT_EQ(*store_->Version(), v4);
}

TEST_F(MemberStoreTest, TransactionsNestAsSavepoints) {
  ASSERT_TRUE(store_->BeginTransaction());
  ASSERT_TRUE(store_->InsertMember(Named("a@r.example")).ok());
  ASSERT_TRUE(store_->BeginTransaction());
  ASSERT_TRUE(store_->InsertMember(Named("b@r.example")).ok());
  ASSERT_TRUE(store_->Rollback());  // only b
  ASSERT_TRUE(store_->BeginTransaction());
  ASSERT_TRUE(store_->InsertMember(Named("c@r.example")).ok());
  ASSERT_TRUE(store_->Commit());
  ASSERT_TRUE(store_->Commit());
  EXPECT_TRUE(store_->FindMember("a@r.example")->has_value());
  EXPECT_FALSE(store_->FindMember("b@r.example")->has_value());
  EXPECT_TRUE(store_->FindMember("c@r.example")->has_value());
  EXPECT_FALSE(store_->Commit());
}

TEST_F(MemberStoreTest, UsageIsUpserted) {
  Institution i;
  i.name = "Lib";
  i.slug = "lib";
  i.tier = "library";
  auto inst = store_->InsertInstitution(i);
  for (int k = 0; k < 3; ++k) {
    ASSERT_TRUE(store_->AddUsage(UsageCount{"2026-11", *inst, "/a/", "view", 1}));
  }
  auto usage = store_->LoadUsage("2026-11");
  ASSERT_EQ(usage->size(), 1u);
  EXPECT_EQ((*usage)[0].count, 3);
  EXPECT_TRUE(store_->LoadUsage("2026-10")->empty());
}

TEST_F(MemberStoreTest, FeedTokensOneLivePerMember) {
  auto id = store_->InsertMember(Named("a@r.example"));
  ASSERT_TRUE(store_->InsertFeedToken(*id, std::string(32, 'a'), 10));
  EXPECT_EQ(*store_->FeedTokenMember(std::string(32, 'a')), *id);
  ASSERT_TRUE(store_->InsertFeedToken(*id, std::string(32, 'b'), 20));
  EXPECT_EQ(*store_->FeedTokenMember(std::string(32, 'a')), 0);
  EXPECT_EQ(*store_->FeedTokenMember(std::string(32, 'b')), *id);
  ASSERT_TRUE(store_->RevokeFeedTokens(*id));
  EXPECT_EQ(*store_->FeedTokenMember(std::string(32, 'b')), 0);
}

TEST_F(MemberStoreTest, RemovingAMemberRemovesWhatHangsOnIt) {
  auto id = store_->InsertMember(Named("a@r.example"));
  ASSERT_TRUE(store_->SaveGrant(TierGrant{0, *id, "supporter", 0, "comp", "", 10}));
  ASSERT_TRUE(store_->InsertSession(MemberSession{std::string(32, 'h'), *id, 10, 100, false}));
  ASSERT_TRUE(store_->DeleteMemberRow(*id));
  EXPECT_TRUE(store_->LoadGrants(*id)->empty());
  EXPECT_TRUE(store_->LoadLiveSessions(0)->empty());
}

}  // namespace
}  // namespace cinepress
