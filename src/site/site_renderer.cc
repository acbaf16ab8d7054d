// SiteRenderer: turns one output of the site map into bytes — template contexts for pages
// (docs/THEMES.md is their contract), feeds, the sitemap, assets and media.
#include <algorithm>
#include <cctype>
#include <map>

#include "core/money.h"
#include "core/slug.h"
#include "core/text.h"
#include "podcast/feed.h"
#include "render/feeds.h"
#include "render/markdown.h"
#include "site/site.h"

namespace cinepress {
namespace {

constexpr size_t kFeedItems = 20;

TemplateData List() { return TemplateData{TemplateData::type::list}; }

// A menu item is `current` on its own page and `in_section` on the pages below it.
bool IsBelow(const std::string& item_url, const std::string& page_url) {
  return item_url.size() > 1 && item_url.back() == '/' && page_url.size() > item_url.size() &&
         page_url.rfind(item_url, 0) == 0;
}

}  // namespace

TemplateData PaginationData(int page_no, int total, const std::function<std::string(int)>& url) {
  TemplateData pg;
  pg.set("current", std::to_string(page_no));
  pg.set("total", std::to_string(total));
  pg.set("has_prev", page_no > 1);
  pg.set("has_next", page_no < total);
  if (page_no > 1) pg.set("prev_url", url(page_no - 1));
  if (page_no < total) pg.set("next_url", url(page_no + 1));
  TemplateData pages = List();
  for (int p = 1; p <= total; ++p) {
    // First, last and the two on each side of the current page.
    if (total > 9 && p != 1 && p != total && std::abs(p - page_no) > 2) continue;
    TemplateData x;
    x.set("number", std::to_string(p));
    x.set("url", url(p));
    x.set("current", p == page_no);
    pages.push_back(x);
  }
  pg["pages"] = std::move(pages);
  return pg;
}

SiteRenderer::SiteRenderer(std::shared_ptr<const Site> site, ContentStore* store)
    : site_(std::move(site)), store_(store), theme_(site_->theme_) {}

Result<std::string> SiteRenderer::BodySource(const Article& a) {
  if (!a.body_markdown.empty()) return a.body_markdown;
  return store_->LoadBody(a.id);
}

std::string SiteRenderer::SourceToHtml(const Article& a, std::string_view source) {
  // HTML bodies were sanitized by the importer (ingest/wp_content.h): shown as stored.
  if (a.body_format == BodyFormat::kHtml) return std::string(source);
  return RenderMarkdown(source, &site_->stills(), &figures_);
}

Result<std::string> SiteRenderer::BodyHtml(const Article& a) {
  auto source = BodySource(a);
  if (!source) return source.error();
  return SourceToHtml(a, *source);
}

Result<SiteRenderer::BodyParts> SiteRenderer::RestrictedBody(const Article& a, bool full) {
  auto source = BodySource(a);
  if (!source) return source.error();
  PaywallCut cut = CutForPaywall(*source, a.body_format == BodyFormat::kHtml,
                                 site_->config_.members.free_paragraphs);
  BodyParts parts;
  parts.free_html = SourceToHtml(a, cut.free);
  parts.has_locked = !cut.locked.empty();
  // The locked part is made into HTML only for a reader who may read it: what is never
  // rendered can never leak.
  if (full && parts.has_locked) parts.locked_html = SourceToHtml(a, cut.locked);
  return parts;
}

Result<std::string> SiteRenderer::RenderMembership() {
  const SiteConfig& config = site_->config_;
  TemplateData view;
  view.set("heading", "Membership");
  TemplateData tiers{TemplateData::type::list};
  if (config.members.signup != "closed") {
    TemplateData free;
    free.set("slug", std::string(kFreeTier));
    free.set("name", "Free membership");
    free.set("price", "Free");
    free.set("description", "An account, the free newsletters, and the articles for members.");
    free.set("free", true);
    free.set("checkout", false);
    tiers.push_back(free);
  }
  for (const TierConfig& t : config.tiers) {
    // Tiers without a price are granted, not chosen (comps, institutions): not offered here.
    if (t.slug == kFreeTier || !t.paid()) continue;
    TemplateData x;
    x.set("slug", t.slug);
    x.set("name", t.name);
    SetIf(x, "description", t.description);
    std::string price;
    if (t.monthly_price > 0) {
      price = FormatMoney(t.monthly_price, t.currency, config.language) + " a month";
    }
    if (t.yearly_price > 0) {
      price += (price.empty() ? "" : " or ") +
               FormatMoney(t.yearly_price, t.currency, config.language) + " a year";
    }
    x.set("price", price);
    // With [payments], the tier's buttons start a checkout (served by `cinepress serve`).
    x.set("checkout", config.payments.enabled());
    if (t.monthly_price > 0)
      x.set("monthly", FormatMoney(t.monthly_price, t.currency, config.language));
    if (t.yearly_price > 0)
      x.set("yearly", FormatMoney(t.yearly_price, t.currency, config.language));
    TemplateData benefits{TemplateData::type::list};
    for (const std::string& b : t.benefits) benefits.push_back(TemplateData(b));
    x.set("has_benefits", !t.benefits.empty());
    x.set("benefits", benefits);
    x.set("free", false);
    tiers.push_back(x);
  }
  view.set("tiers", tiers);
  view.set("checkout", config.payments.enabled());
  return RenderPage("membership", "/membership/", "Membership", "membership", view);
}

// The donation page: the preset amounts (the first chosen), a box for another amount, once or
// monthly; its form goes to `serve` (/donate/checkout/), which starts Stripe's checkout.
Result<std::string> SiteRenderer::RenderDonate() {
  const SiteConfig& config = site_->config_;
  const PaymentsConfig& p = config.payments;
  TemplateData view;
  view.set("heading", "Donate");
  TemplateData amounts{TemplateData::type::list};
  for (size_t i = 0; i < p.donation_amounts.size(); ++i) {
    TemplateData a;
    a.set("value", std::to_string(p.donation_amounts[i]));
    a.set("label", FormatMoney(p.donation_amounts[i], p.donation_currency, config.language));
    a.set("id", "donate-amount-" + std::to_string(i));
    a.set("checked", i == 0);
    amounts.push_back(a);
  }
  view.set("amounts", amounts);
  std::string currency = p.donation_currency;
  for (char& ch : currency) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  view.set("currency", currency);
  view.set("minimum", FormatMoney(p.donation_minimum, p.donation_currency, config.language));
  view.set("monthly", p.donation_monthly);
  return RenderPage("donate", "/donate/", "Donate", "donate", view);
}

TemplateData SiteRenderer::PaywallData(const AccessRule& rule) const {
  const SiteConfig& c = site_->config_;
  TemplateData box;
  const char* who = "members";
  if (rule.level == AccessRule::Level::kPaid) who = "paying members";
  if (rule.level == AccessRule::Level::kTiers) who = "members of the tiers below";
  box.set("audience", std::string(who));
  TemplateData tiers = List();
  for (const TierConfig& t : c.tiers) {
    if (!t.paid()) continue;  // granted only (comps, institutions): not offered
    ReaderRights holder;
    holder.Grant(std::string(kFreeTier));
    holder.Grant(t.slug);
    if (!holder.Allows(rule)) continue;
    TemplateData x;
    x.set("slug", t.slug);
    x.set("name", t.name);
    SetIf(x, "description", t.description);
    if (t.monthly_price > 0) x.set("monthly", FormatMoney(t.monthly_price, t.currency));
    if (t.yearly_price > 0) x.set("yearly", FormatMoney(t.yearly_price, t.currency));
    tiers.push_back(x);
  }
  if (!tiers.is_empty_list()) {
    box["tiers"] = std::move(tiers);
    box.set("has_tiers", true);
  }
  box.set("free_signup", rule.level == AccessRule::Level::kMembers && c.members.signup == "open");
  box.set("membership_url", "/membership/");
  box.set("sign_in_url", "/account/sign-in/");
  return box;
}

// Readers' comments as a page shows them: approved ones of type comment (not pingbacks), each
// thread in order under its first comment, with its depth (the theme indents by it; recursion is
// not something Mustache partials can do); with `open`, each with its Reply link.
Result<TemplateData> SiteRenderer::CommentsData(const Article& a, bool open) {
  TemplateData out = List();
  auto all = store_->LoadCommentsOf(a.id);
  if (!all) return all.error();
  std::vector<const Comment*> shown;
  for (const Comment& c : *all) {
    if (c.status == "approved" && c.type == "comment") shown.push_back(&c);
  }
  std::map<std::string, std::vector<const Comment*>> replies;
  std::vector<const Comment*> roots;
  std::map<std::string, bool> present;
  for (const Comment* c : shown) present[c->source_id] = true;
  for (const Comment* c : shown) {
    if (c->parent_source_id.empty() || !present.count(c->parent_source_id)) {
      roots.push_back(c);
    } else {
      replies[c->parent_source_id].push_back(c);
    }
  }
  std::vector<std::pair<const Comment*, int>> order;
  std::vector<std::pair<const Comment*, int>> stack;
  for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.emplace_back(*it, 0);
  while (!stack.empty() && order.size() < shown.size()) {
    auto [c, depth] = stack.back();
    stack.pop_back();
    order.emplace_back(c, depth);
    auto r = replies.find(c->source_id);
    if (r == replies.end()) continue;
    for (auto it = r->second.rbegin(); it != r->second.rend(); ++it)
      stack.emplace_back(*it, depth + 1);
  }
  for (const auto& [c, depth] : order) {
    TemplateData x;
    x.set("id", CommentAnchor(c->source_id));
    x.set("author", c->author.empty() ? std::string("Anonymous") : c->author);
    const std::string& url = c->author_url;
    if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) x.set("author_url", url);
    x.set("date_iso", site_->tz_.Iso(c->date));
    x.set("date_display", site_->tz_.Display(c->date));
    x.set("depth", std::to_string(std::min(depth, 4)));
    x.set("is_reply", depth > 0);
    x.set("body", c->body);  // sanitized when it was imported, escaped when it was posted
    if (open) {
      x.set("reply_url", "/comments/write/?article=" + std::to_string(a.id) +
                             "&reply=" + PercentEncode(c->source_id));
    }
    out.push_back(x);
  }
  return out;
}

