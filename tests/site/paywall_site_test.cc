// Whole-site tests of the paywall: what a static build and each outlet hold of a restricted
// article, and what a member's variant shows.
#include <gtest/gtest.h>

#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "The Long Take"
base_url = "https://longtake.example"
timezone = "UTC"

[members]
free_paragraphs = 2

[[tiers]]
slug = "supporter"
name = "Supporter"
monthly_price = 500
currency = "usd"

[[tiers]]
slug = "patron"
name = "Patron"
yearly_price = 9900
currency = "eur"
)";

std::string Piece(const std::string& title, const std::string& access, const std::string& body) {
  return "---\ntitle: \"" + title + "\"\ndate: 2026-03-01T10:00:00Z\nauthor: \"Nia Bianchi\"\n" +
         (access.empty() ? "" : "access: " + access + "\n") + "---\n\n" + body;
}

std::map<std::string, std::string> Magazine() {
  return {
      {"content/reviews/paid.md",
       Piece("Paid", "paid", "Opening for all.\n\nSecond for all.\n\nLOCKED-PAID-SENTENCE.\n")},
      {"content/reviews/marked.md",
       Piece("Marked", "[patron]",
             "Only this is free.\n\n<!--paywall-->\n\nLOCKED-MARKED-SENTENCE.\n\nMore.\n")},
      {"content/reviews/open.md", Piece("Open", "", "PUBLIC-SENTENCE one.\n\nTwo.\n\nThree.\n")},
      {"content/essays/_index.md", "---\ntitle: \"Essays\"\naccess: members\n---\n"},
      {"content/essays/by-default.md",
       Piece("By default", "", "Free essay start.\n\nFree two.\n\nLOCKED-ESSAY-SENTENCE.\n")},
      {"content/essays/own-rule.md",
       Piece("Own rule", "public", "ESSAY-PUBLIC one.\n\nTwo.\n\nESSAY-PUBLIC three.\n")},
  };
}

TEST(PaywallSite, TheStaticBuildHoldsNoLockedText) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  EXPECT_TRUE(built->import_problems.empty());
  for (const auto& [path, bytes] : built->files) {
    const std::string text = FileText(path, bytes);  // the search fragments unpacked
    for (const char* locked :
         {"LOCKED-PAID-SENTENCE", "LOCKED-MARKED-SENTENCE", "LOCKED-ESSAY-SENTENCE"}) {
      EXPECT_EQ(text.find(locked), std::string::npos) << locked << " in " << path;
    }
  }
  std::string paid = built->Page("/reviews/paid/");
  EXPECT_NE(paid.find("Second for all."), std::string::npos);
  EXPECT_NE(paid.find("class=\"paywall\""), std::string::npos);
  EXPECT_NE(paid.find("Supporter"), std::string::npos);  // the tiers that open it, with prices
  EXPECT_NE(paid.find("$5.00"), std::string::npos);
  EXPECT_NE(paid.find("\"isAccessibleForFree\":false"), std::string::npos);
  // A marker ends the free part wherever it is.
  std::string marked = built->Page("/reviews/marked/");
  EXPECT_NE(marked.find("Only this is free."), std::string::npos);
  EXPECT_NE(marked.find("Patron"), std::string::npos);
  EXPECT_EQ(marked.find("Supporter"), std::string::npos);  // it does not open this one
  // The section's default, and an article's own rule over it.
  EXPECT_NE(built->Page("/essays/by-default/").find("class=\"paywall\""), std::string::npos);
  std::string own = built->Page("/essays/own-rule/");
  EXPECT_EQ(own.find("class=\"paywall\""), std::string::npos);
  EXPECT_NE(own.find("ESSAY-PUBLIC three."), std::string::npos);
  // Public articles are untouched, and their feeds whole.
  EXPECT_NE(built->files.at("feed.xml").find("PUBLIC-SENTENCE"), std::string::npos);
  EXPECT_NE(built->files.at("feed.xml").find("Continue reading on the site"), std::string::npos);
}

TEST(PaywallSite, AnEntitledVariantShowsTheWhole) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  const Site& site = *built->site;
  const Output* out = site.FindOutput("reviews/paid/index.html");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(site.AccessOf(*out).ToString(), "paid");
  ReaderRights supporter;
  supporter.member_id = 3;
  supporter.Grant("members");
  supporter.Grant("supporter");
  EXPECT_EQ(supporter.VariantFor(site.AccessOf(*out)), "open");
  // Rendered for that variant (as `serve` does), the locked part is there, in its element.
  auto store = built->OpenStore();
  ASSERT_TRUE(store) << store.error().ToString();
  SiteRenderer renderer(built->site, store->get());
  auto whole = renderer.Render(*out, PageAccess{true, "", nullptr});
  ASSERT_TRUE(whole) << whole.error().ToString();
  EXPECT_NE(whole->find("LOCKED-PAID-SENTENCE"), std::string::npos);
  EXPECT_NE(whole->find("story__locked"), std::string::npos);
  EXPECT_EQ(whole->find("class=\"paywall\""), std::string::npos);
  auto institution = renderer.Render(*out, PageAccess{true, "Ridgeway Library", nullptr});
  ASSERT_TRUE(institution);
  EXPECT_NE(institution->find("Access provided by Ridgeway Library"), std::string::npos);
  // The site feed with a member's rights (the private feed) carries what they may read.
  const Output* feed = site.FindOutput("feed.xml");
  auto private_feed = renderer.Render(*feed, PageAccess{false, "", &supporter});
  ASSERT_TRUE(private_feed);
  EXPECT_NE(private_feed->find("LOCKED-PAID-SENTENCE"), std::string::npos);
  EXPECT_EQ(private_feed->find("LOCKED-MARKED-SENTENCE"), std::string::npos);
}

TEST(PaywallSite, AnUnknownTierIsAnImportProblem) {
  auto files = Magazine();
  files["content/reviews/gold.md"] = Piece("Gold", "[gold]", "x\n");
  auto built = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(built) << built.error().ToString();
  ASSERT_EQ(built->import_problems.size(), 1u);
  EXPECT_NE(built->import_problems[0].find("content/reviews/gold.md"), std::string::npos);
  EXPECT_NE(built->import_problems[0].find("access"), std::string::npos);
  EXPECT_NE(built->import_problems[0].find("gold"), std::string::npos);
}

}  // namespace
}  // namespace cinepress::testing
