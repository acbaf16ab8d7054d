#include "ingest/markdown_folder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

TimeZone Utc() { return *TimeZone::Named("UTC"); }

const char* kReview = R"(---
title: "After the Mountain"
slug: "after-the-mountain"
date: 2021-10-06T05:00:34+00:00
author_id: "nia-bianchi"
categories: ["Film Reviews"]
tags: ["Slow Cinema", "TIFF21"]
summary: "A dek."
image:
  src: "/images/after.jpg"
  alt: "A window at dusk"
  caption: "Courtesy of the distributor."
film:
  title: "After the Mountain"
  original_title: "A Risabenu"
  directors: ["Maëlle Blackwood"]
  year: 2021
  country: ["Spain"]
  runtime_min: 93
---

The body.
)";

const char* kAuthors = R"(nia-bianchi:
  name: "Nia Bianchi"
  role: "Staff Critic"
  bio: "Nia writes."
)";

// Whether one of the problems (as file:line: field: message) contains `text`.
bool HasProblem(const std::vector<std::string>& problems, const std::string& text) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(text) != std::string::npos; });
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cinepress-ingest-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "src");
    store_ = std::move(*OpenContentStore(root_ / "site.db", {}));
    Write("data/authors.yaml", kAuthors);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }
  void Write(const std::string& rel, const std::string& text) {
    fs::path p = root_ / "src" / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  Result<ImportReport> Import(ImportOptions o = {}) {
    return ImportFolder(*store_, root_ / "src", Utc(), o);
  }
  std::vector<std::string> Problems(const ImportReport& r) {
    std::vector<std::string> out;
    for (const Error& e : r.problems) out.push_back(e.ToString());
    return out;
  }
  fs::path root_;
  std::unique_ptr<ContentStore> store_;
};

TEST_F(ImportTest, MenusRedirectsAndMediaDetailsComeFromTheDataFolder) {
  Write("content/reviews/after-the-mountain.md", kReview);
  Write("static/uploads/door.jpg", "JPEG");
  Write("data/menus.yaml",
        "main:\n  name: Main\n  role: main\n  items:\n    - name: Reviews\n      url: /reviews/\n"
        "      children: [{name: Older, url: /reviews/page/2/}]\n");
  Write("data/redirects.yaml",
        "\"/?p=7\": {article: content/reviews/after-the-mountain.md}\n\"/old/\": {to: /new/}\n");
  Write("data/media.yaml", "uploads/door.jpg: {alt: A door, credit: Courtesy}\n");
  auto r = Import();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_TRUE(r->problems.empty()) << testing::PrintToString(Problems(*r));
  auto menus = *store_->LoadMenus();
  ASSERT_EQ(menus.size(), 1u);
  EXPECT_EQ(menus[0].role, "main");
  EXPECT_EQ(menus[0].items[0].children[0].url, "/reviews/page/2/");
  auto redirects = *store_->LoadRedirects();
  ASSERT_EQ(redirects.size(), 2u);
  EXPECT_EQ(redirects[0].from, "/?p=7");
  EXPECT_EQ(redirects[0].article_id, store_->LoadArticles(false)->front().id);
  EXPECT_EQ(redirects[1].to, "/new/");
  auto details = *store_->LoadMediaDetails();
  ASSERT_EQ(details.size(), 1u);
  EXPECT_EQ(details[0].alt, "A door");
  EXPECT_EQ(r->site_data_saved, 4u);  // a menu, two redirects, one file's details
  // Imported again, unchanged: the same rows.
  ASSERT_TRUE(Import().ok());
  EXPECT_EQ(store_->LoadRedirects()->size(), 2u);
}

TEST_F(ImportTest, ARedirectToAFileThatIsNoArticleStopsTheImport) {
  Write("content/reviews/after-the-mountain.md", kReview);
  Write("data/redirects.yaml",
        "\"/?p=7\": {to: /x/}\n\"/?p=8\": {article: content/reviews/gone.md}\n");
  Write("data/media.yaml", "uploads/missing.jpg: {alt: Gone}\n");
  auto r = Import();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_FALSE(r->written);
  EXPECT_EQ(Problems(*r),
            (std::vector<std::string>{
                "data/redirects.yaml:2: /?p=8.article: \"content/reviews/gone.md\" is not an "
                "article's file of this folder",
                "data/media.yaml: uploads/missing.jpg: \"uploads/missing.jpg\" is not a media file "
                "(static/uploads/missing.jpg)"}));
  EXPECT_TRUE(store_->LoadRedirects()->empty());
}

