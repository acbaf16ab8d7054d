#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/open_store.h"

namespace cinepress {
namespace {

class NewsletterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-nl-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenNewsletterStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  int64_t Subscribe(const std::string& email, SubscriptionState state,
                    const std::string& nl = "weekly") {
    auto id = store_->UpsertSubscriber(email, "", 100);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(store_->SetSubscription(*id, nl, state, Consent{100, "192.0.2.1", "test"}, 100));
    return *id;
  }
  std::filesystem::path dir_;
  std::unique_ptr<NewsletterStore> store_;
};

TEST_F(NewsletterStoreTest, SubscribersAreOnePerAddressWhateverTheCase) {
  auto a = store_->UpsertSubscriber("Reader@Example.com", "Zoë", 10);
  auto b = store_->UpsertSubscriber("reader@example.com", "", 20);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto s = store_->FindSubscriber("READER@example.COM");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->name, "Zoë");  // an empty name keeps the stored one
  EXPECT_EQ((*s)->created, 10);
}

TEST_F(NewsletterStoreTest, ConsentIsKeptUntilTheReaderLeavesAndComesBack) {
  int64_t id = Subscribe("a@r.example", SubscriptionState::kPending);
  ASSERT_TRUE(store_->SetSubscription(id, "weekly", SubscriptionState::kConfirmed,
                                      Consent{200, "198.51.100.7", "other"}, 200));
  auto subs = store_->LoadSubscriptions(id);
  ASSERT_TRUE(subs.ok());
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ((*subs)[0].state, SubscriptionState::kConfirmed);
  EXPECT_EQ((*subs)[0].consent.at, 100);
  EXPECT_EQ((*subs)[0].consent.ip, "192.0.2.1");
  EXPECT_EQ((*subs)[0].confirmed_at, 200);
  ASSERT_TRUE(
      store_->SetSubscription(id, "weekly", SubscriptionState::kUnsubscribed, Consent{}, 300));
  ASSERT_TRUE(store_->SetSubscription(id, "weekly", SubscriptionState::kPending,
                                      Consent{400, "203.0.113.9", "newsletter-page"}, 400));
  subs = store_->LoadSubscriptions(id);
  EXPECT_EQ((*subs)[0].consent.at, 400);
  EXPECT_EQ((*subs)[0].consent.form, "newsletter-page");
}

TEST_F(NewsletterStoreTest, AnIssueQueuesConfirmedUnsuppressedSubscribersOnly) {
  int64_t a = Subscribe("a@r.example", SubscriptionState::kConfirmed);
  Subscribe("b@r.example", SubscriptionState::kPending);
  Subscribe("c@r.example", SubscriptionState::kUnsubscribed);
  int64_t d = Subscribe("d@r.example", SubscriptionState::kConfirmed);
  Subscribe("e@r.example", SubscriptionState::kConfirmed, "daily");
  int64_t f = Subscribe("f@r.example", SubscriptionState::kConfirmed);
  ASSERT_TRUE(store_->Suppress(f, "hard bounce"));
  NewsletterIssue issue;
  issue.newsletter = "weekly";
  issue.created = 1000;
  issue.subject = "No. 1";
  auto id = store_->CreateIssue(issue);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto pending = store_->PendingDeliveries(*id, 0, 1000, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].subscriber_id, a);
  EXPECT_EQ((*pending)[1].email, "d@r.example");
  // Batches continue after the last id seen.
  EXPECT_EQ(store_->PendingDeliveries(*id, a, 1000, 10)->size(), 1u);

  ASSERT_TRUE(store_->MarkSent(*id, a, 1001));
  ASSERT_TRUE(store_->Postpone(*id, d, 2000, "451 later"));
  EXPECT_TRUE(store_->PendingDeliveries(*id, 0, 1500, 10)->empty());  // not due yet
  EXPECT_EQ(*store_->NextAttempt(*id), 2000);
  auto again = store_->PendingDeliveries(*id, 0, 2000, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 1);
  ASSERT_TRUE(store_->MarkFailed(*id, d, "550 no such user"));
  auto counts = store_->CountDeliveries(*id);
  EXPECT_EQ(counts->sent, 1);
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(counts->pending, 0);
  auto failed = store_->FailedDeliveries(*id);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].second, "550 no such user");

  auto unfinished = store_->UnfinishedIssue("weekly");
  ASSERT_TRUE(unfinished.ok() && unfinished->has_value());
  EXPECT_EQ((*unfinished)->subject, "No. 1");
  ASSERT_TRUE(store_->FinishIssue(*id, 3000));
  EXPECT_FALSE(store_->UnfinishedIssue("weekly")->has_value());
  EXPECT_EQ((*store_->LatestIssue("weekly"))->id, *id);
}

