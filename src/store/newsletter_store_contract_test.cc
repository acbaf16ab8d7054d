// The NewsletterStore contract, run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>
#include <type_traits>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class NewsletterStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenNewsletterStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  int64_t Subscribe(const std::string& email, SubscriptionState state,
                    const std::string& nl = "weekly") {
    auto id = store_->UpsertSubscriber(email, "", 100);
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(store_->SetSubscription(*id, nl, state, Consent{100, "192.0.2.1", "test"}, 100));
    return *id;
  }
  Engine engine_;
  std::unique_ptr<NewsletterStore> store_;
};

TYPED_TEST_SUITE(NewsletterStoreContract, StoreEngines, EngineName);

TYPED_TEST(NewsletterStoreContract, SubscribersAreOnePerAddressWhateverTheCase) {
  auto a = this->store_->UpsertSubscriber("Reader@Example.com", "Zoë", 10);
  auto b = this->store_->UpsertSubscriber("reader@example.com", "", 20);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto s = this->store_->FindSubscriber("READER@example.COM");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->name, "Zoë");  // an empty name keeps the stored one
  EXPECT_EQ((*s)->created, 10);
}

TYPED_TEST(NewsletterStoreContract, ConsentIsKeptUntilTheReaderLeavesAndComesBack) {
  int64_t id = this->Subscribe("a@r.example", SubscriptionState::kPending);
  ASSERT_TRUE(this->store_->SetSubscription(id, "weekly", SubscriptionState::kConfirmed,
                                            Consent{200, "198.51.100.7", "other"}, 200));
  auto subs = this->store_->LoadSubscriptions(id);
  ASSERT_TRUE(subs.ok());
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ((*subs)[0].state, SubscriptionState::kConfirmed);
  EXPECT_EQ((*subs)[0].consent.at, 100);
  EXPECT_EQ((*subs)[0].consent.ip, "192.0.2.1");
  EXPECT_EQ((*subs)[0].confirmed_at, 200);
  ASSERT_TRUE(this->store_->SetSubscription(id, "weekly", SubscriptionState::kUnsubscribed,
                                            Consent{}, 300));
  ASSERT_TRUE(this->store_->SetSubscription(id, "weekly", SubscriptionState::kPending,
                                            Consent{400, "203.0.113.9", "newsletter-page"}, 400));
  subs = this->store_->LoadSubscriptions(id);
  EXPECT_EQ((*subs)[0].consent.at, 400);
  EXPECT_EQ((*subs)[0].consent.form, "newsletter-page");
}

TYPED_TEST(NewsletterStoreContract, AnIssueQueuesConfirmedUnsuppressedSubscribersOnly) {
  int64_t a = this->Subscribe("a@r.example", SubscriptionState::kConfirmed);
  this->Subscribe("b@r.example", SubscriptionState::kPending);
  this->Subscribe("c@r.example", SubscriptionState::kUnsubscribed);
  int64_t d = this->Subscribe("d@r.example", SubscriptionState::kConfirmed);
  this->Subscribe("e@r.example", SubscriptionState::kConfirmed, "daily");
  int64_t f = this->Subscribe("f@r.example", SubscriptionState::kConfirmed);
  ASSERT_TRUE(this->store_->Suppress(f, "hard bounce"));
  NewsletterIssue issue;
  issue.newsletter = "weekly";
  issue.created = 1000;
  issue.subject = "No. 1";
  auto id = this->store_->CreateIssue(issue);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto pending = this->store_->PendingDeliveries(*id, 0, 1000, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].subscriber_id, a);
  EXPECT_EQ((*pending)[1].email, "d@r.example");
  // Batches continue after the last id seen.
  EXPECT_EQ(this->store_->PendingDeliveries(*id, a, 1000, 10)->size(), 1u);

  ASSERT_TRUE(this->store_->MarkSent(*id, a, 1001));
  ASSERT_TRUE(this->store_->Postpone(*id, d, 2000, "451 later"));
  EXPECT_TRUE(this->store_->PendingDeliveries(*id, 0, 1500, 10)->empty());  // not due yet
  EXPECT_EQ(*this->store_->NextAttempt(*id), 2000);
  auto again = this->store_->PendingDeliveries(*id, 0, 2000, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 1);
  ASSERT_TRUE(this->store_->MarkFailed(*id, d, "550 no such user"));
  auto counts = this->store_->CountDeliveries(*id);
  EXPECT_EQ(counts->sent, 1);
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(counts->pending, 0);
  auto failed = this->store_->FailedDeliveries(*id);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].second, "550 no such user");

  auto unfinished = this->store_->UnfinishedIssue("weekly");
  ASSERT_TRUE(unfinished.ok() && unfinished->has_value());
  EXPECT_EQ((*unfinished)->subject, "No. 1");
  ASSERT_TRUE(this->store_->FinishIssue(*id, 3000));
  EXPECT_FALSE(this->store_->UnfinishedIssue("weekly")->has_value());
  EXPECT_EQ((*this->store_->LatestIssue("weekly"))->id, *id);
}

