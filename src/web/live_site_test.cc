// LiveSite over a real SQLite store and the default theme: the same bytes as the build,
// redirects, errors, and a cache that follows changes made by another connection.
#include "web/live_site.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "core/text.h"
#include "ingest/markdown_folder.h"
#include "publish/publish.h"
#include "store/open_store.h"
#include "web/url_params.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

const char* kConfig = R"(title = "The Long Take"
base_url = "https://longtake.example"
timezone = "UTC"
paginate = 2
)";

std::string Article(const std::string& title, const std::string& date, const std::string& tag) {
  return "---\ntitle: \"" + title + "\"\ndate: " + date +
         "\nauthors: [\"Nia Bianchi\"]\ntags: [\"" + tag + "\"]\nsummary: \"About " + title +
         ".\"\n---\n\nThe body of " + title + ".\n";
}

class LiveSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-live-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Write("content/reviews/one.md", Article("One", "2021-01-01", "Noir"));
    Write("content/reviews/two.md", Article("Two", "2021-02-01", "Noir"));
    Write("content/reviews/three.md", Article("Three", "2021-03-01", "Noir"));
    Write("content/essays/apart.md", Article("Apart", "2020-01-01", "Elsewhere"));
    Write("static/images/still.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    Import();
    const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
    auto theme = Theme::Load(fs::path(src ? src : ".") / "themes/default", "themes/default");
    ASSERT_TRUE(theme.ok()) << theme.error().ToString();
    theme_ = *theme;
    probe_ = std::move(*OpenContentStore(dir_ / "site.db", {}));
    watch_ = std::move(*OpenContentStore(dir_ / "site.db", {}));
    live_ = std::make_unique<LiveSite>(Options());
    ASSERT_TRUE(live_->Start().ok());
  }
  LiveSiteOptions Options() {
    LiveSiteOptions o;
    o.load = [this] { return Load(); };
    o.open_store = [this] { return OpenContentStore(dir_ / "site.db", {.create = false}); };
    o.version = [this](std::chrono::milliseconds wait) -> Result<std::string> {
      if (!fs::exists(dir_ / "site.db")) return Error{ErrorCode::kStore, "gone"};
      auto changed = watch_->WaitForChange(wait);
      if (!changed) return changed.error();
      if (*changed) ++changes_;
      return std::to_string(changes_);
    };
    o.poll_interval = std::chrono::milliseconds(50);
    return o;
  }
  void TearDown() override {
    live_.reset();
    watch_.reset();
    probe_.reset();
    fs::remove_all(dir_);
  }
  void Write(const std::string& rel, const std::string& text) {
    ASSERT_TRUE(WriteFile(dir_ / "src" / rel, text).ok());
  }
  void Import(bool prune = false) {
    auto store = OpenContentStore(dir_ / "site.db", {});
    ASSERT_TRUE(store.ok());
    ImportOptions o;
    o.prune = prune;
    auto r = ImportFolder(**store, dir_ / "src", *TimeZone::Named("UTC"), o);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->problems.empty()) << r->problems[0].ToString();
  }
  Result<std::shared_ptr<const Site>> Load() {
    auto store = OpenContentStore(dir_ / "site.db", {.create = false});
    if (!store) return store.error();
    auto config = ParseSiteConfig(kConfig, "cinepress.toml");
    return Site::Assemble(*config, *TimeZone::Named("UTC"), theme_, *(*store)->LoadArticles(false),
                          *(*store)->LoadAuthors(), *(*store)->LoadSections(),
                          *(*store)->LoadMediaList(), NowSeconds(), *(*store)->LoadAliases(),
                          *(*store)->LoadRedirects());
  }
  HttpResponse Get(const std::string& target,
                   std::vector<std::pair<std::string, std::string>> headers = {},
                   const std::string& method = "GET") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers = std::move(headers);
    return live_->Handle(r);
  }
  // Polls until `pred` holds (at most two seconds).
  template <typename Pred>
  // Polls for 10 s: a reload takes longer than 2 s now and then on a busy machine.
  bool Eventually(Pred pred) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }
  fs::path dir_;
  std::shared_ptr<const Theme> theme_;
  std::unique_ptr<ContentStore> probe_;  // the test's own connection (this thread's)
  // The follower's (LiveSite's thread's): a connection is used by one thread at a time, and the
  // test writes through probe_ while the follower waits.
  std::unique_ptr<ContentStore> watch_;
  int64_t changes_ = 0;  // the probe's waits that said "changed"
  std::unique_ptr<LiveSite> live_;
};

