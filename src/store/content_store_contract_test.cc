// The ContentStore contract, run against every engine (SQLite and PostgreSQL): what any store
// must do, whatever keeps it.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <tuple>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class ContentStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = Open();
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  // Another connection to the same store.
  Result<std::unique_ptr<ContentStore>> Open(StoreOptions options = {}) {
    return OpenContentStore(engine_.file(), engine_.With(std::move(options)));
  }
  Engine engine_;
  std::unique_ptr<ContentStore> store_;
};

TYPED_TEST_SUITE(ContentStoreContract, StoreEngines, EngineName);

Article Review() {
  Article a;
  a.section = "reviews";
  a.slug = "after-the-mountain";
  a.title = "After the Mountain";
  a.dek = "A dek.";
  a.date = 1633496434;
  a.author_ids = {"nia-bianchi"};
  a.categories = {"Film Reviews"};
  a.tags = {"Slow Cinema", "TIFF21"};
  a.image = Image{"/images/x.jpg", "A window", "Courtesy."};
  Film f;
  f.title = "After the Mountain";
  f.original_title = "A Risabenu";
  f.directors = {"Maëlle Blackwood"};
  f.year = 2021;
  f.countries = {"Spain"};
  f.runtime_min = 93;
  f.cast = {"Deniz Verhoeven"};
  f.ids.imdb = "tt0000001";
  a.film = f;
  a.rating = 4.5;
  a.rating_max = 5;
  a.films = {"Another Film (2020)"};
  a.body_markdown = "Body *text*.";
  a.word_count = 2;
  a.source_path = "content/reviews/after-the-mountain.md";
  a.source_hash = "abc";
  return a;
}

TYPED_TEST(ContentStoreContract, RoundTripsAnArticleWithAllItsFields) {
  auto id = this->store_->SaveArticle(Review());
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto all = this->store_->LoadArticles(true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  Article got = (*all)[0];
  Article want = Review();
  want.id = *id;
  EXPECT_EQ(got.title, want.title);
  EXPECT_EQ(got.tags, want.tags);
  EXPECT_EQ(got.image, want.image);
  EXPECT_EQ(got.film, want.film);
  EXPECT_EQ(got.rating, 4.5);
  EXPECT_EQ(got.films, want.films);
  EXPECT_EQ(got.body_markdown, want.body_markdown);
  EXPECT_EQ(got.source_path, want.source_path);

  auto lean = this->store_->LoadArticles(false);
  ASSERT_TRUE(lean.ok());
  EXPECT_TRUE((*lean)[0].body_markdown.empty());
  EXPECT_EQ(*this->store_->LoadBody(*id), "Body *text*.");
}

// The live site reloads when DataVersion changes: every table that pages show must count.
TYPED_TEST(ContentStoreContract, CommentsMenusRedirectsAndTermsCountAsContentChanges) {
  auto id = this->store_->SaveArticle(Review());
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto other = this->Open();  // another process's view
  ASSERT_TRUE(other.ok());
  auto changed = [&](const std::function<Status()>& write) {
    int64_t before = *(*other)->DataVersion();
    EXPECT_TRUE(write());
    return *(*other)->DataVersion() != before;
  };
  Comment c;
  c.article_id = *id;
  c.source_id = "wp:1";
  c.date = 1633496434;
  c.body = "<p>Yes.</p>";
  c.status = "approved";
  c.type = "comment";
  EXPECT_TRUE(changed([&] { return this->store_->SaveComment(c); })) << "a comment";
  StoredMenu menu;
  menu.slug = "main";
  menu.name = "Main";
  menu.role = "main";
  EXPECT_TRUE(changed([&] { return this->store_->SaveMenu(menu); })) << "a menu";
  EXPECT_TRUE(changed([&] {
    return this->store_->SaveRedirect(UrlRedirect{"/?p=1", *id, ""});
  })) << "a redirect";
  Term t;
  t.taxonomy = "category";
  t.slug = "film";
  t.name = "Film";
  EXPECT_TRUE(changed([&] { return this->store_->SaveTerm(t); })) << "a term";
}

TYPED_TEST(ContentStoreContract, PeopleAndIntervieweesKeepTheirBioPortraitAndLinks) {
  auto other = this->Open();  // another process's view
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  int64_t before = *(*other)->DataVersion();
  PersonProfile p;
  p.slug = "mira-okafor";
  p.name = "Mira Okafor";
  p.bio = "Makes *films*.";
  p.portrait = Image{"/images/mira.png", "Mira on a quay", ""};
  p.links = {WebLink{"Website", "https://mira.example"}};
  ASSERT_TRUE(this->store_->SavePerson(p));
  EXPECT_NE(*(*other)->DataVersion(), before) << "people count as content";
  auto people = this->store_->LoadPeople();
  ASSERT_TRUE(people.ok());
  ASSERT_EQ(people->size(), 1u);
  EXPECT_EQ((*people)[0], p);
  ASSERT_TRUE(this->store_->DeletePerson("mira-okafor"));
  EXPECT_TRUE(this->store_->LoadPeople()->empty());

  Article a = Review();
  a.interviewee = Interviewee{};
  a.interviewee->name = "Mira Okafor";
  a.interviewee->bio = p.bio;
  a.interviewee->portrait = p.portrait;
  a.interviewee->links = p.links;
  ASSERT_TRUE(this->store_->SaveArticle(a).ok());
  EXPECT_EQ((*this->store_->LoadArticles(false))[0].interviewee, a.interviewee);
}

TYPED_TEST(ContentStoreContract, RollbackUndoesEverything) {
  ASSERT_TRUE(this->store_->BeginTransaction().ok());
  ASSERT_TRUE(this->store_->SaveArticle(Review()).ok());
  ASSERT_TRUE(this->store_->SaveAuthor(Author{"a", "A", "", "", "", ""}).ok());
  ASSERT_TRUE(this->store_->Rollback().ok());
  EXPECT_TRUE(this->store_->LoadArticles(false)->empty());
  EXPECT_TRUE(this->store_->LoadAuthors()->empty());
}

TYPED_TEST(ContentStoreContract, DuplicateUrlIsRefused) {
  ASSERT_TRUE(this->store_->SaveArticle(Review()).ok());
  Article twin = Review();
  twin.source_path = "content/reviews/other.md";
  EXPECT_FALSE(this->store_->SaveArticle(twin).ok());
}

TYPED_TEST(ContentStoreContract, MediaIsStoredOncePerContent) {
  ASSERT_TRUE(this->store_->SaveMedia("images/a.jpg", "JPEGDATA").ok());
  ASSERT_TRUE(this->store_->SaveMedia("images/b.jpg", "JPEGDATA").ok());
  auto list = this->store_->LoadMediaList();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].hash, (*list)[1].hash);
  EXPECT_EQ(*this->store_->LoadMediaData("images/b.jpg"), "JPEGDATA");
  ASSERT_TRUE(this->store_->DeleteMedia("images/a.jpg").ok());
  EXPECT_EQ(*this->store_->LoadMediaData("images/b.jpg"), "JPEGDATA");
  EXPECT_FALSE(this->store_->LoadMediaData("images/a.jpg").ok());
}

