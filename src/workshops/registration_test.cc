#include "workshops/registration.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "payments/test_fixtures.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kNow = 1900000000;
constexpr int64_t kStarts = kNow + 10 * 86400;

class WorkshopRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-registration-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = OpenWorkshopStore(dir_ / "site.db", {});
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    site_.title = "The Long Take";
    site_.base_url = "https://longtake.example";
    site_.timezone = "Europe/Paris";
    Workshop w;
    w.slug = "writing-about-ozu";
    w.title = "Writing about Ozu";
    w.teachers = {"ada-critic"};
    w.sessions = {{kStarts, 120}};
    w.online = true;
    w.joining_link = "https://meet.example.com/ozu";
    w.seats = 1;
    w.price = 12000;
    w.currency = "eur";
    w.member_prices = {{"supporter", 9000}};
    w.free_for = {"patron"};
    ASSERT_TRUE(store_->SaveWorkshop(w).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  void NextSession(const std::string& id) {
    stripe_.Answer("POST", "/v1/checkout/sessions",
                   StripeObject("checkout.session",
                                {{"id", id}, {"url", "https://checkout.stripe.com/c/" + id}}));
  }
  Result<RegisterOutcome> Register(const std::string& email, const char* tier = nullptr,
                                   int64_t offer = 0, int64_t now = kNow) {
    RegisterRequest r;
    r.workshop = "writing-about-ozu";
    r.email = email;
    r.offer = offer;
    if (tier) {
      r.rights.member_id = 7;
      r.rights.Grant(tier);
    }
    return cinepress::Register(stripe_, *store_, site_, r, now);
  }
  std::string Event(const std::string& type, const std::string& session, int64_t amount) {
    Json object =
        StripeObject("checkout.session", {{"id", session},
                                          {"mode", "payment"},
                                          {"amount_total", amount},
                                          {"payment_intent", "pi_" + session},
                                          {"metadata", {{"workshop_registration", "ref"}}},
                                          {"customer_details", {{"email", "ada@example.com"}}}});
    return StripeEvent("evt_" + type + session, type, object, kNow);
  }
  int64_t SeatsLeft() { return (*store_->LoadWorkshops())[0].seats_left; }

  fs::path dir_;
  std::unique_ptr<WorkshopStore> store_;
  StripeRecorder stripe_;
  SiteConfig site_;
};

TEST_F(WorkshopRegistrationTest, APaidRegistrationIsCheckedOutAtTheReadersTierPrice) {
  NextSession("cs_1");
  auto out = Register("ada@example.com", "supporter");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->checkout_url, "https://checkout.stripe.com/c/cs_1");
  EXPECT_EQ(SeatsLeft(), 0);
  const auto requests = stripe_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const Json& p = requests[0].params;
  EXPECT_EQ(p["mode"], "payment");
  EXPECT_EQ(p["line_items"][0]["price_data"]["unit_amount"], 9000);
  EXPECT_EQ(p["line_items"][0]["price_data"]["currency"], "eur");
  EXPECT_EQ(p["metadata"]["workshop"], "writing-about-ozu");
  EXPECT_EQ(p["expires_at"], kNow + kWorkshopCheckoutSeconds);
  EXPECT_EQ(requests[0].idempotency_key, "workshop-" + p["client_reference_id"].get<std::string>());

  // Paid: one confirmation with the joining link; the event twice changes nothing.
  auto paid = ApplyWorkshopEvent(*store_, site_, Event("checkout.session.completed", "cs_1", 9000),
                                 kNow + 60);
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  EXPECT_TRUE(paid->handled);
  ASSERT_EQ(paid->mail.size(), 1u);
  EXPECT_EQ(paid->mail[0].to.email, "ada@example.com");
  EXPECT_NE(paid->mail[0].text.find("https://meet.example.com/ozu"), std::string::npos);
  EXPECT_NE(paid->mail[0].text.find("/workshops/writing-about-ozu.ics"), std::string::npos);
  // The registrant's calendar file is attached, with the joining link.
  ASSERT_EQ(paid->mail[0].attachments.size(), 1u);
  const MailAttachment& ics = paid->mail[0].attachments[0];
  EXPECT_EQ(ics.filename, "writing-about-ozu.ics");
  EXPECT_EQ(ics.content_type.rfind("text/calendar", 0), 0u);
  EXPECT_EQ(ics.bytes.rfind("BEGIN:VCALENDAR", 0), 0u);
  EXPECT_NE(ics.bytes.find("meet.example.com/ozu"), std::string::npos);
  auto again = ApplyWorkshopEvent(*store_, site_, Event("checkout.session.completed", "cs_1", 9000),
                                  kNow + 61);
  EXPECT_TRUE(again->mail.empty());
  EXPECT_EQ((*store_->RegistrationsOf("writing-about-ozu"))[0].status, "paid");
}

TEST_F(WorkshopRegistrationTest, AnEntitledMemberRegistersFreeWithoutStripe) {
  auto out = Register("pat@example.com", "patron");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ASSERT_TRUE(out->free.has_value());
  EXPECT_EQ(out->free->status, "free");
  EXPECT_EQ(out->free->member_id, 7);
  EXPECT_TRUE(stripe_.Requests().empty());
  ASSERT_EQ(out->mail.size(), 1u);
  EXPECT_EQ(out->mail[0].to.email, "pat@example.com");
  // The only seat is taken: the next reader is refused, and no session is made.
  auto full = Register("bob@example.com");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(stripe_.Requests().empty());
}