// page.* and the per-page part of site.* (the menu, which marks the current item).
TemplateData SiteRenderer::PageData(const std::string& url, const std::string& heading,
                                    const std::string& description,
                                    const std::string& kind_flag) const {
  const Site& s = *site_;
  TemplateData page;
  page.set("title",
           heading.empty() || url == "/" ? s.config_.title : heading + " — " + s.config_.title);
  SetIf(page, "heading", heading);
  SetIf(page, "description", description.empty() ? s.config_.description : description);
  page.set("url", url);
  page.set("canonical", s.Absolute(url));
  page.set("og_type", kind_flag == "is_article" ? "article" : "website");
  page.set(kind_flag, true);
  TemplateData feeds = List();
  TemplateData rss, atom;
  rss.set("type", "application/rss+xml");
  rss.set("title", s.config_.title + " (RSS)");
  rss.set("url", "/feed.xml");
  atom.set("type", "application/atom+xml");
  atom.set("title", s.config_.title + " (Atom)");
  atom.set("url", "/atom.xml");
  feeds.push_back(rss);
  feeds.push_back(atom);
  page["feeds"] = std::move(feeds);

  TemplateData menu = List();
  for (const MenuItem& m : s.config_.menu_main) {
    TemplateData item;
    item.set("name", m.name);
    item.set("url", m.url);
    bool in_section = IsBelow(m.url, url);
    TemplateData children = List();
    for (const MenuItem& c : m.children) {
      TemplateData child;
      child.set("name", c.name);
      child.set("url", c.url);
      child.set("current", c.url == url);
      child.set("in_section", IsBelow(c.url, url));
      in_section = in_section || c.url == url || IsBelow(c.url, url);
      children.push_back(child);
    }
    item.set("current", m.url == url);
    item.set("in_section", in_section && m.url != url);
    item.set("has_children", !m.children.empty());
    if (!m.children.empty()) item["children"] = std::move(children);
    menu.push_back(item);
  }
  TemplateData site;
  site["menu_main"] = std::move(menu);
  TemplateData out;
  out["page"] = std::move(page);
  out["site"] = std::move(site);
  return out;
}

