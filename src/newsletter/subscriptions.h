// What readers do with newsletters, as plain functions over the NewsletterStore: sign up
// (double opt-in), confirm, unsubscribe (one newsletter or all), choose their lists; and the
// confirmation message. The web pages are thin handlers over these (src/web).
// Contract: functions use the store given (one thread at a time); messages are plain data.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "content/newsletter_store.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/message.h"

namespace cinepress {

struct SignUpOutcome {
  int64_t subscriber_id = 0;
  // A confirmation went to this address less than `confirmation_window` ago: nothing was
  // recorded or sent this time (the page says the same as ever).
  bool throttled = false;
  // The newsletters the reader must confirm (already confirmed ones are left alone and not
  // mentioned, so that the page says the same whatever the address's history).
  std::vector<std::string> to_confirm;
  bool suppressed = false;  // nothing is sent to a suppressed address
};

// Records the sign-up (pending, with its consent) for each newsletter in `slugs` that the reader
// has not confirmed yet. `email` must be plausible and `slugs` known (the caller checks).
// `before_commit` runs inside the sign-up's transaction (the confirmation message is queued
// there); its failure undoes the sign-up. At most one confirmation per address per
// `confirmation_window` seconds, whoever asks from wherever (0: no such limit): a page that makes
// its visitors' browsers sign an address up cannot fill that address's inbox.
Result<SignUpOutcome> SignUp(NewsletterStore& store, const std::string& email,
                             const std::string& name, const std::vector<std::string>& slugs,
                             const Consent& consent, int64_t now,
                             const std::function<Status(const SignUpOutcome&)>& before_commit = {},
                             int64_t confirmation_window = 0);

Status Confirm(NewsletterStore& store, int64_t subscriber_id, const std::string& slug, int64_t now);
Status Unsubscribe(NewsletterStore& store, int64_t subscriber_id, const std::string& slug,
                   int64_t now);
// Sets the reader's confirmed lists to exactly `wanted` (of `known`): the others become
// unsubscribed. Lists newly chosen here are confirmed at once (the link proved the address).
Status ChooseLists(NewsletterStore& store, int64_t subscriber_id,
                   const std::set<std::string>& wanted, const std::vector<std::string>& known,
                   const Consent& consent, int64_t now);

// The double opt-in message: a link per newsletter to confirm (a page with a button: mail
// scanners follow links, people press buttons).
MailMessage ConfirmationMessage(const SiteConfig& site, std::string_view link_key,
                                int64_t subscriber_id, const std::string& email,
                                const std::vector<std::string>& slugs, int64_t now);

}  // namespace cinepress