TYPED_TEST(NewsletterStoreContract, NewsletterWritesDoNotCountAsContentChanges) {
  auto content = OpenContentStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(content.ok());
  int64_t before = *(*content)->DataVersion();
  int64_t id = this->Subscribe("a@r.example", SubscriptionState::kConfirmed);
  NewsletterIssue issue;
  issue.newsletter = "weekly";
  auto issue_id = this->store_->CreateIssue(issue);
  ASSERT_TRUE(this->store_->MarkSent(*issue_id, id, 5));
  EXPECT_EQ(*(*content)->DataVersion(), before);
  ASSERT_TRUE((*content)->SaveSection(Section{"reviews", "Reviews", ""}));
  EXPECT_NE(*(*content)->DataVersion(), before);
}

TYPED_TEST(NewsletterStoreContract, TheSiteSecretIsMadeOnceAndKept) {
  auto a = this->store_->SiteSecret("newsletter-links", 32);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), 32u);
  this->store_.reset();
  auto reopened = OpenNewsletterStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->SiteSecret("newsletter-links", 32), *a);
}

TYPED_TEST(NewsletterStoreContract, TheOutboxKeepsEachMessageUntilItIsDone) {
  auto a = this->store_->QueueMail("first", 10);
  auto b = this->store_->QueueMail("second", 11);
  ASSERT_TRUE(a.ok() && b.ok());
  // Queued in a transaction that is rolled back: never queued.
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->QueueMail("undone", 12).ok());
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_EQ(*this->store_->CountQueuedMail(), 2);
  auto due = this->store_->ClaimDueMail(20, 100, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].message, "first");
  EXPECT_EQ((*due)[1].message, "second");
  // Claimed: another outbox passes them by until the lease ends (at 120).
  EXPECT_TRUE(this->store_->ClaimDueMail(20, 100, 10)->empty());
  ASSERT_TRUE(this->store_->RetryMail(*a, 50, "connection refused"));
  due = this->store_->ClaimDueMail(60, 100, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, *a);
  EXPECT_EQ((*due)[0].attempts, 1);
  ASSERT_TRUE(this->store_->MailDone(*a));
  due = this->store_->ClaimDueMail(130, 100, 10);  // b's lease is over: it is due again
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, *b);
  ASSERT_TRUE(this->store_->MailDone(*b));
  EXPECT_EQ(*this->store_->CountQueuedMail(), 0);
}

TYPED_TEST(NewsletterStoreContract, TheOutboxShowsWhatWaitsAndWhatFailedWithTheirLastError) {
  auto a = this->store_->QueueMail("first", 10);
  auto b = this->store_->QueueMail("second", 11);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(this->store_->RetryMail(*a, 70, "connection refused"));
  ASSERT_TRUE(this->store_->MailFailed(*b, "kept", "550 no such user"));
  // A failed message is never claimed again, and does not count as waiting.
  EXPECT_EQ(*this->store_->CountQueuedMail(), 1);
  auto due = this->store_->ClaimDueMail(1000, 100, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, *a);
  auto outbox = this->store_->LoadOutbox(10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].id, *a);
  EXPECT_FALSE((*outbox)[0].failed);
  EXPECT_EQ((*outbox)[0].attempts, 1);
  EXPECT_EQ((*outbox)[0].created, 10);
  EXPECT_EQ((*outbox)[0].last_error, "connection refused");
  EXPECT_TRUE((*outbox)[1].failed);
  EXPECT_EQ((*outbox)[1].message, "kept");
  EXPECT_EQ((*outbox)[1].last_error, "550 no such user");
  EXPECT_EQ((*outbox)[1].attempts, 1);
  EXPECT_EQ(this->store_->LoadOutbox(1)->size(), 1u);
}

TYPED_TEST(NewsletterStoreContract, ErasingASubscriberRemovesTheOutboxMessagesToThem) {
  const int64_t id = this->Subscribe("gone@r.example", SubscriptionState::kPending);
  ASSERT_TRUE(this->store_->QueueMail(R"({"to":{"email":"gone@r.example","name":""}})", 10).ok());
  auto kept = this->store_->QueueMail(R"({"to":{"email":"ungone@r.example","name":""}})", 11);
  auto failed = this->store_->QueueMail(R"({"to":{"email":"gone@r.example","name":""}})", 12);
  ASSERT_TRUE(this->store_->MailFailed(*failed, R"({"to":{"email":"gone@r.example"}})", "550"));
  ASSERT_TRUE(this->store_->EraseSubscriber(id, "erased:1", 20));
  auto outbox = this->store_->LoadOutbox(10);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].id, *kept);
}

