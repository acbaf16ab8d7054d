#include "newsletter/subscriptions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "newsletter/links.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

class SubscriptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-subs-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenNewsletterStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  SubscriptionState StateOf(int64_t id, const std::string& slug) {
    auto subs = store_->LoadSubscriptions(id);
    EXPECT_TRUE(subs.ok());
    if (!subs.ok()) return SubscriptionState::kPending;
    const std::vector<Subscription> list = *subs;
    for (const Subscription& s : list) {
      if (s.newsletter == slug) return s.state;
    }
    ADD_FAILURE() << "no subscription to " << slug;
    return SubscriptionState::kPending;
  }
  std::filesystem::path dir_;
  std::unique_ptr<NewsletterStore> store_;
};

TEST_F(SubscriptionsTest, DoubleOptInFromSignUpToConfirmation) {
  Consent consent{100, "192.0.2.4", "article:/reviews/x/"};
  auto out = SignUp(*store_, "zoe@r.example", "Zoë", {"weekly", "daily"}, consent, 100);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->to_confirm, (std::vector<std::string>{"weekly", "daily"}));
  EXPECT_EQ(StateOf(out->subscriber_id, "weekly"), SubscriptionState::kPending);
  ASSERT_TRUE(Confirm(*store_, out->subscriber_id, "weekly", 200));
  EXPECT_EQ(StateOf(out->subscriber_id, "weekly"), SubscriptionState::kConfirmed);
  EXPECT_EQ(StateOf(out->subscriber_id, "daily"), SubscriptionState::kPending);
  auto subs = store_->LoadSubscriptions(out->subscriber_id);
  EXPECT_EQ((*subs)[1].consent.ip, "192.0.2.4");  // sorted: daily, weekly
  EXPECT_EQ((*subs)[1].confirmed_at, 200);

  // Signing up again asks to confirm only what is not confirmed yet.
  auto again = SignUp(*store_, "ZOE@r.example", "", {"weekly", "daily"}, consent, 300);
  EXPECT_EQ(again->to_confirm, (std::vector<std::string>{"daily"}));
}

TEST_F(SubscriptionsTest, OneConfirmationPerAddressPerWindowWhoeverAsks) {
  auto first = SignUp(*store_, "zoe@r.example", "", {"weekly"}, Consent{100, "192.0.2.1", "x"}, 100,
                      {}, 900);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->to_confirm, std::vector<std::string>{"weekly"});
  // From another address, for the same or another list, within the window: nothing.
  for (const std::vector<std::string>& lists : {std::vector<std::string>{"weekly"}, {"daily"}}) {
    auto again = SignUp(*store_, "Zoe@r.example", "", lists, Consent{500, "198.51.100.9", "x"}, 500,
                        {}, 900);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->throttled);
    EXPECT_TRUE(again->to_confirm.empty());
  }
  EXPECT_EQ(store_->LoadSubscriptions(first->subscriber_id)->size(), 1u);  // no daily
  // After it, again.
  auto later = SignUp(*store_, "zoe@r.example", "", {"weekly", "daily"},
                      Consent{1001, "198.51.100.9", "x"}, 1001, {}, 900);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->throttled);
  EXPECT_EQ(later->to_confirm, (std::vector<std::string>{"weekly", "daily"}));
}

TEST_F(SubscriptionsTest, UnsubscribedReadersAreNotBroughtBackByAnOldLink) {
  auto out = SignUp(*store_, "a@r.example", "", {"weekly"}, Consent{1, "", "x"}, 1);
  ASSERT_TRUE(Confirm(*store_, out->subscriber_id, "weekly", 2));
  ASSERT_TRUE(Unsubscribe(*store_, out->subscriber_id, "weekly", 3));
  EXPECT_EQ(StateOf(out->subscriber_id, "weekly"), SubscriptionState::kUnsubscribed);
  EXPECT_FALSE(Confirm(*store_, out->subscriber_id, "weekly", 4));
  EXPECT_TRUE(Unsubscribe(*store_, out->subscriber_id, "weekly", 5));  // twice is fine
}

TEST_F(SubscriptionsTest, ChoosingListsConfirmsTheChosenAndDropsTheRest) {
  auto out = SignUp(*store_, "a@r.example", "", {"weekly"}, Consent{1, "", "x"}, 1);
  ASSERT_TRUE(Confirm(*store_, out->subscriber_id, "weekly", 2));
  ASSERT_TRUE(ChooseLists(*store_, out->subscriber_id, {"daily"}, {"weekly", "daily"},
                          Consent{5, "198.51.100.1", "preferences"}, 5));
  EXPECT_EQ(StateOf(out->subscriber_id, "weekly"), SubscriptionState::kUnsubscribed);
  EXPECT_EQ(StateOf(out->subscriber_id, "daily"), SubscriptionState::kConfirmed);
  ASSERT_TRUE(ChooseLists(*store_, out->subscriber_id, {}, {"weekly", "daily"}, Consent{}, 6));
  EXPECT_EQ(StateOf(out->subscriber_id, "daily"), SubscriptionState::kUnsubscribed);
}

TEST(ConfirmationMessage, HasASignedConfirmLinkPerNewsletter) {
  SiteConfig site;
  site.title = "Changeover";
  site.base_url = "https://c.example";
  NewsletterConfig nl;
  nl.name = "The Weekly";
  nl.slug = "weekly";
  nl.from_email = "news@c.example";
  site.newsletters.push_back(nl);
  const std::string key(32, 'k');
  MailMessage m = ConfirmationMessage(site, key, 9, "a@r.example", {"weekly"}, 50);
  EXPECT_EQ(m.to.email, "a@r.example");
  EXPECT_EQ(m.from.email, "news@c.example");
  std::string url =
      ConfirmUrl(site.base_url, "weekly", SignLink(key, LinkPurpose::kConfirm, 9, "weekly"));
  EXPECT_NE(m.text.find(url), std::string::npos);
  EXPECT_TRUE(m.html.empty());
}

}  // namespace
}  // namespace cinepress
