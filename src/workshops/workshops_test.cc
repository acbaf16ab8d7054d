#include "workshops/workshops.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/text.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

const char* kOnline = R"md(---
title: "Writing about Ozu"
summary: "Four evenings on the pillow shot."
teachers: [ada-critic]
sessions:
  - {starts: "2030-03-05 18:30", minutes: 90}
  - {starts: "2030-03-04 18:30", minutes: 120}
online: true
joining_link: "https://meet.example.com/ozu"
seats: 12
price: 12000
currency: EUR
member_prices: {supporter: 9000, patron: 8000}
free_for: [critic]
registration_opens: "2030-01-01"
materials: [reading.pdf]
---
We *read* and we write.
)md";

const char* kCourse = R"md(---
title: "The Long Take, at Your Pace"
teachers: [ada-critic]
self_paced: true
address: "12 Rue des Écoles, Paris"
seats: 100
price: 0
currency: eur
---
Lessons.
)md";

class WorkshopsFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cinepress-workshops-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "content/workshops/writing-about-ozu");
    std::ofstream(root_ / "content/workshops/writing-about-ozu/reading.pdf") << "%PDF-1.4 x";
    zone_ = *TimeZone::Named("Europe/Paris");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / "content/workshops" / name, std::ios::binary) << text;
  }
  WorkshopsFolder Read() {
    WorkshopRules rules{&zone_, {"free", "supporter", "patron", "critic"}, {"ada-critic"}};
    return ReadWorkshopsFolder(root_, rules, problems_);
  }
  std::string Problems() const {
    std::string out;
    for (const Error& e : problems_) out += e.ToString() + "\n";
    return out;
  }
  fs::path root_;
  TimeZone zone_;
  std::vector<Error> problems_;
};

TEST_F(WorkshopsFolderTest, ReadsEveryFieldInTheSitesTimeZone) {
  Write("writing-about-ozu.md", kOnline);
  Write("long-take.md", kCourse);
  WorkshopsFolder folder = Read();
  ASSERT_TRUE(problems_.empty()) << Problems();
  ASSERT_EQ(folder.workshops.size(), 2u);
  const Workshop& course = folder.workshops[0];
  EXPECT_EQ(course.slug, "long-take");
  EXPECT_TRUE(course.self_paced);
  EXPECT_EQ(course.address, "12 Rue des Écoles, Paris");
  const Workshop& w = folder.workshops[1];
  EXPECT_EQ(w.title, "Writing about Ozu");
  EXPECT_EQ(w.teachers, std::vector<std::string>{"ada-critic"});
  ASSERT_EQ(w.sessions.size(), 2u);  // in order of time
  EXPECT_EQ(w.sessions[0].starts, *zone_.Parse("2030-03-04T18:30:00+01:00"));
  EXPECT_EQ(w.sessions[0].minutes, 120);
  EXPECT_EQ(w.sessions[1].minutes, 90);
  EXPECT_TRUE(w.online);
  EXPECT_EQ(w.joining_link, "https://meet.example.com/ozu");
  EXPECT_EQ(w.seats, 12);
  EXPECT_EQ(w.currency, "eur");
  EXPECT_EQ(w.member_prices.size(), 2u);
  EXPECT_EQ(w.free_for, std::vector<std::string>{"critic"});
  EXPECT_EQ(w.opens, *zone_.Parse("2030-01-01"));
  EXPECT_EQ(w.body, "We *read* and we write.\n");
  EXPECT_EQ(w.materials, std::vector<std::string>{"reading.pdf"});
  ASSERT_EQ(folder.materials[1].size(), 1u);
  EXPECT_EQ(*ReadFile(folder.materials[1][0].file), "%PDF-1.4 x");
  EXPECT_EQ(MaterialMediaPath(w.slug, "reading.pdf"), "_workshops/writing-about-ozu/reading.pdf");
}