Result<std::string> SiteRenderer::RenderPage(const std::string& name, const std::string& url,
                                             const std::string& heading, const std::string& kind,
                                             const TemplateData& view,
                                             const std::string& description) {
  TemplateData d = PageData(url, heading, description, "is_" + kind);
  d.set("view", view);
  // The membership and account pages say what they are, as every page of the site does.
  if (url == "/membership/") SetJsonLd(d, OutputKind::kMembership, 0);
  if (url == "/donate/") SetJsonLd(d, OutputKind::kDonate, 0);
  for (uint32_t ref = 0; ref < std::size(kAccountPages); ++ref) {
    if (url == kAccountPages[ref].url) SetJsonLd(d, OutputKind::kAccount, ref);
  }
  return theme_.Render(name, site_->base_, d);
}

Result<std::string> SiteRenderer::Render(const Output& o, const PageAccess& access) {
  const Site& s = *site_;
  figures_.clear();
  switch (o.kind) {
    case OutputKind::kHome:
      return RenderHome();
    case OutputKind::kArticle:
      return RenderArticle(o.ref, false, access);
    case OutputKind::kPage:
      return RenderArticle(o.ref, true, access);
    case OutputKind::kList:
      return RenderList(o.ref, o.page, false);
    case OutputKind::kArchive:
      return RenderList(o.ref, o.page, true);
    case OutputKind::kNotFound:
      return RenderNotFound();
    case OutputKind::kRss:
      return RenderFeed(o.ref, false, access.rights);
    case OutputKind::kAtom:
      return RenderFeed(o.ref, true, access.rights);
    case OutputKind::kSitemap:
      return RenderSitemapXml(o.ref);
    case OutputKind::kRobots:
      return "User-agent: *\nAllow: /\n\nSitemap: " + s.Absolute("/sitemap.xml") + "\n";
    case OutputKind::kHeaders: {
      std::string out = "/*\n";
      for (const auto& [name, value] : SecurityHeaders(s.config())) {
        out += "  " + name + ": " + value + "\n";
      }
      return out;
    }
    case OutputKind::kAsset:
      return s.theme_->assets()[o.ref].data;
    case OutputKind::kMedia:
      return store_->LoadMediaData(s.media_[o.ref].path);
    case OutputKind::kFilm:
      return RenderFilm(o.ref);
    case OutputKind::kPerson:
      return RenderPerson(o.ref);
    case OutputKind::kFestival:
      return RenderFestival(o.ref);
    case OutputKind::kEdition:
      return RenderEdition(o.ref);
    case OutputKind::kReviewIndex:
      return RenderReviewIndex(o.ref);
    case OutputKind::kInterviewIndex:
      return RenderInterviewIndex(o.ref == 1);
    case OutputKind::kCollection:
      return RenderCollection(o.ref);
    case OutputKind::kRedirects: {
      // "/old/ /new/ 301"; an old address with a query is "/ p=12 /new/ 301" (query matching).
      std::vector<std::pair<std::string, std::string>> all(s.redirects_.begin(),
                                                           s.redirects_.end());
      std::sort(all.begin(), all.end());
      std::string out;
      for (const auto& [from, to] : all) {
        if (from.find_first_of(" \t\n") != std::string::npos) continue;
        size_t q = from.find('?');
        out += q == std::string::npos ? from : from.substr(0, q) + " " + from.substr(q + 1);
        out += " " + to + " 301\n";
      }
      // WordPress's search address (/?s=…), in old links: this site's search.
      if (s.has_search()) out += "/ s=:s /search/?q=:s 301\n";
      return out + s.FormerFeedRules();
    }
    case OutputKind::kPodcasts:
      return RenderPodcasts();
    case OutputKind::kShop:
      return RenderShop();
    case OutputKind::kProduct:
      return RenderProduct(o.ref);
    case OutputKind::kWorkshops:
      return RenderWorkshops();
    case OutputKind::kWorkshop:
      return RenderWorkshop(o.ref);
    case OutputKind::kWorkshopIcs:
      return RenderWorkshopIcs(o.ref);
    case OutputKind::kShow:
      return RenderShow(o.ref);
    case OutputKind::kEpisode:
      return RenderEpisode(o.ref, access);
    case OutputKind::kPodcastFeed:
      return RenderShowFeed(o.ref, nullptr);
    case OutputKind::kChapters:
      return RenderChaptersJson(s.episodes_[o.ref].chapters);
    case OutputKind::kSearch:
      return RenderSearch(SearchRequest{}, nullptr);
    case OutputKind::kSearchIndex:
      return RenderSearchIndex(o.ref);
    case OutputKind::kSearchDoc:
      return RenderSearchDoc(o.ref);
    case OutputKind::kMembership:
      return RenderMembership();
    case OutputKind::kDonate:
      return RenderDonate();
    case OutputKind::kAccount: {
      // Only a static build writes these: `serve` answers /account/ and /comments/ itself.
      const AccountPage& p = kAccountPages[o.ref];
      TemplateData view;
      view.set("heading", p.name);
      view.set("static_site", true);
      return RenderPage(p.template_name, p.url, p.name, "account", view);
    }
  }
  return Error{ErrorCode::kInternal, "unknown output kind", o.path, 0, {}};
}

