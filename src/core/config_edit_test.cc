#include "core/config_edit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/text.h"

namespace cinepress {
namespace {

constexpr const char* kConfig = R"(# The Long Take
title = "The Long Take"
base_url = "https://lt.example"

[[webhooks]]
event = "article.published"   # the newsletter robot
url = "https://hooks.example/one"
secret = "sixteen characters at least"

[members]
signup = "open"

[[webhooks]]
event = "member.added"
url = "https://hooks.example/two"
secret = "sixteen characters at least"
max_attempts = 3
)";

TEST(ConfigEdit, AWebhookIsAppendedAndTheRestKeptAsWritten) {
  const std::string out = AppendWebhookText(
      kConfig,
      WebhookConfig{"member.deleted", "https://hooks.example/q?a=b&c=d", "a \\ \"quoted\" secret"});
  EXPECT_EQ(out.substr(0, std::string(kConfig).size()), kConfig) << "comments and order kept";
  auto config = ParseSiteConfig(out, "cinepress.toml");
  ASSERT_TRUE(config.ok()) << config.error().ToString() << "\n" << out;
  ASSERT_EQ(config->webhooks.size(), 3u);
  EXPECT_EQ(config->webhooks[2].event, "member.deleted");
  EXPECT_EQ(config->webhooks[2].url, "https://hooks.example/q?a=b&c=d");
  EXPECT_EQ(config->webhooks[2].secret, "a \\ \"quoted\" secret") << "quoted by toml++";
  EXPECT_EQ(config->members.signup, "open");
  auto empty = ParseSiteConfig(
      AppendWebhookText(
          "", WebhookConfig{"article.updated", "http://127.0.0.1:9/", "0123456789abcdef"}),
      "cinepress.toml");
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_EQ(empty->webhooks.size(), 1u);
}

TEST(ConfigEdit, AWebhookIsRemovedByItsNumberAndOnlyItsLinesGo) {
  auto first = RemoveWebhookText(kConfig, 1, "cinepress.toml");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->find("hooks.example/one"), std::string::npos);
  EXPECT_NE(first->find("# The Long Take"), std::string::npos);
  auto config = ParseSiteConfig(*first, "cinepress.toml");
  ASSERT_TRUE(config.ok()) << config.error().ToString() << "\n" << *first;
  ASSERT_EQ(config->webhooks.size(), 1u);
  EXPECT_EQ(config->webhooks[0].url, "https://hooks.example/two");
  EXPECT_EQ(config->webhooks[0].max_attempts, 3);
  EXPECT_EQ(config->members.signup, "open") << "the next table is not taken with it";

  auto last = RemoveWebhookText(kConfig, 2, "cinepress.toml");
  ASSERT_TRUE(last.ok());
  auto kept = ParseSiteConfig(*last, "cinepress.toml");
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  ASSERT_EQ(kept->webhooks.size(), 1u);
  EXPECT_EQ(kept->webhooks[0].url, "https://hooks.example/one");
  EXPECT_EQ(last->back(), '\n');
  EXPECT_NE(last->substr(last->size() - 2), "\n\n") << "no blank line left at the end";
}

TEST(ConfigEdit, ANumberWithoutAWebhookAndTextThatIsNotTomlAreRefused) {
  auto none = RemoveWebhookText(kConfig, 3, "cinepress.toml");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(RemoveWebhookText(kConfig, 0, "cinepress.toml").ok());
  auto broken = RemoveWebhookText("title = \n", 1, "cinepress.toml");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(broken.error().file, "cinepress.toml");
  EXPECT_EQ(broken.error().line, 1);
}

// The file edits: written only when the result reads as a config; a secret made when none is
// given; the webhook removed answered.
TEST(ConfigEdit, TheFileIsEditedOnlyWhenTheResultIsAConfig) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("cinepress-config-edit-" + std::to_string(::getpid()) + ".toml");
  ASSERT_TRUE(WriteFile(file, kConfig).ok());
  auto bad = AddWebhookToFile(file, WebhookConfig{"article.published", "ftp://hooks.example/", ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "webhooks.url");
  EXPECT_GT(bad.error().line, 0);
  EXPECT_EQ(*ReadFile(file), kConfig) << "left as it was";
  auto added =
      AddWebhookToFile(file, WebhookConfig{"article.deleted", "https://hooks.example/d", ""});
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_GE(added->secret.size(), 16u) << "a random secret";
  EXPECT_EQ(ReadFile(file)->rfind(kConfig, 0), 0u);
  EXPECT_NE(ReadFile(file)->find(added->secret), std::string::npos);
  auto gone = RemoveWebhookFromFile(file, 3);
  ASSERT_TRUE(gone.ok()) << gone.error().ToString();
  EXPECT_EQ(gone->url, "https://hooks.example/d");
  EXPECT_EQ(*ReadFile(file), kConfig);
  EXPECT_EQ(RemoveWebhookFromFile(file, 3).error().code, ErrorCode::kNotFound);
  std::filesystem::remove(file);
  EXPECT_FALSE(
      AddWebhookToFile(file, WebhookConfig{"article.deleted", "https://h.example/", ""}).ok());
}

}  // namespace
}  // namespace cinepress