TEST_F(WorkshopsFolderTest, EveryBadFieldIsNamedWithItsFileAndLine) {
  Write("bad.md", R"md(---
title: ""
teachers: [nobody]
sessions:
  - {starts: "next tuesday", minutes: 90}
  - {starts: "2030-03-04 18:30"}
online: true
seats: 0
price: -5
currency: euros
member_prices: {gold: 100}
free_for: [platinum]
registration_opens: "2030-02-01"
registration_closes: "2030-01-01"
materials: [../secret.txt]
---
)md");
  WorkshopsFolder folder = Read();
  EXPECT_TRUE(folder.workshops.empty());
  const std::string p = Problems();
  for (const char* expected :
       {"content/workshops/bad.md:2: title: a workshop needs a title",
        "content/workshops/bad.md:3: teachers: \"nobody\" is not a person of data/people.yaml",
        "content/workshops/bad.md:5: sessions.starts: a session needs its start",
        "content/workshops/bad.md:6: sessions.minutes: a session needs its length in minutes",
        "content/workshops/bad.md:1: joining_link: an online workshop needs its joining link",
        "content/workshops/bad.md:8: seats: must be a whole number from 1",
        "content/workshops/bad.md:9: price: must be a whole number from 0",
        "content/workshops/bad.md:10: currency: a workshop needs a currency",
        "content/workshops/bad.md:11: member_prices: \"gold\" is not a tier",
        "content/workshops/bad.md:12: free_for: \"platinum\" is not a tier",
        "content/workshops/bad.md:14: registration_closes: registration must close after it opens",
        "content/workshops/bad.md:15: materials: \"../secret.txt\" is not a file"}) {
    EXPECT_NE(p.find(expected), std::string::npos) << expected << "\nin:\n" << p;
  }
}

TEST_F(WorkshopsFolderTest, WhereIsAnAddressOrOnlineNeverBoth) {
  Write("both.md", R"md(---
title: Both
teachers: [ada-critic]
self_paced: true
sessions: [{starts: "2030-03-04 18:30", minutes: 60}]
online: true
address: "Somewhere"
joining_link: "https://meet.example.com/x"
seats: 3
price: 100
currency: eur
---
)md");
  Write("nowhere.md", R"md(---
title: Nowhere
teachers: [ada-critic]
self_paced: true
seats: 3
price: 100
currency: eur
---
)md");
  EXPECT_TRUE(Read().workshops.empty());
  const std::string p = Problems();
  EXPECT_NE(p.find("both.md:5: sessions: a self-paced course has no sessions"), std::string::npos)
      << p;
  EXPECT_NE(p.find("both.md:7: address: an online workshop has no address"), std::string::npos)
      << p;
  EXPECT_NE(p.find("nowhere.md:1: address: a workshop needs an address"), std::string::npos) << p;
}

TEST_F(WorkshopsFolderTest, PeopleAreTheKeysOfPeopleYaml) {
  fs::create_directories(root_ / "data");
  std::ofstream(root_ / "data/people.yaml")
      << "ada-critic:\n  name: Ada\nbo-director:\n  name: Bo\n";
  EXPECT_EQ(PeopleSlugs(root_), (std::set<std::string>{"ada-critic", "bo-director"}));
  EXPECT_TRUE(PeopleSlugs(root_ / "nowhere").empty());
}