TEST_F(WorkshopRegistrationTest, AnExpiredCheckoutGivesItsSeatBackAndClosedRegistrationRefuses) {
  NextSession("cs_1");
  ASSERT_TRUE(Register("ada@example.com").ok());
  EXPECT_TRUE(
      ApplyWorkshopEvent(*store_, site_, Event("checkout.session.expired", "cs_1", 0), kNow + 60)
          ->handled);
  EXPECT_EQ(SeatsLeft(), 1);
  auto closed = Register("ada@example.com", nullptr, 0, kStarts);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code, ErrorCode::kInvalidInput);
  // Not the workshops' session: left to others.
  Json other = StripeObject("checkout.session", {{"id", "cs_x"}, {"metadata", Json::object()}});
  EXPECT_FALSE(ApplyWorkshopEvent(*store_, site_,
                                  StripeEvent("evt_x", "checkout.session.completed", other, kNow),
                                  kNow)
                   ->handled);
}

TEST_F(WorkshopRegistrationTest, AFreedSeatIsOfferedByMailAndOnlyItsHolderTakesIt) {
  NextSession("cs_p");
  NextSession("cs_w");  // the recorder answers in turn
  ASSERT_TRUE(Register("pay@example.com").ok());
  auto entry = store_->JoinWaitlist("writing-about-ozu", "wait@example.com", 0, kNow);
  ASSERT_TRUE(entry.ok());
  EXPECT_TRUE(OfferSeats(*store_, site_, kNow, 86400)->empty());
  // The checkout holding the only seat expires.
  ASSERT_TRUE(
      ApplyWorkshopEvent(*store_, site_, Event("checkout.session.expired", "cs_p", 0), kNow + 1)
          .ok());
  auto offers = OfferSeats(*store_, site_, kNow + 2, 86400);
  ASSERT_TRUE(offers.ok()) << offers.error().ToString();
  ASSERT_EQ(offers->size(), 1u);
  EXPECT_EQ((*offers)[0].to.email, "wait@example.com");
  EXPECT_NE((*offers)[0].text.find("?offer=" + std::to_string(*entry)), std::string::npos);
  auto stranger = Register("bob@example.com", nullptr, *entry, kNow + 3);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().field, "offer");
  auto taken = Register("wait@example.com", nullptr, *entry, kNow + 3);
  ASSERT_TRUE(taken.ok()) << taken.error().ToString();
  EXPECT_EQ(SeatsLeft(), 0);
}

TEST_F(WorkshopRegistrationTest, RemindersADayAndAnHourBeforeEachSentOnce) {
  ASSERT_TRUE(Register("pat@example.com", "patron").ok());
  EXPECT_TRUE(DueReminders(*store_, site_, kStarts - 86401)->empty());
  auto day = DueReminders(*store_, site_, kStarts - 86400);
  ASSERT_EQ(day->size(), 1u);
  EXPECT_NE((*day)[0].subject.find("tomorrow"), std::string::npos);
  EXPECT_NE((*day)[0].text.find("https://meet.example.com/ozu"), std::string::npos);
  EXPECT_TRUE(DueReminders(*store_, site_, kStarts - 7200)->empty());
  auto hour = DueReminders(*store_, site_, kStarts - 3600);
  ASSERT_EQ(hour->size(), 1u);
  EXPECT_NE((*hour)[0].subject.find("within the hour"), std::string::npos);
  EXPECT_TRUE(DueReminders(*store_, site_, kStarts - 60)->empty());
}

TEST_F(WorkshopRegistrationTest, CancellingRefundsEachPaymentOnceAndTellsEveryone) {
  ASSERT_TRUE(store_
                  ->SaveWorkshop([&] {
                    auto w = (*store_->LoadWorkshops())[0];
                    w.seats = 3;
                    return w;
                  }())
                  .ok());
  NextSession("cs_1");
  ASSERT_TRUE(Register("ada@example.com").ok());
  ASSERT_TRUE(ApplyWorkshopEvent(*store_, site_, Event("checkout.session.completed", "cs_1", 12000),
                                 kNow + 60)
                  .ok());
  ASSERT_TRUE(Register("pat@example.com", "patron").ok());
  // The first refund fails; the next try is answered.
  stripe_.Fail("POST", "/v1/refunds", MakeError(ErrorCode::kInternal, "Stripe is down"));
  stripe_.Answer("POST", "/v1/refunds", StripeObject("refund", {{"id", "re_1"}}));
  auto first = CancelAndRefund(stripe_, *store_, site_, "writing-about-ozu", kNow + 100);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->cancelled.size(), 2u);
  EXPECT_EQ(first->refunded, 0u);
  EXPECT_EQ(first->refund_failures.size(), 1u);
  ASSERT_EQ(first->mail.size(), 2u);
  EXPECT_NE(first->mail[0].text.find("refunded"), std::string::npos);
  EXPECT_EQ(first->mail[1].text.find("refunded"), std::string::npos);  // the free one

  auto second = CancelAndRefund(stripe_, *store_, site_, "writing-about-ozu", kNow + 200);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->cancelled.empty());
  EXPECT_TRUE(second->mail.empty());
  EXPECT_EQ(second->refunded, 1u);
  const auto requests = stripe_.Requests();
  const StripeRequest& refund = requests.back();
  EXPECT_EQ(refund.path, "/v1/refunds");
  EXPECT_EQ(refund.params["payment_intent"], "pi_cs_1");
  // Both tries carry the same key: Stripe refunds once.
  EXPECT_EQ(refund.idempotency_key, requests[requests.size() - 2].idempotency_key);
  auto third = CancelAndRefund(stripe_, *store_, site_, "writing-about-ozu", kNow + 300);
  EXPECT_EQ(third->refunded, 0u);
  const std::string csv = RegistrantsCsv(*store_->RegistrationsOf("writing-about-ozu"));
  EXPECT_NE(csv.find(",refunded,\"ada@example.com\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",cancelled,\"pat@example.com\","), std::string::npos) << csv;
}

}  // namespace
}  // namespace cinepress
