// Composing a newsletter issue: which articles it holds (the newsletter's content rule over a
// publication window) and the email made of them with the theme's email templates (HTML and
// plain text). Personalising an issue for one recipient fills in the signed links.
//
//   composed once   subject, HTML and text with %%unsubscribe_url%% and %%preferences_url%%
//   per recipient   the links, To, Message-ID (derived from issue and recipient: a resend
//                   after a crash is the same message)
//
// Contract: pure functions over the data given; ComposeIssue uses the caller's ThemeRenderer
// (one per thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/model.h"
#include "content/newsletter_store.h"
#include "core/config.h"
#include "core/dates.h"
#include "core/result.h"
#include "mail/message.h"
#include "render/theme.h"

namespace cinepress {

// An article as the newsletter sees it; the caller (who knows the site map) fills it in.
struct IssueCandidate {
  const Article* article = nullptr;  // not owned
  std::string url;                   // absolute
  std::string section_title;
  std::vector<std::string> authors;   // display names
  std::vector<std::string> editions;  // "tiff/2021"
  std::string image_url;              // absolute, "" when none
};

// The articles of `rule` published in (since, until], newest first, at most rule.max_articles.
std::vector<const IssueCandidate*> SelectArticles(const NewsletterContentRule& rule,
                                                  const std::vector<IssueCandidate>& candidates,
                                                  int64_t since, int64_t until);

// Where the next issue's window starts: the end of the previous issue's, or `first_days`
// before `until` for the first issue.
int64_t IssueWindowStart(const NewsletterConfig& nl, const NewsletterIssue* previous,
                         int64_t until);

inline constexpr const char* kUnsubscribeMarker = "%%unsubscribe_url%%";
inline constexpr const char* kPreferencesMarker = "%%preferences_url%%";

struct ComposedIssue {
  std::string subject, html, text;
};

// Renders templates/email and templates/email-text of the theme.
Result<ComposedIssue> ComposeIssue(ThemeRenderer& theme, const SiteConfig& site, const TimeZone& tz,
                                   const NewsletterConfig& nl,
                                   const std::vector<const IssueCandidate*>& articles,
                                   int64_t date);

// "<cinepress.7.42@changeover.example>" without the brackets: the same for the same issue and
// recipient, whenever it is made.
std::string MessageIdFor(int64_t issue_id, int64_t subscriber_id, const std::string& domain);

// The message of `issue` for one recipient, with links signed by `link_key`.
MailMessage PersonalizeIssue(const NewsletterIssue& issue, const NewsletterConfig& nl,
                             const SiteConfig& site, std::string_view link_key,
                             const Delivery& recipient);

}  // namespace cinepress