Result<std::string> SiteRenderer::RenderArticle(size_t i, bool is_page, const PageAccess& access) {
  const Site& s = *site_;
  const Article& a = is_page ? s.pages_[i] : s.articles_[i];
  const AccessRule& rule = is_page ? s.page_access_[i] : s.access_[i];
  std::string url = is_page ? s.ArticleUrl(a) : s.article_urls_[i];
  std::string body_html;
  TemplateData locked;
  if (rule.restricted()) {
    auto parts = RestrictedBody(a, access.full);
    if (!parts) return parts.error();
    body_html = std::move(parts->free_html);
    if (access.full) {
      if (parts->has_locked) locked.set("html", parts->locked_html);
      SetIf(locked, "institution", access.institution);
    } else if (parts->has_locked) {
      locked["paywall"] = PaywallData(rule);
    }
  } else {
    auto body = BodyHtml(a);
    if (!body) return body.error();
    body_html = std::move(*body);
  }

  const std::string dek_text = is_page ? MarkdownToText(a.dek) : s.DekText(i);
  TemplateData d = PageData(url, a.title, dek_text, is_page ? "is_page" : "is_article");
  TemplateData art;
  art.set("title", a.title);
  if (!a.dek.empty()) {
    art.set("dek", dek_text);
    art.set("dek_html", is_page ? RenderInlineMarkdown(a.dek) : s.DekHtml(i));
  }
  art.set("url", url);
  art.set("body", body_html);
  if (rule.restricted()) {
    art.set("restricted", true);
    art["locked"] = std::move(locked);
  }
  art.set("date_iso", s.tz_.Iso(a.date));
  art.set("date_display", s.tz_.Display(a.date));
  if (a.updated > a.date) {
    art.set("updated_iso", s.tz_.Iso(a.updated));
    art.set("updated_display", s.tz_.Display(a.updated));
  }
  const CommentsConfig& comments_config = site_->config_.comments;
  const bool comments_open = comments_config.enabled && !is_page;  // on articles, not pages
  if (auto comments = CommentsData(a, comments_open); !comments) {
    return comments.error();
  } else if (!comments->is_empty_list()) {
    art.set("comments_count", std::to_string(comments->list_value().size()));
    art.set("has_comments", true);
    art.set("show_comments", true);
    art["comments"] = std::move(*comments);
  }
  if (comments_open) {  // the form: /comments/write/ (web/comments_web.h)
    art.set("show_comments", true);
    art.set("comments_open", true);
    art.set("comment_article", std::to_string(a.id));
    art.set("comment_max_length", std::to_string(comments_config.max_length));
  }
  TemplateData& page = d["page"];
  if (!is_page) {
    const Section& sec = s.sections_.at(a.section);
    art.set("kind", a.section);
    art.set("section_title", sec.title);
    art.set("section_url", ExpandPermalink(s.config_.permalinks.section, {{"section", a.section}}));
    art.set("reading_minutes", std::to_string(std::max<size_t>(1, (a.word_count + 229) / 230)));
    TemplateData authors = List();
    std::vector<std::string> names;
    for (const std::string& id : a.author_ids) {
      auto it = s.authors_.find(id);
      if (it == s.authors_.end()) continue;
      const Author& au = it->second;
      TemplateData x;
      x.set("name", au.name);
      x.set("url", ExpandPermalink(s.config_.permalinks.author, {{"slug", id}}));
      SetIf(x, "role", au.role);
      SetIf(x, "city", au.city);
      SetIf(x, "bio", au.bio);
      SetIf(x, "handle", au.handle);
      authors.push_back(x);
      names.push_back(au.name);
    }
    if (!authors.is_empty_list()) art["authors"] = std::move(authors);
    // Terms with their pages; a festival's tag ("IFFR2026") is shown as its edition ("IFFR
    // 2026"), linked to the edition's hub.
    auto terms = [&](const std::vector<std::string>& names_list, const std::string& pattern) {
      TemplateData out = List();
      for (const std::string& n : names_list) {
        int32_t e = &names_list == &a.tags ? s.EditionOfTag(n) : -1;
        const SiteEdition* ed = e >= 0 ? &s.editions_[static_cast<size_t>(e)] : nullptr;
        TemplateData t;
        t.set("name", ed ? s.lists_[ed->list].heading : n);
        t.set("url", ed ? ed->url : ExpandPermalink(pattern, {{"slug", Slugify(n)}}));
        out.push_back(t);
      }
      return out;
    };
    if (!a.categories.empty()) {
      art.set("categories", terms(a.categories, s.config_.permalinks.category));
      art.set("has_categories", true);
    }
    if (!a.tags.empty()) {
      art.set("tags", terms(a.tags, s.config_.permalinks.tag));
      art.set("has_tags", true);
    }
    if (a.film) {
      const Film& f = *a.film;
      TemplateData film;
      film.set("title", f.title);
      if (!f.original_title.empty() && f.original_title != f.title) {
        film.set("original_title", f.original_title);
      }
      if (f.year) film.set("year", std::to_string(f.year));
      SetIf(film, "directors_text", Join(f.directors, ", "));
      SetIf(film, "countries_text", Join(f.countries, ", "));
      if (f.runtime_min) film.set("runtime_min", std::to_string(f.runtime_min));
      SetIf(film, "cast_text", Join(f.cast, ", "));
      Site::FilmLinks links = is_page ? Site::FilmLinks{} : s.LinksOfFilm(i);
      SetIf(film, "url", links.film_url);
      // Credits as lists of {name, url, linked, first, last}: each name links to the person's page.
      auto credits = [](const std::vector<std::pair<std::string, std::string>>& people) {
        TemplateData out{TemplateData::type::list};
        for (size_t k = 0; k < people.size(); ++k) {
          TemplateData p;
          // Every key set, true or false: a missing one would be looked up in the film.
          p.set("name", people[k].first);
          p.set("url", people[k].second);
          p.set("linked", !people[k].second.empty());
          p.set("first", k == 0);
          p.set("last", k + 1 == people.size());
          out.push_back(p);
        }
        return out;
      };
      if (!links.directors.empty()) film.set("directors", credits(links.directors));
      if (!links.cast.empty()) film.set("cast", credits(links.cast));
      art["film"] = std::move(film);
    }
    if (a.rating > 0) art["rating"] = RatingData(a.rating, a.rating_max);
    SetIf(art, "festival", a.festival);
    AddRecordLinks(art, i);
    if (i > 0) {
      TemplateData newer;
      newer.set("title", s.articles_[i - 1].title);
      newer.set("url", s.article_urls_[i - 1]);
      art["newer"] = std::move(newer);
    }
    if (i + 1 < s.articles_.size()) {
      TemplateData older;
      older.set("title", s.articles_[i + 1].title);
      older.set("url", s.article_urls_[i + 1]);
      art["older"] = std::move(older);
    }
    TemplateData related = List();
    for (uint32_t j : s.related_[i]) related.push_back(s.ListItem(j));
    if (!related.is_empty_list()) {
      art["related"] = std::move(related);
      art.set("has_related", true);
    }
    page.set("published_iso", s.tz_.Iso(a.date));
    page.set("modified_iso", s.tz_.Iso(std::max(a.date, a.updated)));
  }
  if (a.image) {
    art["image"] = ImageData(*a.image, s.StillOf(a.image->src));
    const Still* still = s.StillOf(a.image->src);
    const StillVariant* shared = still ? StillFallback(*still, 1200) : nullptr;
    const std::string src = shared ? "/" + shared->path : a.image->src;
    page.set("og_image", src.rfind("http", 0) == 0 ? src : s.Absolute(src));
    page.set("og_image_alt", a.image->alt);
  }
  d["article"] = std::move(art);
  // The FAQ page (content/faq.md): its questions, in its JSON-LD as a FAQPage — from a public
  // Markdown body only, so that no locked text reaches the page's head.
  std::vector<FaqEntry> faq;
  if (is_page && a.slug == kFaqSlug && !rule.restricted() &&
      a.body_format == BodyFormat::kMarkdown) {
    auto source = BodySource(a);
    if (!source) return source.error();
    faq = FaqEntries(*source);
  }
  SetJsonLd(d, is_page ? OutputKind::kPage : OutputKind::kArticle, i, &faq);
  return theme_.Render(is_page ? "page" : "article", s.base_, d);
}

