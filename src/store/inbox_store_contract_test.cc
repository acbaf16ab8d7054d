// The InboxStore contract, run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class InboxStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenInboxStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  static Submission Pitch(int64_t created) {
    Submission s;
    s.kind = "pitch";
    s.name = "Ada\r\nBcc: x@evil.example";
    s.email = "ada@example.com";
    s.message = "A pitch <script>alert(1)</script> on Ozu's pillow shots";
    s.links = "https://ada.example/a\nhttps://ada.example/b";
    s.created = created;
    s.ip = "192.0.2.7";
    return s;
  }
  Engine engine_;
  std::unique_ptr<InboxStore> store_;
};

TYPED_TEST_SUITE(InboxStoreContract, StoreEngines, EngineName);

TYPED_TEST(InboxStoreContract, ASubmissionKeepsEveryFieldAndItsFile) {
  Submission s = this->Pitch(100);
  s.file_name = "pitch.pdf";
  s.file_type = "application/pdf";
  const std::string file("%PDF-1.7\0\xff binary", 17);
  auto id = this->store_->InsertSubmission(s, file);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto back = this->store_->LoadSubmission(*id);
  ASSERT_TRUE(back.ok() && back->has_value());
  s.id = *id;
  s.updated = 100;
  s.file_size = static_cast<int64_t>(file.size());
  EXPECT_EQ(**back, s);
  auto bytes = this->store_->SubmissionFile(*id);
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
  EXPECT_EQ(*bytes, file);
}

TYPED_TEST(InboxStoreContract, WithoutAFileTheFileIsEmpty) {
  auto id = this->store_->InsertSubmission(this->Pitch(1), "");
  ASSERT_TRUE(id.ok());
  auto bytes = this->store_->SubmissionFile(*id);
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
  EXPECT_EQ(*bytes, "");
  EXPECT_EQ((*this->store_->LoadSubmission(*id))->file_size, 0);
  EXPECT_EQ(this->store_->SubmissionFile(*id + 1).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(InboxStoreContract, TheListIsNewestFirstAndFiltersByStatus) {
  const int64_t a = *this->store_->InsertSubmission(this->Pitch(10), "");
  const int64_t b = *this->store_->InsertSubmission(this->Pitch(20), "");
  ASSERT_TRUE(this->store_->SetSubmissionStatus(a, "closed", 30).ok());
  auto all = this->store_->ListSubmissions("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, b);
  EXPECT_EQ((*all)[1].id, a);
  EXPECT_EQ((*all)[1].updated, 30);
  auto open = this->store_->ListSubmissions("open");
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, b);
  EXPECT_EQ(this->store_->SetSubmissionStatus(b + 10, "closed", 1).error().code,
            ErrorCode::kNotFound);
  EXPECT_FALSE(this->store_->LoadSubmission(b + 10)->has_value());
}

TYPED_TEST(InboxStoreContract, RepliesFormTheThread) {
  const int64_t id = *this->store_->InsertSubmission(this->Pitch(10), "");
  ASSERT_TRUE(this->store_->InsertReply({0, id, "Thanks; tell us more.", 50}).ok());
  ASSERT_TRUE(this->store_->InsertReply({0, id, "Commissioned.", 60}).ok());
  auto replies = this->store_->LoadReplies(id);
  ASSERT_TRUE(replies.ok()) << replies.error().ToString();
  ASSERT_EQ(replies->size(), 2u);
  EXPECT_EQ((*replies)[0].message, "Thanks; tell us more.");
  EXPECT_EQ((*replies)[1].created, 60);
  EXPECT_EQ((*this->store_->LoadSubmission(id))->updated, 60);
  EXPECT_EQ(this->store_->InsertReply({0, id + 5, "lost", 70}).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cinepress
