#include "newsletter/due_issue.h"

#include <unordered_map>

#include "core/text.h"

namespace cinepress {
namespace {

std::string Absolute(const SiteConfig& c, const std::string& url) {
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return url;
  return c.base_url + (url.empty() || url[0] != '/' ? "/" : "") + url;
}

}  // namespace

Result<const NewsletterConfig*> FindNewsletter(const SiteConfig& config, const std::string& slug) {
  for (const NewsletterConfig& nl : config.newsletters) {
    if (nl.slug == slug) return &nl;
  }
  std::vector<std::string> known;
  for (const NewsletterConfig& nl : config.newsletters) known.push_back(nl.slug);
  return Error{ErrorCode::kNotFound,
               "no newsletter \"" + slug + "\" in cinepress.toml" +
                   (known.empty() ? std::string(" (it has no [[newsletters]])")
                                  : " (there are: " + Join(known) + ")"),
               {},
               0,
               "newsletters.slug"};
}

Result<std::vector<IssueCandidate>> IssueCandidates(const Site& site, ContentStore& content) {
  const SiteConfig& c = site.config();
  auto authors = content.LoadAuthors();
  if (!authors) return authors.error();
  auto sections = content.LoadSections();
  if (!sections) return sections.error();
  std::unordered_map<std::string, std::string> author_names, section_titles;
  for (const Author& a : *authors) author_names[a.id] = a.name;
  for (const Section& s : *sections) section_titles[s.key] = s.title;
  const auto& articles = site.articles();
  std::vector<IssueCandidate> out;
  out.reserve(articles.size());
  for (const Article& a : articles) {
    IssueCandidate cand;
    cand.article = &a;
    cand.url = Absolute(c, site.ArticleUrl(a));
    auto st = section_titles.find(a.section);
    cand.section_title = st != section_titles.end() ? st->second : a.section;
    for (const std::string& id : a.author_ids) {
      auto it = author_names.find(id);
      cand.authors.push_back(it != author_names.end() ? it->second : id);
    }
    if (a.image) cand.image_url = Absolute(c, a.image->src);
    out.push_back(std::move(cand));
  }
  for (const SiteEdition& e : site.editions()) {
    std::string key = site.festivals()[e.festival].slug + "/" + std::to_string(e.year);
    for (uint32_t i : e.articles) {
      if (i < out.size()) out[i].editions.push_back(key);
    }
  }
  return out;
}

Result<DueIssue> ComposeDueIssue(const Site& site, const std::vector<IssueCandidate>& candidates,
                                 NewsletterStore& store, const NewsletterConfig& nl, int64_t now) {
  auto previous = store.LatestIssue(nl.slug);
  if (!previous) return previous.error();
  DueIssue due;
  due.issue.newsletter = nl.slug;
  due.issue.created = now;
  due.issue.until = now;
  due.issue.since = IssueWindowStart(nl, previous->has_value() ? &**previous : nullptr, now);
  auto chosen = SelectArticles(nl.content, candidates, due.issue.since, due.issue.until);
  due.articles = chosen.size();
  ThemeRenderer renderer(site.shared_theme());
  auto composed = ComposeIssue(renderer, site.config(), site.tz(), nl, chosen, now);
  if (!composed) {
    Error e = composed.error();
    if (e.message.find("no template") != std::string::npos) {
      e.file = "themes/" + site.config().theme + "/templates/";
      e.message +=
          " (newsletters need templates/email.mustache and email-text.mustache: copy "
          "them from a new `cinepress init`)";
    }
    return e;
  }
  due.issue.subject = std::move(composed->subject);
  due.issue.html = std::move(composed->html);
  due.issue.text = std::move(composed->text);
  return due;
}

Result<MailMessage> TestIssueMessage(const DueIssue& due, const NewsletterConfig& nl,
                                     const SiteConfig& site, std::string_view link_key,
                                     const std::string& to, int64_t now, const std::string& field) {
  if (!IsPlausibleEmail(to)) {
    return Error{ErrorCode::kInvalidInput, "not an email address: " + to, {}, 0, field};
  }
  NewsletterIssue issue = due.issue;
  issue.subject = "[Test] " + issue.subject;
  MailMessage m = PersonalizeIssue(issue, nl, site, link_key, Delivery{0, to, "", 0});
  m.message_id = "cinepress.test." + std::to_string(now) + "@" + DomainOf(site.base_url);
  return m;
}

}  // namespace cinepress