void SiteRenderer::AddListFeeds(TemplateData& d, const SiteList& list) const {
  if (!HasFeed(list)) return;
  TemplateData& page = d["page"];
  TemplateData feeds = *page.get("feeds");  // two small entries
  TemplateData rss;
  rss.set("type", "application/rss+xml");
  rss.set("title", list.heading + " (RSS)");
  rss.set("url", list.url + "feed.xml");
  feeds.push_back(rss);
  page["feeds"] = std::move(feeds);
}

Result<std::string> SiteRenderer::RenderList(size_t l, int page_no, bool archive) {
  const Site& s = *site_;
  const SiteList& list = s.lists_[l];
  const size_t per = static_cast<size_t>(s.config_.paginate);
  const int total = static_cast<int>(std::max<size_t>(1, (list.items.size() + per - 1) / per));
  auto page_url = [&](int p) {
    return p <= 1 ? list.url : list.url + "page/" + std::to_string(p) + "/";
  };
  std::string url = page_url(page_no);
  std::string heading = list.heading;
  if (page_no > 1)
    heading += " (page " + std::to_string(page_no) + " of " + std::to_string(total) + ")";
  TemplateData d = PageData(url, heading, list.description, archive ? "is_archive" : "is_list");
  TemplateData ld;
  ld.set("kind", list.kind);
  ld.set("label", list.label);
  ld.set("heading", list.heading);
  SetIf(ld, "description", list.description);
  ld.set("count", std::to_string(list.items.size()));
  if (list.author) {
    TemplateData au;
    au.set("name", list.author->name);
    SetIf(au, "role", list.author->role);
    SetIf(au, "city", list.author->city);
    SetIf(au, "bio", list.author->bio);
    SetIf(au, "handle", list.author->handle);
    ld["author"] = std::move(au);
  }
  TemplateData items = List();
  size_t begin = static_cast<size_t>(page_no - 1) * per;
  for (size_t k = begin; k < std::min(list.items.size(), begin + per); ++k) {
    items.push_back(s.ListItem(list.items[k]));
  }
  if (!items.is_empty_list()) {
    ld["items"] = std::move(items);
    ld.set("has_items", true);
  }
  if (HasFeed(list)) ld.set("feed_url", list.url + "feed.xml");
  AddListFeeds(d, list);
  if (total > 1) ld["pagination"] = PaginationData(page_no, total, page_url);
  d["list"] = std::move(ld);
  SetJsonLd(d, archive ? OutputKind::kArchive : OutputKind::kList, l);
  if (!archive) return theme_.Render("list", s.base_, d);

  // The archive: years and months above the list.
  TemplateData years = List();
  std::map<int, std::vector<std::pair<int, size_t>>, std::greater<>> by_year;  // year -> months
  for (const auto& [key, idx] : s.list_by_key_) {
    if (key.rfind("month:", 0) != 0) continue;
    int y = std::stoi(key.substr(6, 4));
    int m = std::stoi(key.substr(11, 2));
    by_year[y].emplace_back(m, idx);
  }
  for (auto& [y, months] : by_year) {
    std::sort(months.begin(), months.end(), std::greater<>());
    const SiteList& yl = s.lists_[s.list_by_key_.at("year:" + std::to_string(y))];
    TemplateData yd;
    yd.set("year", std::to_string(y));
    yd.set("url", yl.url);
    yd.set("count", std::to_string(yl.items.size()));
    TemplateData md = List();
    for (const auto& [m, idx] : months) {
      TemplateData x;
      x.set("name", MonthName(m));
      x.set("url", s.lists_[idx].url);
      x.set("count", std::to_string(s.lists_[idx].items.size()));
      md.push_back(x);
    }
    yd["months"] = std::move(md);
    years.push_back(yd);
  }
  TemplateData ad;
  if (!years.is_empty_list()) ad["years"] = std::move(years);
  d["archive"] = std::move(ad);
  return theme_.Render("archive", s.base_, d);
}