TEST_F(LiveSiteTest, ServesTheSameBytesAsTheBuild) {
  auto site = Load();
  ASSERT_TRUE(site.ok());
  MemorySink sink;
  fs::path db = dir_ / "site.db";
  ASSERT_TRUE(PublishSite(
                  *site, sink, [&db] { return OpenContentStore(db, {}); }, 2)
                  .ok());
  size_t checked = 0;
  for (const auto& [path, data] : sink.files()) {
    // The live search page is the server's answer, not the static page's script (search tests).
    if (path == "search/index.html") continue;
    std::string target = "/" + path;
    if (target.size() >= 10 && target.compare(target.size() - 10, 10, "index.html") == 0) {
      target.resize(target.size() - 10);
    }
    // The not-found page is what any missing address gets, with status 404.
    if (path == "404.html") target = "/no-such-page/";
    HttpResponse r = Get(target);
    ASSERT_EQ(r.status, path == "404.html" ? 404 : 200) << target;
    EXPECT_EQ(r.BodyView(), data) << target;
    ++checked;
  }
  EXPECT_GT(checked, 20u);
  EXPECT_EQ(Get("/").Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(Get("/feed.xml").Header("Content-Type"), "application/rss+xml; charset=utf-8");
  EXPECT_EQ(Get("/images/still.svg").Header("Content-Type"), "image/svg+xml");
}

TEST_F(LiveSiteTest, RedirectsAndErrors) {
  HttpResponse r = Get("/reviews/one?x=1");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.Header("Location"), "/reviews/one/?x=1");
  EXPECT_EQ(Get("/feed/").Header("Location"), "/feed.xml");
  EXPECT_EQ(Get("/tag/noir/feed/").Header("Location"), "/tag/noir/feed.xml");
  EXPECT_EQ(Get("/feed/atom/").Header("Location"), "/atom.xml");
  // A list has no Atom feed: its WordPress Atom address leads to its RSS feed.
  EXPECT_EQ(Get("/tag/noir/feed/atom/").Header("Location"), "/tag/noir/feed.xml");
  // ...and so does its own Atom address of before (a feed no longer made).
  HttpResponse atom = Get("/tag/noir/atom.xml");
  EXPECT_EQ(atom.status, 301);
  EXPECT_EQ(atom.Header("Location"), "/tag/noir/feed.xml");
  EXPECT_EQ(Get("/tag/nowhere/atom.xml").status, 404);
  EXPECT_EQ(Get("/nowhere/").status, 404);
  EXPECT_NE(Get("/nowhere/").BodyView().find("<html"), std::string::npos);
  HttpResponse post = Get("/", {}, "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("Allow"), "GET, HEAD");
  for (const char* evil : {"/../site.db", "/%2e%2e/site.db", "/images/..%2f..%2fsite.db",
                           "/images/%00.svg", "/%252e%252e/x", "/site.db", "/src/content/"}) {
    HttpResponse e = Get(evil);
    EXPECT_EQ(e.status, 404) << evil;
    EXPECT_EQ(e.BodyView().find("SQLite"), std::string::npos) << evil;
  }
  HttpResponse health = Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.BodyView(), "ok\n");
  EXPECT_EQ(health.Header("Cache-Control"), "no-store");  // asked again every time
  EXPECT_STREQ(health.label, "health");                   // left out of the access log
}