TEST_F(ImportTest, ImportsArticlesPagesSectionsAuthorsAndMedia) {
  Write("content/reviews/after-the-mountain.md", kReview);
  Write("content/reviews/_index.md", "---\ntitle: \"Reviews\"\ndescription: \"All.\"\n---\n");
  Write("content/about.md", "---\ntitle: About\ndate: 2020-01-01\n---\nWho we are.\n");
  Write("static/images/after.jpg", "JPEG");
  auto r = Import();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->problems.empty()) << testing::PrintToString(Problems(*r));
  EXPECT_EQ(r->added, 2u);
  EXPECT_EQ(r->media_added, 1u);
  auto articles = *store_->LoadArticles(true);
  ASSERT_EQ(articles.size(), 2u);
  const Article& page = articles[0].kind == ArticleKind::kPage ? articles[0] : articles[1];
  const Article& review = articles[0].kind == ArticleKind::kPage ? articles[1] : articles[0];
  EXPECT_EQ(page.slug, "about");
  EXPECT_EQ(review.section, "reviews");
  EXPECT_EQ(review.author_ids, std::vector<std::string>{"nia-bianchi"});
  EXPECT_EQ(review.film->directors, std::vector<std::string>{"Maëlle Blackwood"});
  EXPECT_EQ(review.body_markdown, "\nThe body.\n");
  EXPECT_EQ(store_->LoadAuthors()->at(0).role, "Staff Critic");
  EXPECT_EQ(store_->LoadSections()->at(0).title, "Reviews");
  EXPECT_EQ(*store_->LoadMediaData("images/after.jpg"), "JPEG");
}

TEST_F(ImportTest, ReimportChangesNothingAndUpdatesWhatChanged) {
  Write("content/reviews/after-the-mountain.md", kReview);
  ASSERT_TRUE(Import().ok());
  auto again = Import();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->added + again->updated + again->removed, 0u);
  EXPECT_EQ(again->unchanged, 1u);
  EXPECT_EQ(again->authors_saved, 0u);

  std::string changed = kReview;
  changed.replace(changed.find("The body."), 9, "A new body.");
  Write("content/reviews/after-the-mountain.md", changed);
  auto third = Import();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->updated, 1u);
  auto articles = *store_->LoadArticles(true);
  ASSERT_EQ(articles.size(), 1u);
  EXPECT_EQ(articles[0].body_markdown, "\nA new body.\n");
}

// A film's address that changes between imports keeps a redirect from the old one; a first
// import, with no film addresses before it, moves none.
TEST_F(ImportTest, AFilmGivenAYearByALaterReviewKeepsItsOldAddress) {
  Write("content/festivals/day-one.md",
        "---\ntitle: \"Day one\"\ndate: 2026-01-30T10:00:00+00:00\nauthor_id: \"nia-bianchi\"\n"
        "films: [\"Night Ferry\"]\n---\n\nA dispatch.\n");
  auto first = Import();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->added, 1u);
  EXPECT_TRUE(first->moved_films.empty());
  EXPECT_TRUE(store_->LoadRedirects()->empty());

  Write("content/reviews/night-ferry.md",
        "---\ntitle: \"Night Ferry\"\ndate: 2026-02-02T10:00:00+00:00\nauthor_id: "
        "\"nia-bianchi\"\nfilm:\n  title: \"Night Ferry\"\n  year: 2026\n---\n\nA review.\n");
  auto second = Import();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_EQ(second->moved_films.size(), 1u);
  EXPECT_EQ(second->moved_films[0].first, "night-ferry");
  EXPECT_EQ(second->moved_films[0].second, "night-ferry-2026");
  auto redirects = store_->LoadRedirects();
  ASSERT_TRUE(redirects.ok());
  EXPECT_EQ(*redirects,
            (std::vector<UrlRedirect>{{"/films/night-ferry/", 0, "/films/night-ferry-2026/"}}));
}