TEST_F(WorkshopsFolderTest, PruningKeepsAWorkshopSomeoneRegisteredFor) {
  Write("writing-about-ozu.md", kOnline);
  Write("long-take.md", kCourse);
  auto store = OpenWorkshopStore(root_ / "site.db", {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto media = OpenContentStore(root_ / "site.db", {});
  ASSERT_TRUE(media.ok()) << media.error().ToString();
  auto counts = WriteWorkshops(**store, **media, Read(), true);
  ASSERT_TRUE(counts.ok()) << counts.error().ToString();
  EXPECT_EQ(counts->saved, 2u);
  // The materials are private media of the store, never the site's.
  EXPECT_EQ(*(*media)->LoadMediaData("_workshops/writing-about-ozu/reading.pdf"), "%PDF-1.4 x");
  Registration g;
  g.workshop = "writing-about-ozu";
  g.reference = "r1";
  g.status = "free";
  ASSERT_TRUE((*store)->StartRegistration(g).ok());
  counts = WriteWorkshops(**store, **media, WorkshopsFolder{}, true);  // both files gone
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->removed, 1u);
  // The kept workshop keeps its materials (its registrants may still open them).
  EXPECT_TRUE((*media)->LoadMediaFile("_workshops/writing-about-ozu/reading.pdf").ok());
  auto left = (*store)->LoadWorkshops();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().slug, "writing-about-ozu");
}

TEST_F(WorkshopsFolderTest, ExportWritesEachWorkshopAsTheFileImportReadsBackTheSame) {
  Write("writing-about-ozu.md", kOnline);
  Write("long-take.md", kCourse);
  auto store = OpenWorkshopStore(root_ / "site.db", {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto media = OpenContentStore(root_ / "site.db", {});
  ASSERT_TRUE(media.ok()) << media.error().ToString();
  ASSERT_TRUE(WriteWorkshops(**store, **media, Read(), false).ok());
  auto before = (*store)->LoadWorkshops();
  ASSERT_TRUE(before.ok());

  const fs::path out = root_ / "out";
  auto report = ExportWorkshops(**store, **media, out, zone_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->workshops, 2u);
  EXPECT_EQ(report->materials, 1u);  // reading.pdf, stored at import
  EXPECT_EQ(report->materials_left_out, 0u);
  const std::string first = WorkshopFileOf(before->back(), zone_, {});
  EXPECT_NE(first.find("starts: \"2030-03-04T18:30:00+01:00\""), std::string::npos) << first;

  // Read back from the export (the same people and tiers), saved into a fresh store.
  fs::remove_all(root_ / "content");
  fs::rename(out / "content", root_ / "content");
  WorkshopsFolder again = Read();
  ASSERT_TRUE(problems_.empty()) << Problems();
  auto fresh = OpenWorkshopStore(root_ / "fresh.db", {});
  auto fresh_media = OpenContentStore(root_ / "fresh.db", {});
  ASSERT_TRUE(fresh.ok() && fresh_media.ok());
  ASSERT_TRUE(WriteWorkshops(**fresh, **fresh_media, again, false).ok());
  auto after = (*fresh)->LoadWorkshops();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before);
  EXPECT_EQ((*fresh_media)->LoadMediaFile("_workshops/writing-about-ozu/reading.pdf")->hash,
            (*media)->LoadMediaFile("_workshops/writing-about-ozu/reading.pdf")->hash);

  // A second export of the same store writes the same bytes.
  ASSERT_TRUE(ExportWorkshops(**fresh, **fresh_media, root_ / "out2", zone_).ok());
  std::ifstream a(root_ / "out2/content/workshops/long-take.md");
  std::string text((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, WorkshopFileOf(before->front(), zone_, {}));
  EXPECT_NE(text.find("price: 0"), std::string::npos) << text;
  EXPECT_NE(text.find("self_paced: true"), std::string::npos) << text;
}

TEST_F(WorkshopsFolderTest, ExportWritesTheMaterialsTheStoreHoldsBesideTheirWorkshop) {
  Write("writing-about-ozu.md", kOnline);
  auto store = OpenWorkshopStore(root_ / "site.db", {});
  auto media = OpenContentStore(root_ / "site.db", {});
  ASSERT_TRUE(store.ok() && media.ok());
  ASSERT_TRUE(WriteWorkshops(**store, **media, Read(), false).ok());
  // As materials are kept once stored (a private media path, never published).
  const std::string pdf = "%PDF-1.4 " + std::string(ContentStore::kMediaChunkBytes + 7, 'x');
  ASSERT_TRUE((*media)->SaveMedia(MaterialMediaPath("writing-about-ozu", "reading.pdf"), pdf));
  auto report = ExportWorkshops(**store, **media, root_ / "out", zone_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->materials, 1u);
  EXPECT_EQ(report->materials_left_out, 0u);
  std::ifstream in(root_ / "out/content/workshops/writing-about-ozu/reading.pdf", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), pdf);
  // Read back: the same workshop with its material and its bytes.
  fs::remove_all(root_ / "content");
  fs::rename(root_ / "out/content", root_ / "content");
  WorkshopsFolder again = Read();
  ASSERT_TRUE(problems_.empty()) << Problems();
  ASSERT_EQ(again.workshops.size(), 1u);
  EXPECT_EQ(again.workshops[0].materials, std::vector<std::string>{"reading.pdf"});
  std::ifstream back(again.materials[0][0].file, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(back), {}), pdf);
}