TYPED_TEST(NewsletterStoreContract, ExportWalksEverySubscriberInPages) {
  for (int i = 0; i < 1234; ++i) {
    this->Subscribe("r" + std::to_string(i) + "@r.example", SubscriptionState::kConfirmed);
  }
  int seen = 0;
  ASSERT_TRUE(this->store_->ForEachSubscriber([&](const Subscriber& s, const auto& subs) -> Status {
    EXPECT_EQ(subs.size(), 1u) << s.email;
    ++seen;
    return {};
  }));
  EXPECT_EQ(seen, 1234);
  EXPECT_EQ(*this->store_->CountSubscribers("weekly", SubscriptionState::kConfirmed), 1234);
}

// Two processes sending the outbox (two nodes) never take the same message.
TYPED_TEST(NewsletterStoreContract, TwoConnectionsClaimEachMessageOnce) {
  auto other = OpenNewsletterStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(this->store_->QueueMail("message " + std::to_string(i), 100 + i).ok());
  }
  auto first = this->store_->ClaimDueMail(200, 600, 4);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = (*other)->ClaimDueMail(200, 600, 10);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_EQ(first->size(), 4u);
  ASSERT_EQ(second->size(), 6u);
  EXPECT_EQ((*first)[0].message, "message 0");  // oldest first
  EXPECT_EQ((*second)[0].message, "message 4");
  EXPECT_TRUE((*other)->ClaimDueMail(200, 600, 10)->empty());
  EXPECT_EQ(this->store_->ClaimDueMail(800, 600, 10)->size(), 10u);  // the leases ran out
}

// Several senders split one issue: a claim holds deliveries until it is marked, postponed,
// released or its lease runs out.
TYPED_TEST(NewsletterStoreContract, ClaimedDeliveriesAreHeldUntilMarkedReleasedOrTheLeaseEnds) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(
        this->Subscribe("r" + std::to_string(i) + "@r.example", SubscriptionState::kConfirmed));
  }
  NewsletterIssue issue;
  issue.newsletter = "weekly";
  auto id = this->store_->CreateIssue(issue);
  ASSERT_TRUE(id.ok());
  auto a = this->store_->ClaimDeliveries(*id, "node a", 1000, 100, 2);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].subscriber_id, ids[0]);
  EXPECT_EQ((*a)[1].email, "r1@r.example");
  auto b = this->store_->ClaimDeliveries(*id, "node b", 1000, 100, 10);
  ASSERT_EQ(b->size(), 3u);
  EXPECT_EQ((*b)[0].subscriber_id, ids[2]);
  EXPECT_TRUE(this->store_->ClaimDeliveries(*id, "node c", 1050, 100, 10)->empty());
  EXPECT_EQ(*this->store_->DeliveryClaimers(*id), (std::vector<std::string>{"node a", "node b"}));
  EXPECT_EQ(*this->store_->NextAttempt(*id), 0) << "nothing is waiting for a retry";

  ASSERT_TRUE(this->store_->MarkSent(*id, ids[0], 1001));
  ASSERT_TRUE(this->store_->Postpone(*id, ids[2], 1020, "451 later"));  // b lets one go
  EXPECT_EQ(*this->store_->NextAttempt(*id), 1020);
  ASSERT_TRUE(this->store_->ReleaseDeliveries(*id, "node b"));  // b died on this machine
  EXPECT_EQ(*this->store_->DeliveryClaimers(*id), (std::vector<std::string>{"node a"}));
  auto c = this->store_->ClaimDeliveries(*id, "node c", 1050, 100, 10);
  ASSERT_EQ(c->size(), 3u);  // b's two, and the postponed one now due
  EXPECT_EQ((*c)[0].subscriber_id, ids[2]);
  EXPECT_EQ((*c)[0].attempts, 1);
  // a's lease ends at 1100: its unmarked delivery is due again, to anyone.
  EXPECT_TRUE(this->store_->ClaimDeliveries(*id, "node d", 1099, 100, 10)->empty());
  auto d = this->store_->ClaimDeliveries(*id, "node d", 1100, 100, 10);
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].subscriber_id, ids[1]);
  EXPECT_EQ(this->store_->CountDeliveries(*id)->pending, 4);
}