// With the folder's file stats kept (file_stats.h), a file whose size, time and inode are as the
// last import saw them is not even read: the proof is a file changed behind the import's back,
// its size and time put back, which it takes as unchanged. A file touched again is read.
TEST_F(ImportTest, AFileWithTheSameSizeTimeAndInodeIsNotReadAgain) {
  const std::string rel = "content/reviews/after-the-mountain.md";
  const fs::path file = root_ / "src" / rel;
  Write(rel, kReview);
  const auto old_time = fs::last_write_time(file) - std::chrono::hours(1);
  fs::last_write_time(file, old_time);
  ImportOptions o;
  o.file_stats = root_ / "file-stats";
  ASSERT_TRUE(Import(o).ok());
  EXPECT_TRUE(fs::exists(o.file_stats));
  std::string same_size = kReview;
  same_size.replace(same_size.find("The body."), 9, "The BODY.");
  {
    // In place (the same inode), as an editor's save that keeps the time would.
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f << same_size;
  }
  fs::last_write_time(file, old_time);
  auto again = Import(o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1u);
  EXPECT_EQ(again->updated, 0u);
  // Its time moved: read, and the change is found. Without the stats, it is read every time.
  fs::last_write_time(file, old_time + std::chrono::minutes(1));
  auto third = Import(o);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->updated, 1u);
  EXPECT_EQ(store_->LoadArticles(true)->at(0).body_markdown, "\nThe BODY.\n");
}

// A film page whose address an import changes keeps the old one as a redirect (the films are
// compared as the store holds them before and after the import's writes).
TEST_F(ImportTest, AFilmWhoseAddressMovesKeepsTheOldOneAsARedirect) {
  Write("content/reviews/after-the-mountain.md", kReview);
  ASSERT_TRUE(Import().ok());
  std::string review = kReview;  // the film's title corrected
  const std::string film_title = "  title: \"After the Mountain\"\n";
  review.replace(review.find(film_title), film_title.size(), "  title: \"After the Mountains\"\n");
  Write("content/reviews/after-the-mountain.md", review);
  auto moved = Import();
  ASSERT_TRUE(moved.ok());
  ASSERT_FALSE(moved->moved_films.empty()) << ::testing::PrintToString(Problems(*moved));
  auto redirects = store_->LoadRedirects();
  ASSERT_TRUE(redirects.ok());
  bool found = false;
  for (const UrlRedirect& r : *redirects) {
    found = found || (r.from == "/films/" + moved->moved_films[0].first + "/" &&
                      r.to == "/films/" + moved->moved_films[0].second + "/");
  }
  EXPECT_TRUE(found) << moved->moved_films[0].first << " -> " << moved->moved_films[0].second;
}

// An unchanged file is not parsed again (its stored article stands for it), unless what it was
// checked against changed: a writer gone from data/authors.yaml is still reported, line and all.
TEST_F(ImportTest, AnUnchangedFileIsCheckedAgainWhenItsWriterIsGone) {
  Write("content/reviews/after-the-mountain.md", kReview);
  ASSERT_TRUE(Import().ok());
  auto again = Import();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1u);
  EXPECT_TRUE(again->problems.empty());
  Write("data/authors.yaml", "someone-else:\n  name: \"Someone Else\"\n");
  auto third = Import();
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(HasProblem(Problems(*third),
                         "content/reviews/after-the-mountain.md:5: author: unknown author"))
      << ::testing::PrintToString(Problems(*third));
}