TEST_F(LiveSiteTest, AnEditByAnotherConnectionInvalidatesExactlyItsPages) {
  std::string apart_etag(Get("/essays/apart/").Header("ETag"));
  std::string two_etag(Get("/reviews/two/").Header("ETag"));
  ASSERT_NE(Get("/reviews/three/").BodyView().find("Three"), std::string::npos);
  ASSERT_NE(Get("/").BodyView().find("Three"), std::string::npos);

  Write("content/reviews/three.md", Article("Third Time", "2021-03-01", "Noir"));
  Import();
  EXPECT_TRUE(Eventually(
      [&] { return Get("/reviews/three/").BodyView().find("Third Time") != std::string::npos; }));
  EXPECT_NE(Get("/").BodyView().find("Third Time"), std::string::npos);
  EXPECT_NE(Get("/tag/noir/").BodyView().find("Third Time"), std::string::npos);
  // An article that shows nothing of it keeps its cached page; its neighbour is made again.
  EXPECT_EQ(Get("/essays/apart/").Header("ETag"), apart_etag);
  EXPECT_NE(Get("/reviews/two/").Header("ETag"), two_etag);

  // A deleted article is gone at once, from its page and from the sitemap.
  fs::remove(dir_ / "src/content/reviews/one.md");
  Import(true);
  EXPECT_TRUE(Eventually([&] { return Get("/reviews/one/").status == 404; }));
  EXPECT_EQ(Get("/sitemap.xml").BodyView().find("/reviews/one/"), std::string::npos);
}

TEST_F(LiveSiteTest, AChangedSlugRedirectsFromTheOldAddress) {
  Write("content/reviews/two.md",
        "---\ntitle: \"Two\"\nslug: \"second\"\ndate: 2021-02-01\nauthors: [\"Nia "
        "Bianchi\"]\n---\nx\n");
  Import();
  EXPECT_TRUE(Eventually([&] { return Get("/reviews/second/").status == 200; }));
  HttpResponse r = Get("/reviews/two/");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.Header("Location"), "/reviews/second/");
}

TEST_F(LiveSiteTest, StoredOldAddressesRedirectWithTheirQuery) {
  auto store = OpenContentStore(dir_ / "site.db", {.create = false});
  ASSERT_TRUE(store.ok());
  int64_t one = 0;
  auto all = (*store)->LoadArticles(false);
  ASSERT_TRUE(all.ok());
  for (const auto& a : all.value()) {
    if (a.slug == "one") one = a.id;
  }
  ASSERT_NE(one, 0);
  // What a WordPress import keeps: ?p=ID and the dated permalink, and a list's old address.
  ASSERT_TRUE((*store)->SaveRedirect(UrlRedirect{"/?p=12", one, ""}).ok());
  ASSERT_TRUE((*store)->SaveRedirect(UrlRedirect{"/2021/01/01/one/", one, ""}).ok());
  ASSERT_TRUE((*store)->SaveRedirect(UrlRedirect{"/category/old/noir/", 0, "/tag/noir/"}).ok());
  ASSERT_TRUE((*store)->SaveRedirect(UrlRedirect{"/category/gone/", 0, "/category/none/"}).ok());
  EXPECT_TRUE(Eventually([&] { return Get("/?p=12").status == 301; }));
  EXPECT_EQ(Get("/?p=12").Header("Location"), "/reviews/one/");
  EXPECT_EQ(Get("/2021/01/01/one/").Header("Location"), "/reviews/one/");
  EXPECT_EQ(Get("/2021/01/01/one").status, 301);
  EXPECT_EQ(Get("/category/old/noir/").Header("Location"), "/tag/noir/");
  EXPECT_EQ(Get("/category/gone/").status, 404);  // its target is not a page of the site
  // A post, page or attachment by number that is not (or not yet) published here: not found,
  // as WordPress answers a visitor.
  EXPECT_EQ(Get("/?p=13").status, 404);
  EXPECT_EQ(Get("/?page_id=7&preview=true").status, 404);
  EXPECT_EQ(Get("/?attachment_id=99").status, 404);
  // Other queries on the home page change nothing.
  EXPECT_EQ(Get("/?utm_source=newsletter").status, 200);
  EXPECT_EQ(Get("/?p=abc").status, 200);
}

