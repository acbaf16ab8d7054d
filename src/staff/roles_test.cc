#include "staff/roles.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(StaffRoles, NamesGoBothWaysAndNothingElseIsARole) {
  for (StaffRole r : AllStaffRoles()) EXPECT_EQ(ParseStaffRole(StaffRoleName(r)), r);
  EXPECT_FALSE(ParseStaffRole("owner"));
  EXPECT_FALSE(ParseStaffRole("Admin"));
  EXPECT_FALSE(ParseStaffRole(""));
}

TEST(StaffRoles, ThePermissionTableAsTheIssueStatesIt) {
  using P = Permission;
  // A contributor writes and submits, and publishes nothing.
  EXPECT_TRUE(Allows(StaffRole::kContributor, P::kUseNewsroom));
  EXPECT_TRUE(Allows(StaffRole::kContributor, P::kWriteOwnDrafts));
  EXPECT_FALSE(Allows(StaffRole::kContributor, P::kPublishOwn));
  EXPECT_FALSE(Allows(StaffRole::kContributor, P::kEditAllContent));
  // An author publishes their own.
  EXPECT_TRUE(Allows(StaffRole::kAuthor, P::kPublishOwn));
  EXPECT_FALSE(Allows(StaffRole::kAuthor, P::kEditAllContent));
  EXPECT_FALSE(Allows(StaffRole::kAuthor, P::kManageMembers));
  // The inbox (what strangers send) and the newsletters are the editors'.
  EXPECT_FALSE(Allows(StaffRole::kAuthor, P::kReadInbox));
  EXPECT_FALSE(Allows(StaffRole::kAuthor, P::kManageNewsletters));
  // An editor: all content, comments, members, newsletters, the inbox; not staff or settings.
  for (P p : {P::kEditAllContent, P::kModerateComments, P::kManageMembers, P::kManageNewsletters,
              P::kReadInbox}) {
    EXPECT_TRUE(Allows(StaffRole::kEditor, p));
  }
  EXPECT_FALSE(Allows(StaffRole::kEditor, P::kManageStaff));
  EXPECT_FALSE(Allows(StaffRole::kEditor, P::kManageSettings));
  // An admin: everything.
  for (P p : {P::kUseNewsroom, P::kPublishOwn, P::kManageStaff, P::kManageSettings}) {
    EXPECT_TRUE(Allows(StaffRole::kAdmin, p));
  }
}

TEST(StaffRoles, OnlyAdminsMustUseASecondFactor) {
  EXPECT_TRUE(RequiresTwoFactor(StaffRole::kAdmin));
  EXPECT_FALSE(RequiresTwoFactor(StaffRole::kEditor));
  EXPECT_FALSE(RequiresTwoFactor(StaffRole::kContributor));
}

}  // namespace
}  // namespace cinepress