// An unchanged file's article (the store's, not parsed again) is checked with the files read
// now: a new file cannot take its address, and a tier gone from cinepress.toml is reported; an
// import with no problem keeps it as it was.
TEST_F(ImportTest, AnUnchangedFileIsCheckedWithTheFilesReadNow) {
  std::string gold = kReview;
  gold.replace(gold.find("summary:"), 0, "access: [gold]\n");
  Write("content/reviews/after-the-mountain.md", gold);
  ImportOptions with_gold;
  with_gold.tiers = {"gold"};
  auto first = Import(with_gold);
  ASSERT_TRUE(first.ok() && first->written) << ::testing::PrintToString(Problems(*first));
  const int64_t id = store_->LoadArticles(false)->at(0).id;

  std::string taker = kReview;
  taker.replace(taker.find("After the Mountain\"\nslug"), 18, "Another Mountain");
  Write("content/reviews/taker.md", taker);
  auto refused = Import(with_gold);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->written);
  EXPECT_TRUE(HasProblem(Problems(*refused),
                         "content/reviews/taker.md: slug: \"after-the-mountain\" is already the "
                         "slug of content/reviews/after-the-mountain.md"))
      << ::testing::PrintToString(Problems(*refused));
  fs::remove(root_ / "src/content/reviews/taker.md");

  auto no_gold = Import();
  ASSERT_TRUE(no_gold.ok());
  EXPECT_FALSE(no_gold->written);
  EXPECT_TRUE(HasProblem(Problems(*no_gold),
                         "content/reviews/after-the-mountain.md: access: no tier \"gold\""))
      << ::testing::PrintToString(Problems(*no_gold));

  auto again = Import(with_gold);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->problems.empty()) << ::testing::PrintToString(Problems(*again));
  EXPECT_EQ(again->unchanged, 1u);
  auto stored = store_->LoadArticles(false);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->at(0).id, id);
  EXPECT_NE(stored->at(0).access.find("gold"), std::string::npos);
}

TEST_F(ImportTest, PruneRemovesOnlyWithTheFlag) {
  Write("content/reviews/after-the-mountain.md", kReview);
  Write("static/images/after.jpg", "JPEG");
  ASSERT_TRUE(Import().ok());
  // Private media (a shop ebook's file, a workshop's material) are no orphans of static/.
  ASSERT_TRUE(store_->SaveMedia("_shop/ozu/ozu.pdf", "%PDF-1.4").ok());
  ASSERT_TRUE(store_->SaveMedia("_workshops/w/notes.txt", "notes").ok());
  fs::remove(root_ / "src/content/reviews/after-the-mountain.md");
  fs::remove(root_ / "src/static/images/after.jpg");
  auto kept = Import();
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(store_->LoadArticles(false)->size(), 1u);
  ImportOptions prune;
  prune.prune = true;
  auto pruned = Import(prune);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(pruned->removed, 1u);
  EXPECT_EQ(pruned->media_removed, 1u);
  EXPECT_TRUE(store_->LoadArticles(false)->empty());
  EXPECT_TRUE(store_->LoadMediaFile("_shop/ozu/ozu.pdf").ok());
  EXPECT_TRUE(store_->LoadMediaFile("_workshops/w/notes.txt").ok());
}

// The newsroom's edits (docs/NEWSROOM.md): an article edited there since it was imported is not
// overwritten by its changed file, nor pruned, without --force; a forced import says so in the
// article's revisions.
TEST_F(ImportTest, AnArticleEditedInTheNewsroomIsOverwrittenOnlyWithForce) {
  Write("content/reviews/after-the-mountain.md", kReview);
  ASSERT_TRUE(Import().ok());
  Article edited = store_->LoadArticles(true)->at(0);
  edited.title = "Edited in the newsroom";
  ASSERT_TRUE(store_->SaveArticle(edited).ok());
  ArticleRevision r{0, edited.id, 100, "ed@mag.example", "save", edited};
  ASSERT_TRUE(store_->SaveRevision(r).ok());

  auto unchanged = Import();
  ASSERT_TRUE(unchanged.ok()) << "an unchanged file is no threat";
  EXPECT_EQ(store_->LoadArticles(false)->at(0).title, "Edited in the newsroom");

  std::string changed = kReview;
  changed.replace(changed.find("The body."), 9, "A new body.");
  Write("content/reviews/after-the-mountain.md", changed);
  auto refused = Import();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().file, "content/reviews/after-the-mountain.md");
  EXPECT_NE(refused.error().message.find("--force"), std::string::npos);
  EXPECT_EQ(store_->LoadArticles(false)->at(0).title, "Edited in the newsroom");

  ImportOptions force;
  force.force = true;
  auto forced = Import(force);
  ASSERT_TRUE(forced.ok()) << forced.error().ToString();
  EXPECT_EQ(store_->LoadArticles(true)->at(0).body_markdown, "\nA new body.\n");
  auto revisions = *store_->LoadRevisions(edited.id);
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0].action, kImportRevision);
  changed.replace(changed.find("A new body."), 11, "A third body.");
  Write("content/reviews/after-the-mountain.md", changed);
  EXPECT_TRUE(Import().ok()) << "after a forced import, the file leads again";
}

