#include "app/app.h"

#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <future>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "app/newsletter_commands.h"
#include "app/payments_commands.h"
#include "bundle/bundle.h"
#include "core/config.h"
#include "core/gzip.h"
#include "core/mapped_file.h"
#include "core/parallel.h"
#include "core/process.h"
#include "core/serve_clock.h"
#include "core/slug.h"
#include "core/text.h"
#include "http/body_file.h"
#include "http/http_server.h"
#include "http/networks.h"
#include "ingest/site_data.h"
#include "mail/smtp_transport.h"
#include "render/html_text.h"
#include "render/markdown.h"
#include "shop/products.h"
#include "stills/stills.h"
#include "store/open_record_store.h"
#include "store/open_store.h"
#include "web/access_log.h"
#include "web/admin_api.h"
#include "web/admin_web.h"
#include "web/comments_web.h"
#include "web/contact_web.h"
#include "web/content_api.h"
#include "web/live_site.h"
#include "web/media_downloads.h"
#include "web/members_web.h"
#include "web/newsletter_web.h"
#include "web/openapi.h"
#include "web/payments_web.h"
#include "web/router.h"
#include "web/shop_web.h"
#include "web/workshops_web.h"
#include "webhooks/webhooks.h"
#include "workshops/materials.h"
#include "workshops/workshops.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStarterConfig =
    R"(# cinepress.toml: the magazine's settings. See the README for every option.
title = "My Film Magazine"
description = "Independent writing about film."
base_url = "http://127.0.0.1:8080"
language = "en"
timezone = "UTC"
theme = "default"
paginate = 20

[permalinks]
article = "/{section}/{slug}/"
page = "/{slug}/"
category = "/category/{slug}/"
tag = "/tag/{slug}/"
author = "/author/{slug}/"

# The main menu: the sections (content/reviews/, content/interviews/), the indexes of what you
# have reviewed and whom you have interviewed, and everything by date.
[[menus.main]]
name = "Reviews"
url = "/reviews/"

[[menus.main]]
name = "Interviews"
url = "/interviews/"

[[menus.main]]
name = "Indexes"
url = "/review-index/"

[[menus.main.children]]
name = "Review Index"
url = "/review-index/"

[[menus.main.children]]
name = "Interview Index"
url = "/interview-index/"

[[menus.main]]
name = "Archive"
url = "/archive/"

[[menus.main]]
name = "About"
url = "/about/"

[[menus.footer]]
name = "About"
url = "/about/"

[[menus.footer]]
name = "Archive"
url = "/archive/"

# Festivals you cover, and the tag that files an article under an edition (TIFF21 -> TIFF 2021):
# [[festivals]]
# slug = "tiff"
# name = "Toronto International Film Festival"
# short_name = "TIFF"
# tag = "TIFF{yy}"
# city = "Toronto"
# [[festivals.editions]]
# year = 2021
# start = 2021-09-09
# end = 2021-09-18

# Newsletters readers can join (docs/NEWSLETTERS.md), and the relay they go through:
# [smtp]
# url = "smtp://mail.example.net:587"   # smtps:// for implicit TLS
# username = "magazine"                 # the password from $CINEPRESS_SMTP_PASSWORD
# [[newsletters]]
# name = "The Weekly"
# slug = "weekly"
# from = "My Film Magazine <news@example.com>"
# schedule = "weekly"
# day = "friday"
# hour = 8
)";

// The sections the starter menu links to, each with its page before its first article.
constexpr const char* kStarterReviews = R"(---
title: "Reviews"
description: "New films, and old ones seen again."
---
)";

constexpr const char* kStarterInterviews = R"(---
title: "Interviews"
description: "Conversations with the people who make films."
---
)";

constexpr const char* kStarterAbout = R"(---
title: "About"
date: 2026-01-01
summary: "Who we are and what we write about."
---

This magazine is made with cinepress. Edit `content/about.md` to tell readers who you are,
then run `cinepress import . && cinepress build`.
)";

Result<std::unique_ptr<ContentStore>> OpenStore(const SiteFolder& site, const SiteConfig& config,
                                                bool create = true) {
  return OpenContentStore(site.database(), SiteStoreOptions(config, create));
}

}  // namespace

Result<std::unique_ptr<ContentStore>> OpenStore(const SiteFolder& site, bool create) {
  return OpenContentStore(site.database(), SiteStoreOptions(site, create));
}

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

Status RefuseExistingSite(const SiteFolder& site) {
  std::error_code ec;
  if (fs::exists(site.config(), ec)) {
    return Error{ErrorCode::kConflict,
                 "there is already a site here (cinepress.toml exists)",
                 site.config().string(),
                 0,
                 {}};
  }
  return {};
}

Status MakeStoreAndTheme(const SiteFolder& site, std::ostream& out) {
  auto store = OpenStore(site);
  if (!store) return store.error();
  auto theme = ExtractEmbedded("themes/default/", site.themes() / "default", false);
  if (!theme) return theme.error();
  out << "  " << StoreDescription(site.database(), SiteStoreOptions(site)) << " (the store)\n"
      << "  " << (site.themes() / "default").string() << "/ (" << *theme << " theme files)\n";
  return {};
}

}  // namespace

StoreOptions SiteStoreOptions(const SiteConfig& config, bool create) {
  StoreOptions options;
  options.url = config.store.url;
  if (!config.store.password_env.empty()) {
    const char* password = std::getenv(config.store.password_env.c_str());
    if (password != nullptr) options.password = password;
  }
  options.create = create;
  options.search_index = config.search;
  options.markdown_to_text = [](std::string_view md) { return MarkdownToText(md); };
  options.html_to_text = [](std::string_view html) { return HtmlToText(html); };
  return options;
}

Result<std::shared_ptr<const Theme>> NewsroomTemplates() {
  constexpr std::string_view kPrefix = "admin/";
  ThemeFiles files;
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path.starts_with(kPrefix)) {
      files.emplace(std::string(f.path.substr(kPrefix.size())), std::string(f.data));
    }
  }
  return Theme::FromFiles(files, "admin", AdminWeb::RequiredTemplates());
}

Status RequireStore(const SiteFolder& site, const StoreOptions& options) {
  if (StoreInstance(site.database(), options)) return {};
  return Error{ErrorCode::kNotFound,
               "no store here (run `cinepress init` or `import` first)",
               site.database().string(),
               0,
               {}};
}

StoreOptions SiteStoreOptions(const SiteFolder& site, bool create) {
  auto config = LoadSiteConfig(site.config());
  return SiteStoreOptions(config.ok() ? *config : SiteConfig{}, create);
}