TEST_F(WorkshopsFolderTest, ExportRefusesASymbolicLinkInTheFolder) {
  Write("long-take.md", kCourse);
  auto store = OpenWorkshopStore(root_ / "site.db", {});
  auto media = OpenContentStore(root_ / "site.db", {});
  ASSERT_TRUE(store.ok() && media.ok());
  ASSERT_TRUE(WriteWorkshops(**store, **media, Read(), false).ok());
  fs::create_directories(root_ / "out/content");
  fs::create_directories(root_ / "elsewhere");
  fs::create_directory_symlink(root_ / "elsewhere", root_ / "out/content/workshops");
  auto report = ExportWorkshops(**store, **media, root_ / "out", zone_);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("symbolic link"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(root_ / "elsewhere"));
}

TEST(WorkshopRulesTest, AReaderPaysTheLowestPriceOfTheirTiersOrNothingWhenEntitled) {
  Workshop w;
  w.price = 12000;
  w.member_prices = {{"supporter", 9000}, {"patron", 8000}};
  w.free_for = {"critic"};
  ReaderRights stranger, supporter, both, critic;
  supporter.Grant("supporter");
  both.Grant("supporter");
  both.Grant("patron");
  critic.Grant("critic");
  EXPECT_EQ(PriceFor(w, stranger).amount, 12000);
  EXPECT_FALSE(PriceFor(w, stranger).free);
  EXPECT_EQ(PriceFor(w, supporter).amount, 9000);
  EXPECT_EQ(PriceFor(w, both).amount, 8000);
  EXPECT_TRUE(PriceFor(w, critic).free);
  EXPECT_EQ(PriceFor(w, critic).amount, 0);
}

TEST(WorkshopRulesTest, RegistrationIsOpenFromOpensUntilClosesOrTheFirstSession) {
  Workshop w;
  w.sessions = {{5000, 60}, {9000, 60}};
  w.opens = 1000;
  EXPECT_FALSE(RegistrationOpen(w, 999).ok());
  EXPECT_NE(RegistrationOpen(w, 999).error().message.find("not opened yet"), std::string::npos);
  EXPECT_TRUE(RegistrationOpen(w, 1000).ok());
  EXPECT_TRUE(RegistrationOpen(w, 4999).ok());
  EXPECT_FALSE(RegistrationOpen(w, 5000).ok());
  w.closes = 3000;
  EXPECT_FALSE(RegistrationOpen(w, 3000).ok());
  EXPECT_TRUE(IsUpcoming(w, 9000 + 3599));
  EXPECT_FALSE(IsUpcoming(w, 9000 + 3600));
  w.cancelled = true;
  EXPECT_NE(RegistrationOpen(w, 2000).error().message.find("cancelled"), std::string::npos);
  Workshop course;
  course.self_paced = true;
  EXPECT_TRUE(RegistrationOpen(course, 1 << 30).ok());
  EXPECT_TRUE(IsUpcoming(course, 1 << 30));
}

}  // namespace
}  // namespace cinepress