TEST_F(ImportTest, PruneKeepsAPieceWrittenInTheNewsroom) {
  Write("content/reviews/after-the-mountain.md", kReview);
  ASSERT_TRUE(Import().ok());
  Article made;
  made.section = "reviews";
  made.slug = "from-the-newsroom";
  made.title = "From the newsroom";
  made.source_path = "content/reviews/from-the-newsroom.md";  // as the newsroom names it
  made.date = 100;
  auto id = store_->SaveArticle(made);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store_->SaveRevision({0, *id, 100, "ed@mag.example", "save", made}).ok());
  ImportOptions prune;
  prune.prune = true;
  auto pruned = Import(prune);
  ASSERT_TRUE(pruned.ok()) << pruned.error().ToString();
  EXPECT_EQ(pruned->removed, 0u);
  EXPECT_EQ(store_->LoadArticles(false)->size(), 2u);
}

TEST_F(ImportTest, PruneLeavesWhatAWordPressImportBrought) {
  Write("content/reviews/after-the-mountain.md", kReview);
  ASSERT_TRUE(Import().ok());
  Article wp;
  wp.kind = ArticleKind::kArticle;
  wp.section = "articles";
  wp.slug = "from-wordpress";
  wp.title = "From WordPress";
  wp.source_path = "wordpress/reel.example/12";
  ASSERT_TRUE(store_->SaveArticle(wp).ok());
  ASSERT_TRUE(store_->SaveMedia("wp-content/uploads/2021/03/still.jpg", "JPEG").ok());
  ImportOptions prune;
  prune.prune = true;
  auto pruned = Import(prune);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(pruned->removed, 0u);
  EXPECT_EQ(pruned->media_removed, 0u);
  EXPECT_EQ(store_->LoadArticles(false)->size(), 2u);
  EXPECT_EQ(store_->LoadMediaList()->size(), 1u);
}

TEST_F(ImportTest, ReportsEveryProblemWithFileLineAndFieldAndWritesNothing) {
  Write("content/reviews/good.md", kReview);
  Write("content/reviews/bad-yaml.md", "---\ntitle: \"x\ndate: [\n---\nbody\n");
  Write("content/reviews/no-title.md", "---\ndate: 2021-01-01\nauthor_id: nia-bianchi\n---\n");
  Write("content/reviews/bad-date.md",
        "---\ntitle: X\nauthor_id: nia-bianchi\ndate: last tuesday\n---\n");
  Write("content/reviews/no-alt.md",
        "---\ntitle: Y\ndate: 2021-01-01\nauthor_id: nia-bianchi\nimage:\n  src: /i.jpg\n---\n");
  Write("content/reviews/stranger.md",
        "---\ntitle: Z\ndate: 2021-01-01\nauthor_id: someone-else\n---\n");
  std::string dup = kReview;
  Write("content/reviews/zz-duplicate.md", dup);
  Write("content/reviews/wrong-type.md",
        "---\ntitle: W\ndate: 2021-01-01\nauthor_id: nia-bianchi\ntags: {a: b}\n---\n");
  auto r = Import();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->written);
  auto p = Problems(*r);
  auto has = [&](const std::string& s) { return HasProblem(p, s); };
  EXPECT_TRUE(has("content/reviews/bad-yaml.md:")) << testing::PrintToString(p);
  EXPECT_TRUE(has("content/reviews/no-title.md:2: title: an article needs a title"));
  EXPECT_TRUE(has("content/reviews/bad-date.md:4: date: \"last tuesday\" is not a date"));
  EXPECT_TRUE(has("content/reviews/no-alt.md:5: image.alt: an image needs alt text"));
  EXPECT_TRUE(has("content/reviews/stranger.md:4: author: unknown author \"someone-else\""));
  EXPECT_TRUE(
      has("content/reviews/zz-duplicate.md: slug: \"after-the-mountain\" is already the "
          "slug of content/reviews/good.md"));
  EXPECT_TRUE(has("content/reviews/wrong-type.md:5: tags: must be a list"));
  EXPECT_EQ(p.size(), 7u) << testing::PrintToString(p);
  EXPECT_TRUE(store_->LoadArticles(false)->empty());
  EXPECT_TRUE(store_->LoadAuthors()->empty());
}