TYPED_TEST(ContentStoreContract, ReopeningKeepsDataAndSchema) {
  ASSERT_TRUE(this->store_->SaveArticle(Review()).ok());
  this->store_.reset();
  auto again = this->Open();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->LoadArticles(false)->size(), 1u);
}

TYPED_TEST(ContentStoreContract, CommentsAreKeptPerArticleOldestFirst) {
  auto id = this->store_->SaveArticle(Review());
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  Comment c{*id, "wp:2", "wp:1",          "Rui",      "rui@example.com",
            "",  200,    "<p>Later.</p>", "approved", "comment"};
  Comment first{*id, "wp:1", "", "Ada", "", "", 100, "<p>First.</p>", "approved", "comment"};
  ASSERT_TRUE(this->store_->SaveComment(c));
  ASSERT_TRUE(this->store_->SaveComment(first));
  c.body = "<p>Edited.</p>";
  ASSERT_TRUE(this->store_->SaveComment(c));  // the same source id replaces it
  auto of = this->store_->LoadCommentsOf(*id);
  ASSERT_TRUE(of.ok());
  ASSERT_EQ(of->size(), 2u);
  EXPECT_EQ((*of)[0], first);
  EXPECT_EQ((*of)[1], c);
  EXPECT_EQ(*this->store_->LoadComments(), *of);
}

