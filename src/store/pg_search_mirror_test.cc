// The search mirror (store/pg_search_mirror.h) on the test cluster: built from a store, following
// its writes (a new article found, a removed one gone), answering only at the version it holds,
// giving the SQL search's answers, and kept by its own thread from the change notifications.
#include "store/pg_search_mirror.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/search_test_fixture.h"

namespace cinepress {
namespace {

using Strings = std::vector<std::string>;

class PgSearchMirrorTest : public SearchContract<PgTestEngine> {
 protected:
  std::unique_ptr<PgSearchMirror> Mirror(StoreOptions::Mirror mode) {
    StoreOptions options = engine_.With(Options());
    options.search_mirror = mode;
    auto m = PgSearchMirror::Make(options);
    EXPECT_TRUE(m.ok()) << m.error().ToString();
    return m.ok() ? std::move(*m) : nullptr;
  }
  int64_t Version() {
    auto v = store_->DataVersion();
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : -2;
  }
  // The mirror's answer at the store's version (nothing when it does not hold that version).
  std::optional<SearchResults> Mirrored(PgSearchMirror& m, SearchQuery q) {
    if (q.now == 0) q.now = kNow;
    auto r = m.Search(q, Version());
    if (!r) return std::nullopt;
    EXPECT_TRUE(r->ok()) << r->error().ToString();
    return r->ok() ? std::optional<SearchResults>(**r) : std::nullopt;
  }
  Strings MirroredSlugs(PgSearchMirror& m, std::string text) {
    SearchQuery q;
    q.text = std::move(text);
    auto r = Mirrored(m, q);
    EXPECT_TRUE(r.has_value()) << "the mirror did not answer";
    Strings out;
    if (r) {
      for (const SearchHit& h : r->hits) out.push_back(h.slug);
    }
    return out;
  }
};

TEST_F(PgSearchMirrorTest, IsBuiltFromTheStoreAndAnswersOnlyAtTheVersionItHolds) {
  Save("decalogue", "The Decalogue", "Ten films about the commandments, shot in Warsaw.");
  Save("red", "Three Colours: Red", "Geneva, a judge and a model.");
  auto m = Mirror(StoreOptions::Mirror::kOff);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->version(), -1);
  SearchQuery q;
  q.text = "warsaw";
  EXPECT_FALSE(Mirrored(*m, q).has_value()) << "answered before it was built";
  ASSERT_TRUE(m->Sync());
  EXPECT_EQ(m->version(), Version());
  EXPECT_EQ(MirroredSlugs(*m, "warsaw"), Strings{"decalogue"});
  EXPECT_TRUE(std::filesystem::exists(m->file()));

  Save("blue", "Three Colours: Blue", "Paris, a composer's widow.");
  EXPECT_FALSE(Mirrored(*m, q).has_value()) << "answered for content it does not hold";
  ASSERT_TRUE(m->Sync());
  EXPECT_EQ(MirroredSlugs(*m, "three colours"), (Strings{"blue", "red"}));
}

TEST_F(PgSearchMirrorTest, FollowsChangedAndRemovedArticles) {
  const int64_t red = Save("red", "Three Colours: Red", "Geneva, a judge and a model.");
  const int64_t blue = Save("blue", "Three Colours: Blue", "Paris, a composer's widow.");
  auto m = Mirror(StoreOptions::Mirror::kOff);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Sync());
  EXPECT_EQ(MirroredSlugs(*m, "geneva"), Strings{"red"});

  auto articles = store_->LoadArticles(true);
  ASSERT_TRUE(articles.ok());
  for (Article a : *articles) {
    if (a.id != red) continue;
    a.body_markdown = "Lausanne, a retired judge.";
    ASSERT_TRUE(store_->SaveArticle(a).ok());
  }
  ASSERT_TRUE(store_->DeleteArticle(blue));
  ASSERT_TRUE(m->Sync());
  EXPECT_EQ(MirroredSlugs(*m, "geneva"), Strings{});
  EXPECT_EQ(MirroredSlugs(*m, "lausanne"), Strings{"red"});
  EXPECT_EQ(MirroredSlugs(*m, "paris"), Strings{}) << "a removed article is still found";
  EXPECT_EQ(MirroredSlugs(*m, "three colours"), Strings{"red"});
}