Status InitSite(const SiteFolder& site, std::ostream& out) {
  if (auto s = RefuseExistingSite(site); !s) return s;
  if (auto s = WriteFile(site.config(), kStarterConfig); !s) return s;
  for (const auto& [path, text] : {std::pair{"content/about.md", kStarterAbout},
                                   {"content/reviews/_index.md", kStarterReviews},
                                   {"content/interviews/_index.md", kStarterInterviews}}) {
    if (auto s = WriteFile(site.root / path, text); !s) return s;
  }
  std::error_code ec;
  fs::create_directories(site.root / "static", ec);
  out << "init: made a new site in " << site.root.string() << "\n"
      << "  " << site.config().string() << "\n"
      << "  " << (site.root / "content").string() << "/\n";
  if (auto s = MakeStoreAndTheme(site, out); !s) return s;
  // The starter About page goes into the store, so that the new site builds whole at once.
  std::ostringstream quiet;
  auto report = ImportIntoSite(site, site.root, ImportOptions{}, quiet, quiet);
  if (!report) return report.error();
  return {};
}

Status CreateDemoSite(const SiteFolder& site, unsigned threads, std::ostream& out,
                      std::ostream& err) {
  if (auto s = RefuseExistingSite(site); !s) return s;
  auto files = ExtractEmbedded("demo/", site.root, false);
  if (!files) return files.error();
  if (*files == 0) return Error{ErrorCode::kInternal, "this cinepress was built without the demo"};
  out << "demo: made the demo magazine in " << site.root.string() << " (" << *files << " files)\n";
  if (auto s = MakeStoreAndTheme(site, out); !s) return s;
  ImportOptions options;
  options.threads = threads;
  auto report = ImportIntoSite(site, site.root, options, out, err);
  if (!report) return report.error();
  if (!report->problems.empty()) {
    return Error{ErrorCode::kInternal, "the built-in demo has problems (see above)"};
  }
  return {};
}

namespace {

// Makes the stills the store's images lack and drops those of images it no longer has
// (src/stills: each image's content is encoded once); says so when it did either.
Status PrepareSiteStills(ContentStore& store, std::ostream& out, std::ostream& err) {
  auto start = std::chrono::steady_clock::now();
  auto report = PrepareStills(store, StillOptions{});
  if (!report) return report.error();
  // Published as they are; named until they are fixed (each run tries them again).
  for (const Error& e : report->problems) err << "stills: " << e.ToString() << "\n";
  if (report->made || report->removed) {
    out << "stills: " << report->made << " images made in their widths and formats, "
        << report->kept << " kept, " << report->removed << " removed; " << std::fixed
        << std::setprecision(2) << Seconds(start) << " s\n";
  }
  return {};
}

Status PrepareSiteStills(const SiteFolder& site, const SiteConfig& config, std::ostream& out,
                         std::ostream& err) {
  auto store = OpenStore(site, config);
  if (!store) return store.error();
  return PrepareSiteStills(**store, out, err);
}

}  // namespace

Result<ImportReport> ImportIntoSite(const SiteFolder& site, const fs::path& folder,
                                    ImportOptions options, std::ostream& out, std::ostream& err) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  auto tz = TimeZone::Named(config->timezone);
  if (!tz) return tz.error();
  auto store = OpenStore(site, *config);
  if (!store) return store.error();
  for (const TierConfig& t : config->tiers) options.tiers.push_back(t.slug);
  options.film_permalink = config->permalinks.film;
  options.file_stats = site.root / ".cinepress-import-files";
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (tty && !options.progress) {
    options.progress = [&err](size_t done, size_t total) {
      err << "\rimport: reading files " << done << "/" << total << std::flush;
      if (done == total) err << "\n";
    };
  }
  auto start = std::chrono::steady_clock::now();
  // The shop's products and the workshops are checked with the rest: a problem in one writes
  // nothing at all.
  std::vector<Error> shop_problems;
  const ShopFolder shop = ReadShopFolder(folder, options.tiers, shop_problems);
  const WorkshopsFolder workshops = ReadWorkshopsFolder(
      folder, WorkshopRules{&*tz, options.tiers, PeopleSlugs(folder)}, shop_problems);
  const RecordEdits records = ReadRecordData(folder, *tz, shop_problems);
  if (!shop_problems.empty() && !options.skip_invalid) {
    ImportReport refused;
    refused.problems = std::move(shop_problems);
    for (const Error& e : refused.problems) err << e.ToString() << "\n";
    err << "import: " << refused.problems.size()
        << (refused.problems.size() == 1 ? " problem" : " problems")
        << " in the shop, the workshops or the records; nothing was written (fix them, or import "
           "the valid "
           "files with "
           "--skip-invalid)\n";
    return refused;
  }
  auto report = ImportFolder(**store, folder, *tz, options);
  if (!report) return report.error();
  for (Error& e : shop_problems) report->problems.push_back(std::move(e));
  for (const Error& e : report->problems) err << e.ToString() << "\n";
  if (!report->problems.empty() && !report->written) {
    err << "import: " << report->problems.size()
        << (report->problems.size() == 1 ? " problem" : " problems")
        << "; nothing was written (fix them, or import the valid files with --skip-invalid)\n";
    return report;
  }
  out << "import: " << report->added << " added, " << report->updated << " updated, "
      << report->unchanged << " unchanged, " << report->removed << " removed";
  if (report->skipped) out << ", " << report->skipped << " skipped (invalid)";
  out << "\nimport: media " << report->media_added << " added, " << report->media_updated
      << " updated, " << report->media_unchanged << " unchanged, " << report->media_removed
      << " removed; " << report->authors_saved << " authors, " << report->people_saved
      << " people and " << report->sections_saved << " sections saved; " << std::fixed
      << std::setprecision(2) << Seconds(start) << " s\n";
  if (report->podcasts_saved + report->podcasts_removed + report->podcast_media_saved) {
    out << "import: podcasts " << report->podcasts_saved << " shows and episodes saved, "
        << report->podcasts_removed << " removed; " << report->podcast_media_saved
        << " of their files saved\n";
  }
  if (report->site_data_saved) {
    out << "import: " << report->site_data_saved
        << " menus, redirects, old addresses, terms and media details saved (data/*.yaml)\n";
  }
  if (report->written && !shop.products.empty()) {
    auto shop_store = OpenShopStore(site.database(), SiteStoreOptions(*config, true));
    if (!shop_store) return shop_store.error();
    auto counts = WriteProducts(**shop_store, **store, shop, options.prune);
    if (!counts) return counts.error();
    out << "import: shop " << counts->saved << " products saved, " << counts->removed
        << " removed\n";
  }
  if (report->written && !workshops.workshops.empty()) {
    auto workshop_store = OpenWorkshopStore(site.database(), SiteStoreOptions(*config, true));
    if (!workshop_store) return workshop_store.error();
    auto counts = WriteWorkshops(**workshop_store, **store, workshops, options.prune);
    if (!counts) return counts.error();
    out << "import: workshops " << counts->saved << " saved, " << counts->removed << " removed\n";
  }
  if (report->written && !records.empty()) {
    auto record_store = OpenRecordStore(site.database(), SiteStoreOptions(*config, true));
    if (!record_store) return record_store.error();
    auto saved = WriteRecordData(**record_store, records);
    if (!saved) return saved.error();
    out << "import: " << *saved << " film and person records saved (data/*_records.yaml)\n";
  }
  if (const size_t moved = report->moved_films.size(); moved) {
    out << "import: " << moved << (moved == 1 ? " film page moved" : " film pages moved")
        << " (a year or title changed); the old addresses redirect to the new ones\n";
    // The newsroom's records of the moved films follow them to their new addresses.
    auto records = OpenRecordStore(site.database(), SiteStoreOptions(*config, true));
    if (!records) return records.error();
    if (auto st = (*records)->MoveFilmEdits(report->moved_films); !st) return st.error();
  }
  if (auto st = PrepareSiteStills(**store, out, err); !st) return st.error();
  return report;
}