TYPED_TEST(ContentStoreContract, TermsRedirectsMenusAliasesAuthorsAndSectionsRoundTrip) {
  auto id = this->store_->SaveArticle(Review());
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  Term t{"category", "film", "Film", "", "About films."};
  ASSERT_TRUE(this->store_->SaveTerm(t));
  t.name = "Films";
  ASSERT_TRUE(this->store_->SaveTerm(t));
  EXPECT_EQ(*this->store_->LoadTerms(), std::vector<Term>{t});
  ASSERT_TRUE(this->store_->SaveRedirect(UrlRedirect{"/?p=1", *id, ""}));
  ASSERT_TRUE(this->store_->SaveRedirect(UrlRedirect{"/old/", 0, "/new/"}));
  EXPECT_EQ(*this->store_->LoadRedirects(),
            (std::vector<UrlRedirect>{{"/?p=1", *id, ""}, {"/old/", 0, "/new/"}}));
  StoredMenu menu{"main", "Main", "main", {MenuItem{"Reviews", "/reviews/", {}}}};
  ASSERT_TRUE(this->store_->SaveMenu(menu));
  auto menus = this->store_->LoadMenus();
  ASSERT_EQ(menus->size(), 1u);
  EXPECT_EQ((*menus)[0].items.size(), 1u);
  EXPECT_EQ((*menus)[0].items[0].url, "/reviews/");
  ASSERT_TRUE(this->store_->SaveAlias(ArticleAlias{*id, ArticleKind::kArticle, "reviews", "old"}));
  ASSERT_TRUE(this->store_->SaveAlias(ArticleAlias{*id, ArticleKind::kArticle, "reviews", "old"}));
  auto aliases = this->store_->LoadAliases();
  ASSERT_EQ(aliases->size(), 1u);
  EXPECT_EQ((*aliases)[0].slug, "old");
  Author ana{"ana", "Ana Lindqvist", "Critic", "Malmö", "@ana", "Writes."};
  ASSERT_TRUE(this->store_->SaveAuthor(ana));
  EXPECT_EQ(*this->store_->LoadAuthors(), std::vector<Author>{ana});
  Section s{"reviews", "Reviews", "Every review.", "members"};
  ASSERT_TRUE(this->store_->SaveSection(s));
  EXPECT_EQ(*this->store_->LoadSections(), std::vector<Section>{s});
}

TYPED_TEST(ContentStoreContract, MediaKeepsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  ASSERT_TRUE(this->store_->SaveMedia("images/all.bin", bytes));
  EXPECT_EQ(*this->store_->LoadMediaData("images/all.bin"), bytes);
  EXPECT_EQ((*this->store_->LoadMediaList())[0].size, 256);
}

TYPED_TEST(ContentStoreContract, AFailedWriteInATransactionLeavesTheRestOfItStanding) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->SaveArticle(Review()).ok());
  Article twin = Review();
  twin.source_path = "content/reviews/other.md";
  EXPECT_FALSE(this->store_->SaveArticle(twin).ok());  // the same address
  ASSERT_TRUE(this->store_->SaveAuthor(Author{"a", "A", "", "", "", ""}));
  ASSERT_TRUE(this->store_->Commit());
  EXPECT_EQ(this->store_->LoadArticles(false)->size(), 1u);
  EXPECT_EQ(this->store_->LoadAuthors()->size(), 1u);
}

TYPED_TEST(ContentStoreContract, PingAnswers) { EXPECT_TRUE(this->store_->Ping()); }

// An import's new articles, `n` of them from `from` on, each with every field a row holds.
std::vector<Article> Imported(int from, int n) {
  std::vector<Article> out;
  for (int i = from; i < from + n; ++i) {
    Article a = Review();
    a.slug = "film-" + std::to_string(i);
    a.title = "Film\t" + std::to_string(i) + "\nwith a \\ backslash";
    // One without a source file (written in the newsroom): a store holds one such at most.
    a.source_path = i == 5 ? "" : "content/reviews/film-" + std::to_string(i) + ".md";
    a.source_hash = i == 5 ? "" : "hash" + std::to_string(i);
    a.kind = i % 7 == 0 ? ArticleKind::kPage : ArticleKind::kArticle;
    a.draft = i % 3 == 0;
    a.featured = i % 4 == 0;
    a.festival = i % 2 ? "TIFF" : "";
    a.updated = i % 2 ? a.date + i : 0;
    a.word_count = static_cast<size_t>(i);
    out.push_back(std::move(a));
  }
  return out;
}

void ExpectStored(ContentStore& store, const std::vector<Article>& want) {
  auto got = store.LoadArticles(true);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_EQ(got->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const Article& g = (*got)[i];
    const Article& w = want[i];
    EXPECT_EQ(g.id, w.id);
    EXPECT_EQ(
        std::tie(g.kind, g.section, g.slug, g.title, g.dek, g.date, g.updated, g.draft, g.featured,
                 g.festival, g.body_markdown, g.word_count, g.source_path, g.source_hash),
        std::tie(w.kind, w.section, w.slug, w.title, w.dek, w.date, w.updated, w.draft, w.featured,
                 w.festival, w.body_markdown, w.word_count, w.source_path, w.source_hash))
        << w.slug;
    EXPECT_EQ(g.film, w.film) << w.slug;
    EXPECT_EQ(g.tags, w.tags) << w.slug;
  }
}

