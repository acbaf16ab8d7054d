#include "contact/inbox.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/open_store.h"

namespace cinepress {
namespace {

class InboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-inbox-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenInboxStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    site_.title = "The Long Take";
    site_.base_url = "https://longtake.example";
    site_.contact.enabled = true;
    site_.contact.forward_to = "editors@longtake.example";
    site_.contact.forward_name = "Editors";
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  SendMail Recorder() {
    return [this](const MailMessage& m) -> Status {
      sent_.push_back(m);
      return {};
    };
  }
  static Submission Hostile() {
    Submission s;
    s.kind = "contact";
    s.name = "Mallory\r\nBcc: victim@example.com";
    s.email = "mallory@example.com";
    s.subject = "Hi\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>";
    s.message = "Line one\r\nLine two <b>bold</b>\x01";
    s.created = 1000;
    return s;
  }
  std::filesystem::path dir_;
  std::unique_ptr<InboxStore> store_;
  SiteConfig site_;
  std::vector<MailMessage> sent_;
};

TEST_F(InboxTest, ASubmissionIsKeptAcknowledgedAndForwardedWithReplyToTheSender) {
  auto id = ReceiveSubmission(*store_, site_, Hostile(), "", Recorder());
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto kept = store_->LoadSubmission(*id);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->name, "Mallory  Bcc: victim@example.com");
  EXPECT_EQ((*kept)->message, "Line one\nLine two <b>bold</b>");
  EXPECT_EQ((*kept)->status, "open");
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].to.email, "mallory@example.com");
  EXPECT_EQ(sent_[1].to.email, "editors@longtake.example");
  EXPECT_EQ(sent_[1].reply_to.email, "mallory@example.com");
  EXPECT_NE(sent_[1].subject.find("inbox #" + std::to_string(*id)), std::string::npos);
}

TEST_F(InboxTest, NoHeaderLineCarriesALineBreakOrAnInjectedHeader) {
  ASSERT_TRUE(ReceiveSubmission(*store_, site_, Hostile(), "", Recorder()).ok());
  for (const MailMessage& m : sent_) {
    for (const std::string& line : HeaderLines(m)) {
      EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << line;
      EXPECT_NE(line.rfind("Bcc:", 0), 0u) << line;
      EXPECT_NE(line.rfind("Content-Type:", 0), 0u) << line;
    }
  }
}

TEST_F(InboxTest, NothingIsForwardedWithoutAnAddress) {
  site_.contact.forward_to.clear();
  ASSERT_TRUE(ReceiveSubmission(*store_, site_, Hostile(), "", Recorder()).ok());
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to.email, "mallory@example.com");
}

TEST_F(InboxTest, BadFieldsAreNamedAndNothingIsKept) {
  Submission s = Hostile();
  s.email = "mallory@example.com\r\nBcc: x@example.com";
  auto r = ReceiveSubmission(*store_, site_, s, "", Recorder());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "email");
  s = Hostile();
  s.message = " \r\n ";
  EXPECT_EQ(ReceiveSubmission(*store_, site_, s, "", Recorder()).error().field, "message");
  s = Hostile();
  s.name = "\r\n";
  EXPECT_EQ(ReceiveSubmission(*store_, site_, s, "", Recorder()).error().field, "name");
  EXPECT_TRUE(sent_.empty());
  EXPECT_TRUE(store_->ListSubmissions("")->empty());
}

TEST_F(InboxTest, AReplyIsSentThenKeptAndClosingCloses) {
  const int64_t id = *ReceiveSubmission(*store_, site_, Hostile(), "", Recorder());
  sent_.clear();
  ASSERT_TRUE(ReplyToSubmission(*store_, site_, id, "Thanks!\r\n", 2000, Recorder()).ok());
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to.email, "mallory@example.com");
  EXPECT_EQ(sent_[0].reply_to.email, "editors@longtake.example");
  EXPECT_NE(sent_[0].text.find("> Line one\n> Line two"), std::string::npos);
  auto replies = store_->LoadReplies(id);
  ASSERT_EQ(replies->size(), 1u);
  EXPECT_EQ((*replies)[0].message, "Thanks!");
  EXPECT_EQ(ReplyToSubmission(*store_, site_, id, " ", 2001, Recorder()).error().field, "message");
  EXPECT_EQ(ReplyToSubmission(*store_, site_, id + 1, "x", 2001, Recorder()).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(CloseSubmission(*store_, id, 3000).ok());
  EXPECT_TRUE(store_->ListSubmissions("open")->empty());
}