TEST_F(PgSearchMirrorTest, GivesTheSqlSearchsAnswers) {
  Save("decalogue", "The Decalogue", "Ten films about the *commandments*, shot in Warsaw.");
  Save("kieslowski", "Krzysztof Kieślowski at work", "The director of the Decalogue.", "interviews",
       kNow - 2 * 86400, {"tomas"});
  Save("lodz", "Łódź film school", "Where Kieślowski studied; the long take.", "essays");
  Save("tokyo", "東京物語", "小津安二郎の映画。A long take of Tokyo.", "reviews", kNow - 3 * 86400);
  Save("draft-ish", "Scheduled Decalogue piece", "Warsaw again.", "reviews", kNow + 86400);
  Article page;
  page.kind = ArticleKind::kPage;
  page.slug = "about";
  page.title = "About us";
  page.body_markdown = "We write about the long take.";
  page.date = kNow - 86400;
  ASSERT_TRUE(store_->SaveArticle(page).ok());
  auto m = Mirror(StoreOptions::Mirror::kOff);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Sync());
  std::vector<SearchQuery> queries;
  for (const char* text : {"decalogue", "kiesl", "kieslowski", "\"long take\"", "take long", "lodz",
                           "東京", "warsaw", "the", "", "zzz"}) {
    SearchQuery q;
    q.text = text;
    queries.push_back(q);
    q.typing = true;
    q.snippets = false;
    q.count = false;
    queries.push_back(q);
  }
  SearchQuery filtered;
  filtered.text = "decalogue";
  filtered.section = "interviews";
  filtered.author = "tomas";
  queries.push_back(filtered);
  filtered.section = "page";
  filtered.author.clear();
  filtered.text = "long";
  queries.push_back(filtered);
  for (SearchQuery q : queries) {
    q.now = kNow;
    auto sql = store_->Search(q);
    ASSERT_TRUE(sql.ok()) << sql.error().ToString();
    auto mirrored = Mirrored(*m, q);
    ASSERT_TRUE(mirrored.has_value()) << q.text;
    ASSERT_EQ(mirrored->hits.size(), sql->hits.size()) << q.text;
    EXPECT_EQ(mirrored->total, sql->total) << q.text;
    for (size_t i = 0; i < sql->hits.size(); ++i) {
      EXPECT_EQ(mirrored->hits[i].article_id, sql->hits[i].article_id) << q.text;
      EXPECT_EQ(mirrored->hits[i].slug, sql->hits[i].slug) << q.text;
      EXPECT_EQ(mirrored->hits[i].snippet_html, sql->hits[i].snippet_html) << q.text;
      EXPECT_EQ(mirrored->hits[i].film_title, sql->hits[i].film_title) << q.text;
    }
  }
}

// Episodes are mirrored under PostgreSQL's ids with their shows: a new one, one changed, a show
// renamed, one removed and its id taken by the next episode saved.
TEST_F(PgSearchMirrorTest, FollowsEpisodesAndTheirShows) {
  SaveShow("talk", "Harbour Talk");
  SaveEpisode(Episode("talk", "herons", "Herons", "About herons.", "The grey heron waits."));
  auto m = Mirror(StoreOptions::Mirror::kOff);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Sync());
  auto same_as_sql = [&](const std::string& text) {
    SearchQuery q;
    q.text = text;
    q.now = kNow;
    auto sql = store_->Search(q);
    auto mirrored = Mirrored(*m, q);
    EXPECT_TRUE(sql.ok() && mirrored.has_value()) << text;
    if (!sql.ok() || !mirrored) return Strings{"(no answer)"};
    Strings out;
    EXPECT_EQ(mirrored->hits.size(), sql->hits.size()) << text;
    for (size_t i = 0; i < std::min(sql->hits.size(), mirrored->hits.size()); ++i) {
      EXPECT_EQ(mirrored->hits[i].article_id, sql->hits[i].article_id) << text;
      EXPECT_EQ(mirrored->hits[i].show_title, sql->hits[i].show_title) << text;
      EXPECT_EQ(mirrored->hits[i].snippet_html, sql->hits[i].snippet_html) << text;
      out.push_back(mirrored->hits[i].slug);
    }
    return out;
  };
  EXPECT_EQ(same_as_sql("heron"), Strings{"herons"});
  EXPECT_EQ(same_as_sql("harbour"), Strings{"herons"}) << "found by its show's title";

  PodcastEpisode egrets = Episode("talk", "egrets", "Egrets", "About egrets.");
  SaveEpisode(egrets);
  SaveShow("talk", "Estuary Talk");
  ASSERT_TRUE(m->Sync());
  EXPECT_EQ(same_as_sql("harbour"), Strings{});
  EXPECT_EQ(same_as_sql("estuary"), (Strings{"egrets", "herons"}));

  // The newest episode removed: the next one saved is numbered as it was.
  ASSERT_TRUE(store_->DeletePodcastEpisode("talk", "egrets.md"));
  SaveEpisode(Episode("talk", "plovers", "Plovers", "About plovers."));
  ASSERT_TRUE(m->Sync());
  EXPECT_EQ(same_as_sql("egrets"), Strings{});
  EXPECT_EQ(same_as_sql("plovers"), Strings{"plovers"});
  EXPECT_EQ(same_as_sql("estuary"), (Strings{"plovers", "herons"}));
}

// kBackground: its own thread builds it and follows the notifications. The waits end as soon as
// the mirror holds the store's version; their limit only keeps a broken mirror from hanging.
TEST_F(PgSearchMirrorTest, ItsThreadFollowsTheNotifications) {
  Save("red", "Three Colours: Red", "Geneva, a judge and a model.");
  auto m = Mirror(StoreOptions::Mirror::kBackground);
  ASSERT_TRUE(m);
  auto caught_up = [&] {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (m->version() != Version() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return m->version() == Version();
  };
  ASSERT_TRUE(caught_up());
  EXPECT_EQ(MirroredSlugs(*m, "geneva"), Strings{"red"});
  const int64_t blue = Save("blue", "Three Colours: Blue", "Paris, a composer's widow.");
  ASSERT_TRUE(caught_up());
  EXPECT_EQ(MirroredSlugs(*m, "paris"), Strings{"blue"});
  ASSERT_TRUE(store_->DeleteArticle(blue));
  ASSERT_TRUE(caught_up());
  EXPECT_EQ(MirroredSlugs(*m, "paris"), Strings{});
}

}  // namespace
}  // namespace cinepress
