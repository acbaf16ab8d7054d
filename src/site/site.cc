#include "site/site.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "content/collection.h"
#include "content/private_media.h"
#include "core/parallel.h"
#include "core/slug.h"
#include "core/text.h"
#include "render/markdown.h"

namespace cinepress {
namespace {

std::string PageUrl(const std::string& base, int page) {
  return page <= 1 ? base : base + "page/" + std::to_string(page) + "/";
}

std::string Capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// What the article pages' comment forms depend on.
std::string CommentsFingerprint(const CommentsConfig& c) {
  return c.enabled ? "comments " + c.who + " " + std::to_string(c.max_length) : "no comments";
}

// What the paywall box and the membership page show of the tiers, and where bodies are cut.
std::string TiersFingerprint(const SiteConfig& c) {
  std::string out = c.members.signup + "\x1f" + std::to_string(c.members.free_paragraphs);
  for (const TierConfig& t : c.tiers) {
    out += "\x1e" + t.slug + "\x1f" + t.name + "\x1f" + t.description + "\x1f" +
           Join(t.benefits, "\x1d") + "\x1f" + std::to_string(t.monthly_price) + "\x1f" +
           std::to_string(t.yearly_price) + "\x1f" + t.currency;
  }
  // The donation page and the footer's link to it.
  const PaymentsConfig& p = c.payments;
  out += "\x1e" + p.provider + "\x1f" + p.donation_currency + "\x1f" +
         std::to_string(p.donation_minimum) + "\x1f" + (p.donation_monthly ? "m" : "");
  for (int64_t a : p.donation_amounts) out += "\x1f" + std::to_string(a);
  return out;
}

// /donate/: with [payments] donation_amounts, in a theme that has its template.
bool HasDonatePage(const SiteConfig& c, const Theme& theme) {
  return c.payments.donations() && theme.HasTemplate("donate");
}

}  // namespace

const Still* Site::StillOf(std::string_view src) const {
  if (!src.starts_with("/")) return nullptr;
  auto it = stills_.find(std::string(src.substr(1)));
  return it == stills_.end() ? nullptr : &it->second;
}

bool HasFeed(const SiteList& list) {
  return list.kind == "section" || list.kind == "category" || list.kind == "tag" ||
         list.kind == "author" || list.kind == "edition";
}

const AccessRule& Site::AccessOf(const Output& o) const {
  static const AccessRule kPublic;
  if (o.kind == OutputKind::kArticle) return access_[o.ref];
  if (o.kind == OutputKind::kPage) return page_access_[o.ref];
  if (o.kind == OutputKind::kEpisode) return episode_access_[o.ref];
  return kPublic;
}

std::string OutputPathOf(std::string_view url) {
  std::string p(url.substr(!url.empty() && url.front() == '/' ? 1 : 0));
  if (p.empty() || p.back() == '/') p += "index.html";
  return p;
}

std::string Site::ArticleUrl(const Article& a) const {
  if (a.kind == ArticleKind::kPage)
    return ExpandPermalink(config_.permalinks.page, {{"slug", a.slug}});
  auto [y, m] = tz_.YearMonth(a.date);
  std::string day = tz_.Iso(a.date).substr(8, 2);
  char mm[3];
  std::snprintf(mm, sizeof mm, "%02d", m);
  return ExpandPermalink(config_.permalinks.article, {{"section", a.section},
                                                      {"slug", a.slug},
                                                      {"year", std::to_string(y)},
                                                      {"month", mm},
                                                      {"day", day}});
}

Status Site::AddOutput(OutputKind kind, const std::string& url, size_t ref, int page,
                       const std::string& what) {
  std::string path = OutputPathOf(url);
  auto [it, inserted] = output_owner_.emplace(path, what);
  if (!inserted) {
    return Error{ErrorCode::kConflict,
                 url + " would be both " + it->second + " and " + what +
                     " (change a slug or a permalink pattern in cinepress.toml)",
                 {},
                 0,
                 {}};
  }
  outputs_.push_back(Output{kind, std::move(path), ref, page});
  return {};
}

Result<std::shared_ptr<const Site>> Site::PreviewOf(Article article, int64_t now) const {
  article.draft = false;
  article.password_protected = false;
  article.status.clear();
  if (article.date <= 0) article.date = now;
  if (article.kind == ArticleKind::kArticle && !sections_.contains(article.section)) {
    return Error{
        ErrorCode::kInvalidInput, "no section \"" + article.section + "\"", {}, 0, "section"};
  }
  std::vector<Author> authors;
  for (const auto& [id, author] : authors_) authors.push_back(author);
  std::vector<Section> sections;
  for (const auto& [key, section] : sections_) sections.push_back(section);
  const int64_t at = std::max(now, article.date);
  std::vector<Article> one;
  one.push_back(std::move(article));
  return Assemble(config_, tz_, theme_, std::move(one), std::move(authors), std::move(sections),
                  media_, at, {}, {}, {}, {}, {}, stills_);
}

const Output* Site::FirstArticleOutput() const {
  for (const Output& o : outputs_) {
    if (o.kind == OutputKind::kArticle || o.kind == OutputKind::kPage) return &o;
  }
  return nullptr;
}

namespace {

// The articles of `all` at `picked`, in the order `before` says, in `all`'s own memory, which it
// takes: each moved once (an Article is large: std::sort would move each a dozen times), and not
// into fresh memory (a whole archive's 13 MB would be touched page by page again).
template <typename Before>
std::vector<Article> SortedInPlace(std::vector<Article>&& all, std::vector<uint32_t> picked,
                                   Before before) {
  std::sort(picked.begin(), picked.end(),
            [&](uint32_t x, uint32_t y) { return before(all[x], all[y]); });
  // from[k]: where in `all` the article that goes to place k is now (those not picked after).
  std::vector<uint32_t> from = picked;
  std::vector<bool> done(all.size(), false);
  for (uint32_t i : picked) done[i] = true;
  for (uint32_t i = 0; i < all.size(); ++i) {
    if (!done[i]) from.push_back(i);
  }
  // Each cycle of the permutation: every article moved once, and one through a temporary.
  done.assign(all.size(), false);
  for (size_t k = 0; k < all.size(); ++k) {
    if (done[k] || from[k] == k) continue;
    Article first = std::move(all[k]);
    size_t at = k;
    while (from[at] != k) {
      all[at] = std::move(all[from[at]]);
      done[at] = true;
      at = from[at];
    }
    all[at] = std::move(first);
    done[at] = true;
  }
  all.erase(all.begin() + static_cast<ptrdiff_t>(picked.size()), all.end());
  return std::move(all);
}

}  // namespace

Result<std::shared_ptr<const Site>> Site::Assemble(
    SiteConfig config, TimeZone tz, std::shared_ptr<const Theme> theme, std::vector<Article> all,
    std::vector<Author> authors, std::vector<Section> sections, std::vector<MediaFile> media,
    int64_t now, std::vector<ArticleAlias> aliases, std::vector<UrlRedirect> redirects,
    std::vector<PersonProfile> people, PodcastContent podcasts, std::vector<Product> products,
    StillBook stills, std::vector<Workshop> workshops,
    const std::vector<PersonEdit>& person_edits) {
  std::shared_ptr<Site> site(new Site());
  Site& s = *site;
  s.config_ = std::move(config);
  s.tz_ = std::move(tz);
  s.theme_ = std::move(theme);
  s.now_ = now;
  s.media_ = std::move(media);
  s.stills_ = std::move(stills);
  for (Author& a : authors) s.authors_.emplace(a.id, std::move(a));
  for (Section& sec : sections) s.sections_.emplace(sec.key, std::move(sec));

  // Load: what is published, newest first.
  std::vector<uint32_t> articles;  // of `all`
  articles.reserve(all.size());
  for (uint32_t i = 0; i < all.size(); ++i) {
    Article& a = all[i];
    if (!a.draft && a.date > now && (s.next_publication_ == 0 || a.date < s.next_publication_)) {
      s.next_publication_ = a.date;
    }
    if (!a.IsPublishedAt(now)) continue;
    if (IsCollection(a)) {
      s.collections_.push_back(std::move(a));  // hand-ordered lists, not articles
    } else if (a.kind == ArticleKind::kPage) {
      s.pages_.push_back(std::move(a));  // a few: sorted where they are, below
    } else {
      articles.push_back(i);
    }
  }
  auto newest_first = [](const Article& x, const Article& y) {
    return x.date != y.date ? x.date > y.date : x.slug < y.slug;
  };
  std::sort(s.pages_.begin(), s.pages_.end(),
            [](const Article& x, const Article& y) { return x.slug < y.slug; });
  s.articles_ = SortedInPlace(std::move(all), std::move(articles), newest_first);
  for (const Article& a : s.articles_) {
    if (!s.sections_.count(a.section)) {
      s.sections_.emplace(a.section, Section{a.section, Capitalized(a.section), "", ""});
    }
  }
  // Who may read each article whole: its own rule, else its section's.
  auto rule_of = [&](const Article& a) {
    const std::string* text = &a.access;
    if (text->empty()) {
      if (auto sec = s.sections_.find(a.section); sec != s.sections_.end()) {
        text = &sec->second.access;
      }
    }
    auto rule = AccessRule::Parse(*text);
    if (rule) return *rule;
    // The importer refuses such rules; one that got in anyway is read by nobody (fail closed).
    AccessRule nobody;
    nobody.level = AccessRule::Level::kTiers;
    nobody.tiers = {"\x01"};
    return nobody;
  };
  for (const Article& a : s.articles_) s.access_.push_back(rule_of(a));
  for (const Article& a : s.pages_) s.page_access_.push_back(rule_of(a));
  for (size_t d = 0; d < s.articles_.size() + s.pages_.size(); ++d) {
    if (int64_t id = s.Doc(d).id; id != 0) s.doc_by_id_.emplace(id, d);
  }

  // Lists: sections, categories, tags, authors, the archive by year and month; made on another
  // core while the films and people become records below (the assembly's longest step, which
  // reads the articles alone; kept on this thread, where Slugify's cache of names serves the
  // related articles next).
  auto make_lists = [&s] {
    auto list_for = [&](const std::string& key, auto make) -> SiteList& {
      auto [it, inserted] = s.list_by_key_.emplace(key, s.lists_.size());
      if (inserted) s.lists_.push_back(make());
      return s.lists_[it->second];
    };
    const Permalinks& pl = s.config_.permalinks;
    SiteList archive{"archive",
                     "Archive",
                     "All articles",
                     "Everything we have published, newest "
                     "first.",
                     "/archive/",
                     {},
                     nullptr};
    s.archive_list_ = s.lists_.size();
    s.list_by_key_["archive"] = s.lists_.size();
    s.lists_.push_back(archive);
    auto section_list = [&](const std::string& key) -> SiteList& {
      const Section& sec = s.sections_.at(key);
      return list_for("section:" + key, [&] {
        return SiteList{"section",
                        "Section",
                        sec.title,
                        sec.description,
                        ExpandPermalink(pl.section, {{"section", key}}),
                        {},
                        nullptr};
      });
    };
    for (uint32_t i = 0; i < s.articles_.size(); ++i) {
      const Article& a = s.articles_[i];
      s.lists_[s.archive_list_].items.push_back(i);
      section_list(a.section).items.push_back(i);
      for (const std::string& c : a.categories) {
        std::string slug = Slugify(c);
        SiteList& l = list_for("category:" + slug, [&] {
          return SiteList{
              "category", "Category", c, "", ExpandPermalink(pl.category, {{"slug", slug}}),
              {},         nullptr};
        });
        if (l.items.empty() || l.items.back() != i) l.items.push_back(i);
      }
      for (const std::string& t : a.tags) {
        std::string slug = Slugify(t);
        SiteList& l = list_for("tag:" + slug, [&] {
          return SiteList{"tag", "Tag",  t, "", ExpandPermalink(pl.tag, {{"slug", slug}}),
                          {},    nullptr};
        });
        if (l.items.empty() || l.items.back() != i) l.items.push_back(i);
      }
      for (const std::string& id : a.author_ids) {
        auto au = s.authors_.find(id);
        if (au == s.authors_.end()) continue;
        list_for("author:" + id, [&] {
          return SiteList{
              "author", "Writer",   au->second.name, "", ExpandPermalink(pl.author, {{"slug", id}}),
              {},       &au->second};
        }).items.push_back(i);
      }
      auto [y, m] = s.tz_.YearMonth(a.date);
      std::string ys = std::to_string(y);
      char mm[3];
      std::snprintf(mm, sizeof mm, "%02d", m);
      list_for("year:" + ys, [&] {
        return SiteList{
            "archive-year",         "Archive", ys,     "Everything we published in " + ys + ".",
            "/archive/" + ys + "/", {},        nullptr};
      }).items.push_back(i);
      std::string month_name = std::string(MonthName(m)) + " " + ys;
      list_for("month:" + ys + "-" + mm, [&] {
        return SiteList{"archive-month",
                        "Archive",
                        month_name,
                        "Everything we published in " + month_name + ".",
                        "/archive/" + ys + "/" + mm + "/",
                        {},
                        nullptr};
      }).items.push_back(i);
    }
    // A section the writer has made (its _index.md) has its page before its first article: the
    // menu that links to it does not lead nowhere.
    std::vector<std::string> section_keys;
    for (const auto& [key, sec] : s.sections_) {
      if (!key.empty() && key != "collections" && !sec.title.empty()) section_keys.push_back(key);
    }
    std::sort(section_keys.begin(), section_keys.end());
    for (const std::string& key : section_keys) section_list(key);
  };
  std::future<void> lists_made = std::async(std::launch::async, make_lists);
  // Films and people as records, festivals and their editions; each has a feed list.
  s.records_ = BuildFilmRecords(s.articles_);
  lists_made.get();
  ApplyPersonFacts(s.records_, person_edits);
  s.film_of_article_.assign(s.articles_.size(), -1);
  for (size_t f = 0; f < s.records_.films.size(); ++f) {
    for (uint32_t i : s.records_.films[f].reviews) s.film_of_article_[i] = static_cast<int32_t>(f);
  }
  for (size_t p = 0; p < s.records_.people.size(); ++p) {
    s.person_by_slug_.emplace(s.records_.people[p].slug, static_cast<uint32_t>(p));
  }
  for (const PersonProfile& p : people) s.people_names_.emplace(p.slug, p.name);
  s.AssignProfiles(std::move(people));
  s.AssignEditions();
  s.lists_.reserve(s.lists_.size() + s.records_.films.size() + s.records_.people.size() +
                   s.editions_.size());
  for (size_t f = 0; f < s.records_.films.size(); ++f) {
    const FilmRecord& film = s.records_.films[f];
    s.film_list_.push_back(s.lists_.size());
    std::string heading =
        film.film.title + (film.film.year ? " (" + std::to_string(film.film.year) + ")" : "");
    s.lists_.push_back(SiteList{"film", "Film", heading,
                                "Everything we have published about " + heading + ".", s.FilmUrl(f),
                                film.articles, nullptr});
  }
  for (size_t p = 0; p < s.records_.people.size(); ++p) {
    const PersonRecord& person = s.records_.people[p];
    std::set<uint32_t> about(person.interviews.begin(), person.interviews.end());
    for (const auto* films : {&person.directed, &person.acted}) {
      for (uint32_t f : *films) {
        for (uint32_t i : s.records_.films[f].articles) about.insert(i);
      }
    }
    s.person_list_.push_back(s.lists_.size());
    s.lists_.push_back(
        SiteList{"person", "Person", person.name.display,
                 "Interviews with and articles about the work of " + person.name.display + ".",
                 s.PersonUrl(p), std::vector<uint32_t>(about.begin(), about.end()), nullptr});
  }
  for (SiteEdition& e : s.editions_) {
    const SiteFestival& f = s.festivals_[e.festival];
    e.list = s.lists_.size();
    std::string name =
        (f.short_name.empty() ? f.name : f.short_name) + " " + std::to_string(e.year);
    s.lists_.push_back(
        SiteList{"edition", "Festival", name,
                 "All our coverage of " + f.name + " " + std::to_string(e.year) + ".", e.url,
                 e.articles, nullptr});
  }

  for (SiteList& l : s.lists_) {
    if (l.description.empty() && l.kind == "category") {
      l.description = "Articles filed under " + l.heading + ".";
    } else if (l.kind == "tag" && s.EditionOfTag(l.heading) >= 0) {
      // A festival's tag ("IFFR2026") is headed as its edition, as articles show it.
      const SiteEdition& e = s.editions_[static_cast<size_t>(s.EditionOfTag(l.heading))];
      const SiteFestival& f = s.festivals_[e.festival];
      if (l.description.empty()) {
        l.description = "Articles tagged " + l.heading + ": our coverage of " + f.name + " " +
                        std::to_string(e.year) + ".";
      }
      l.heading = s.lists_[e.list].heading;
    } else if (l.description.empty() && l.kind == "tag") {
      l.description = "Articles tagged with " + l.heading + ".";
    }
  }

  // Section order on the home page: as the main menu has them, then by size.
  for (const MenuItem& item : s.config_.menu_main) {
    for (const auto& [key, sec] : s.sections_) {
      if (ExpandPermalink(s.config_.permalinks.section, {{"section", key}}) == item.url &&
          s.list_by_key_.count("section:" + key)) {
        s.section_order_.push_back(key);
      }
    }
  }
  std::vector<std::pair<size_t, std::string>> by_size;
  for (const auto& [key, sec] : s.sections_) {
    auto it = s.list_by_key_.find("section:" + key);
    if (it == s.list_by_key_.end()) continue;
    if (std::find(s.section_order_.begin(), s.section_order_.end(), key) !=
        s.section_order_.end()) {
      continue;
    }
    by_size.emplace_back(s.lists_[it->second].items.size(), key);
  }
  std::sort(by_size.begin(), by_size.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  for (const auto& [n, key] : by_size) s.section_order_.push_back(key);

  // Outputs, each at its own path: about an article's page and a list's page and feed each.
  Status st;
  const size_t expected = s.articles_.size() + 2 * s.lists_.size() + 1024;
  s.outputs_.reserve(expected);
  s.output_owner_.reserve(expected);
  auto add = [&](OutputKind k, const std::string& url, size_t ref, int page,
                 const std::string& what) {
    if (st) st = s.AddOutput(k, url, ref, page, what);
  };
  add(OutputKind::kHome, "/", 0, 1, "the home page");
  s.article_urls_.reserve(s.articles_.size());
  for (size_t i = 0; i < s.articles_.size(); ++i) {
    s.article_urls_.push_back(s.ArticleUrl(s.articles_[i]));
    add(OutputKind::kArticle, s.article_urls_.back(), i, 1,
        "the article " + s.articles_[i].source_path);
  }
  for (size_t i = 0; i < s.pages_.size(); ++i) {
    add(OutputKind::kPage, s.ArticleUrl(s.pages_[i]), i, 1, "the page " + s.pages_[i].source_path);
  }
  const size_t per = static_cast<size_t>(s.config_.paginate);
  for (size_t l = 0; l < s.lists_.size(); ++l) {
    const SiteList& list = s.lists_[l];
    int pages = static_cast<int>(std::max<size_t>(1, (list.items.size() + per - 1) / per));
    OutputKind kind = l == s.archive_list_ ? OutputKind::kArchive : OutputKind::kList;
    // A film's, a person's or an edition's page is a page of its own (below); only its feeds here.
    const bool own_page = list.kind == "film" || list.kind == "person" || list.kind == "edition";
    for (int p = 1; p <= pages && !own_page; ++p) {
      add(kind, PageUrl(list.url, p), l, p, "the " + list.kind + " list \"" + list.heading + "\"");
    }
    if (HasFeed(list)) add(OutputKind::kRss, list.url + "feed.xml", l, 1, "a feed");
  }
  if (st) st = s.AddFilmMagazineOutputs();
  if (s.config_.members.enabled) {
    add(OutputKind::kMembership, "/membership/", 0, 1, "the membership page");
  }
  // The account's pages where there are members; the comments' where their forms are on.
  for (uint32_t ref = 0; ref < std::size(kAccountPages); ++ref) {
    const bool comments = ref >= 2;
    if (comments ? s.config_.comments.enabled : s.config_.members.enabled) {
      add(OutputKind::kAccount, kAccountPages[ref].url, ref, 1,
          std::string("the page ") + kAccountPages[ref].url);
    }
  }
  if (HasDonatePage(s.config_, *s.theme_)) {
    add(OutputKind::kDonate, "/donate/", 0, 1, "the donation page");
  }
  add(OutputKind::kRss, "/feed.xml", kWholeSite, 1, "the site's RSS feed");
  add(OutputKind::kAtom, "/atom.xml", kWholeSite, 1, "the site's Atom feed");
  add(OutputKind::kRobots, "/robots.txt", 0, 1, "robots.txt");
  // What `cinepress serve` sends with every response, for static hosts that read _headers
  // (Netlify, Cloudflare Pages).
  add(OutputKind::kHeaders, "/_headers", 0, 1, "the headers file");
  add(OutputKind::kNotFound, "/404.html", 0, 1, "the 404 page");
  for (size_t i = 0; i < s.theme_->assets().size(); ++i) {
    add(OutputKind::kAsset, s.theme_->assets()[i].url, i, 1,
        "the theme asset " + s.theme_->assets()[i].name);
  }
  if (st) st = s.AddPodcastOutputs(std::move(podcasts));
  if (st) st = s.AddShopOutputs(std::move(products));
  if (st) st = s.AddWorkshopOutputs(std::move(workshops));
  if (st) st = s.AddSearchOutputs();  // after the podcasts: episodes are searched too
  for (size_t i = 0; i < s.media_.size(); ++i) {
    // A still's manifest is for the site map, not for readers.
    if (IsStillPath(s.media_[i].path) && s.media_[i].path.ends_with("/still.json")) continue;
    // Private media (the shop's and the workshops' files) are never pages: no build writes them,
    // no request reaches them at their path (signed links stream them: LiveSite::PrivateMedia).
    if (IsPrivateMedia(s.media_[i].path)) continue;
    // A podcast's files are published with its public episodes only (podcast_site.cc).
    if (s.media_[i].path.rfind("podcasts/", 0) == 0) {
      const int32_t e = s.EpisodeOfMedia("/" + s.media_[i].path);
      const bool artwork = std::any_of(s.shows_.begin(), s.shows_.end(), [&](const auto& show) {
        return show.image == "/" + s.media_[i].path;
      });
      if (!artwork && (e < 0 || s.episode_access_[e].restricted())) continue;
    }
    // A media file at a page's path is a conflict, reported with both names.
    add(OutputKind::kMedia, "/" + s.media_[i].path, i, 1,
        "the media file static/" + s.media_[i].path);
  }
  // One sitemap, or past the protocol's limit an index of sitemaps.
  const size_t sitemap_urls = s.SitemapUrls().size();
  const size_t sitemap_per = static_cast<size_t>(s.config_.sitemap_max_urls);
  if (sitemap_urls <= sitemap_per) {
    add(OutputKind::kSitemap, "/sitemap.xml", 0, 1, "the sitemap");
  } else {
    add(OutputKind::kSitemap, "/sitemap.xml", kWholeSite, 1, "the sitemap index");
    for (size_t part = 0; part * sitemap_per < sitemap_urls; ++part) {
      add(OutputKind::kSitemap, SitemapPartUrl(part), part, 1, "a sitemap");
    }
  }
  if (!st) return st.error();
  for (size_t i = 0; i < s.outputs_.size(); ++i) s.output_by_path_.emplace(s.outputs_[i].path, i);

  // Old addresses of moved articles that nothing else uses now.
  std::unordered_map<int64_t, std::string> url_of;
  for (size_t i = 0; i < s.articles_.size(); ++i) url_of[s.articles_[i].id] = s.article_urls_[i];
  for (const Article& p : s.pages_) url_of[p.id] = s.ArticleUrl(p);
  const auto collection_url = [&s](const std::string& slug) {
    return ExpandPermalink(s.config_.permalinks.collection, {{"slug", slug}});
  };
  for (const Article& c : s.collections_) url_of[c.id] = collection_url(c.slug);
  for (const ArticleAlias& alias : aliases) {
    auto it = url_of.find(alias.article_id);
    if (it == url_of.end()) continue;
    Article old;
    old.kind = alias.kind;
    old.section = alias.section;
    old.slug = alias.slug;
    // The date only matters to patterns with {year}; the article's own date is the best guess.
    for (const Article& a : s.articles_) {
      if (a.id == alias.article_id) old.date = a.date;
    }
    std::string old_url = IsCollection(old) ? collection_url(old.slug) : s.ArticleUrl(old);
    if (old_url != it->second && !s.output_by_path_.count(OutputPathOf(old_url))) {
      s.redirects_[old_url] = it->second;
    }
  }
  // Old addresses kept by an importer (WordPress permalinks, ?p=ID): to the article where it is
  // now when it is published, or to a fixed path that the site has.
  for (const UrlRedirect& r : redirects) {
    if (s.output_by_path_.count(OutputPathOf(r.from))) continue;
    if (r.article_id != 0) {
      if (auto it = url_of.find(r.article_id); it != url_of.end() && it->second != r.from) {
        s.redirects_[r.from] = it->second;
      }
    } else if (!r.to.empty() && r.to != r.from && s.output_by_path_.count(OutputPathOf(r.to))) {
      s.redirects_[r.from] = r.to;
    }
  }
  // Static hosts cannot answer 301 from files alone: _redirects lists them in the format Netlify
  // and Cloudflare Pages read (docs/WORDPRESS.md). `cinepress serve` answers them itself. Every
  // site has one: the addresses of feeds no longer made are in it (FormerFeedRules).
  if (auto st = s.AddOutput(OutputKind::kRedirects, "/_redirects", 0, 1, "the redirects file");
      !st) {
    return st.error();
  }
  s.output_by_path_.emplace(s.outputs_.back().path, s.outputs_.size() - 1);
  // What every template sees.
  TemplateData site_data;
  site_data.set("title", s.config_.title);
  if (!s.config_.description.empty()) site_data.set("description", s.config_.description);
  site_data.set("language", s.config_.language);
  site_data.set("base_url", s.config_.base_url);
  site_data.set("css_url", s.theme_->AssetUrl("site.css"));
  TemplateData assets;
  for (const ThemeAsset& a : s.theme_->assets()) {
    std::string key = a.name;
    for (char& c : key) {
      if (c == '.' || c == '/' || c == '-') c = '_';
    }
    assets.set(key, a.url);
  }
  site_data.set("asset", assets);
  site_data.set("search", s.has_search_);  // the search box and its script
  site_data.set("archive_url", "/archive/");
  site_data.set("feed_url", "/feed.xml");
  site_data.set("atom_url", "/atom.xml");
  if (HasDonatePage(s.config_, *s.theme_)) site_data.set("donate_url", "/donate/");
  if (s.config_.gifts_offered()) site_data.set("gift_url", "/gift/");
  site_data.set("year", std::to_string(s.tz_.YearMonth(now).first));
  TemplateData footer{TemplateData::type::list};
  for (const MenuItem& m : s.config_.menu_footer) {
    TemplateData item;
    item.set("name", m.name);
    item.set("url", m.url);
    footer.push_back(item);
  }
  site_data.set("menu_footer", footer);
  // The doors readers knock on: the pitch and contact forms ([contact]; or the site's own pages
  // of those names) and the FAQ page, each once (a footer menu that has it already wins).
  TemplateData doors{TemplateData::type::list};
  auto door = [&](const std::string& name, const std::string& slug, bool live) {
    std::string url = live ? "/" + slug + "/" : "";
    for (const Article& page : s.pages_) {
      if (url.empty() && page.slug == slug) url = s.ArticleUrl(page);
    }
    for (const MenuItem& m : s.config_.menu_footer) {
      if (m.url == url) url.clear();
    }
    if (url.empty()) return;
    TemplateData item;
    item.set("name", name);
    item.set("url", url);
    doors.push_back(item);
  };
  door("Contribute", "contribute", s.config_.contact.enabled);
  door("Contact", "contact", s.config_.contact.enabled);
  door("Frequently Asked Questions", kFaqSlug, false);
  // Gift memberships (served by `cinepress serve`, as the forms above).
  door("Give a membership", "gift", s.config_.gifts_offered());
  // Workshops and masterclasses, when any is on the site.
  door("Workshops & Masterclasses", "workshops",
       s.FindOutput(OutputPathOf("/workshops/")) != nullptr);
  site_data.set("has_doors", !doors.is_empty_list());
  site_data.set("doors", doors);
  // The magazine's accounts elsewhere ([social]), named as their services spell themselves.
  TemplateData social{TemplateData::type::list};
  for (const SocialLink& link : s.config_.social) {
    TemplateData item;
    item.set("name", SocialServiceName(link.name));
    item.set("url", link.url);
    social.push_back(item);
  }
  site_data.set("social", social);
  site_data.set("has_social", !s.config_.social.empty());
  // Newsletters readers can join (the sign-up form on articles; docs/NEWSLETTERS.md).
  TemplateData newsletters{TemplateData::type::list};
  for (size_t n = 0; n < s.config_.newsletters.size(); ++n) {
    const NewsletterConfig& nl = s.config_.newsletters[n];
    // A newsletter for some tiers is joined from My Account, by those who hold one.
    if (!nl.tiers.empty()) continue;
    TemplateData item;
    item.set("name", nl.name);
    item.set("slug", nl.slug);
    item.set("description", nl.description);
    item.set("url", "/newsletters/" + nl.slug + "/");
    item.set("first", newsletters.is_empty_list());
    newsletters.push_back(item);
  }
  if (!newsletters.is_empty_list()) {
    site_data.set("newsletters", newsletters);
    site_data.set("newsletter_signup_url", "/newsletters/subscribe/");
  }
  if (s.config_.members.enabled) site_data.set("members", true);
  s.base_.set("site", site_data);
  s.ComputeRelated();
  if (auto st2 = s.BuildCards(); !st2) return st2.error();
  s.ComputeFingerprints();

  return std::shared_ptr<const Site>(std::move(site));
}

// Fingerprints: one digest per article of everything about it that pages show, and one for
// the whole site's settings and theme.
void Site::ComputeFingerprints() {
  std::string menus;
  for (const auto* menu : {&config_.menu_main, &config_.menu_footer}) {
    for (const MenuItem& m : *menu) {
      menus += m.name + "\x1f" + m.url + "\x1e";
      for (const MenuItem& c : m.children) menus += c.name + "\x1f" + c.url + "\x1d";
    }
    menus += "\x1c";
  }
  const Permalinks& p = config_.permalinks;
  global_fp_ = ContentHash({config_.title,
                            "\x1f",
                            config_.description,
                            "\x1f",
                            config_.base_url,
                            "\x1f",
                            config_.language,
                            "\x1f",
                            config_.timezone,
                            "\x1f",
                            std::to_string(config_.paginate),
                            config_.search ? "search" : "no search",
                            "\x1f",
                            TiersFingerprint(config_),
                            "\x1f",
                            p.article,
                            p.page,
                            p.section,
                            p.category,
                            p.tag,
                            p.author,
                            "\x1f",
                            menus,
                            "\x1f",
                            theme_->fingerprint(),
                            "\x1f",
                            std::to_string(tz_.YearMonth(now_).first),
                            "\x1f",
                            CommentsFingerprint(config_.comments)});
  auto people_of = [&](const Article& a) {
    std::string people;
    for (const std::string& id : a.author_ids) {
      if (auto it = authors_.find(id); it != authors_.end()) {
        const Author& au = it->second;
        people += au.id + "\x1f" + au.name + "\x1f" + au.role + "\x1f" + au.city + "\x1f" +
                  au.handle + "\x1f" + au.bio + "\x1e";
      }
    }
    return people;
  };
  auto section_of = [&](const Article& a) {
    auto sec = sections_.find(a.section);
    return sec == sections_.end() ? std::string() : sec->second.title;
  };
  // The lead image's still is the article's: its page, cards and feeds entries place it.
  auto lead_still = [&](const Article& a) {
    return a.image ? StillSummary(a.image->src, StillOf(a.image->src)) : std::string();
  };
  auto digest = [&](const Article& a, const std::string& url, const AccessRule& access) {
    // The newsroom's saves keep the source file's hash: their updated time, which every save of
    // a published piece moves on (staff/editing.cc), tells them apart.
    return ContentHash({a.source_hash, "\x1f", url, "\x1f", people_of(a), "\x1f", section_of(a),
                        "\x1f", std::to_string(a.id), "\x1f", a.title, "\x1f", access.ToString(),
                        "\x1f", lead_still(a), "\x1f", std::to_string(a.updated)});
  };
  article_fp_.resize(articles_.size());
  for (size_t i = 0; i < articles_.size(); ++i)
    article_fp_[i] = digest(articles_[i], article_urls_[i], access_[i]);
  page_fp_.resize(pages_.size());
  for (size_t i = 0; i < pages_.size(); ++i) {
    page_fp_[i] = digest(pages_[i], ArticleUrl(pages_[i]), page_access_[i]);
  }
  auto all = [](const std::vector<std::string>& fps) {
    std::string parts;
    for (const std::string& fp : fps) parts += fp;
    return ContentHash(parts);
  };
  archive_fp_ = all(article_fp_);
  pages_fp_ = all(page_fp_);
  std::string months, urls;
  for (const SiteList& l : lists_) {
    if (l.kind == "archive-month") months += l.url + std::to_string(l.items.size());
    urls += l.url;
  }
  months_fp_ = ContentHash(months);
  lists_fp_ = ContentHash(urls);
  std::string sitemap;
  for (const SitemapUrl& u : SitemapUrls()) {
    sitemap += u.loc + "\x1f" + std::to_string(u.lastmod) + "\x1e";
  }
  sitemap_fp_ = ContentHash(sitemap);
  stills_fp_ = StillsFingerprint(stills_);
}

// Every page a search engine should know, in a stable order: the home page, articles, pages,
// lists, then the film magazine's own pages.
std::vector<SitemapUrl> Site::SitemapUrls() const {
  const Site& s = *this;
  std::vector<SitemapUrl> urls;
  int64_t newest = s.articles_.empty() ? s.now_ : s.articles_[0].date;
  urls.push_back({s.Absolute("/"), newest});
  for (size_t i = 0; i < s.articles_.size(); ++i) {
    const Article& a = s.articles_[i];
    urls.push_back({s.Absolute(s.article_urls_[i]), std::max(a.date, a.updated)});
  }
  for (const Article& p : s.pages_) {
    urls.push_back({s.Absolute(s.ArticleUrl(p)), std::max(p.date, p.updated)});
  }
  for (const SiteList& l : s.lists_) {
    int64_t lastmod = 0;
    for (uint32_t i : l.items) {
      lastmod = std::max(lastmod, std::max(s.articles_[i].date, s.articles_[i].updated));
    }
    // Films, people and editions have pages of their own, not list pages.
    if (l.kind == "film" || l.kind == "person" || l.kind == "edition") continue;
    urls.push_back({s.Absolute(l.url), lastmod ? lastmod : newest});
  }
  for (const Output& o : s.outputs_) {
    switch (o.kind) {
      case OutputKind::kFilm:
      case OutputKind::kPerson:
      case OutputKind::kFestival:
      case OutputKind::kEdition:
      case OutputKind::kReviewIndex:
      case OutputKind::kInterviewIndex:
      case OutputKind::kCollection:
      case OutputKind::kPodcasts:
      case OutputKind::kShow:
      case OutputKind::kEpisode:
      case OutputKind::kShop:
      case OutputKind::kProduct:
      case OutputKind::kWorkshops:
      case OutputKind::kWorkshop: {
        std::string url = "/" + o.path.substr(0, o.path.size() - std::strlen("index.html"));
        urls.push_back({s.Absolute(url), newest});
        break;
      }
      default:
        break;
    }
  }
  return urls;
}

std::string Site::SitemapPartUrl(size_t part) {
  return "/sitemaps/" + std::to_string(part + 1) + ".xml";
}

const Output* Site::FindOutput(const std::string& path) const {
  auto it = output_by_path_.find(path);
  return it == output_by_path_.end() ? nullptr : &outputs_[it->second];
}

const std::string* Site::RedirectFor(const std::string& url) const {
  auto it = redirects_.find(url);
  return it == redirects_.end() ? nullptr : &it->second;
}

std::string Site::FormerFeedTarget(std::string_view path) const {
  for (std::string_view name : {"atom.xml", "feed.xml"}) {
    if (!path.starts_with("/") || !path.ends_with(name) || path.size() == name.size() + 1) {
      continue;
    }
    const std::string folder(path.substr(1, path.size() - name.size() - 1));  // "tag/x/"
    if (!folder.ends_with("/")) continue;
    if (name == "atom.xml" && FindOutput(folder + "feed.xml")) return "/" + folder + "feed.xml";
    const Output* page = FindOutput(folder + "index.html");
    if (page && (page->kind == OutputKind::kFilm || page->kind == OutputKind::kPerson)) {
      return "/" + folder;
    }
  }
  return "";
}

std::string Site::FormerFeedRules() const {
  // "/tag/{slug}/" -> "/tag/:slug/": Netlify's placeholders.
  auto pattern = [](std::string url) {
    for (size_t open; (open = url.find('{')) != std::string::npos;) {
      size_t close = url.find('}', open);
      if (close == std::string::npos) break;
      url.replace(open, close - open + 1, ":" + url.substr(open + 1, close - open - 1));
    }
    return url;
  };
  const Permalinks& p = config_.permalinks;
  std::string out;
  for (const std::string* list : {&p.section, &p.category, &p.tag, &p.author}) {
    out += pattern(*list) + "atom.xml " + pattern(*list) + "feed.xml 301\n";
  }
  for (const std::string* page : {&p.film, &p.person}) {
    for (const char* name : {"feed.xml", "atom.xml"}) {
      out += pattern(*page) + name + " " + pattern(*page) + " 301\n";
    }
  }
  return out;
}

Site::HomeSelection Site::SelectHome() const {
  HomeSelection h;
  for (uint32_t i = 0; i < articles_.size() && h.featured.size() < 5; ++i) {
    if (articles_[i].featured) h.featured.push_back(i);
  }
  if (h.featured.empty() && !articles_.empty()) h.featured.push_back(0);
  std::vector<bool> shown(articles_.size(), false);
  for (uint32_t i : h.featured) shown[i] = true;
  // Each article at most once: the section rows show the newest of each section that neither
  // the lead nor the latest shows (a small magazine's rows are short, or not there at all).
  for (uint32_t i = 0; i < articles_.size() && h.latest.size() < 12; ++i) {
    if (!shown[i]) {
      h.latest.push_back(i);
      shown[i] = true;
    }
  }
  for (const std::string& key : section_order_) {
    size_t l = list_by_key_.at("section:" + key);
    std::vector<uint32_t> row;
    for (uint32_t i : lists_[l].items) {
      if (row.size() == 3) break;
      if (!shown[i]) row.push_back(i);
    }
    for (uint32_t i : row) shown[i] = true;
    if (!row.empty()) h.sections.emplace_back(l, std::move(row));
  }
  return h;
}

std::string Site::Fingerprint(const Output& o) const {
  if (o.kind == OutputKind::kMedia) return FingerprintBesideFigures(o);
  return ContentHash({FingerprintBesideFigures(o), stills_fp_});
}

std::string Site::FiguresDigest(const std::vector<std::string>& srcs) const {
  std::string parts;
  for (const std::string& src : srcs) parts += StillSummary(src, StillOf(src)) + "\x1e";
  return ContentHash(parts);
}

std::string Site::FingerprintBesideFigures(const Output& o) const {
  // Room for a page's digests at once: a list's or a feed's are a few dozen of 32 bytes.
  std::string parts;
  parts.reserve(2048);
  parts = global_fp_;
  auto add = [&](uint32_t i) { parts += article_fp_[i]; };
  const size_t per = static_cast<size_t>(config_.paginate);
  switch (o.kind) {
    case OutputKind::kHome: {
      HomeSelection h = SelectHome();
      for (uint32_t i : h.featured) add(i);
      parts += "|";
      for (uint32_t i : h.latest) add(i);
      for (const auto& [l, items] : h.sections) {
        parts += "|" + lists_[l].heading + lists_[l].url;
        for (uint32_t i : items) add(i);
      }
      break;
    }
    case OutputKind::kArticle: {
      add(static_cast<uint32_t>(o.ref));
      parts += "\x1f" + articles_[o.ref].comments_stamp + "\x1f";
      // Its film's page and the credits' pages: their addresses depend on other articles too.
      FilmLinks links = LinksOfFilm(o.ref);
      parts += links.film_url;
      // The pages of every film it names (their addresses depend on other articles).
      for (uint32_t f : records_.films_of_article[o.ref]) parts += "\x1f" + FilmUrl(f);
      for (const auto* people : {&links.directors, &links.cast}) {
        for (const auto& [name, url] : *people) parts += name + "\x1f" + url + "\x1e";
      }
      parts += "|";
      if (o.ref > 0) add(static_cast<uint32_t>(o.ref - 1));
      parts += "|";
      if (o.ref + 1 < articles_.size()) add(static_cast<uint32_t>(o.ref + 1));
      parts += "|";
      for (uint32_t j : related_[o.ref]) add(j);
      break;
    }
    case OutputKind::kPage:
      parts += page_fp_[o.ref];
      break;
    case OutputKind::kList:
    case OutputKind::kArchive: {
      const SiteList& l = lists_[o.ref];
      parts += l.kind + "|" + l.heading + "|" + l.description + "|" + l.url + "|" +
               std::to_string(l.items.size()) + "|";
      if (l.author) parts += l.author->name + l.author->role + l.author->city + l.author->bio;
      size_t begin = static_cast<size_t>(o.page - 1) * per;
      for (size_t k = begin; k < std::min(l.items.size(), begin + per); ++k) add(l.items[k]);
      if (o.kind == OutputKind::kArchive) parts += months_fp_;
      break;
    }
    case OutputKind::kRss:
    case OutputKind::kAtom: {
      const bool whole = o.ref == kWholeSite;
      const std::vector<uint32_t>* items = whole ? nullptr : &lists_[o.ref].items;
      size_t n = std::min<size_t>(20, whole ? articles_.size() : items->size());
      if (!whole) parts += lists_[o.ref].heading + "|" + lists_[o.ref].description + "|";
      for (size_t k = 0; k < n; ++k) add(whole ? static_cast<uint32_t>(k) : (*items)[k]);
      break;
    }
    case OutputKind::kSitemap:
      // What every part lists (SitemapUrls): an address and its last change, not the archive's
      // every digest (a body edited leaves the site map as it was).
      parts += sitemap_fp_;
      break;
    case OutputKind::kRobots:
    case OutputKind::kNotFound:
    case OutputKind::kMembership:  // the tiers are in the global digest
    case OutputKind::kDonate:      // and so are the donation amounts
    case OutputKind::kAccount:
    case OutputKind::kHeaders:
      break;
    case OutputKind::kAsset:
      parts += theme_->assets()[o.ref].url;
      break;
    case OutputKind::kMedia:
      parts = media_[o.ref].hash;  // the file alone
      break;
    case OutputKind::kRedirects: {
      std::vector<std::string> lines;
      for (const auto& [from, to] : redirects_) lines.push_back(from + "\x1f" + to + "\x1e");
      std::sort(lines.begin(), lines.end());
      for (const std::string& l : lines) parts += l;
      break;
    }
    case OutputKind::kSearchDoc:
      if (o.ref < article_fp_.size() + page_fp_.size()) {
        parts +=
            o.ref < article_fp_.size() ? article_fp_[o.ref] : page_fp_[o.ref - article_fp_.size()];
      } else {
        // An episode: which one this document is moves when articles or pages come or go.
        parts += podcasts_fp_ + "#" + std::to_string(o.ref - article_fp_.size() - page_fp_.size());
      }
      break;
    case OutputKind::kFilm:
    case OutputKind::kPerson:
    case OutputKind::kEdition: {
      const SiteList& l = lists_[o.kind == OutputKind::kFilm     ? film_list_[o.ref]
                                 : o.kind == OutputKind::kPerson ? person_list_[o.ref]
                                                                 : editions_[o.ref].list];
      parts += l.heading + "|" + l.url + "|";
      for (uint32_t i : l.items) add(i);
      // What the page shows beyond its articles: the record's credits, the person's profile.
      if (o.kind == OutputKind::kPerson) {
        const PersonProfile& p = profiles_[o.ref];
        parts += p.bio + "\x1f" + (p.portrait ? p.portrait->src + "\x1f" + p.portrait->alt : "");
        if (p.portrait) parts += StillSummary(p.portrait->src, StillOf(p.portrait->src));
        for (const WebLink& l : p.links) parts += "\x1f" + l.name + "\x1f" + l.url;
      }
      // "Discussed on…": the podcasts that name the film or the person.
      const std::vector<std::vector<uint32_t>>* discussed =
          o.kind == OutputKind::kFilm     ? &episodes_of_film_
          : o.kind == OutputKind::kPerson ? &episodes_of_person_
                                          : nullptr;
      if (discussed && o.ref < discussed->size() && !(*discussed)[o.ref].empty()) {
        parts += podcasts_fp_;
      }
      if (o.kind == OutputKind::kFilm) {
        const Film& f = records_.films[o.ref].film;
        parts += f.original_title + std::to_string(f.runtime_min) + f.language;
        for (const auto* v : {&f.directors, &f.cast, &f.countries, &f.languages}) {
          for (const std::string& x : *v) parts += x + "\x1f";
        }
      }
      break;
    }
    case OutputKind::kPodcasts:
    case OutputKind::kShow:
    case OutputKind::kEpisode:
    case OutputKind::kPodcastFeed:
    case OutputKind::kChapters:
      return PodcastFingerprint(o);
    case OutputKind::kShop:
    case OutputKind::kProduct:
      // Few and small, as the podcasts: any change to any product makes every shop page again.
      return ContentHash({global_fp_, shop_fp_, o.path});
    case OutputKind::kWorkshops:
    case OutputKind::kWorkshop:
    case OutputKind::kWorkshopIcs:
      // As the shop's: any change to any workshop (its seats left too) makes them all again.
      return ContentHash({global_fp_, workshops_fp_, o.path});
    case OutputKind::kSearchIndex:
      // Once the index is made (a build makes it first), a piece is what its text is: a chunk
      // whose words' postings did not change is kept. Before, what the whole index is made of.
      if (std::string made = MadeIndexPieceDigest(o.ref); !made.empty()) {
        return ContentHash({global_fp_, "\x1f", made});
      }
      parts += archive_fp_ + pages_fp_ + podcasts_fp_;
      break;
    case OutputKind::kReviewIndex: {
      // What it shows (film_magazine.cc: RenderReviewIndex, MakeFilmCard), not the whole
      // archive: a body edited, or an article that is no review, leaves it as it was. Its
      // facet, the filters (every facet's address and count), and each film's card: the
      // record, its page, and its reviews' titles, addresses, dates and ratings.
      const ReviewFacet& fc = facets_[o.ref];
      const Permalinks& links = config_.permalinks;
      parts += fc.kind + "\x1f" + fc.value + "\x1f" + fc.url + "\x1f" + links.review_index +
               "\x1f" + links.person + "\x1f" + links.film + "\x1e";
      for (const ReviewFacet& other : facets_) {
        parts += other.kind + "\x1f" + other.value + "\x1f" + other.url + "\x1f" +
                 std::to_string(other.films.size()) + "\x1e";
      }
      for (uint32_t f : fc.films) {
        const FilmRecord& r = records_.films[f];
        parts += "\x1d" + r.sort_text + "\x1f" + r.film.title + "\x1f" + FilmUrl(f) + "\x1f" +
                 std::to_string(r.film.year) + "\x1f" + r.film.original_title + "\x1f";
        for (const std::string& d : r.film.directors) parts += d + "\x1f";
        for (uint32_t i : r.reviews) {
          const Article& a = articles_[i];
          parts += "\x1e" + a.title + "\x1f" + article_urls_[i] + "\x1f" + std::to_string(a.date) +
                   "\x1f" + std::to_string(a.rating) + "/" + std::to_string(a.rating_max);
        }
      }
      break;
    }
    case OutputKind::kInterviewIndex:
      // What it shows (film_magazine.cc: RenderInterviewIndex): everyone interviewed, with each
      // interview's title, address, date and the job title it gives; not the whole archive.
      parts += config_.permalinks.interview_index + "\x1e";
      for (uint32_t p = 0; p < records_.people.size(); ++p) {
        const PersonRecord& r = records_.people[p];
        if (r.interviews.empty()) continue;
        parts += "\x1d" + r.name.display + "\x1f" + r.name.sort_text + "\x1f" + PersonUrl(p);
        for (uint32_t i : r.interviews) {
          const Article& a = articles_[i];
          parts += "\x1e" + a.title + "\x1f" + article_urls_[i] + "\x1f" + std::to_string(a.date) +
                   "\x1f" + (a.interviewee ? "\x1c" + a.interviewee->job_title : "");
        }
      }
      break;
    case OutputKind::kFestival:
    case OutputKind::kCollection:
    case OutputKind::kSearch:
      // Pages that draw on the whole archive: any change in it makes them again.
      parts += archive_fp_;
      if (o.kind == OutputKind::kCollection) {
        // Its own fields: the newsroom's saves keep the file's hash, and move `updated` on
        // (staff/editing.cc), which stands for the introduction they do not load here.
        const Article& c = collections_[o.ref];
        parts += c.source_hash + "\x1f" + c.title + "\x1f" + c.dek + "\x1f" +
                 std::to_string(c.updated) + "\x1f" + Join(c.items, "\x1e");
      }
      break;
  }
  return ContentHash(parts);
}

// Related articles: the same film first, then the same director, the same festival, shared
// tags. Computed once for the whole site from inverted indexes, not per page.
void Site::ComputeRelated() {
  const size_t n = articles_.size();
  related_.assign(n, {});
  std::unordered_map<std::string, std::vector<uint32_t>> postings;
  auto keys_of = [this](uint32_t i) {
    const Article& a = articles_[i];
    std::vector<std::pair<std::string, int>> keys;  // key, weight
    for (uint32_t f : records_.films_of_article[i]) {
      keys.emplace_back("film:" + std::to_string(f), 100);
      for (const std::string& d : records_.films[f].film.directors) {
        keys.emplace_back("person:" + Slugify(d), 30);
      }
    }
    if (a.interviewee) keys.emplace_back("person:" + Slugify(a.interviewee->name), 30);
    for (uint32_t e : editions_of_article_[i])
      keys.emplace_back("edition:" + std::to_string(e), 10);
    for (const std::string& t : a.tags) keys.emplace_back("tag:" + AsciiLower(t), 3);
    return keys;
  };
  std::vector<std::vector<std::pair<std::string, int>>> keys(n);
  for (uint32_t i = 0; i < n; ++i) {
    keys[i] = keys_of(i);
    for (const auto& [k, w] : keys[i]) postings[k].push_back(i);
  }
  // A tag on most of the archive says little: its weight falls with its size.
  ParallelFor(n, DefaultThreads(), nullptr, [&](unsigned, size_t i) {
    thread_local std::vector<int> score;
    thread_local std::vector<uint32_t> touched;
    if (score.size() != n) score.assign(n, 0);  // all zero again after each article
    touched.clear();
    for (const auto& [k, w] : keys[i]) {
      const auto& list = postings.at(k);
      int weight = w;
      if (k.rfind("tag:", 0) == 0 && list.size() > 50) {
        weight = std::max(1, static_cast<int>(w * 50 / list.size()));
        if (list.size() > 2000) continue;  // too common to tell anything apart
      }
      for (uint32_t j : list) {
        if (j == i) continue;
        if (score[j] == 0) touched.push_back(j);
        score[j] += weight;
      }
    }
    // Best score first; among equals the closest in time.
    auto better = [&](uint32_t x, uint32_t y) {
      if (score[x] != score[y]) return score[x] > score[y];
      int64_t dx = std::llabs(articles_[x].date - articles_[i].date);
      int64_t dy = std::llabs(articles_[y].date - articles_[i].date);
      return dx != dy ? dx < dy : x < y;
    };
    size_t k = std::min<size_t>(3, touched.size());
    std::partial_sort(touched.begin(), touched.begin() + static_cast<long>(k), touched.end(),
                      better);
    related_[i].assign(touched.begin(), touched.begin() + static_cast<long>(k));
    for (uint32_t j : touched) score[j] = 0;
  });
}

// Cards: each article as lists show it, made once when first asked for (CardOf); `html` is the
// card already rendered with the theme's partials/card.mustache, so that lists do not render it
// again and again. The first is made here, so that a theme whose card cannot be rendered is
// refused when the site is assembled.
Status Site::BuildCards() {
  const size_t n = articles_.size();
  card_parts_.clear();
  card_parts_.resize(n);
  card_made_ = std::make_unique<std::once_flag[]>(n);
  if (n == 0) return {};
  CardOf(0);
  return CardError();
}

const Site::CardParts& Site::CardOf(size_t i) const {
  std::call_once(card_made_[i], [&] {
    std::unique_ptr<ThemeRenderer> renderer;
    {
      std::lock_guard lock(card_renderers_mu_);
      if (!card_renderers_.empty()) {
        renderer = std::move(card_renderers_.back());
        card_renderers_.pop_back();
      }
    }
    if (!renderer) renderer = std::make_unique<ThemeRenderer>(theme_);
    Status made = MakeCard(i, *renderer, card_parts_[i]);
    std::lock_guard lock(card_renderers_mu_);
    card_renderers_.push_back(std::move(renderer));
    if (!made && card_error_) card_error_ = made;
  });
  return card_parts_[i];
}

Status Site::CardError() const {
  std::lock_guard lock(card_renderers_mu_);
  return card_error_;
}

Status Site::MakeCard(size_t i, ThemeRenderer& renderer, CardParts& out) const {
  const Article& a = articles_[i];
  TemplateData c;
  c.set("title", a.title);
  c.set("url", article_urls_[i]);
  if (!a.dek.empty()) {
    out.dek_text = MarkdownToText(a.dek);
    out.dek_html = RenderInlineMarkdown(a.dek);
    c.set("dek", out.dek_text);
    c.set("dek_html", out.dek_html);
  }
  c.set("date_iso", tz_.Iso(a.date));
  c.set("date_display", tz_.Display(a.date));
  c.set("kind", a.section);
  const Section& sec = sections_.at(a.section);
  c.set("section_title", sec.title);
  c.set("section_url", ExpandPermalink(config_.permalinks.section, {{"section", a.section}}));
  TemplateData authors{TemplateData::type::list};
  std::string authors_text;
  for (const std::string& id : a.author_ids) {
    auto it = authors_.find(id);
    if (it == authors_.end()) continue;
    TemplateData au;
    au.set("name", it->second.name);
    au.set("url", ExpandPermalink(config_.permalinks.author, {{"slug", id}}));
    authors.push_back(au);
    if (!authors_text.empty()) authors_text += " and ";
    authors_text += it->second.name;
  }
  if (!authors.is_empty_list()) c["authors"] = std::move(authors);
  if (!authors_text.empty()) c.set("authors_text", authors_text);
  if (a.image) {
    TemplateData img = ImageData(*a.image, StillOf(a.image->src));
    c["image"] = std::move(img);
  }
  if (a.film) c.set("film_title", a.film->title);
  if (a.rating > 0) c["rating"] = RatingData(a.rating, a.rating_max);
  Status status;
  if (auto html = renderer.RenderPartial("card", base_, c)) {
    if (*html) {
      c.set("html", **html);
    } else {
      status = html->error();
    }
  }
  // Every article appears in a dozen lists: their items carry only what lists need.
  TemplateData item;
  for (const char* key : {"html", "title", "url", "date_iso"}) {
    if (const TemplateData* v = c.get(key)) item.set(key, *v);
  }
  out.item = std::move(item);
  out.card = std::move(c);
  return status;
}

}  // namespace cinepress