namespace {

// A secret of the site's (made the first time it is asked for), from the store.
Result<std::string> SiteSecretOf(const SiteFolder& site, const char* name, size_t bytes) {
  auto secrets = OpenNewsletterStore(site.database(), SiteStoreOptions(site));
  if (!secrets) return secrets.error();
  return (*secrets)->SiteSecret(name, bytes);
}

// The shop's routes for `serve`; null (and said on `err`) when its store cannot be opened.
std::unique_ptr<ShopWeb> StartShopWeb(const SiteFolder& site, LiveSite& live, MembersWeb& members,
                                      const std::function<void(const std::string&)>& log,
                                      std::ostream& err) {
  ShopWebOptions s;
  s.site = [&live] { return live.CurrentSite(); };
  s.open_store = [site] { return OpenShopStore(site.database(), SiteStoreOptions(site)); };
  s.private_media = [&live](const HttpRequest& req, const std::string& path,
                            const std::string& type) { return live.PrivateMedia(req, path, type); };
  auto config = LoadSiteConfig(site.config());
  if (config && config->payments.enabled()) {
    s.open_stripe = [c = *config] { return OpenSiteStripe(c); };
  }
  auto key = SiteSecretOf(site, kDownloadSecretName, kDownloadSecretBytes);
  if (!key) {
    err << "serve: shop: " << key.error().ToString() << " (the shop is off)\n";
    return nullptr;
  }
  s.download_key = *key;
  s.checkout.automatic_tax = config && config->payments.automatic_tax;
  s.message = [&members, &live](int status, const std::string& heading,
                                const std::string& message) {
    return members.Message(*live.CurrentSite(), status, heading, message);
  };
  s.log = log;
  s.now = [] { return ServeNow(); };  // tests move it a week on (core/serve_clock.h)
  auto shop = std::make_unique<ShopWeb>(s);
  if (auto started = shop->Start(); !started) {
    err << "serve: shop: " << started.error().ToString() << " (the shop is off)\n";
    return nullptr;
  }
  return shop;
}

// A purpose's part of Stripe's verified events (WorkshopsWeb::ApplyEvent), for the payments
// webhook: the mail it asks to queue.
template <class Web>
std::function<Result<std::vector<MailMessage>>(std::string_view, int64_t)> PurposeEvents(Web& web) {
  return [&web](std::string_view payload, int64_t now) -> Result<std::vector<MailMessage>> {
    auto outcome = web.ApplyEvent(payload, now);
    if (!outcome) return outcome.error();
    return std::move(outcome->mail);
  };
}

// The workshops' routes for `serve`; null (and said on `err`) when its store cannot be opened.
std::unique_ptr<WorkshopsWeb> StartWorkshopsWeb(
    const SiteFolder& site, LiveSite& live, MembersWeb& members,
    const std::function<Status(const MailMessage&)>& send,
    const std::function<void(const std::string&)>& log, std::ostream& err) {
  WorkshopsWebOptions w;
  w.site = [&live] { return live.CurrentSite(); };
  w.open_store = [site] { return OpenWorkshopStore(site.database(), SiteStoreOptions(site)); };
  auto config = LoadSiteConfig(site.config());
  if (config && config->payments.enabled()) {
    w.open_stripe = [c = *config] { return OpenSiteStripe(c); };
  }
  w.send = send;
  w.private_media = [&live](const HttpRequest& req, const std::string& path,
                            const std::string& type) { return live.PrivateMedia(req, path, type); };
  auto key = SiteSecretOf(site, kMaterialSecretName, kMaterialSecretBytes);
  if (!key) {
    err << "serve: workshops: " << key.error().ToString() << " (registration is off)\n";
    return nullptr;
  }
  w.material_key = *key;
  w.message = [&members, &live](int status, const std::string& heading,
                                const std::string& message) {
    return members.Message(*live.CurrentSite(), status, heading, message);
  };
  w.log = log;
  w.now = [] { return NowSeconds(); };
  auto workshops = std::make_unique<WorkshopsWeb>(w);
  if (auto started = workshops->Start(); !started) {
    err << "serve: workshops: " << started.error().ToString() << " (registration is off)\n";
    return nullptr;
  }
  return workshops;
}

}  // namespace

namespace {

// Sets `article = "PATTERN"` in the [permalinks] table of cinepress.toml, keeping the rest of
// the file as the writer wrote it.
Status SetArticlePermalink(const fs::path& config, const std::string& pattern) {
  auto text = ReadFile(config);
  if (!text) return text.error();
  std::istringstream in(*text);
  std::string line, out;
  bool in_table = false, done = false;
  const std::string setting = "article = \"" + pattern + "\"  # the old WordPress addresses";
  while (std::getline(in, line)) {
    std::string_view t = Trim(line);
    if (!t.empty() && t[0] == '[') {
      if (in_table && !done) {
        out += setting + "\n";
        done = true;
      }
      in_table = t == "[permalinks]";
    } else if (in_table && !done && t.rfind("article", 0) == 0 &&
               Trim(t.substr(7)).rfind("=", 0) == 0) {
      out += setting + "\n";
      done = true;
      continue;
    }
    out += line + "\n";
  }
  if (in_table && !done) {
    out += setting + "\n";
    done = true;
  }
  if (!done) out += "\n[permalinks]\n" + setting + "\n";
  return WriteFile(config, out);
}

}  // namespace

Result<WordPressReport> ImportWordPressIntoSite(const SiteFolder& site, const fs::path& file,
                                                WordPressOptions options, bool json,
                                                std::ostream& out, std::ostream& err) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  auto tz = TimeZone::Named(config->timezone);
  if (!tz) return tz.error();
  auto store = OpenStore(site, *config);
  if (!store) return store.error();
  options.permalinks = config->permalinks;
  if (options.now == 0) options.now = NowSeconds();
  if (!IsValidSlug(options.section)) {
    return Error{
        ErrorCode::kInvalidInput,
        "\"" + options.section + "\" cannot be a section: use lowercase letters, digits and dashes",
        {},
        0,
        "--section"};
  }
  if (!options.progress && ::isatty(STDERR_FILENO) != 0) {
    options.progress = [&err](const std::string& line) {
      err << "import-wordpress: " << line << "\n";
    };
  }
  auto start = std::chrono::steady_clock::now();
  auto report = ImportWordPress(**store, file, *tz, options);
  if (!report) return report.error();
  if (auto st = PrepareSiteStills(**store, err, err); !st) return st.error();
  if (options.keep_permalinks && !report->wordpress_permalinks.empty() &&
      report->wordpress_permalinks != config->permalinks.article) {
    if (auto s = SetArticlePermalink(site.config(), report->wordpress_permalinks); !s) {
      return s.error();
    }
    err << "import-wordpress: cinepress.toml: [permalinks] article = \""
        << report->wordpress_permalinks << "\"\n";
  }
  if (json) {
    out << report->ToJson() << "\n";
  } else {
    out << report->ToText() << "import-wordpress: " << std::fixed << std::setprecision(2)
        << Seconds(start) << " s\n";
  }
  // The stored menus serve only where cinepress.toml has none: say so when it has.
  if (report->menus.found > 0 && (!config->menu_main.empty() || !config->menu_footer.empty())) {
    err << "import-wordpress: cinepress.toml defines "
        << (!config->menu_main.empty() ? "[[menus.main]]" : "[[menus.footer]]")
        << ", so the site shows it rather than the WordPress menus kept in the store "
           "(remove it to use them; see docs/WORDPRESS.md)\n";
  }
  return report;
}