// One run reports everything: a file's field problems do not hide its unknown author or the
// film it describes differently from another file, and an unclosed quote is a YAML problem at
// the line it opens (yaml-cpp alone reads it as closed at the end, swallowing the fields after
// it into the value: "date: an article needs a date").
TEST_F(ImportTest, OneRunReportsEveryProblemOfEveryFile) {
  Write("content/reviews/open-quote.md",
        "---\ntitle: \"Aloners\ndate: 2021-01-01\nauthor_id: nia-bianchi\n---\nBody\n");
  Write("content/reviews/open-single.md",
        "---\ndate: 2021-01-01\ntitle: 'Aloners\nauthor_id: nia-bianchi\n---\nBody\n");
  Write("content/reviews/no-date.md",
        "---\ntitle: X\nauthor_id: nobody\nfilm:\n  title: Tide\n  year: 2020\n"
        "  runtime_min: 100\n---\nBody\n");
  Write("content/reviews/other.md",
        "---\ntitle: Y\ndate: 2021-01-01\nauthor_id: nia-bianchi\nfilm:\n  title: Tide\n"
        "  year: 2020\n  runtime_min: 90\n---\nBody\n");
  auto r = Import();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->written);
  auto p = Problems(*r);
  auto has = [&](const std::string& s) { return HasProblem(p, s); };
  EXPECT_TRUE(
      has("content/reviews/open-quote.md:2: title: invalid YAML: a quoted value is never "
          "closed"))
      << testing::PrintToString(p);
  EXPECT_TRUE(has("content/reviews/open-single.md:3: title: invalid YAML: a quoted value"))
      << testing::PrintToString(p);
  EXPECT_TRUE(has("content/reviews/no-date.md:2: date: an article needs a date"));
  EXPECT_TRUE(has("content/reviews/no-date.md:3: author: unknown author \"nobody\""));
  EXPECT_TRUE(has("film.runtime_min: the film \"Tide\" (2020) is"));
  EXPECT_EQ(p.size(), 5u) << testing::PrintToString(p);
}

// A changed file is checked against the stored films when it changes its film (a body edited
// alone needs no such check: the stored articles passed it).
TEST_F(ImportTest, AFileChangedToDescribeAFilmOtherwiseIsAProblem) {
  auto review = [](const std::string& title, int runtime, const std::string& body) {
    return "---\ntitle: " + title + "\ndate: 2021-01-01\nauthor_id: nia-bianchi\nfilm:\n" +
           "  title: Tide\n  year: 2020\n  runtime_min: " + std::to_string(runtime) + "\n---\n" +
           body + "\n";
  };
  Write("content/reviews/one.md", review("X", 90, "Body"));
  Write("content/reviews/two.md", review("Y", 90, "Body"));
  ASSERT_TRUE(Import().ok());
  Write("content/reviews/two.md", review("Y", 90, "Another body"));
  auto body = Import();
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->updated, 1u);
  EXPECT_TRUE(body->problems.empty()) << testing::PrintToString(Problems(*body));
  Write("content/reviews/two.md", review("Y", 100, "Another body"));
  auto film = Import();
  ASSERT_TRUE(film.ok());
  EXPECT_FALSE(film->written);
  EXPECT_TRUE(HasProblem(Problems(*film), "film.runtime_min: the film \"Tide\" (2020) is"))
      << testing::PrintToString(Problems(*film));
}