// Two senders (two nodes) claiming one issue at once never get the same recipient, and between
// them get every one.
TYPED_TEST(NewsletterStoreContract, TwoConnectionsClaimingAtOnceNeverShareARecipient) {
  auto other = OpenNewsletterStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  constexpr int kReaders = 300;
  for (int i = 0; i < kReaders; ++i) {
    this->Subscribe("r" + std::to_string(i) + "@r.example", SubscriptionState::kConfirmed);
  }
  NewsletterIssue issue;
  issue.newsletter = "weekly";
  auto id = this->store_->CreateIssue(issue);
  ASSERT_TRUE(id.ok());
  auto drain = [&](NewsletterStore* store, const std::string& claimer, std::vector<int64_t>* got,
                   std::string* error) {
    for (;;) {
      auto batch = store->ClaimDeliveries(*id, claimer, 1000, 600, 7);
      if (!batch) {
        *error = batch.error().ToString();
        return;
      }
      if (batch->empty()) return;
      for (const Delivery& d : *batch) got->push_back(d.subscriber_id);
    }
  };
  std::vector<int64_t> first, second;
  std::string first_error, second_error;
  std::thread t(drain, this->store_.get(), "a", &first, &first_error);
  drain(other->get(), "b", &second, &second_error);
  t.join();
  ASSERT_EQ(first_error, "");
  ASSERT_EQ(second_error, "");
  std::set<int64_t> all(first.begin(), first.end());
  all.insert(second.begin(), second.end());
  EXPECT_EQ(first.size() + second.size(), static_cast<size_t>(kReaders)) << "a recipient twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kReaders)) << "a recipient missed";
}

// The scheduler runs on one node at a time: on PostgreSQL one connection holds a lease until it
// closes, and then another takes it; SQLite serves one machine, where every connection holds it.
TYPED_TEST(NewsletterStoreContract, ALeaseIsHeldByOneConnectionUntilItCloses) {
  auto other = OpenNewsletterStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  auto first = this->store_->HoldLease("newsletter scheduler");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(*first);
  EXPECT_TRUE(*this->store_->HoldLease("newsletter scheduler")) << "still held";
  if constexpr (!std::is_same_v<TypeParam, PgTestEngine>) {
    EXPECT_TRUE(*(*other)->HoldLease("newsletter scheduler"));
    return;
  }
  EXPECT_FALSE(*(*other)->HoldLease("newsletter scheduler"));
  EXPECT_TRUE(*(*other)->HoldLease("another lease"));
  this->store_.reset();  // the holder's connection ends (a node dies)
  bool taken = false;    // the server lets go when the holder's session has ended
  for (int i = 0; i < 250 && !taken; ++i) {
    auto held = (*other)->HoldLease("newsletter scheduler");
    ASSERT_TRUE(held.ok()) << held.error().ToString();
    taken = *held;
    if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(taken) << "the lease was not taken over after its holder closed";
}

TYPED_TEST(NewsletterStoreContract, IssuesAreListedNewestFirstPerNewsletter) {
  for (int i = 1; i <= 3; ++i) {
    NewsletterIssue issue;
    issue.newsletter = "weekly";
    issue.created = 100 * i;
    issue.subject = "Issue " + std::to_string(i);
    ASSERT_TRUE(this->store_->CreateIssue(issue).ok());
  }
  NewsletterIssue other;
  other.newsletter = "daily";
  other.subject = "Daily";
  ASSERT_TRUE(this->store_->CreateIssue(other).ok());
  auto two = this->store_->ListIssues("weekly", 2);
  ASSERT_TRUE(two.ok()) << two.error().ToString();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].subject, "Issue 3");
  EXPECT_EQ((*two)[1].subject, "Issue 2");
  EXPECT_EQ((*two)[1].created, 200);
  EXPECT_EQ(this->store_->ListIssues("daily", 10)->size(), 1u);
  EXPECT_TRUE(this->store_->ListIssues("none", 10)->empty());
}

TYPED_TEST(NewsletterStoreContract, AScheduledSendIsOnePerNewsletterAndCanBeCancelled) {
  EXPECT_FALSE(this->store_->LoadScheduledSend("weekly")->has_value());
  const ScheduledSend first{"weekly", 5000, "ed@lt.example", 100};
  ASSERT_TRUE(this->store_->ScheduleSend(first));
  ASSERT_TRUE(this->store_->ScheduleSend({"daily", 7000, "ann@lt.example", 110}));
  EXPECT_EQ(**this->store_->LoadScheduledSend("weekly"), first);
  const ScheduledSend moved{"weekly", 9000, "bob@lt.example", 200};
  ASSERT_TRUE(this->store_->ScheduleSend(moved));  // replaces the first
  EXPECT_EQ(**this->store_->LoadScheduledSend("weekly"), moved);
  ASSERT_TRUE(this->store_->CancelScheduledSend("weekly"));
  EXPECT_FALSE(this->store_->LoadScheduledSend("weekly")->has_value());
  EXPECT_TRUE(this->store_->CancelScheduledSend("weekly")) << "nothing to cancel is fine";
  EXPECT_EQ((*this->store_->LoadScheduledSend("daily"))->at, 7000);
}

}  // namespace
}  // namespace cinepress