TEST_F(LiveSiteTest, AStoreThatGoesAwayGives503sAndComesBack) {
  ASSERT_EQ(Get("/reviews/one/").status, 200);  // cached
  fs::rename(dir_ / "site.db", dir_ / "away.db");
  EXPECT_TRUE(Eventually([&] { return Get("/healthz").status == 503; }));
  EXPECT_EQ(Get("/reviews/two/").status, 503);  // not cached: cannot be made
  EXPECT_EQ(Get("/reviews/one/").status, 200);  // cached: still served
  fs::rename(dir_ / "away.db", dir_ / "site.db");
  EXPECT_TRUE(Eventually([&] { return Get("/healthz").status == 200; }));
  EXPECT_TRUE(Eventually([&] { return Get("/reviews/two/").status == 200; }));
  std::string metrics = live_->MetricsText(3);
  EXPECT_NE(metrics.find("cinepress_http_requests_total"), std::string::npos);
  EXPECT_NE(metrics.find("cinepress_open_connections 3"), std::string::npos);
}

TEST(DecodeUrlPath, RefusesWhatCannotBeAPage) {
  std::string out;
  EXPECT_TRUE(DecodeUrlPath("/caf%C3%A9/", out));
  EXPECT_EQ(out, "/café/");
  EXPECT_FALSE(DecodeUrlPath("/a/../b", out));
  EXPECT_FALSE(DecodeUrlPath("/a/%2e%2e/b", out));
  EXPECT_FALSE(DecodeUrlPath("/a%00", out));
  EXPECT_FALSE(DecodeUrlPath("/a%zz", out));
  EXPECT_FALSE(DecodeUrlPath("/%ff", out));
  EXPECT_FALSE(DecodeUrlPath("relative", out));
}

TEST_F(LiveSiteTest, SearchAnswersFromTheStoreAtOnce) {
  HttpResponse r = Get("/search/?q=three");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
  std::string page(r.BodyView());
  EXPECT_NE(page.find("data-live"), std::string::npos);
  EXPECT_NE(page.find("1 result"), std::string::npos);
  EXPECT_NE(page.find("href=\"/reviews/three/\""), std::string::npos);
  EXPECT_NE(page.find("value=\"three\""), std::string::npos);
  r = Get("/search/suggest.json?q=thr");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_NE(std::string(r.BodyView()).find("\"url\":\"/reviews/three/\""), std::string::npos);
  // Imported by another connection: found at once, before the site map is even reloaded.
  Write("content/reviews/four.md", Article("Zeppelin Days", "2021-04-01", "Noir"));
  Import();
  EXPECT_NE(std::string(Get("/search/?q=zeppelin").BodyView()).find("href=\"/reviews/four/\""),
            std::string::npos);
  // Deleted: gone at once.
  fs::remove(dir_ / "src/content/reviews/four.md");
  Import(/*prune=*/true);
  page = std::string(Get("/search/?q=zeppelin").BodyView());
  EXPECT_NE(page.find("0 results"), std::string::npos);
  EXPECT_EQ(page.find("/reviews/four/"), std::string::npos);
  // Filters: the essay is not a review.
  EXPECT_NE(std::string(Get("/search/?q=apart&kind=reviews").BodyView()).find("0 results"),
            std::string::npos);
  EXPECT_NE(std::string(Get("/search/?q=apart&kind=essays").BodyView()).find("1 result"),
            std::string::npos);
  EXPECT_NE(std::string(Get("/search/?q=body&year=2020").BodyView()).find("1 result"),
            std::string::npos);
  // WordPress's search address, in old links, is this search.
  r = Get("/?s=three+days%26");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.Header("Location"), "/search/?q=three%20days%26");
}