TEST(ParseContentFile, AQuoteClosedOnALaterLineIsFine) {
  std::vector<Error> problems;
  auto parsed = ParseContentFile("---\ntitle: \"Two\n  lines\"\ndate: 2021-01-01\n---\nBody\n",
                                 "content/a.md", *TimeZone::Named("UTC"), problems);
  ASSERT_TRUE(parsed) << (problems.empty() ? "" : problems[0].ToString());
  EXPECT_EQ(parsed->article.title, "Two lines");
  // After it, a quote that never closes is named at its own line and field.
  problems.clear();
  EXPECT_FALSE(ParseContentFile(
      "---\ntitle: \"Two\n  lines\"\ndate: 2021-01-01\ndek: \"open\nauthor: a\ntags: [x]\n---\nB\n",
      "content/a.md", *TimeZone::Named("UTC"), problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].ToString(),
            "content/a.md:5: dek: invalid YAML: a quoted value is never closed (its closing quote "
            "is missing)");
}

TEST_F(ImportTest, SkipInvalidImportsTheRestAndKeepsWhatWasStored) {
  Write("content/reviews/after-the-mountain.md", kReview);
  ASSERT_TRUE(Import().ok());
  // The stored article's file breaks; a new good file arrives.
  Write("content/reviews/after-the-mountain.md", "---\ntitle: [broken\n---\n");
  std::string other = kReview;
  other.replace(other.find("slug: \"after-the-mountain\""), 26, "slug: \"another\"");
  Write("content/reviews/another.md", other);
  ImportOptions o;
  o.skip_invalid = true;
  o.prune = true;
  auto r = Import(o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->written);
  EXPECT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->removed, 0u);  // the broken file's article is kept as it was
  auto articles = *store_->LoadArticles(true);
  ASSERT_EQ(articles.size(), 2u);
  EXPECT_EQ(articles[0].body_markdown, "\nThe body.\n");
}

TEST_F(ImportTest, WithoutAuthorsFileAuthorsAreMadeFromNames) {
  fs::remove(root_ / "src/data/authors.yaml");
  Write("content/essays/e.md",
        "---\ntitle: E\ndate: 2021-01-01\nauthors: [\"Łukasz Wójcik\"]\n---\nText\n");
  auto r = Import();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->problems.empty());
  auto authors = *store_->LoadAuthors();
  ASSERT_EQ(authors.size(), 1u);
  EXPECT_EQ(authors[0].id, "lukasz-wojcik");
  EXPECT_EQ(authors[0].name, "Łukasz Wójcik");
}

TEST_F(ImportTest, HostileInputIsAProblemNotACrash) {
  Write("content/reviews/binary.md", std::string("---\ntitle: \xff\xfe\n---\nbody\n"));
  Write("content/reviews/deep.md", "---\ntitle: " + std::string(5000, '[') + "\n---\n");
  Write("content/reviews/no-front-matter.md", "Just text.\n");
  Write("content/reviews/list.md", "---\n- a\n- b\n---\n");
  auto r = Import();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->problems.size(), 4u) << testing::PrintToString(Problems(*r));
  EXPECT_FALSE(r->written);
}

TEST_F(ImportTest, SymbolicLinksAreNeverFollowed) {
  Write("outside/secret.txt", "password");
  Write("content/reviews/after-the-mountain.md", kReview);
  fs::create_directories(root_ / "src/static");
  fs::create_symlink(root_ / "src/outside/secret.txt", root_ / "src/static/secret.txt");
  fs::create_symlink(root_ / "src/content/reviews/after-the-mountain.md",
                     root_ / "src/content/reviews/linked.md");
  auto r = Import();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->written);
  EXPECT_EQ(r->problems.size(), 2u) << testing::PrintToString(Problems(*r));
  ImportOptions skip;
  skip.skip_invalid = true;
  auto r2 = Import(skip);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->written);
  EXPECT_EQ(r2->added, 1u);
  EXPECT_FALSE(store_->LoadMediaData("secret.txt").ok());
}

TEST_F(ImportTest, MissingFolderIsAnError) {
  auto r = ImportFolder(*store_, root_ / "nowhere", Utc(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cinepress
