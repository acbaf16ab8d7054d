#include "staff/integrations.h"

#include <gtest/gtest.h>

#include "staff/test_fixture.h"

namespace cinepress {
namespace {

using IntegrationsTest = StaffFixture;

TEST_F(IntegrationsTest, KeysOpenTheirOwnIntegrationAndOnlyTheirKind) {
  auto keys = AddIntegration(*store_, "ios-app", StaffRole::kAuthor, 100);
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  EXPECT_EQ(keys->content_key.substr(0, 4), "cpc_");
  EXPECT_EQ(keys->admin_key.substr(0, 4), "cpa_");
  auto content = IntegrationOfKey(*store_, IntegrationKey::kContent, keys->content_key);
  ASSERT_TRUE(content.ok() && content->has_value());
  EXPECT_EQ((*content)->name, "ios-app");
  EXPECT_EQ((*content)->role, "author");
  // Only hashes are stored.
  EXPECT_NE((*content)->content_key_hash, keys->content_key);
  auto admin = IntegrationOfKey(*store_, IntegrationKey::kAdmin, keys->admin_key);
  ASSERT_TRUE(admin.ok() && admin->has_value());
  EXPECT_FALSE(IntegrationOfKey(*store_, IntegrationKey::kAdmin, keys->content_key)->has_value());
  EXPECT_FALSE(IntegrationOfKey(*store_, IntegrationKey::kContent, keys->admin_key)->has_value());
  EXPECT_FALSE(IntegrationOfKey(*store_, IntegrationKey::kContent, "cpc_nope")->has_value());
  EXPECT_FALSE(IntegrationOfKey(*store_, IntegrationKey::kContent, "")->has_value());
}

TEST_F(IntegrationsTest, RotatingStopsTheOldKeysAndRemovingStopsAll) {
  auto first = AddIntegration(*store_, "zapier", StaffRole::kEditor, 100);
  ASSERT_TRUE(first.ok());
  auto second = RotateIntegration(*store_, "zapier");
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_NE(second->content_key, first->content_key);
  EXPECT_FALSE(
      IntegrationOfKey(*store_, IntegrationKey::kContent, first->content_key)->has_value());
  EXPECT_FALSE(IntegrationOfKey(*store_, IntegrationKey::kAdmin, first->admin_key)->has_value());
  EXPECT_TRUE(IntegrationOfKey(*store_, IntegrationKey::kAdmin, second->admin_key)->has_value());
  ASSERT_TRUE(RemoveIntegration(*store_, "zapier"));
  EXPECT_FALSE(IntegrationOfKey(*store_, IntegrationKey::kAdmin, second->admin_key)->has_value());
  EXPECT_EQ(RemoveIntegration(*store_, "zapier").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(RotateIntegration(*store_, "zapier").error().code, ErrorCode::kNotFound);
}

TEST_F(IntegrationsTest, BadNamesTakenNamesAndAdminRoleAreRefusedNamingTheField) {
  auto bad = AddIntegration(*store_, "My App!", StaffRole::kEditor, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "name");
  ASSERT_TRUE(AddIntegration(*store_, "app", StaffRole::kEditor, 1).ok());
  auto taken = AddIntegration(*store_, "app", StaffRole::kAuthor, 1);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  EXPECT_NE(taken.error().message.find("app"), std::string::npos);
  auto admin = ParseIntegrationRole("admin");
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().field, "role");
  EXPECT_FALSE(AddIntegration(*store_, "other", StaffRole::kAdmin, 1).ok());
  EXPECT_EQ(*ParseIntegrationRole("contributor"), StaffRole::kContributor);
}

}  // namespace
}  // namespace cinepress
