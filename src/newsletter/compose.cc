#include "newsletter/compose.h"

#include <algorithm>

#include "core/text.h"
#include "newsletter/links.h"

namespace cinepress {
namespace {

// Replaces every `marker` in `text` by `value`.
std::string ReplaceAll(std::string_view text, std::string_view marker, std::string_view value) {
  std::string out;
  out.reserve(text.size() + 256);
  size_t i = 0;
  for (;;) {
    size_t at = text.find(marker, i);
    if (at == std::string_view::npos) break;
    out.append(text, i, at - i);
    out += value;
    i = at + marker.size();
  }
  out.append(text, i, std::string_view::npos);
  return out;
}

}  // namespace

std::vector<const IssueCandidate*> SelectArticles(const NewsletterContentRule& rule,
                                                  const std::vector<IssueCandidate>& candidates,
                                                  int64_t since, int64_t until) {
  std::vector<const IssueCandidate*> out;
  const std::string tag = AsciiLower(rule.tag);
  for (const IssueCandidate& c : candidates) {
    const Article& a = *c.article;
    if (a.draft || a.kind != ArticleKind::kArticle || a.date <= since || a.date > until) continue;
    if (!rule.section.empty() && a.section != rule.section) continue;
    if (!rule.edition.empty() &&
        std::find(c.editions.begin(), c.editions.end(), rule.edition) == c.editions.end()) {
      continue;
    }
    if (!tag.empty() && std::none_of(a.tags.begin(), a.tags.end(),
                                     [&](const std::string& t) { return AsciiLower(t) == tag; })) {
      continue;
    }
    out.push_back(&c);
  }
  std::stable_sort(out.begin(), out.end(), [](const IssueCandidate* x, const IssueCandidate* y) {
    return x->article->date > y->article->date;
  });
  if (out.size() > static_cast<size_t>(rule.max_articles)) out.resize(rule.max_articles);
  return out;
}

int64_t IssueWindowStart(const NewsletterConfig& nl, const NewsletterIssue* previous,
                         int64_t until) {
  if (previous) return previous->until;
  return until - int64_t{nl.content.first_days} * 86400;
}

Result<ComposedIssue> ComposeIssue(ThemeRenderer& theme, const SiteConfig& site, const TimeZone& tz,
                                   const NewsletterConfig& nl,
                                   const std::vector<const IssueCandidate*>& articles,
                                   int64_t date) {
  using kainjow::mustache::data;
  ComposedIssue out;
  std::string when = tz.Display(date);
  out.subject = nl.name + ", " + when;
  if (!articles.empty()) out.subject += ": " + articles.front()->article->title;

  data site_data;
  site_data.set("title", site.title);
  site_data.set("url", site.base_url + "/");
  site_data.set("host", DomainOf(site.base_url));
  site_data.set("language", site.language);
  data nl_data;
  nl_data.set("name", nl.name);
  nl_data.set("description", nl.description);
  nl_data.set("url", site.base_url + "/newsletters/" + nl.slug + "/");
  data issue_data;
  issue_data.set("subject", out.subject);
  issue_data.set("date", when);
  std::vector<std::string> titles;
  data list{data::type::list};
  for (const IssueCandidate* c : articles) {
    const Article& a = *c->article;
    titles.push_back(a.title);
    data item;
    item.set("title", a.title);
    item.set("dek", a.dek);
    item.set("url", c->url);
    item.set("section", c->section_title);
    item.set("authors", Join(c->authors));
    item.set("date", tz.Display(a.date));
    if (!c->image_url.empty() && a.image) {
      data image;
      image.set("src", c->image_url);
      image.set("alt", a.image->alt);
      item.set("image", image);
    }
    list.push_back(item);
  }
  issue_data.set("preheader", Join(titles, " · "));
  data page;
  page.set("site", site_data);
  page.set("newsletter", nl_data);
  page.set("issue", issue_data);
  page.set("articles", list);
  page.set("unsubscribe_url", kUnsubscribeMarker);
  page.set("preferences_url", kPreferencesMarker);
  data base{data::type::object};
  auto html = theme.Render("email", base, page);
  if (!html) return html.error();
  auto text = theme.Render("email-text", base, page);
  if (!text) return text.error();
  out.html = std::move(*html);
  out.text = std::move(*text);
  return out;
}

std::string MessageIdFor(int64_t issue_id, int64_t subscriber_id, const std::string& domain) {
  return "cinepress." + std::to_string(issue_id) + "." + std::to_string(subscriber_id) + "@" +
         domain;
}

MailMessage PersonalizeIssue(const NewsletterIssue& issue, const NewsletterConfig& nl,
                             const SiteConfig& site, std::string_view key, const Delivery& r) {
  MailMessage m;
  m.from = {nl.from_name, nl.from_email};
  m.to = {r.name, r.email};
  if (!nl.reply_to.empty()) {
    std::string addr = nl.reply_to;
    if (size_t lt = addr.rfind('<'); lt != std::string::npos) {
      addr = addr.substr(lt + 1, addr.find('>', lt) - lt - 1);
    }
    m.reply_to = {"", addr};
  }
  m.subject = issue.subject;
  m.date = issue.created;
  const std::string domain = DomainOf(site.base_url);
  m.message_id = MessageIdFor(issue.id, r.subscriber_id, domain);
  std::string unsubscribe = UnsubscribeUrl(
      site.base_url, nl.slug, SignLink(key, LinkPurpose::kUnsubscribe, r.subscriber_id, nl.slug));
  std::string preferences =
      PreferencesUrl(site.base_url, SignLink(key, LinkPurpose::kPreferences, r.subscriber_id, ""));
  m.headers = {{"List-Id", EncodeHeaderText(nl.name) + " <" + nl.slug + "." + domain + ">"},
               {"List-Unsubscribe", "<" + unsubscribe + ">"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  m.html = ReplaceAll(ReplaceAll(issue.html, kUnsubscribeMarker, unsubscribe), kPreferencesMarker,
                      preferences);
  m.text = ReplaceAll(ReplaceAll(issue.text, kUnsubscribeMarker, unsubscribe), kPreferencesMarker,
                      preferences);
  return m;
}

}  // namespace cinepress
