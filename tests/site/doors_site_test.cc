// Whole-site tests of the doors readers knock on: the FAQ page (content/faq.md, its `##`
// questions as a FAQPage in its JSON-LD) and the footer's Contribute, Contact, Frequently Asked
// Questions and Give a membership links.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "The Long Take"
base_url = "https://longtake.example"
timezone = "UTC"
[contact]
forward_to = "editors@longtake.example"
)";

const char* kFaq = R"md(---
title: "Frequently Asked Questions"
date: 2026-01-02
---

What readers ask us most.

## Do you use *star* ratings?

No: a number cannot say what a film is like.

## Can I send you my film?

Yes. Read [how to pitch](/contribute/) first, then:

- send a link,
- never a disc.
)md";

TEST(DoorsSite, TheFaqPageIsAFaqPageWithEveryQuestionAndItsAnswer) {
  auto built = BuildFromStrings(kConfig, {{"content/faq.md", kFaq}});
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  const std::string page = built->Page("/faq/");
  ASSERT_FALSE(page.empty());
  EXPECT_NE(page.find("<h2>Do you use <em>star</em> ratings?</h2>"), std::string::npos);
  nlohmann::json ld = JsonLd(page);
  ASSERT_TRUE(ld.is_object()) << page;
  const nlohmann::json& faq = ld["@graph"][0];
  EXPECT_EQ(faq["@type"], "FAQPage");
  EXPECT_EQ(faq["url"], "https://longtake.example/faq/");
  ASSERT_EQ(faq["mainEntity"].size(), 2u);
  EXPECT_EQ(faq["mainEntity"][0]["@type"], "Question");
  EXPECT_EQ(faq["mainEntity"][0]["name"], "Do you use star ratings?");
  EXPECT_EQ(faq["mainEntity"][0]["acceptedAnswer"]["@type"], "Answer");
  EXPECT_EQ(faq["mainEntity"][0]["acceptedAnswer"]["text"],
            "<p>No: a number cannot say what a film is like.</p>");
  EXPECT_EQ(faq["mainEntity"][1]["name"], "Can I send you my film?");
  EXPECT_NE(faq["mainEntity"][1]["acceptedAnswer"]["text"].get<std::string>().find(
                "<li>never a disc.</li>"),
            std::string::npos);
  // Another page is a WebPage, without questions.
  auto other = BuildFromStrings(kConfig, {{"content/about.md", kFaq}});
  ASSERT_TRUE(other.ok());
  nlohmann::json about = JsonLd(other->Page("/about/"));
  EXPECT_EQ(about["@graph"][0]["@type"], "WebPage");
  EXPECT_FALSE(about["@graph"][0].contains("mainEntity"));
}

TEST(DoorsSite, TheFooterLinksTheFormsWhenContactIsOnAndTheFaqWhenThereIsOne) {
  auto built = BuildFromStrings(kConfig, {{"content/faq.md", kFaq}});
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  const std::string home = built->Page("/");
  const size_t footer = home.find("<footer");
  ASSERT_NE(footer, std::string::npos);
  EXPECT_NE(home.find("<li><a href=\"/contribute/\">Contribute</a></li>\n"
                      "<li><a href=\"/contact/\">Contact</a></li>\n"
                      "<li><a href=\"/faq/\">Frequently Asked Questions</a></li>",
                      footer),
            std::string::npos)
      << home.substr(footer);
  // Without [contact] and without those pages: no such links.
  auto bare = BuildFromStrings("title = \"Bare\"\nbase_url = \"https://bare.example\"\n", {});
  ASSERT_TRUE(bare.ok()) << bare.error().ToString();
  const std::string bare_home = bare->Page("/");
  for (const char* url : {"/contribute/", "/contact/", "/faq/"}) {
    EXPECT_EQ(bare_home.find(std::string("href=\"") + url), std::string::npos) << url;
  }
  // A footer menu that links one already keeps it once.
  auto menu = BuildFromStrings(std::string(kConfig) +
                                   "[[menus.footer]]\nname = \"Write to us\"\n"
                                   "url = \"/contact/\"\n",
                               {});
  ASSERT_TRUE(menu.ok()) << menu.error().ToString();
  const std::string menu_home = menu->Page("/");
  EXPECT_EQ(menu_home.find(">Contact</a>"), std::string::npos);
  EXPECT_NE(menu_home.find(">Write to us</a>"), std::string::npos);
}

TEST(DoorsSite, GiftsAreLinkedFromTheFooterAndTheMembershipPageWhenTheyAreSold) {
  const std::string tiers =
      "[[tiers]]\nslug = \"supporter\"\nname = \"Supporter\"\nmonthly_price = 500\n"
      "currency = \"usd\"\n";
  const std::string base = "title = \"The Long Take\"\nbase_url = \"https://longtake.example\"\n";
  auto sold = BuildFromStrings(base + tiers + "[payments]\nprovider = \"stripe\"\n", {});
  ASSERT_TRUE(sold.ok()) << sold.error().ToString();
  const std::string home = sold->Page("/");
  const size_t footer = home.find("<footer");
  ASSERT_NE(footer, std::string::npos);
  EXPECT_NE(home.find("<li><a href=\"/gift/\">Give a membership</a></li>", footer),
            std::string::npos)
      << home.substr(footer);
  const std::string membership = sold->Page("/membership/");
  EXPECT_NE(membership.find("<a href=\"/gift/\">Give a membership</a> of 3, 6 or 12 months"),
            std::string::npos)
      << membership;
  // Without payments, or without a paid tier, there are no gifts to link.
  for (const std::string& config : {base + tiers, base + "[payments]\nprovider = \"stripe\"\n"}) {
    auto unsold = BuildFromStrings(config, {});
    ASSERT_TRUE(unsold.ok()) << unsold.error().ToString();
    EXPECT_EQ(unsold->Page("/").find("href=\"/gift/\""), std::string::npos) << config;
    EXPECT_EQ(unsold->Page("/membership/").find("href=\"/gift/\""), std::string::npos) << config;
  }
}

}  // namespace
}  // namespace cinepress::testing