TEST_F(LiveSiteTest, HostileSearchesGetAPageNeverAnError) {
  const std::string long_q(10000, 'a');
  for (const std::string& q :
       {std::string("%FF%FE%C0"), std::string("%"), std::string("%zz"), long_q,
        std::string("%22%22%22"), std::string("title%3Aone+OR+NEAR(x)"),
        std::string("%27%3B+DROP+TABLE+articles%3B--"), std::string("one&page=99999&year=abc"),
        std::string("one&kind=%3Cscript%3E&author=%00"), std::string("&&&==&q")}) {
    for (const char* path : {"/search/?q=", "/search/suggest.json?q="}) {
      HttpResponse r = Get(path + q);
      EXPECT_EQ(r.status, 200) << path << q.substr(0, 40);
      std::string body(r.BodyView());
      EXPECT_EQ(body.find("<script>"), std::string::npos) << q;
      EXPECT_TRUE(IsValidUtf8(body)) << q;
    }
  }
  std::string page(Get("/search/?q=%3Cb%3Eone%3C%2Fb%3E").BodyView());
  EXPECT_NE(page.find("&lt;b&gt;one&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<b>one"), std::string::npos);
}

TEST(ParseSearchRequest, ReadsAndLimitsEveryParameter) {
  SearchRequest r = ParseSearchRequest(
      "q=D%C4%85browski+%22long+take%22&kind=reviews&year=2021&page=3"
      "&author=ana&edition=tiff-2021&other=x");
  EXPECT_EQ(r.query, "Dąbrowski \"long take\"");
  EXPECT_EQ(r.kind, "reviews");
  EXPECT_EQ(r.year, 2021);
  EXPECT_EQ(r.page, 3);
  EXPECT_EQ(r.author, "ana");
  EXPECT_EQ(r.edition, "tiff-2021");
  r = ParseSearchRequest("page=0&year=99999");
  EXPECT_EQ(r.page, 1);
  EXPECT_EQ(r.year, 0);
  r = ParseSearchRequest("page=abc&year=-1");
  EXPECT_EQ(r.page, 1);
  EXPECT_EQ(r.year, 0);
  EXPECT_EQ(ParseSearchRequest("page=101").page, 1);
  EXPECT_EQ(ParseSearchRequest("q=a%FFb").query, "ab");
  EXPECT_LE(ParseSearchRequest("q=" + std::string(5000, 'x')).query.size(), 1024u);
  EXPECT_EQ(ParseSearchRequest("").query, "");
}

TEST(DecodeUrlParams, DecodesPairsInOrderAndRefusesWhatDoesNotParse) {
  auto p = DecodeUrlParams("q=long+take&kind=%C3%A9t%C3%A9&flag&q=again");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, (UrlParams{{"q", "long take"}, {"kind", "été"}, {"flag", ""}, {"q", "again"}}));
  EXPECT_EQ(DecodeUrlParams("")->size(), 0u);
  EXPECT_FALSE(DecodeUrlParams("q=%zz").has_value());
  EXPECT_FALSE(DecodeUrlParams("q=%").has_value());
  // A view that is not followed by a NUL is read to its end and no further (fuzz/query).
  const std::string target = "q=ab";
  auto prefix = DecodeUrlParams(std::string_view(target).substr(0, 3));
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(*prefix, (UrlParams{{"q", "a"}}));
}

}  // namespace
}  // namespace cinepress

