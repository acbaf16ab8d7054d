// The StaffStore contract, run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class StaffStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenStaffStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  int64_t Add(const std::string& email, const std::string& role = "editor") {
    StaffMember m;
    m.email = email;
    m.role = role;
    m.created = 10;
    auto id = store_->InsertStaff(m);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  Engine engine_;
  std::unique_ptr<StaffStore> store_;
};

TYPED_TEST_SUITE(StaffStoreContract, StoreEngines, EngineName);

TYPED_TEST(StaffStoreContract, AnAddressIsOneStaffMemberWhateverTheCase) {
  const int64_t id = this->Add("Editor@Example.com");
  StaffMember again;
  again.email = "editor@example.COM";
  again.role = "author";
  auto b = this->store_->InsertStaff(again);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kConflict);
  auto found = this->store_->FindStaff("EDITOR@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, id);
  EXPECT_EQ((*found)->email, "Editor@Example.com");
}

TYPED_TEST(StaffStoreContract, StaffKeepEveryFieldAndAnUnknownRoleIsRefused) {
  const int64_t id = this->Add("a@mag.example", "admin");
  auto m = *this->store_->LoadStaff(id);
  ASSERT_TRUE(m.has_value());
  m->name = "Ann";
  m->password_hash = "$argon2id$v=19$m=65536,t=2,p=1$x$y";
  m->totp_secret = std::string("\x00\xff\x10secret", 9);
  m->totp_enabled = true;
  m->totp_last_step = 123;
  m->locked_until = 99;
  ASSERT_TRUE(this->store_->UpdateStaff(*m));
  auto back = *this->store_->LoadStaff(id);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->name, "Ann");
  EXPECT_EQ(back->role, "admin");
  EXPECT_EQ(back->password_hash, m->password_hash);
  EXPECT_EQ(back->totp_secret, m->totp_secret);
  EXPECT_TRUE(back->totp_enabled);
  EXPECT_EQ(back->totp_last_step, 123);
  EXPECT_EQ(back->locked_until, 99);
  m->role = "owner";
  EXPECT_FALSE(this->store_->UpdateStaff(*m)) << "the roles are four";
}

TYPED_TEST(StaffStoreContract, ListIsByAddressAndFailedSignInsCountUp) {
  this->Add("b@mag.example");
  const int64_t a = this->Add("A@mag.example", "contributor");
  auto all = this->store_->ListStaff();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a);
  EXPECT_EQ(*this->store_->CountFailedSignIn(a), 1);
  EXPECT_EQ(*this->store_->CountFailedSignIn(a), 2);
  EXPECT_EQ((*this->store_->LoadStaff(a))->failed_sign_ins, 2);
}

