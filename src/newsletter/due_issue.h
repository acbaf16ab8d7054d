// The issue a newsletter would send now, composed from the site as it is served or built: the
// one composer that `cinepress newsletter send/preview`, the scheduler of `serve` and the
// newsroom's newsletter pages share (the newsroom's preview is what the send will compose).
//
//   candidates  every published article of the site as the composer sees it (absolute URLs,
//               section titles, writers' names, festival editions)
//   due issue   the articles of the newsletter's rule since the previous issue's window, in
//               the theme's email templates; not stored (CreateIssue stores it)
//
// Contract: pure functions over the data given, except that ComposeDueIssue reads the
// newsletter's latest issue from the store; candidates point into the Site's articles, so the
// Site must outlive them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "content/newsletter_store.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/message.h"
#include "newsletter/compose.h"
#include "site/site.h"

namespace cinepress {

// The newsletter with this slug in cinepress.toml; kNotFound naming the ones there are.
Result<const NewsletterConfig*> FindNewsletter(const SiteConfig& config, const std::string& slug);

// The site's published articles as issue candidates (writers' names and sections' titles from
// the content store).
Result<std::vector<IssueCandidate>> IssueCandidates(const Site& site, ContentStore& content);

struct DueIssue {
  NewsletterIssue issue;  // id 0: not stored
  size_t articles = 0;    // how many articles it holds
};

// The issue that would go out at `now`: its window starts where the previous issue's ended.
// A theme without the email templates is an error saying which files it needs.
Result<DueIssue> ComposeDueIssue(const Site& site, const std::vector<IssueCandidate>& candidates,
                                 NewsletterStore& store, const NewsletterConfig& nl, int64_t now);

// A test of the issue for one address: "[Test] " before the subject, a Message-ID of its own,
// nothing stored. The address must be plausible (an invalid-input error naming `field`).
Result<MailMessage> TestIssueMessage(const DueIssue& due, const NewsletterConfig& nl,
                                     const SiteConfig& site, std::string_view link_key,
                                     const std::string& to, int64_t now, const std::string& field);

}  // namespace cinepress
