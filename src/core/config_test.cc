#include "core/config.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(SiteConfig, ReadsEverySetting) {
  auto c = ParseSiteConfig(R"(
title = "The Long Take"
base_url = "https://longtake.example/"
language = "fr"
timezone = "Europe/Paris"
paginate = 12
[permalinks]
article = "/{year}/{slug}/"
[[menus.main]]
name = "Reviews"
url = "/reviews/"
[[menus.main.children]]
name = "A-Z"
url = "/review-index/"
[[menus.footer]]
name = "About"
url = "/about/"
)",
                           "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->title, "The Long Take");
  EXPECT_EQ(c->base_url, "https://longtake.example");
  EXPECT_EQ(c->paginate, 12);
  EXPECT_EQ(c->permalinks.article, "/{year}/{slug}/");
  EXPECT_EQ(c->permalinks.tag, "/tag/{slug}/");
  ASSERT_EQ(c->menu_main.size(), 1u);
  ASSERT_EQ(c->menu_main[0].children.size(), 1u);
  EXPECT_EQ(c->menu_main[0].children[0].url, "/review-index/");
  EXPECT_EQ(c->menu_footer[0].name, "About");
}

TEST(SiteConfig, ErrorsNameFileLineAndKey) {
  auto c = ParseSiteConfig("title = \"x\"\n\ntimezone = \"Nowhere/Special\"\n", "site.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().ToString(), "site.toml:3: timezone: unknown time zone \"Nowhere/Special\"");

  auto bad = ParseSiteConfig("title = [1,\n", "site.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().file, "site.toml");
  EXPECT_GT(bad.error().line, 0);

  auto type = ParseSiteConfig("paginate = \"ten\"\n", "site.toml");
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.error().field, "paginate");
  auto sitemap = ParseSiteConfig("sitemap_max_urls = 50001\n", "site.toml");
  ASSERT_FALSE(sitemap.ok());
  EXPECT_EQ(sitemap.error().field, "sitemap_max_urls");

  auto menu = ParseSiteConfig("[[menus.main]]\nname = \"x\"\n", "site.toml");
  ASSERT_FALSE(menu.ok());
  EXPECT_EQ(menu.error().field, "menus.main.url");
}

TEST(ExpandPermalink, FillsPlaceholdersWithoutDoubleSlashes) {
  EXPECT_EQ(ExpandPermalink("/{section}/{slug}/", {{"section", "reviews"}, {"slug", "x"}}),
            "/reviews/x/");
  EXPECT_EQ(ExpandPermalink("/{section}/{slug}/", {{"section", ""}, {"slug", "about"}}), "/about/");
}

}  // namespace cinepress