TEST_F(NewsletterStoreTest, NewsletterWritesDoNotCountAsContentChanges) {
  auto content = OpenContentStore(dir_ / "site.db", {});
  ASSERT_TRUE(content.ok());
  int64_t before = *(*content)->DataVersion();
  int64_t id = Subscribe("a@r.example", SubscriptionState::kConfirmed);
  NewsletterIssue issue;
  issue.newsletter = "weekly";
  auto issue_id = store_->CreateIssue(issue);
  ASSERT_TRUE(store_->MarkSent(*issue_id, id, 5));
  EXPECT_EQ(*(*content)->DataVersion(), before);
  ASSERT_TRUE((*content)->SaveSection(Section{"reviews", "Reviews", ""}));
  EXPECT_NE(*(*content)->DataVersion(), before);
}

TEST_F(NewsletterStoreTest, TheSiteSecretIsMadeOnceAndKept) {
  auto a = store_->SiteSecret("newsletter-links", 32);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), 32u);
  store_.reset();
  auto reopened = OpenNewsletterStore(dir_ / "site.db", {});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->SiteSecret("newsletter-links", 32), *a);
}

TEST_F(NewsletterStoreTest, TheOutboxKeepsEachMessageUntilItIsDone) {
  auto a = store_->QueueMail("first", 10);
  auto b = store_->QueueMail("second", 11);
  ASSERT_TRUE(a.ok() && b.ok());
  // Queued in a transaction that is rolled back: never queued.
  ASSERT_TRUE(store_->BeginTransaction());
  ASSERT_TRUE(store_->QueueMail("undone", 12).ok());
  ASSERT_TRUE(store_->Rollback());
  EXPECT_EQ(*store_->CountQueuedMail(), 2);
  auto due = store_->ClaimDueMail(20, 100, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].message, "first");
  EXPECT_EQ((*due)[1].message, "second");
  // Claimed: another outbox passes them by until the lease ends (at 120).
  EXPECT_TRUE(store_->ClaimDueMail(20, 100, 10)->empty());
  ASSERT_TRUE(store_->RetryMail(*a, 50));
  due = store_->ClaimDueMail(60, 100, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, *a);
  EXPECT_EQ((*due)[0].attempts, 1);
  ASSERT_TRUE(store_->MailDone(*a));
  due = store_->ClaimDueMail(130, 100, 10);  // b's lease is over: it is due again
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, *b);
  ASSERT_TRUE(store_->MailDone(*b));
  EXPECT_EQ(*store_->CountQueuedMail(), 0);
}

TEST_F(NewsletterStoreTest, ExportWalksEverySubscriberInPages) {
  for (int i = 0; i < 1234; ++i) {
    Subscribe("r" + std::to_string(i) + "@r.example", SubscriptionState::kConfirmed);
  }
  int seen = 0;
  ASSERT_TRUE(store_->ForEachSubscriber([&](const Subscriber& s, const auto& subs) -> Status {
    EXPECT_EQ(subs.size(), 1u) << s.email;
    ++seen;
    return {};
  }));
  EXPECT_EQ(seen, 1234);
  EXPECT_EQ(*store_->CountSubscribers("weekly", SubscriptionState::kConfirmed), 1234);
}

}  // namespace
}  // namespace cinepress