namespace cinepress {
namespace {

// The bytes a streamed response sends: [offset, offset + length) read a piece at a time.
std::string Drain(const HttpResponse& r, size_t* reads) {
  std::string out;
  if (!r.reader) return std::string(r.BodyView());
  const size_t end = r.offset + r.length;
  for (size_t at = r.offset; at < end;) {
    auto piece = r.reader->Read(static_cast<int64_t>(at), end - at);
    if (!piece || piece->empty()) break;
    EXPECT_LE(piece->size(), ContentStore::kMediaChunkBytes);  // never more than a chunk at once
    at += piece->size();
    out += *piece;
    ++*reads;
  }
  return out;
}

// What a thread keeps for a LiveSite (its current site, its store connection) is never taken
// for another's: here the second is made where the first was, over a store made again.
TEST_F(LiveSiteTest, ALiveSiteMadeWhereAnotherWasServesItsOwnSite) {
  live_.reset();
  std::optional<LiveSite> live;
  live.emplace(Options());
  ASSERT_TRUE(live->Start().ok());
  HttpRequest r;
  r.method = "GET";
  r.target = "/reviews/one/";
  ASSERT_EQ(live->Handle(r).status, 200);  // this thread's connection and site, kept
  const void* first = &*live;
  live.reset();
  watch_.reset();
  probe_.reset();
  for (const char* f : {"site.db", "site.db-wal", "site.db-shm"}) fs::remove(dir_ / f);
  fs::remove_all(dir_ / "src");
  Write("content/reviews/four.md", Article("Four", "2021-04-01", "Noir"));
  Import();
  probe_ = std::move(*OpenContentStore(dir_ / "site.db", {}));
  watch_ = std::move(*OpenContentStore(dir_ / "site.db", {}));
  live.emplace(Options());
  ASSERT_EQ(static_cast<const void*>(&*live), first);
  ASSERT_TRUE(live->Start().ok());
  r.target = "/reviews/four/";
  HttpResponse four = live->Handle(r);
  EXPECT_EQ(four.status, 200) << std::string(four.BodyView());
  r.target = "/reviews/one/";
  EXPECT_EQ(live->Handle(r).status, 404);
}

// A private file (a shop ebook's) is no page: 404 at its path, and streamed a chunk at a time,
// with ranges, to the reader its caller lets have it.
TEST_F(LiveSiteTest, PrivateMediaAreStreamedToTheirReaderAndNeverServedAtTheirPath) {
  std::string book;
  for (size_t i = 0; book.size() < 3 * ContentStore::kMediaChunkBytes + 1000; ++i) {
    book += "%PDF page " + std::to_string(i) + "\n";
  }
  ASSERT_TRUE(probe_->SaveMedia("_shop/ozu/ozu.pdf", book).ok());
  ASSERT_TRUE(Eventually([&] { return Get("/images/still.svg").status == 200; }))
      << Get("/images/still.svg").status << " " << std::string(Get("/images/still.svg").BodyView());
  EXPECT_EQ(Get("/_shop/ozu/ozu.pdf").status, 404);
  EXPECT_FALSE(live_->CurrentSite()->FindOutput("_shop/ozu/ozu.pdf"));

  HttpRequest req;
  req.method = "GET";
  req.target = "/shop/download/TOKEN/ozu.pdf";
  HttpResponse whole = live_->PrivateMedia(req, "_shop/ozu/ozu.pdf", "application/pdf");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.Header("Content-Type"), "application/pdf");
  EXPECT_EQ(whole.Header("Cache-Control"), "private, no-store");
  EXPECT_EQ(whole.body, nullptr);  // never the whole file in memory
  size_t reads = 0;
  EXPECT_EQ(Drain(whole, &reads), book);
  EXPECT_GE(reads, 4u);

  req.headers = {{"range", "bytes=300000-300099"}};  // as the server keeps them: lower case
  HttpResponse part = live_->PrivateMedia(req, "_shop/ozu/ozu.pdf", "application/pdf");
  ASSERT_EQ(part.status, 206);
  EXPECT_EQ(part.Header("Content-Range"), "bytes 300000-300099/" + std::to_string(book.size()));
  EXPECT_EQ(Drain(part, &reads), book.substr(300000, 100));

  EXPECT_EQ(live_->PrivateMedia(req, "_shop/ozu/nothing.pdf", "").status, 404);
}

}  // namespace
}  // namespace cinepress
