// The newsroom's roles and what each may do: the one permission table that every admin page and
// API asks (`Allows`), so that a rule is written once.
//
//   contributor  writes and edits their own drafts and submits them for review
//   author       also publishes their own pieces
//   editor       all content, its records, comments, members and newsletters
//   admin        also the staff and the site's settings
//
// Contract: pure functions over constant tables; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace cinepress {

// In order of trust: each role may do all that the roles before it may.
enum class StaffRole { kContributor, kAuthor, kEditor, kAdmin };

enum class Permission {
  kUseNewsroom,        // the dashboard and the articles list
  kWriteOwnDrafts,     // create and edit one's own drafts, submit them for review
  kPublishOwn,         // publish, schedule, unpublish one's own pieces
  kEditAllContent,     // edit and publish anyone's pieces, records, collections
  kModerateComments,   // the comments queue
  kManageMembers,      // readers' accounts, tiers, institutions
  kManageNewsletters,  // compose, test, schedule and send issues
  kReadInbox,          // contact messages and pitches: read, reply, close, reopen
  kManageStaff,        // invite, remove, change roles
  kManageSettings,     // the site's settings
};

// "contributor", "author", "editor", "admin" (nothing else).
std::optional<StaffRole> ParseStaffRole(std::string_view name);
std::string_view StaffRoleName(StaffRole role);
// Every role, in order of trust (for forms and help).
const std::vector<StaffRole>& AllStaffRoles();

// Whether `role` may do `what`: the table in roles.cc.
bool Allows(StaffRole role, Permission what);

// A role that must give a second factor at every sign-in (enrol at the first).
bool RequiresTwoFactor(StaffRole role);

}  // namespace cinepress