// The first import into an empty store (PostgreSQL keeps its rows and sends them by COPY): each
// article gets its own id, twins are refused on the way, the transaction reads what it wrote,
// and the next article after the commit takes the next id.
TYPED_TEST(ContentStoreContract, AFirstImportGivesEachArticleItsIdAndRefusesTwins) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  std::vector<Article> want = Imported(1, 60);
  for (Article& a : want) {
    auto id = this->store_->SaveArticle(a);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    a.id = *id;
  }
  for (size_t i = 1; i < want.size(); ++i) EXPECT_GT(want[i].id, want[i - 1].id);
  Article same_url = want[1];
  same_url.id = 0;
  same_url.source_path = "content/reviews/elsewhere.md";
  EXPECT_FALSE(this->store_->SaveArticle(same_url).ok()) << "the same address";
  Article same_file = want[1];
  same_file.id = 0;
  same_file.slug = "another-slug";
  EXPECT_FALSE(this->store_->SaveArticle(same_file).ok()) << "the same source file";
  Article same_slug_as_page = want[1];
  same_slug_as_page.id = 0;
  same_slug_as_page.kind = ArticleKind::kPage;
  same_slug_as_page.source_path = "content/pages/film-2.md";
  auto page = this->store_->SaveArticle(same_slug_as_page);
  ASSERT_TRUE(page.ok()) << "a page may share an article's slug: " << page.error().ToString();
  same_slug_as_page.id = *page;
  want.push_back(same_slug_as_page);
  ExpectStored(*this->store_, want);  // read inside the transaction
  Comment c{want[2].id, "wp:1", "", "Ada", "", "", 100, "<p>First.</p>", "approved", "comment"};
  ASSERT_TRUE(this->store_->SaveComment(c)) << "the article's row is there to refer to";
  for (Article& a : Imported(100, 5)) {  // after a read: written as any transaction's are
    auto id = this->store_->SaveArticle(a);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    a.id = *id;
    want.push_back(a);
  }
  EXPECT_FALSE(this->store_->SaveArticle(same_url).ok()) << "refused after the read too";
  ASSERT_TRUE(this->store_->Commit());
  ExpectStored(*this->store_, want);
  EXPECT_EQ(this->store_->LoadCommentsOf(want[2].id)->size(), 1u);
  std::set<int64_t> ids;
  for (const Article& a : want) ids.insert(a.id);
  EXPECT_EQ(ids.size(), want.size());
  Article next = Imported(200, 1)[0];
  auto id = this->store_->SaveArticle(next);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_GT(*id, *ids.rbegin());
}

// A first import whose articles are all kept until the commit: the next article's id follows
// the last one's, as if each had been written alone.
TYPED_TEST(ContentStoreContract, AfterAFirstImportTheNextIdFollowsTheLast) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  int64_t last = 0;
  for (const Article& a : Imported(1, 40)) {
    auto id = this->store_->SaveArticle(a);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    last = *id;
  }
  ASSERT_TRUE(this->store_->Commit());
  auto id = this->store_->SaveArticle(Imported(50, 1)[0]);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(*id, last + 1);
}

TYPED_TEST(ContentStoreContract, AFirstImportRolledBackLeavesNothingAndCanBeMadeAgain) {
  for (bool commit : {false, true}) {
    ASSERT_TRUE(this->store_->BeginTransaction());
    std::vector<Article> want = Imported(1, 30);
    for (Article& a : want) {
      auto id = this->store_->SaveArticle(a);
      ASSERT_TRUE(id.ok()) << id.error().ToString();
      a.id = *id;
    }
    if (!commit) {
      ASSERT_TRUE(this->store_->Rollback());
      EXPECT_TRUE(this->store_->LoadArticles(false)->empty());
      continue;
    }
    ASSERT_TRUE(this->store_->Commit());
    ExpectStored(*this->store_, want);
  }
}

