#include "newsletter/compose.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "newsletter/links.h"

namespace cinepress {
namespace {

std::shared_ptr<const Theme> DefaultTheme() {
  const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
  auto t = Theme::Load(std::filesystem::path(src ? src : ".") / "themes/default", "default");
  EXPECT_TRUE(t.ok()) << t.error().ToString();
  return *t;
}

Article Made(const std::string& title, const std::string& section, int64_t date,
             std::vector<std::string> tags = {}) {
  Article a;
  a.title = title;
  a.slug = title;
  a.section = section;
  a.date = date;
  a.tags = std::move(tags);
  return a;
}

TEST(SelectArticles, TheWindowAndTheRuleNewestFirst) {
  std::vector<Article> articles = {Made("old", "reviews", 100), Made("a", "reviews", 200),
                                   Made("b", "essays", 300, {"Slow Cinema"}),
                                   Made("c", "reviews", 400), Made("future", "reviews", 900)};
  articles.push_back(Made("draft", "reviews", 250));
  articles.back().draft = true;
  std::vector<IssueCandidate> cands;
  for (const Article& a : articles)
    cands.push_back(IssueCandidate{&a, "u/" + a.slug, "", {}, {}, ""});
  cands[3].editions = {"tiff/2021"};

  NewsletterContentRule all;
  auto got = SelectArticles(all, cands, 100, 500);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]->article->title, "c");
  EXPECT_EQ(got[2]->article->title, "a");

  NewsletterContentRule reviews;
  reviews.section = "reviews";
  EXPECT_EQ(SelectArticles(reviews, cands, 100, 500).size(), 2u);
  NewsletterContentRule tagged;
  tagged.tag = "slow cinema";
  ASSERT_EQ(SelectArticles(tagged, cands, 100, 500).size(), 1u);
  NewsletterContentRule edition;
  edition.edition = "tiff/2021";
  auto tiff = SelectArticles(edition, cands, 0, 1000);
  ASSERT_EQ(tiff.size(), 1u);
  EXPECT_EQ(tiff[0]->article->title, "c");
  NewsletterContentRule two;
  two.max_articles = 2;
  EXPECT_EQ(SelectArticles(two, cands, 0, 1000).size(), 2u);
}

TEST(IssueWindowStart, FollowsThePreviousIssue) {
  NewsletterConfig nl;
  nl.content.first_days = 2;
  EXPECT_EQ(IssueWindowStart(nl, nullptr, 1000000), 1000000 - 2 * 86400);
  NewsletterIssue prev;
  prev.until = 777;
  EXPECT_EQ(IssueWindowStart(nl, &prev, 1000000), 777);
}

TEST(ComposeIssue, TheThemeMakesAMailableHtmlAndTextPart) {
  ThemeRenderer theme(DefaultTheme());
  SiteConfig site;
  site.title = "Changeover";
  site.base_url = "https://changeover.example";
  NewsletterConfig nl;
  nl.name = "The Weekly";
  nl.slug = "weekly";
  nl.from_email = "news@changeover.example";
  nl.description = "Reviews & essays <weekly>.";
  auto tz = TimeZone::Named("UTC");
  Article a = Made("Drive My Car", "reviews", 1633496434);
  a.dek = "Three hours, & worth them.";
  a.image = Image{"/media/car.jpg", "A red Saab on a coast road", ""};
  IssueCandidate c{&a, "https://changeover.example/reviews/drive-my-car/", "Reviews", {"Ana Ruiz"},
                   {}, "https://changeover.example/media/car.jpg"};
  auto issue = ComposeIssue(theme, site, *tz, nl, {&c}, 1633500000);
  ASSERT_TRUE(issue.ok()) << issue.error().ToString();
  EXPECT_EQ(issue->subject, "The Weekly, October 6, 2021: Drive My Car");
  const std::string& h = issue->html;
  EXPECT_NE(h.find("max-width:600px"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("<link"), std::string::npos);  // no external stylesheet
  EXPECT_NE(h.find("alt=\"A red Saab on a coast road\""), std::string::npos);
  EXPECT_NE(h.find("Three hours, &amp; worth them."), std::string::npos);
  EXPECT_NE(h.find("Reviews &amp; essays &lt;weekly&gt;."), std::string::npos);
  EXPECT_NE(h.find(kUnsubscribeMarker), std::string::npos);
  const std::string& t = issue->text;
  EXPECT_NE(t.find("Three hours, & worth them."), std::string::npos);
  EXPECT_NE(t.find("https://changeover.example/reviews/drive-my-car/"), std::string::npos);
  EXPECT_NE(t.find(std::string("Unsubscribe: ") + kUnsubscribeMarker), std::string::npos);
}

TEST(PersonalizeIssue, SignedLinksAndAMessageIdOfIssueAndRecipient) {
  SiteConfig site;
  site.base_url = "https://changeover.example";
  NewsletterConfig nl;
  nl.name = "Le Quotidien";
  nl.slug = "daily";
  nl.from_name = "Changeover";
  nl.from_email = "news@changeover.example";
  nl.reply_to = "Editors <editors@changeover.example>";
  NewsletterIssue issue;
  issue.id = 7;
  issue.created = 1633500000;
  issue.subject = "Day 3";
  issue.html = std::string("<a href=\"") + kUnsubscribeMarker + "\">x</a><a href=\"" +
               kPreferencesMarker + "\">y</a>";
  issue.text = std::string("Unsubscribe: ") + kUnsubscribeMarker;
  const std::string key(32, 'k');
  Delivery d{42, "zoe@r.example", "Zoë", 0};
  MailMessage m = PersonalizeIssue(issue, nl, site, key, d);
  EXPECT_EQ(m.message_id, "cinepress.7.42@changeover.example");
  EXPECT_EQ(PersonalizeIssue(issue, nl, site, key, d).message_id, m.message_id);
  EXPECT_EQ(m.reply_to.email, "editors@changeover.example");
  EXPECT_EQ(m.date, issue.created);
  std::string token = SignLink(key, LinkPurpose::kUnsubscribe, 42, "daily");
  std::string url = "https://changeover.example/newsletters/daily/unsubscribe/" + token + "/";
  EXPECT_EQ(m.text, "Unsubscribe: " + url);
  EXPECT_NE(m.html.find(url), std::string::npos);
  EXPECT_EQ(m.html.find("%%"), std::string::npos);
  ASSERT_EQ(m.headers.size(), 3u);
  EXPECT_EQ(m.headers[1].second, "<" + url + ">");
  EXPECT_EQ(m.headers[2].second, "List-Unsubscribe=One-Click");
}

}  // namespace
}  // namespace cinepress
