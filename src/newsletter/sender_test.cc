#include "newsletter/sender.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "core/process.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-sender-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenNewsletterStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    site_.base_url = "https://changeover.example";
    nl_.name = "The Weekly";
    nl_.slug = "weekly";
    nl_.from_email = "news@changeover.example";
    options_.now = [this] { return clock_; };
    options_.sleep = [this](int64_t s) { clock_ += s; };
    options_.retry.first_pause_s = 60;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void AddReaders(int n) {
    ASSERT_TRUE(store_->BeginTransaction());
    for (int i = 0; i < n; ++i) {
      auto id = store_->UpsertSubscriber("r" + std::to_string(i) + "@r.example", "", 1);
      ASSERT_TRUE(id.ok());
      ASSERT_TRUE(store_->SetSubscription(*id, "weekly", SubscriptionState::kConfirmed,
                                          Consent{1, "", "test"}, 1));
    }
    ASSERT_TRUE(store_->Commit());
  }
  NewsletterIssue MakeIssue() {
    NewsletterIssue i;
    i.newsletter = "weekly";
    i.created = 1000;
    i.subject = "No. 1";
    i.text = "Hello";
    i.html = "<p>Hello</p>";
    auto id = store_->CreateIssue(i);
    EXPECT_TRUE(id.ok());
    i.id = *id;
    return i;
  }
  Result<SendReport> Send(const NewsletterIssue& issue) {
    std::ostringstream progress;
    return SendIssue(*store_, issue, nl_, site_, std::string(32, 'k'), recorder_.Factory(),
                     options_, progress);
  }

  std::filesystem::path dir_;
  std::unique_ptr<NewsletterStore> store_;
  SiteConfig site_;
  NewsletterConfig nl_;
  SenderOptions options_;
  MailRecorder recorder_;
  int64_t clock_ = 1000;
};

TEST_F(SenderTest, EveryReaderGetsTheIssueOnceOverSeveralConnectionsInSmallBatches) {
  AddReaders(300);
  options_.connections = 4;
  options_.batch = 7;
  NewsletterIssue issue = MakeIssue();
  auto report = Send(issue);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->sent, 300);
  EXPECT_EQ(report->pending, 0);
  EXPECT_EQ(report->attempts, 300);
  std::set<std::string> to, ids;
  for (const MailMessage& m : recorder_.Messages()) {
    to.insert(m.to.email);
    ids.insert(m.message_id);
  }
  EXPECT_EQ(to.size(), 300u);
  EXPECT_EQ(ids.size(), 300u);
  EXPECT_FALSE(store_->UnfinishedIssue("weekly")->has_value());
}

TEST_F(SenderTest, AResumedIssueSendsOnlyWhatWasNotSent) {
  AddReaders(50);
  NewsletterIssue issue = MakeIssue();
  auto first = store_->PendingDeliveries(issue.id, 0, 1000, 20);
  for (const Delivery& d : *first) ASSERT_TRUE(store_->MarkSent(issue.id, d.subscriber_id, 999));
  auto report = Send(issue);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->attempts, 30);
  EXPECT_EQ(report->sent, 50);
  for (const MailMessage& m : recorder_.Messages()) {
    bool was_sent = false;
    for (const Delivery& d : *first) was_sent |= d.email == m.to.email;
    EXPECT_FALSE(was_sent) << m.to.email;
  }
}

// Two senders (processes, nodes) at once on one issue: each reader gets it once.
TEST_F(SenderTest, TwoSendersAtOnceSplitOneIssueAndSendEachReaderOnce) {
  AddReaders(300);
  options_.batch = 5;
  NewsletterIssue issue = MakeIssue();
  auto other = OpenNewsletterStore(dir_ / "site.db", {});
  ASSERT_TRUE(other.ok());
  Result<SendReport> second = Error{};
  std::thread t([&] {
    std::ostringstream progress;
    second = SendIssue(**other, issue, nl_, site_, std::string(32, 'k'), recorder_.Factory(),
                       options_, progress);
  });
  auto first = Send(issue);
  t.join();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(first->attempts + second->attempts, 300);
  std::set<std::string> to;
  for (const MailMessage& m : recorder_.Messages()) to.insert(m.to.email);
  EXPECT_EQ(recorder_.Count(), 300u);
  EXPECT_EQ(to.size(), 300u);
  EXPECT_EQ(store_->CountDeliveries(issue.id)->sent, 300);
}