// serve follows the store by waiting for its changes: a change committed by another connection
// (another node) wakes the wait; nothing else does, not even members' changes.
TYPED_TEST(ContentStoreContract, WaitForChangeWakesForACommittedChangeOnly) {
  using std::chrono::milliseconds;
  auto watcher = this->Open();
  ASSERT_TRUE(watcher.ok()) << watcher.error().ToString();
  auto first = (*watcher)->WaitForChange(milliseconds(0));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(*first) << "the first wait has seen nothing before it";
  EXPECT_FALSE(*(*watcher)->WaitForChange(milliseconds(150)));

  auto members = OpenMemberStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(members.ok());
  Member m;
  m.email = "reader@example.com";
  ASSERT_TRUE((*members)->InsertMember(m).ok());
  EXPECT_FALSE(*(*watcher)->WaitForChange(milliseconds(150))) << "members are not content";

  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->SaveAuthor(Author{"a", "A", "", "", "", ""}));
  EXPECT_FALSE(*(*watcher)->WaitForChange(milliseconds(150))) << "not committed yet";
  ASSERT_TRUE(this->store_->Commit());
  EXPECT_TRUE(*(*watcher)->WaitForChange(std::chrono::seconds(10)));
  EXPECT_FALSE(*(*watcher)->WaitForChange(milliseconds(150))) << "that change was seen";
}

PodcastShow Show() {
  PodcastShow s;
  s.key = "close-up";
  s.title = "Close-Up";
  s.description = "Conversations about films.";
  s.hosts = {"Nia Bianchi"};
  s.category = "TV & Film";
  s.subcategory = "Film Interviews";
  s.image = "/podcasts/close-up/cover.png";
  s.access = "premium";
  return s;
}

PodcastEpisode Episode() {
  PodcastEpisode e;
  e.show = "close-up";
  e.source = "first.md";
  e.guid = "guid-one";
  e.slug = "first";
  e.title = "First";
  e.date = 1700000000;
  e.episode = 1;
  e.audio = "/podcasts/close-up/first/first.mp3";
  e.audio_mime = "audio/mpeg";
  e.audio_size = 12345;
  e.duration = 61;
  e.chapters = {PodcastChapter{0, "Start", "", ""},
                PodcastChapter{30.5, "Later", "https://x/", ""}};
  e.films = {"After the Mountain (2021)"};
  e.transcript_text = "Hello.";
  return e;
}

TYPED_TEST(ContentStoreContract, PodcastShowsAndEpisodesRoundTrip) {
  auto before = this->store_->DataVersion();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(this->store_->SavePodcastShow(Show()));
  auto guid = this->store_->SavePodcastEpisode(Episode());
  ASSERT_TRUE(guid.ok()) << guid.error().ToString();
  EXPECT_EQ(*guid, "guid-one");
  EXPECT_NE(*this->store_->DataVersion(), *before) << "podcasts count as content";
  auto shows = this->store_->LoadPodcastShows();
  ASSERT_TRUE(shows.ok());
  ASSERT_EQ(shows->size(), 1u);
  EXPECT_EQ((*shows)[0], Show());
  auto episodes = this->store_->LoadPodcastEpisodes();
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 1u);
  EXPECT_EQ((*episodes)[0], Episode());
}

TYPED_TEST(ContentStoreContract, AnEpisodeKeepsItsFirstGuidWhateverItsSlug) {
  ASSERT_TRUE(this->store_->SavePodcastShow(Show()));
  ASSERT_TRUE(this->store_->SavePodcastEpisode(Episode()).ok());
  PodcastEpisode moved = Episode();
  moved.slug = "renamed";
  moved.guid = "guid-two";
  auto guid = this->store_->SavePodcastEpisode(moved);
  ASSERT_TRUE(guid.ok());
  EXPECT_EQ(*guid, "guid-one");
  auto episodes = this->store_->LoadPodcastEpisodes();
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 1u);
  EXPECT_EQ((*episodes)[0].slug, "renamed");
  EXPECT_EQ((*episodes)[0].guid, "guid-one");

  PodcastEpisode nameless = Episode();
  nameless.source = "other.md";
  nameless.guid.clear();
  EXPECT_FALSE(this->store_->SavePodcastEpisode(nameless).ok()) << "a new episode needs a GUID";

  ASSERT_TRUE(this->store_->DeletePodcastEpisode("close-up", "first.md"));
  EXPECT_TRUE(this->store_->LoadPodcastEpisodes()->empty());
  ASSERT_TRUE(this->store_->SavePodcastEpisode(Episode()).ok());
  ASSERT_TRUE(this->store_->DeletePodcastShow("close-up"));
  EXPECT_TRUE(this->store_->LoadPodcastShows()->empty());
  EXPECT_TRUE(this->store_->LoadPodcastEpisodes()->empty()) << "a show goes with its episodes";
}

}  // namespace
}  // namespace cinepress