namespace {

// Each article's comments_stamp, from the store's comments (its page shows them).
Status StampComments(ContentStore& store, std::vector<Article>& articles) {
  auto stamps = store.CommentStamps();
  if (!stamps) return stamps.error();
  std::unordered_map<int64_t, std::string> by_id(stamps->begin(), stamps->end());
  for (Article& a : articles) {
    if (auto it = by_id.find(a.id); it != by_id.end()) a.comments_stamp = std::move(it->second);
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<const Site>> LoadSite(const SiteFolder& site, int64_t now) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  auto tz = TimeZone::Named(config->timezone);
  if (!tz) return tz.error();
  // The theme's files are read and compiled on another core while the store loads.
  auto theme_loading = std::async(std::launch::async, [&site, &config] {
    return Theme::Load(site.themes() / config->theme, "themes/" + config->theme);
  });
  auto store = OpenStore(site, *config);
  if (!store) return store.error();
  auto aliases = (*store)->LoadAliases();
  if (!aliases) return aliases.error();
  auto articles = (*store)->LoadArticles(false);
  if (!articles) return articles.error();
  if (auto s = StampComments(**store, *articles); !s) return s.error();
  auto authors = (*store)->LoadAuthors();
  if (!authors) return authors.error();
  auto sections = (*store)->LoadSections();
  if (!sections) return sections.error();
  auto media = (*store)->LoadMediaList();
  if (!media) return media.error();
  auto stills = LoadStills(**store, *media);
  if (!stills) return stills.error();
  auto redirects = (*store)->LoadRedirects();
  if (!redirects) return redirects.error();
  auto people = (*store)->LoadPeople();
  if (!people) return people.error();
  // The newsroom's film and person records win over what the articles and files say.
  auto records = OpenRecordStore(site.database(), SiteStoreOptions(*config));
  if (!records) return records.error();
  auto edits = (*records)->LoadRecordEdits();
  if (!edits) return edits.error();
  for (const auto& [old_slug, new_slug] : ApplyRecordEdits(*articles, *people, *edits, now)) {
    const std::string from = ExpandPermalink(config->permalinks.film, {{"slug", old_slug}});
    const std::string to = ExpandPermalink(config->permalinks.film, {{"slug", new_slug}});
    for (UrlRedirect& r : *redirects) {
      if (r.article_id == 0 && r.to == from) r.to = to;  // no chains
    }
    redirects->push_back(UrlRedirect{from, 0, to});
  }
  PodcastContent podcasts;
  auto shows = (*store)->LoadPodcastShows();
  if (!shows) return shows.error();
  auto episodes = (*store)->LoadPodcastEpisodes();
  if (!episodes) return episodes.error();
  podcasts.shows = std::move(*shows);
  podcasts.episodes = std::move(*episodes);
  auto shop = OpenShopStore(site.database(), SiteStoreOptions(*config));
  if (!shop) return shop.error();
  auto products = (*shop)->LoadProducts();
  if (!products) return products.error();
  auto workshop_store = OpenWorkshopStore(site.database(), SiteStoreOptions(*config));
  if (!workshop_store) return workshop_store.error();
  auto workshops = (*workshop_store)->LoadWorkshops();
  if (!workshops) return workshops.error();
  // Menus kept in the store (imported from WordPress) serve when cinepress.toml has none.
  auto menus = (*store)->LoadMenus();
  if (!menus) return menus.error();
  auto theme = theme_loading.get();
  if (!theme) return theme.error();
  for (const StoredMenu& m : *menus) {
    if (m.role == "main" && config->menu_main.empty()) config->menu_main = m.items;
    if (m.role == "footer" && config->menu_footer.empty()) config->menu_footer = m.items;
  }
  return Site::Assemble(std::move(*config), std::move(*tz), std::move(*theme), std::move(*articles),
                        std::move(*authors), std::move(*sections), std::move(*media), now,
                        std::move(*aliases), std::move(*redirects), std::move(*people),
                        std::move(podcasts), std::move(*products), std::move(*stills),
                        std::move(*workshops), edits->people);
}

namespace {

// What the live site must notice: the store's content (waited for on one long-lived connection:
// on PostgreSQL its notifications, so that a change on any node is seen at once), the store
// file itself (replaced or gone), the config and the theme's files.
class ChangeProbe {
 public:
  explicit ChangeProbe(SiteFolder site) : site_(std::move(site)) {}

  Result<std::string> Version(std::chrono::milliseconds wait) {
    auto instance = StoreInstance(site_.database(), SiteStoreOptions(site_, false));
    if (!instance) {
      store_.reset();
      return instance.error();
    }
    if (!store_ || *instance != instance_) {
      auto s = OpenStore(site_, false);
      if (!s) return s.error();
      store_ = std::move(*s);  // its first wait says "changed": the site is loaded again
      instance_ = *instance;
    }
    auto changed = store_->WaitForChange(wait);
    if (!changed) {
      store_.reset();  // a lost connection: a new one next time
      return changed.error();
    }
    if (*changed) ++changes_;
    std::string token = instance_ + ":" + std::to_string(changes_);
    std::error_code ec;
    auto stamp = [&](const fs::path& p) {
      auto t = fs::last_write_time(p, ec);
      token += ":" + std::to_string(ec ? 0 : t.time_since_epoch().count());
    };
    stamp(site_.config());
    for (auto it = fs::recursive_directory_iterator(site_.themes(), ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      stamp(it->path());
    }
    return token;
  }

 private:
  SiteFolder site_;
  std::unique_ptr<ContentStore> store_;
  std::string instance_;  // StoreInstance: a new one (a restored file) is opened again
  int64_t changes_ = 0;   // the waits that said "changed"
};

}  // namespace

Status ServeSite(const SiteFolder& site, const ServeOptions& options, std::ostream& out,
                 std::ostream& err) {
  // Signals are taken by this thread alone (sigwait below); the server's threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::error_code ec;
  if (!fs::exists(site.config(), ec)) {
    return Error{ErrorCode::kNotFound, "not a site folder (no cinepress.toml)", site.root.string()};
  }
  if (auto config = LoadSiteConfig(site.config()); config) {
    // Images stored by a program older than stills (an import makes them since): made before
    // the first page is served. A config that does not load is reported below, by the load.
    if (auto st = PrepareSiteStills(site, *config, out, err); !st) return st.error();
  }
  auto probe = std::make_shared<ChangeProbe>(site);
  LiveSiteOptions live_options;
  live_options.load = [site] { return LoadSite(site, NowSeconds()); };
  live_options.open_store = [site] {
    // The live site's searches: from this node's search mirror when the config keeps it on.
    auto config = LoadSiteConfig(site.config());
    StoreOptions store = SiteStoreOptions(config.ok() ? *config : SiteConfig{}, false);
    if (config.ok() && config->store.search_mirror) {
      store.search_mirror = StoreOptions::Mirror::kBackground;
    }
    return OpenContentStore(site.database(), store);
  };
  live_options.version = [probe](std::chrono::milliseconds wait) { return probe->Version(wait); };
  live_options.cache_bytes = options.cache_mb * 1024 * 1024;
  // Set once the members' pages exist (below): the institutions' usage counts.
  std::function<void(const ReaderRights&, const std::string&, bool)> count_view;
  live_options.restricted_view = [&count_view](const ReaderRights& r, const std::string& url,
                                               bool opened) {
    if (count_view) count_view(r, url, opened);
  };
  LiveSite live(live_options);
  if (auto s = live.Start(); !s) {
    err << "serve: " << s.error().ToString() << " (serving 503 until it is fixed)\n";
  }

  // The newsletter pages (/newsletters/…): sign-up, confirm, unsubscribe, preferences.
  NewsletterWebOptions newsletter_options;
  newsletter_options.site = [&live] { return live.CurrentSite(); };
  newsletter_options.open_store = [site] {
    return OpenNewsletterStore(site.database(), SiteStoreOptions(site));
  };
  {
    auto config = LoadSiteConfig(site.config());
    SmtpOptions smtp = SmtpOptionsFor(config ? config->smtp : SmtpConfig{});
    newsletter_options.mail = [smtp] { return OpenSmtpTransport(smtp); };
    newsletter_options.retry.max_attempts = (config ? config->smtp : SmtpConfig{}).max_attempts;
  }
  std::mutex log_mu;
  newsletter_options.log = [&err, &log_mu](const std::string& line) {
    std::lock_guard lock(log_mu);
    err << "serve: " << line << std::endl;
  };
  NewsletterWeb newsletters(newsletter_options);
  if (auto s = newsletters.Start(); !s) {
    err << "serve: newsletters: " << s.error().ToString() << "\n";
  }
  NewsletterScheduler scheduler(site, out, err);
  scheduler.Start();

  // Webhooks ([[webhooks]]): the Admin API and the newsroom queue their
  // events with their changes, the members' pages and the Admin API the members' events;
  // this thread sends them, retries and gives up, on every node (claims are leased).
  WebhookSenderOptions webhook_options;
  // As cinepress.toml has them now: the live site reads the file again within a second of a
  // change (`cinepress webhooks add` and `remove` edit it); before the site is loaded, as the
  // file had them at start.
  std::vector<WebhookConfig> start_hooks;
  if (auto config = LoadSiteConfig(site.config())) start_hooks = config->webhooks;
  webhook_options.hooks = [&live, start_hooks] {
    auto current = live.CurrentSite();
    return current ? current->config().webhooks : start_hooks;
  };
  webhook_options.open_store = [site] {
    return OpenContentStore(site.database(), SiteStoreOptions(site));
  };
  webhook_options.poster = OpenCurlPoster(std::chrono::seconds(10));
  webhook_options.now = [] { return NowSeconds(); };
  webhook_options.log = newsletter_options.log;
  WebhookSender webhook_sender(webhook_options);
  webhook_sender.Start();
  const MemberEventHook member_events =
      MemberWebhooks(webhook_options.hooks, [] { return NowSeconds(); });

  // The shop (made after the members' pages, whose messages it shows; My account lists its
  // ebooks through it).
  std::unique_ptr<ShopWeb> shop;
  std::unique_ptr<WorkshopsWeb> workshops;
  // Readers' accounts: who a request's reader is (sessions, institutions), the account pages.
  MembersWebOptions members_options;
  members_options.site = [&live] { return live.CurrentSite(); };
  members_options.open_store = [site] {
    return OpenMemberStore(site.database(), SiteStoreOptions(site));
  };
  members_options.open_newsletter_store = [site] {
    return OpenNewsletterStore(site.database(), SiteStoreOptions(site));
  };
  members_options.send = [&newsletters](const MailMessage& m) { return newsletters.Queue(m); };
  members_options.member_events = member_events;
  members_options.wake_webhooks = [&webhook_sender] { webhook_sender.Wake(); };
  members_options.private_feed = [&live](const HttpRequest& req, const ReaderRights& rights) {
    return live.PrivateFeed(req, rights);
  };
  members_options.private_podcast = [&live](const HttpRequest& req, const ReaderRights& rights,
                                            const std::string& prefix, std::string_view rest) {
    return live.PrivatePodcast(req, rights, prefix, rest);
  };
  members_options.downloads = [&shop](const std::string& email, const ReaderRights& rights) {
    return shop ? shop->AccountDownloads(email, rights) : TemplateData{TemplateData::type::list};
  };
  members_options.workshops = [&workshops](int64_t member_id, const std::string& email) {
    return workshops ? workshops->AccountWorkshops(member_id, email)
                     : TemplateData{TemplateData::type::list};
  };
  MembersWeb members(members_options);
  if (auto s = members.Start(); !s) err << "serve: members: " << s.error().ToString() << "\n";
  count_view = [&members](const ReaderRights& r, const std::string& url, bool opened) {
    members.CountRestrictedView(r, url, opened);
  };

  // The shop: the Buy buttons (when payments are on), ebooks' downloads, and its part of
  // Stripe's events.
  shop = StartShopWeb(site, live, members, newsletter_options.log, err);
  // The workshops: Register and the waitlist, and their part of Stripe's events.
  workshops = StartWorkshopsWeb(
      site, live, members, [&newsletters](const MailMessage& m) { return newsletters.Queue(m); },
      newsletter_options.log, err);

  // Payments ([payments] provider = "stripe"): checkout, the portal, Stripe's webhook.
  std::unique_ptr<PaymentsWeb> payments;
  if (auto config = LoadSiteConfig(site.config()); config && config->payments.enabled()) {
    PaymentsWebOptions p;
    p.site = [&live] { return live.CurrentSite(); };
    p.open_store = [site] { return OpenMemberStore(site.database(), SiteStoreOptions(site)); };
    p.open_stripe = [c = *config] { return OpenSiteStripe(c); };
    const char* secret = std::getenv("STRIPE_WEBHOOK_SECRET");
    p.webhook_secret = secret ? secret : "";
    if (p.webhook_secret.empty()) {
      err << "serve: payments: STRIPE_WEBHOOK_SECRET is not set: Stripe's events are refused\n";
    }
    p.send = [&newsletters](const MailMessage& m) { return newsletters.Queue(m); };
    p.mail_queued = [&newsletters] { newsletters.MailQueued(); };
    p.member_events = member_events;
    p.wake_webhooks = [&webhook_sender] { webhook_sender.Wake(); };
    if (shop) {
      // The shop queues its mail (receipts, download links) in its own transaction.
      p.purpose_events.push_back(
          [&shop_web = *shop, &newsletters](std::string_view payload,
                                            int64_t now) -> Result<std::vector<MailMessage>> {
            auto outcome = shop_web.ApplyEvent(payload, now);
            if (!outcome) return outcome.error();
            if (outcome->queued > 0) newsletters.MailQueued();
            return std::vector<MailMessage>{};
          });
    }
    if (workshops) p.purpose_events.push_back(PurposeEvents(*workshops));
    p.message = [&members, &live](int status, const std::string& heading,
                                  const std::string& message) {
      return members.Message(*live.CurrentSite(), status, heading, message);
    };
    p.page = [&members, &live](int status, const std::string& url, const std::string& heading,
                               const std::string& template_name, const TemplateData& view) {
      return members.Page(*live.CurrentSite(), status, url, heading, template_name, view);
    };
    p.log = newsletter_options.log;
    p.now = [] { return NowSeconds(); };
    payments = std::make_unique<PaymentsWeb>(p);
    if (auto s = payments->Start(); !s) {
      err << "serve: payments: " << s.error().ToString() << " (payments are off)\n";
      payments.reset();
    }
  }

  // The contact and pitch forms ([contact]): /contact/, /contribute/, into the inbox.
  ContactWebOptions contact_options;
  contact_options.site = [&live] { return live.CurrentSite(); };
  contact_options.open_store = [site] {
    return OpenInboxStore(site.database(), SiteStoreOptions(site));
  };
  contact_options.open_content = [site] {
    return OpenContentStore(site.database(), SiteStoreOptions(site));
  };
  contact_options.secret = [site]() -> Result<std::string> {
    auto store = OpenNewsletterStore(site.database(), SiteStoreOptions(site));
    if (!store) return store.error();
    return (*store)->SiteSecret("contact-forms", 32);
  };
  contact_options.send = [&newsletters](const MailMessage& m) { return newsletters.Queue(m); };
  contact_options.fallback = [&live](RequestContext& ctx) {
    return live.Handle(ctx.request, ctx.rights);
  };
  contact_options.log = newsletter_options.log;
  ContactWeb contact(contact_options);
  if (auto s = contact.Start(); !s) err << "serve: contact: " << s.error().ToString() << "\n";

  // Readers' comments ([comments]): the form's pages, posting, a member's own comments.
  CommentsWebOptions comments_options;
  comments_options.site = [&live] { return live.CurrentSite(); };
  comments_options.open_store = contact_options.open_content;
  comments_options.open_member_store = members_options.open_store;
  comments_options.page = [&members, &live](
                              int status, const std::string& url, const std::string& heading,
                              const std::string& template_name, const TemplateData& view) {
    return members.Page(*live.CurrentSite(), status, url, heading, template_name, view);
  };
  comments_options.mail_queued = [&newsletters] { newsletters.MailQueued(); };
  comments_options.now = [] { return NowSeconds(); };
  comments_options.log = newsletter_options.log;
  CommentsWeb comments(comments_options);
  const Status comments_started = comments.Start();
  if (!comments_started) {
    err << "serve: comments: " << comments_started.error().ToString() << " (comments are off)\n";
  }

  // The newsroom (/admin/): staff sign-in and pages, with its own templates built into the
  // program.
  AdminWebOptions admin_options;
  admin_options.site = [&live] { return live.CurrentSite(); };
  admin_options.open_staff_store = [site] {
    return OpenStaffStore(site.database(), SiteStoreOptions(site));
  };
  admin_options.open_content_store = [site] {
    return OpenContentStore(site.database(), SiteStoreOptions(site));
  };
  admin_options.open_record_store = [site] {
    return OpenRecordStore(site.database(), SiteStoreOptions(site));
  };
  admin_options.open_member_store = members_options.open_store;
  admin_options.open_newsletter_store = members_options.open_newsletter_store;
  admin_options.open_inbox_store = contact_options.open_store;
  admin_options.send = contact_options.send;  // the outbox: replies, newsletter tests
  admin_options.now = [] { return NowSeconds(); };
  // Uploads arrive in the site's folder, never elsewhere; what a crash left there goes now.
  admin_options.upload_folder = site.root / ".cinepress-uploads";
  fs::remove_all(admin_options.upload_folder, ec);
  admin_options.webhooks = webhook_options.hooks;
  admin_options.wake_webhooks = [&webhook_sender] { webhook_sender.Wake(); };
  admin_options.config_file = site.config();
  std::optional<AdminWeb> admin;
  if (auto templates = NewsroomTemplates(); !templates) {
    err << "serve: newsroom: " << templates.error().ToString() << "\n";
  } else {
    admin_options.templates = std::move(*templates);
    admin.emplace(admin_options);
    if (auto s = admin->Start(); !s) {
      err << "serve: newsroom: " << s.error().ToString() << "\n";
      admin.reset();
    }
  }

  // The Content API (/api/content/, docs/API.md) over the site as served, and its OpenAPI
  // document.
  ContentApiOptions content_api_options;
  content_api_options.site = [&live] { return live.CurrentSite(); };
  content_api_options.open_content_store = admin_options.open_content_store;
  content_api_options.open_staff_store = admin_options.open_staff_store;
  ContentApi content_api(content_api_options);
  AdminApiOptions admin_api_options;
  admin_api_options.site = content_api_options.site;
  admin_api_options.open_content_store = admin_options.open_content_store;
  admin_api_options.open_staff_store = admin_options.open_staff_store;
  admin_api_options.now = [] { return NowSeconds(); };
  admin_api_options.upload_folder = admin_options.upload_folder;
  admin_api_options.webhooks = webhook_options.hooks;
  admin_api_options.wake_webhooks = [&webhook_sender] { webhook_sender.Wake(); };
  admin_api_options.open_member_store = members_options.open_store;
  admin_api_options.open_newsletter_store = members_options.open_newsletter_store;
  admin_api_options.send = members_options.send;
  admin_api_options.member_events = member_events;
  admin_api_options.stills = admin_options.stills;
  AdminApi admin_api(admin_api_options);

  std::unique_ptr<AccessLog> access_log;
  if (options.access_log != "off") {
    auto log = AccessLog::Open(options.access_log);
    if (!log) return log.error();
    access_log = std::move(*log);
  }
  ServerOptions server_options;
  server_options.listen = options.listen;
  server_options.threads = options.threads;
  server_options.pin_threads = options.pin_threads;
  server_options.batch_scheduling = options.batch_scheduling;
  server_options.trusted_proxies = options.trusted_proxies;
  {
    // [headers] as cinepress.toml has it at start (a change needs a restart); the defaults when
    // it cannot be read.
    auto config = LoadSiteConfig(site.config());
    server_options.headers = SecurityHeaders(config ? *config : SiteConfig{});
  }
  {
    // The pitch form carries a file of up to [contact] max_file_kb, the media library's upload
    // files of up to [staff] max_upload_mb (the form's other fields besides: 256 KiB), streamed
    // into a file in the site's folder as they arrive; every other path keeps 1 MB.
    auto config = LoadSiteConfig(site.config());
    if (config && config->contact.enabled) {
      server_options.body_limits.emplace_back(
          "/contribute/", static_cast<size_t>(config->contact.max_file_bytes) + 256 * 1024);
    }
    const int upload_mb = config ? config->staff.max_upload_mb : StaffConfig{}.max_upload_mb;
    server_options.body_limits.emplace_back(
        "/admin/media/upload/", static_cast<size_t>(upload_mb) * 1024 * 1024 + 256 * 1024);
    // Who sends an upload is checked from its head before a byte of it is written: a stranger's
    // body is refused (the route's own answer) and dropped, never kept in the site's folder.
    using Refuse = std::function<std::optional<HttpResponse>(const HttpRequest&)>;
    auto upload_sink = [folder = admin_options.upload_folder](Refuse refuse) -> BodySinkFactory {
      return [folder, refuse](const HttpRequest& head) -> Result<SinkOrAnswer> {
        if (auto refused = refuse(head)) return SinkOrAnswer(std::move(*refused));
        auto file = BodyFile::Create(folder);
        if (!file) return file.error();
        return SinkOrAnswer(std::shared_ptr<BodySink>(std::move(*file)));
      };
    };
    server_options.body_sinks.emplace_back(
        "/admin/media/upload/", upload_sink([&admin](const HttpRequest& head) {
          if (admin) return admin->RefuseUpload(head);
          return std::optional<HttpResponse>(TextResponse(404, "Not found\n"));
        }));
    // The Admin API's upload likewise, streamed; a file over the limit within the slack is
    // answered 413 FILE_TOO_LARGE in JSON, a body beyond it by the server's own 413.
    server_options.body_limits.emplace_back(
        "/api/admin/images/upload/", static_cast<size_t>(upload_mb) * 1024 * 1024 + 256 * 1024);
    server_options.body_sinks.emplace_back("/api/admin/images/upload/",
                                           upload_sink([&admin_api](const HttpRequest& head) {
                                             return admin_api.RefuseUpload(head);
                                           }));
  }
  server_options.max_connections = options.max_connections;
  server_options.max_connections_per_ip = options.max_connections_per_ip;
  server_options.header_timeout = std::chrono::seconds(options.header_timeout_s);
  server_options.idle_timeout = std::chrono::seconds(options.idle_timeout_s);
  // /metrics tells a stranger too much (traffic, errors, cache sizes): it is for the networks
  // allowed, and for the metrics listener, which is meant to be reachable by the scraper alone.
  auto metrics_allowed = NetworkList::Parse(options.metrics_allow, "--metrics-allow");
  if (!metrics_allowed) return metrics_allowed.error();
  HttpServer* server_ptr = nullptr;
  auto metrics = [&live, &server_ptr, &newsletters,
                  &payments](const HttpRequest& req) -> std::optional<HttpResponse> {
    if (req.Path() != "/metrics" || (req.method != "GET" && req.method != "HEAD")) return {};
    HttpResponse r;
    r.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.Set("Cache-Control", "no-store");
    r.body = std::make_shared<const std::string>(
        live.MetricsText(server_ptr ? server_ptr->open_connections() : 0) +
        newsletters.MetricsText() + (payments ? payments->MetricsText() : std::string()));
    r.label = "metrics";
    return r;
  };
  // Every request goes through one router: its middleware finds the reader's rights (and checks
  // forms), then the route's handler answers; what no route claims is the site itself.
  Router router;
  members.Mount(router);
  if (payments) payments->Mount(router);
  if (shop) shop->Mount(router);
  if (workshops) workshops->Mount(router);
  if (admin) admin->Mount(router);
  contact.Mount(router);
  if (comments_started) comments.Mount(router);
  content_api.Mount(router);
  admin_api.Mount(router);
  MountOpenApi(router);
  auto newsletter_pages = [&newsletters, &live](RequestContext& ctx) {
    if (auto r = newsletters.Handle(ctx.request)) return std::move(*r);
    return live.Handle(ctx.request, ctx.rights);
  };
  // The newsletter pages check their own forms (signed links; RFC 8058 posts from mail clients).
  router.Add({"GET", "/newsletters/", true, false, newsletter_pages});
  router.Add({"POST", "/newsletters/", true, false, newsletter_pages});
  router.Get("/metrics", [&live, &metrics, allowed = *metrics_allowed](RequestContext& ctx) {
    if (allowed.Contains(ctx.request.remote_address)) {
      if (auto r = metrics(ctx.request)) return std::move(*r);
    }
    return live.Handle(ctx.request, ctx.rights);  // the site's own 404
  });
  router.Fallback([&live](RequestContext& ctx) { return live.Handle(ctx.request, ctx.rights); });
  // Podcast downloads, counted as the IAB guidelines say, written once a second.
  MediaDownloadsOptions downloads_options;
  downloads_options.open_store = [site] { return OpenStore(site, false); };
  downloads_options.on_error = [&err](const Error& e) {
    err << "serve: podcast downloads not written yet: " << e.ToString() << "\n";
  };
  MediaDownloads downloads(downloads_options);
  downloads.Start();
  auto server = HttpServer::Start(
      server_options, [&router](const HttpRequest& req) { return router.Dispatch(req); },
      [&live, &access_log, &downloads](const HttpRequest& req, const HttpResponse& resp,
                                       std::chrono::nanoseconds elapsed, size_t bytes) {
        live.Observe(resp, elapsed);
        downloads.Observe(req, resp);
        if (access_log) access_log->Write(req, resp, bytes);
      });
  if (!server) return server.error();
  server_ptr = server->get();
  for (const std::string& ep : (*server)->endpoints()) {
    out << "serve: listening on http://" << ep << "/ (" << options.threads << " threads)\n";
  }
  if ((*server)->max_connections() < options.max_connections) {
    err << "serve: at most " << (*server)->max_connections() << " connections, not "
        << options.max_connections << ": the process may not open more files (ulimit -n)\n";
  }
  std::unique_ptr<HttpServer> metrics_server;
  if (!options.metrics_listen.empty()) {
    ServerOptions m;
    m.listen = {options.metrics_listen};
    m.pin_threads = false;
    m.batch_scheduling = false;
    m.max_connections = 64;
    auto started = HttpServer::Start(
        m,
        [&metrics](const HttpRequest& req) {
          if (auto r = metrics(req)) return std::move(*r);
          return TextResponse(404, "Only /metrics here.\n");
        },
        nullptr);
    if (!started) {
      (*server)->Shutdown(std::chrono::seconds(0));
      (*server)->Wait();
      Error e = started.error();
      e.field = "--metrics-listen";
      return e;
    }
    metrics_server = std::move(*started);
    for (const std::string& ep : metrics_server->endpoints()) {
      out << "serve: metrics on http://" << ep << "/metrics\n";
    }
  }
  out << std::flush;

  int sig = 0;
  sigwait(&signals, &sig);
  out << "serve: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ": finishing requests in flight\n"
      << std::flush;
  (*server)->Shutdown(std::chrono::seconds(10));
  (*server)->Wait();
  if (metrics_server) {
    metrics_server->Shutdown(std::chrono::seconds(1));
    metrics_server->Wait();
  }
  scheduler.Stop();
  members.Stop();
  downloads.Stop();
  live.Stop();
  newsletters.Stop();
  out << "serve: stopped\n";
  return {};
}

namespace {

// What tells this program from another: a build made by another program (an upgrade, a
// rebuild with other code) may be rendered otherwise, so nothing of it is kept. The linker's
// build ID (a digest of the linked program, read from our own ELF notes: no file is read), or,
// for a program linked without one, a digest of the executable.
std::string ProgramIdentity() {
  static const std::string identity = [] {
    if (std::string id = OwnBuildId(); !id.empty()) return "build-id:" + id;
    auto exe = ReadFile("/proc/self/exe");
    return exe ? ContentHash(*exe) : std::string("unknown");
  }();
  return identity;
}

}  // namespace

Result<PublishReport> BuildSite(const SiteFolder& site, const BuildOptions& options,
                                std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  {
    auto config = LoadSiteConfig(site.config());
    if (!config) return config.error();
    if (auto st = PrepareSiteStills(site, *config, out, out); !st) return st.error();
  }
  // The output folder (its lock, and the last builds' manifests read) on another core while the
  // site loads: neither needs the other.
  fs::path target = options.out_dir.value_or(site.public_dir());
  auto sink_made = std::async(std::launch::async, [&target, full = options.full] {
    return DirectorySink::Create(target, full);
  });
  auto loaded = LoadSite(site, NowSeconds());
  auto sink = sink_made.get();
  if (!loaded) return loaded.error();
  double t_assemble = Seconds(start);
  if (!sink) return sink.error();
  const BuildManifest& previous = (*sink)->live_manifest();
  const bool incremental =
      !options.full && !previous.fingerprints.empty() && previous.program == ProgramIdentity();
  // The static search index's words of each document, from the last build (beside the folder,
  // not published): an unchanged document is not analysed again.
  const fs::path words_file = fs::absolute(target).parent_path() /
                              ("." + fs::absolute(target).filename().string() + ".search-words");
  const std::string words_header = "cinepress-search-words 2 " + ProgramIdentity() + "\n";
  std::shared_ptr<const MappedFile> kept_words;  // mapped, not read: most of it is used in place
  std::string_view words;
  if (incremental) {
    auto kept = MappedFile::Open(words_file);
    if (kept && (*kept)->bytes().starts_with(words_header)) {
      kept_words = std::move(*kept);
      words = kept_words->bytes().substr(words_header.size());
    }
  }
  // The live build's chunks of words, for an index made from the last one (the site checks
  // each against the digest it kept).
  const fs::path live_words = fs::absolute(target) / "search" / "index" / "words";
  (*loaded)->UseSearchWords(words, kept_words,
                            [live_words](size_t k) -> std::optional<std::string> {
                              auto packed = ReadFile(live_words / (std::to_string(k) + ".json.gz"));
                              if (!packed) return std::nullopt;
                              return Gunzip(*packed);
                            });
  auto make_index = [&site, &loaded]() -> Status {
    auto store = OpenStore(site, (*loaded)->config());
    if (!store) return store.error();
    return (*loaded)->MakeStaticIndex(store->get());
  };
  // The static search index: before anything is rendered when files may be kept (its chunks are
  // then kept by their text's digest); in a whole build, on a thread of its own while the pages
  // render (PublishSite renders its pieces last, and they wait for it).
  Status index_made;
  std::jthread index_maker;
  const auto index_start = std::chrono::steady_clock::now();
  double t_index = 0;  // the index made before anything renders (an incremental build)
  if (incremental) {
    if (auto s = make_index(); !s) return s.error();
    t_index = Seconds(index_start);
  } else {
    index_maker = std::jthread([&index_made, &make_index] { index_made = make_index(); });
  }
  auto render_start = std::chrono::steady_clock::now();
  const unsigned threads = options.threads;
  auto report = PublishSite(
      *loaded, **sink, [&] { return OpenStore(site, (*loaded)->config()); }, threads,
      incremental ? &previous : nullptr);
  if (index_maker.joinable()) index_maker.join();
  if (!index_made) return index_made.error();
  if (!report) return report.error();
  if (auto cards = (*loaded)->CardError(); !cards) return cards.error();
  // Rendered, but to the bytes the folder had: kept, so not counted as written (read before the
  // manifest goes through the same sink).
  const size_t written = report->written - (*sink)->kept_same_bytes();
  report->manifest.program = ProgramIdentity();
  double t_render = Seconds(render_start);
  const auto finish_start = std::chrono::steady_clock::now();
  if (auto s = (*sink)->Commit(FormatBuildManifest(report->manifest)); !s) return s.error();
  if (std::vector<std::string_view> words = (*loaded)->SearchWords(); !words.empty()) {
    // A cache: the site is built and swapped in already, so a failure here is only said. It is
    // replaced by a rename, so the last build's, mapped, stays as it was while it is written.
    words.insert(words.begin(), words_header);
    if (auto s = WriteFile(words_file, words); !s) {
      out << "build: the search words were not kept (" << s.error().ToString()
          << "): the next build analyses every document again\n";
    }
  }
  out << "build: wrote " << written << " of " << report->files << " files (" << report->pages
      << " pages, " << report->feeds << " feeds; " << std::fixed << std::setprecision(1)
      << static_cast<double>(report->bytes) / 1048576.0 << " MiB) to " << target.string() << "; "
      << report->files - written << " unchanged"
      << (incremental    ? ""
          : options.full ? " (a whole build, as asked)"
                         : " (a whole build)")
      << "\nbuild: " << (*loaded)->articles().size() << " articles, " << (*loaded)->pages().size()
      << " pages, " << (*loaded)->lists().size() << " lists; " << std::setprecision(2)
      << Seconds(start) << " s (load and assemble " << t_assemble << " s, ";
  if (incremental) out << "search index " << t_index << " s, ";
  out << "render and write " << t_render << " s on " << threads
      << " threads; manifest, swap and search words " << Seconds(finish_start) << " s)\n";
  if (std::string mode = (*loaded)->StaticIndexMode(); !mode.empty()) {
    out << "build: static search index: " << mode << "\n";
  }
  if (options.leave_to_exit) {
    LeaveToExit(std::move(*loaded));
    LeaveToExit(std::shared_ptr<const DirectorySink>(std::move(*sink)));
  }
  return report;
}

}  // namespace cinepress