// A batch claimed by a sender on this machine whose process has ended is taken back at once.
TEST_F(SenderTest, ABatchHeldByAnEndedSenderOnThisMachineIsSentAtOnce) {
  AddReaders(50);
  NewsletterIssue issue = MakeIssue();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  const std::string me = ThisProcess();
  const std::string ended = me.substr(0, me.rfind(' ')) + " " + std::to_string(child) + " send 1";
  ASSERT_EQ(store_->ClaimDeliveries(issue.id, ended, 1000, 300, 20)->size(), 20u);
  std::ostringstream progress;
  auto report = SendIssue(*store_, issue, nl_, site_, std::string(32, 'k'), recorder_.Factory(),
                          options_, progress);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->sent, 50);
  EXPECT_EQ(recorder_.Count(), 50u);
  EXPECT_NE(progress.str().find("took back the deliveries held by an ended sender"),
            std::string::npos)
      << progress.str();
}

// Another machine's sender may still be sending its batch: it is left alone until its lease
// ends, and the issue stays unfinished for whoever comes next.
TEST_F(SenderTest, ABatchHeldByAnotherMachinesSenderWaitsForItsLease) {
  AddReaders(50);
  NewsletterIssue issue = MakeIssue();
  ASSERT_EQ(
      store_->ClaimDeliveries(issue.id, "elsewhere boot pid:[1] 7 send 1", 1000, 300, 10)->size(),
      10u);
  auto report = Send(issue);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->sent, 40);
  EXPECT_EQ(report->pending, 10);
  EXPECT_TRUE(store_->UnfinishedIssue("weekly")->has_value());
  clock_ = 1300;  // its lease is over: that sender died with its machine
  report = Send(issue);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->sent, 50);
  EXPECT_EQ(recorder_.Count(), 50u);
  EXPECT_FALSE(store_->UnfinishedIssue("weekly")->has_value());
}

TEST_F(SenderTest, TemporaryFailuresAreRetriedWithBackoffAndPermanentOnesRecorded) {
  AddReaders(5);
  recorder_.FailTemporarily("r1@r.example", 2);
  recorder_.FailTemporarily("r2@r.example", 100);
  recorder_.FailPermanently("r3@r.example");
  options_.retry.max_attempts = 4;
  NewsletterIssue issue = MakeIssue();
  auto report = Send(issue);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->sent, 3);    // r0, r1 (third try), r4
  EXPECT_EQ(report->failed, 2);  // r2 out of attempts, r3 refused
  EXPECT_EQ(recorder_.Attempts("r1@r.example"), 3);
  EXPECT_EQ(recorder_.Attempts("r2@r.example"), 4);
  EXPECT_EQ(recorder_.Attempts("r3@r.example"), 1);
  // Waited 60 + 120 + 240 s of the fake clock for r2's retries.
  EXPECT_EQ(clock_, 1000 + 60 + 120 + 240);
  auto failed = store_->FailedDeliveries(issue.id);
  ASSERT_EQ(failed->size(), 2u);
  EXPECT_EQ((*failed)[0].first, "r2@r.example");
  EXPECT_EQ((*failed)[0].second, "451 try again later");
  EXPECT_EQ((*failed)[1].second, "550 no such user");
}

TEST_F(SenderTest, ACancelledSendLeavesTheRestPendingForTheNextRun) {
  AddReaders(100);
  options_.connections = 2;
  options_.batch = 10;
  std::atomic<int> asked{0};
  options_.cancelled = [&] { return ++asked > 3; };
  NewsletterIssue issue = MakeIssue();
  auto report = Send(issue);
  ASSERT_TRUE(report.ok());
  EXPECT_GT(report->pending, 0);
  EXPECT_EQ(report->sent + report->pending, 100);
  EXPECT_TRUE(store_->UnfinishedIssue("weekly")->has_value());
  options_.cancelled = nullptr;
  report = Send(issue);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->sent, 100);
  EXPECT_EQ(recorder_.Count(), 100u);  // nothing twice
}

TEST_F(SenderTest, ARelayThatRefusesUsStopsTheRunAndBlamesNoRecipient) {
  AddReaders(20);
  recorder_.RefuseEverything(true);
  NewsletterIssue issue = MakeIssue();
  auto report = Send(issue);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("535"), std::string::npos);
  EXPECT_EQ(store_->CountDeliveries(issue.id)->failed, 0);
  EXPECT_EQ(store_->CountDeliveries(issue.id)->pending, 20);
  recorder_.RefuseEverything(false);
  report = Send(issue);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->sent, 20);
}

TEST_F(SenderTest, TheRateLimitPacesMessages) {
  AddReaders(6);
  options_.rate_per_minute = 1200;  // one every 50 ms
  NewsletterIssue issue = MakeIssue();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(Send(issue).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(240));
  EXPECT_EQ(recorder_.Count(), 6u);
}

}  // namespace
}  // namespace cinepress