Result<std::string> SiteRenderer::RenderHome() {
  const Site& s = *site_;
  TemplateData d = PageData("/", "", s.config_.description, "is_home");
  TemplateData home;
  const Site::HomeSelection h = s.SelectHome();
  if (!h.featured.empty()) {
    home.set("featured", s.Card(h.featured[0]));
    TemplateData also = List();
    for (size_t k = 1; k < h.featured.size(); ++k) also.push_back(s.Card(h.featured[k]));
    if (!also.is_empty_list()) {
      home["also_featured"] = std::move(also);
      home.set("has_also_featured", true);
    }
  }
  TemplateData latest = List();
  for (uint32_t i : h.latest) latest.push_back(s.Card(i));
  if (!latest.is_empty_list()) {
    home["latest"] = std::move(latest);
    home.set("has_latest", true);
  }
  TemplateData sections = List();
  for (const auto& [l, items_of] : h.sections) {
    TemplateData sec;
    sec.set("title", s.lists_[l].heading);
    sec.set("url", s.lists_[l].url);
    TemplateData items = List();
    for (uint32_t i : items_of) items.push_back(s.Card(i));
    sec["items"] = std::move(items);
    sections.push_back(sec);
  }
  if (!sections.is_empty_list()) home["sections"] = std::move(sections);
  d["home"] = std::move(home);
  SetJsonLd(d, OutputKind::kHome, 0);
  return theme_.Render("home", s.base_, d);
}

