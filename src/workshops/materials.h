// A workshop's materials for its registrants only (issue #20), as plain functions over the
// WorkshopStore role:
//
//   link      "/workshops/materials/TOKEN/SLUG/NAME": TOKEN names the registration and an expiry
//             and is signed (core/signed_link.h, the key kMaterialSecretName of the site's
//             secrets) together with SLUG/NAME, so it opens that one file of that one workshop
//             for that one registrant, until it expires
//   access    a link opens its file while the registration holds (paid or free: not pending,
//             expired, cancelled or refunded) and the workshop still names the material;
//             a link that is not ours (tampered, made for another file) is refused, one that has
//             expired or whose registration no longer holds is gone
//   account   My Account's "Your workshops": the reader's registrations with the sessions, the
//             joining link while registered, and the materials at links signed anew, valid
//             kMaterialLinkSeconds from the page's view
//
// Contract: plain functions (one thread at a time over the store given); the files themselves
// are private media of the store (MaterialMediaPath), streamed by the caller.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content/workshop_store.h"
#include "core/dates.h"
#include "core/result.h"

namespace cinepress {

inline constexpr int64_t kMaterialLinkSeconds = 24 * 3600;  // from the view of My Account
inline constexpr const char* kMaterialSecretName = "workshop-materials";
inline constexpr size_t kMaterialSecretBytes = 32;
inline constexpr const char* kMaterialsPrefix = "/workshops/materials/";

// A registration that opens the workshop's joining link and materials: paid or free.
bool RegistrationHolds(const Registration& registration);

// The site-relative link to one material of the registration's workshop, valid until `expires`.
std::string MaterialLink(std::string_view key, const Registration& registration,
                         std::string_view name, int64_t expires);

enum class MaterialVerdict {
  kOpen,
  kRefused,  // not a link of ours: tampered, or made for another file or registration
  kGone,     // it has expired, or its registration no longer holds
};

struct MaterialAccess {
  MaterialVerdict verdict = MaterialVerdict::kRefused;
  std::string message;  // why not, for the reader
  std::string slug;     // open: the workshop's …
  std::string name;     // … material, at MaterialMediaPath(slug, name)
};

// What a link opens: `rest` is what follows kMaterialsPrefix in its (decoded) path. An error
// only when the store cannot say.
Result<MaterialAccess> OpenMaterial(WorkshopStore& store, std::string_view key,
                                    std::string_view rest, int64_t now);

struct AccountWorkshop {
  std::string slug, title;
  bool holds = false;                 // registered (else cancelled or refunded: `status` says)
  std::string status;                 // the registration's
  std::vector<std::string> sessions;  // SessionLine, in the site's time zone
  bool self_paced = false;
  std::string joining_link;  // online and registered
  std::string address;
  std::vector<std::pair<std::string, std::string>> materials;  // name, link (registered)
};

// A reader's registrations (WorkshopStore::RegistrationsBy: made signed in as `member_id`,
// whatever its address was then, or under `email` by no member) that went through (paid, free,
// cancelled, refunded; not a checkout left pending or expired), newest first.
Result<std::vector<AccountWorkshop>> AccountWorkshops(WorkshopStore& store, std::string_view key,
                                                      int64_t member_id, const std::string& email,
                                                      const TimeZone& zone, int64_t now);

}  // namespace cinepress