TYPED_TEST(StaffStoreContract, AnInvitationIsUsedOnce) {
  const int64_t id = this->Add("w@mag.example", "author");
  ASSERT_TRUE(this->store_->InsertInvitation(StaffInvitation{"hash-1", id, 10, 100, false}));
  auto found = this->store_->FindInvitation("hash-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->staff_id, id);
  EXPECT_EQ((*found)->expires, 100);
  EXPECT_TRUE(*this->store_->UseInvitation("hash-1"));
  EXPECT_FALSE(*this->store_->UseInvitation("hash-1"));
  EXPECT_TRUE((*this->store_->FindInvitation("hash-1"))->used);
  EXPECT_FALSE(this->store_->FindInvitation("nope")->has_value());
}

TYPED_TEST(StaffStoreContract, SessionsExpireAreVerifiedAndRemoved) {
  const int64_t id = this->Add("e@mag.example");
  ASSERT_TRUE(this->store_->InsertSession(StaffSession{"s1", id, 10, 100, false}));
  ASSERT_TRUE(this->store_->InsertSession(StaffSession{"s2", id, 10, 100, true}));
  auto s1 = this->store_->FindSession("s1", 50);
  ASSERT_TRUE(s1.ok() && s1->has_value());
  EXPECT_FALSE((*s1)->verified);
  EXPECT_FALSE(this->store_->FindSession("s1", 100)->has_value()) << "expired";
  ASSERT_TRUE(this->store_->VerifySession("s1"));
  EXPECT_TRUE((*this->store_->FindSession("s1", 50))->verified);
  EXPECT_EQ(*this->store_->DeleteSessions(id, "s1"), 1);
  EXPECT_TRUE(this->store_->FindSession("s1", 50)->has_value()) << "the kept one";
  EXPECT_FALSE(this->store_->FindSession("s2", 50)->has_value());
  ASSERT_TRUE(this->store_->DeleteSession("s1"));
  EXPECT_FALSE(this->store_->FindSession("s1", 50)->has_value());
}

TYPED_TEST(StaffStoreContract, RecoveryCodesAreUsedOnceAndReplaced) {
  const int64_t id = this->Add("r@mag.example", "admin");
  ASSERT_TRUE(this->store_->ReplaceRecoveryCodes(id, {"c1", "c2", "c3"}));
  EXPECT_EQ(*this->store_->CountRecoveryCodes(id), 3);
  EXPECT_TRUE(*this->store_->UseRecoveryCode(id, "c2"));
  EXPECT_FALSE(*this->store_->UseRecoveryCode(id, "c2"));
  EXPECT_EQ(*this->store_->CountRecoveryCodes(id), 2);
  ASSERT_TRUE(this->store_->ReplaceRecoveryCodes(id, {"d1"}));
  EXPECT_FALSE(*this->store_->UseRecoveryCode(id, "c1")) << "the old codes are gone";
  EXPECT_EQ(*this->store_->CountRecoveryCodes(id), 1);
}

TYPED_TEST(StaffStoreContract, RemovingAStaffMemberRemovesWhatWasTheirs) {
  const int64_t id = this->Add("gone@mag.example");
  ASSERT_TRUE(this->store_->InsertInvitation(StaffInvitation{"i", id, 10, 100, false}));
  ASSERT_TRUE(this->store_->InsertSession(StaffSession{"s", id, 10, 100, true}));
  ASSERT_TRUE(this->store_->ReplaceRecoveryCodes(id, {"c"}));
  ASSERT_TRUE(this->store_->DeleteStaff(id));
  EXPECT_FALSE(this->store_->LoadStaff(id)->has_value());
  EXPECT_FALSE(this->store_->FindInvitation("i")->has_value());
  EXPECT_FALSE(this->store_->FindSession("s", 50)->has_value());
  EXPECT_EQ(*this->store_->CountRecoveryCodes(id), 0);
}

TYPED_TEST(StaffStoreContract, AnIntegrationIsFoundByEitherKeyAndItsNameIsItsOwn) {
  Integration i{0, "ios-app", "author", std::string("c\x00key", 5), std::string("a\xffkey", 5), 7};
  auto id = this->store_->InsertIntegration(i);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto taken =
      this->store_->InsertIntegration(Integration{0, "ios-app", "editor", "other-c", "other-a", 8});
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);

  auto by_content =
      this->store_->FindIntegrationByKey(IntegrationKey::kContent, i.content_key_hash);
  ASSERT_TRUE(by_content.ok() && by_content->has_value());
  EXPECT_EQ((*by_content)->id, *id);
  EXPECT_EQ((*by_content)->name, "ios-app");
  EXPECT_EQ((*by_content)->role, "author");
  EXPECT_EQ((*by_content)->admin_key_hash, i.admin_key_hash);
  EXPECT_EQ((*by_content)->created, 7);
  // A content key is not an admin key.
  auto crossed = this->store_->FindIntegrationByKey(IntegrationKey::kAdmin, i.content_key_hash);
  ASSERT_TRUE(crossed.ok());
  EXPECT_FALSE(crossed->has_value());

  // A rotation: the old keys find nothing, the new ones the same integration.
  Integration rotated = **by_content;
  rotated.role = "contributor";
  rotated.content_key_hash = "new-c";
  rotated.admin_key_hash = "new-a";
  ASSERT_TRUE(this->store_->UpdateIntegration(rotated));
  EXPECT_FALSE(this->store_->FindIntegrationByKey(IntegrationKey::kContent, i.content_key_hash)
                   ->has_value());
  auto by_admin = this->store_->FindIntegrationByKey(IntegrationKey::kAdmin, "new-a");
  ASSERT_TRUE(by_admin.ok() && by_admin->has_value());
  EXPECT_EQ((*by_admin)->role, "contributor");

  ASSERT_TRUE(this->store_->InsertIntegration(Integration{0, "zapier", "editor", "z-c", "z-a", 9}));
  auto all = this->store_->ListIntegrations();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "ios-app");
  EXPECT_EQ((*all)[1].name, "zapier");
  ASSERT_TRUE(this->store_->DeleteIntegration(*id));
  EXPECT_FALSE(this->store_->FindIntegration("ios-app")->has_value());
  EXPECT_TRUE(this->store_->FindIntegration("zapier")->has_value());
}

}  // namespace
}  // namespace cinepress
