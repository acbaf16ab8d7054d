#include "newsletter/links.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

const std::string kKey(32, 'k');

TEST(Links, ASignedLinkVerifiesForItsPurposeAndNewsletterOnly) {
  std::string t = SignLink(kKey, LinkPurpose::kUnsubscribe, 42, "weekly");
  EXPECT_EQ(t.rfind("42-", 0), 0u);
  EXPECT_EQ(VerifyLink(kKey, LinkPurpose::kUnsubscribe, "weekly", t), 42);
  EXPECT_FALSE(VerifyLink(kKey, LinkPurpose::kConfirm, "weekly", t));
  EXPECT_FALSE(VerifyLink(kKey, LinkPurpose::kUnsubscribe, "daily", t));
  EXPECT_FALSE(VerifyLink(std::string(32, 'x'), LinkPurpose::kUnsubscribe, "weekly", t));
}

TEST(Links, ForgedOrMangledTokensAreRefused) {
  std::string t = SignLink(kKey, LinkPurpose::kPreferences, 7, "");
  std::string other_id = "8" + t.substr(1);
  EXPECT_FALSE(VerifyLink(kKey, LinkPurpose::kPreferences, "", other_id));
  std::string flipped = t;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyLink(kKey, LinkPurpose::kPreferences, "", flipped));
  for (const char* junk : {"", "-", "7", "7-", "x-abc", "-abc", "7-!!!!"}) {
    EXPECT_FALSE(VerifyLink(kKey, LinkPurpose::kPreferences, "", junk)) << junk;
  }
  EXPECT_FALSE(VerifyLink(kKey, LinkPurpose::kPreferences, "", std::string(500, '1')));
}

TEST(Links, FormTokensBelongToTheirLink) {
  std::string link = SignLink(kKey, LinkPurpose::kPreferences, 7, "");
  std::string token = FormToken(kKey, link);
  EXPECT_TRUE(CheckFormToken(kKey, link, token));
  EXPECT_FALSE(CheckFormToken(kKey, SignLink(kKey, LinkPurpose::kPreferences, 8, ""), token));
  EXPECT_FALSE(CheckFormToken(kKey, link, ""));
  EXPECT_FALSE(CheckFormToken(kKey, link, token.substr(1)));
}

TEST(Links, UrlsAreOnTheSite) {
  EXPECT_EQ(UnsubscribeUrl("https://c.example", "weekly", "4-x"),
            "https://c.example/newsletters/weekly/unsubscribe/4-x/");
  EXPECT_EQ(ConfirmUrl("https://c.example", "weekly", "4-x"),
            "https://c.example/newsletters/weekly/confirm/4-x/");
  EXPECT_EQ(PreferencesUrl("https://c.example", "4-x"),
            "https://c.example/newsletters/preferences/4-x/");
}

TEST(Links, LogsKeepNoToken) {
  EXPECT_EQ(RedactLinkToken("/newsletters/weekly/unsubscribe/4-xY_z/"),
            "/newsletters/weekly/unsubscribe/REDACTED/");
  EXPECT_EQ(RedactLinkToken("/newsletters/weekly/confirm/4-xY_z/?a=b"),
            "/newsletters/weekly/confirm/REDACTED/?a=b");
  EXPECT_EQ(RedactLinkToken("/newsletters/preferences/4-xY_z"),
            "/newsletters/preferences/REDACTED");
  EXPECT_EQ(RedactLinkToken("https://c.example/newsletters/preferences/4-x/"),
            "https://c.example/newsletters/preferences/REDACTED/");
  EXPECT_EQ(RedactLinkToken("/shop/download/7.99.mac/ozu.epub"),
            "/shop/download/REDACTED/ozu.epub");
  EXPECT_EQ(RedactLinkToken("/workshops/materials/7.99.mac/ozu-101/notes.pdf?x=1"),
            "/workshops/materials/REDACTED/ozu-101/notes.pdf?x=1");
  EXPECT_EQ(RedactLinkToken("https://c.example/workshops/materials/7.99.mac/a/b"),
            "https://c.example/workshops/materials/REDACTED/a/b");
  for (const char* kept :
       {"/newsletters/weekly/", "/newsletters/subscribe/", "/reviews/x/",
        "/newsletters/weekly/confirm/", "/newsletters/preferences/",
        "/shop/download/member/ozu/ozu.epub", "/workshops/materials/", "/workshops/writing/"}) {
    EXPECT_EQ(RedactLinkToken(kept), kept);
  }
}

}  // namespace
}  // namespace cinepress