Result<std::string> SiteRenderer::RenderNotFound() {
  const Site& s = *site_;
  TemplateData d =
      PageData("/404.html", "Page not found", "The page you asked for is not here.", "is_404");
  SetJsonLd(d, OutputKind::kNotFound, 0);
  return theme_.Render("404", s.base_, d);
}

Result<std::string> SiteRenderer::RenderFeed(size_t l, bool atom, const ReaderRights* rights) {
  const Site& s = *site_;
  const bool whole_site = l == Site::kWholeSite;
  const std::vector<uint32_t>* items = nullptr;
  std::vector<uint32_t> newest;
  FeedInfo info;
  info.language = s.config_.language;
  info.site_title = s.config_.title;
  if (whole_site) {
    for (uint32_t i = 0; i < std::min<size_t>(kFeedItems, s.articles_.size()); ++i) {
      newest.push_back(i);
    }
    items = &newest;
    info.title = s.config_.title;
    info.description = s.config_.description;
    info.page_url = s.Absolute("/");
    info.self_url = s.Absolute(atom ? "/atom.xml" : "/feed.xml");
  } else {
    const SiteList& list = s.lists_[l];
    items = &list.items;
    info.title = list.heading + " — " + s.config_.title;
    info.description = list.description;
    info.page_url = s.Absolute(list.url);
    info.self_url = s.Absolute(list.url + (atom ? "atom.xml" : "feed.xml"));
  }
  std::vector<FeedEntry> entries;
  for (size_t k = 0; k < std::min(kFeedItems, items->size()); ++k) {
    uint32_t i = (*items)[k];
    const Article& a = s.articles_[i];
    FeedEntry e;
    e.title = a.title;
    e.url = s.Absolute(s.article_urls_[i]);
    e.published = a.date;
    e.updated = std::max(a.date, a.updated);
    for (const std::string& id : a.author_ids) {
      if (auto it = s.authors_.find(id); it != s.authors_.end())
        e.authors.push_back(it->second.name);
    }
    e.categories = a.categories;
    e.summary = s.DekText(i);
    // The site's own feeds carry whole articles; a list's feeds carry the deks.
    if (whole_site) {
      if (s.access_[i].restricted() && !(rights && rights->Allows(s.access_[i]))) {
        // Only the free part, then where the rest is read: feeds are public.
        auto parts = RestrictedBody(a, false);
        if (!parts) return parts.error();
        e.content_html = std::move(parts->free_html);
        if (parts->has_locked) {
          e.content_html += "<p><a href=\"" + HtmlEscape(e.url) +
                            "\">Continue reading on the site (for members).</a></p>";
        }
      } else {
        auto body = BodyHtml(a);
        if (!body) return body.error();
        e.content_html = std::move(*body);
      }
    }
    info.updated = std::max(info.updated, e.updated);
    entries.push_back(std::move(e));
  }
  if (!info.updated) info.updated = s.now_;
  return atom ? RenderAtom(info, entries) : RenderRss(info, entries, s.tz_);
}

std::string SiteRenderer::RenderSitemapXml(size_t part) const {
  const Site& s = *site_;
  std::vector<SitemapUrl> urls = s.SitemapUrls();
  const size_t per = static_cast<size_t>(s.config_.sitemap_max_urls);
  if (part == Site::kWholeSite) {  // the index of the parts, each with its newest change
    std::vector<SitemapUrl> parts;
    for (size_t from = 0; from < urls.size(); from += per) {
      int64_t newest = 0;
      for (size_t k = from; k < std::min(urls.size(), from + per); ++k) {
        newest = std::max(newest, urls[k].lastmod);
      }
      parts.push_back({s.Absolute(Site::SitemapPartUrl(from / per)), newest});
    }
    return RenderSitemapIndex(parts);
  }
  const size_t from = std::min(urls.size(), part * per);
  const size_t to = std::min(urls.size(), from + per);
  return RenderSitemap(std::vector<SitemapUrl>(urls.begin() + static_cast<ptrdiff_t>(from),
                                               urls.begin() + static_cast<ptrdiff_t>(to)));
}

}  // namespace cinepress