TEST_F(InboxTest, AReplyThatCannotBeSentIsNotKept) {
  const int64_t id = *ReceiveSubmission(*store_, site_, Hostile(), "", Recorder());
  auto fail = [](const MailMessage&) -> Status { return MakeError(ErrorCode::kIo, "relay down"); };
  EXPECT_FALSE(ReplyToSubmission(*store_, site_, id, "Thanks", 2000, fail).ok());
  EXPECT_TRUE(store_->LoadReplies(id)->empty());
}

TEST_F(InboxTest, TheListIsFilteredByStatusAndKindAndRefusesOtherValues) {
  Submission a = Hostile();
  const int64_t contact = *ReceiveSubmission(*store_, site_, a, "", Recorder());
  a.kind = "pitch";
  a.created = 2000;
  const int64_t pitch = *ReceiveSubmission(*store_, site_, a, "", Recorder());
  ASSERT_TRUE(CloseSubmission(*store_, contact, 3000));
  auto ids = [](const Result<std::vector<Submission>>& list) {
    std::vector<int64_t> out;
    for (const Submission& s : *list) out.push_back(s.id);
    return out;
  };
  EXPECT_EQ(ids(ListInbox(*store_, "", "")), (std::vector<int64_t>{pitch, contact}));
  EXPECT_EQ(ids(ListInbox(*store_, "open", "")), (std::vector<int64_t>{pitch}));
  EXPECT_EQ(ids(ListInbox(*store_, "", "contact")), (std::vector<int64_t>{contact}));
  EXPECT_TRUE(ListInbox(*store_, "closed", "pitch")->empty());
  EXPECT_EQ(ListInbox(*store_, "spam", "").error().field, "status");
  EXPECT_EQ(ListInbox(*store_, "", "letter").error().field, "kind");
}

TEST_F(InboxTest, AThreadAndItsFileAreLoadedAndAClosedOneReopens) {
  Submission s = Hostile();
  s.kind = "pitch";
  s.file_name = "outline.txt";
  s.file_type = "text/plain";
  const int64_t id = *ReceiveSubmission(*store_, site_, s, "An outline.\n", Recorder());
  ASSERT_TRUE(ReplyToSubmission(*store_, site_, id, "Thanks.", 1500, Recorder()));
  auto thread = LoadThread(*store_, id);
  ASSERT_TRUE(thread.ok()) << thread.error().ToString();
  EXPECT_EQ(thread->submission.id, id);
  ASSERT_EQ(thread->replies.size(), 1u);
  EXPECT_EQ(thread->replies[0].message, "Thanks.");
  auto file = LoadAttachment(*store_, id);
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_EQ(file->name, "outline.txt");
  EXPECT_EQ(file->type, "text/plain");
  EXPECT_EQ(file->bytes, "An outline.\n");
  ASSERT_TRUE(CloseSubmission(*store_, id, 2000));
  ASSERT_TRUE(ReopenSubmission(*store_, id, 2500));
  EXPECT_EQ((*store_->LoadSubmission(id))->status, "open");
  EXPECT_EQ((*store_->LoadSubmission(id))->updated, 2500);
  EXPECT_EQ(LoadThread(*store_, 99).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ReopenSubmission(*store_, 99, 1).error().code, ErrorCode::kNotFound);
  const int64_t plain = *ReceiveSubmission(*store_, site_, Hostile(), "", Recorder());
  EXPECT_EQ(LoadAttachment(*store_, plain).error().code, ErrorCode::kNotFound) << "no file";
}

}  // namespace
}  // namespace cinepress
