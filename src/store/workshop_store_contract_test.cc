// The WorkshopStore contract, run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class WorkshopStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    store_ = Open();
    ASSERT_TRUE(store_);
  }
  std::unique_ptr<WorkshopStore> Open() {
    auto s = OpenWorkshopStore(engine_.file(), engine_.With({}));
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  static Workshop Masterclass(int64_t seats) {
    Workshop w;
    w.slug = "writing-about-ozu";
    w.title = "Writing about Ozu";
    w.summary = "Four evenings on the pillow shot.";
    w.body = "We *read* and we write.";
    w.teachers = {"yasujiro-ozu", "ada-critic"};
    w.sessions = {{1900000000, 90}, {1900086400, 120}};
    w.online = true;
    w.joining_link = "https://meet.example.com/ozu";
    w.seats = seats;
    w.price = 12000;
    w.currency = "eur";
    w.member_prices = {{"supporter", 9000}};
    w.free_for = {"patron"};
    w.opens = 1800000000;
    w.closes = 1899990000;
    w.materials = {"workshops/writing-about-ozu/reading.pdf"};
    return w;
  }
  static Registration Pending(const std::string& ref, int64_t expires_at = 1000) {
    Registration g;
    g.workshop = "writing-about-ozu";
    g.reference = ref;
    g.email = ref + "@example.com";
    g.name = "Reader " + ref;
    g.amount = 12000;
    g.currency = "eur";
    g.created = 100;
    g.expires_at = expires_at;
    return g;
  }
  // Starts a paid registration with session "cs_" + ref; its id.
  int64_t Start(const std::string& ref, int64_t expires_at = 1000) {
    auto id = store_->StartRegistration(Pending(ref, expires_at));
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    if (!id.ok()) return 0;
    EXPECT_TRUE(store_->SetRegistrationSession(*id, "cs_" + ref).ok());
    return *id;
  }
  int64_t SeatsLeft() {
    auto all = store_->LoadWorkshops();
    if (!all.ok() || all->empty()) {
      ADD_FAILURE() << "no workshop";
      return -1;
    }
    return all->front().seats_left;
  }
  std::string StatusOf(int64_t id) {
    auto all = store_->RegistrationsOf("writing-about-ozu");
    if (!all.ok()) return all.error().ToString();
    for (const Registration& g : *all) {
      if (g.id == id) return g.status;
    }
    return "";
  }
  Engine engine_;
  std::unique_ptr<WorkshopStore> store_;
};

TYPED_TEST_SUITE(WorkshopStoreContract, StoreEngines, EngineName);

TYPED_TEST(WorkshopStoreContract, AWorkshopKeepsEveryFieldAndSavedAgainKeepsHeldSeats) {
  Workshop w = this->Masterclass(3);
  ASSERT_TRUE(this->store_->SaveWorkshop(w).ok());
  auto all = this->store_->LoadWorkshops();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 1u);
  w.seats_left = 3;
  EXPECT_EQ(all->front(), w);
  this->Start("a");
  w.seats = 5;  // two seats more
  ASSERT_TRUE(this->store_->SaveWorkshop(w).ok());
  EXPECT_EQ(this->SeatsLeft(), 4);
  ASSERT_TRUE(this->store_->DeleteWorkshop(w.slug).ok());
  EXPECT_TRUE(this->store_->LoadWorkshops()->empty());
  EXPECT_TRUE(this->store_->RegistrationsOf(w.slug)->empty());
}

TYPED_TEST(WorkshopStoreContract, ARegistrationTakesASeatOrIsRefused) {
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(1)).ok());
  const int64_t id = this->Start("a");
  EXPECT_EQ(this->SeatsLeft(), 0);
  auto full = this->store_->StartRegistration(this->Pending("b"));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kConflict);
  EXPECT_NE(full.error().message.find("is full"), std::string::npos);
  Registration elsewhere = this->Pending("c");
  elsewhere.workshop = "nope";
  EXPECT_EQ(this->store_->StartRegistration(elsewhere).error().code, ErrorCode::kNotFound);
  auto all = this->store_->RegistrationsOf("writing-about-ozu");
  ASSERT_EQ(all->size(), 1u);  // nothing of a refused registration is kept
  Registration expected = this->Pending("a");
  expected.id = id;
  expected.session_id = "cs_a";
  expected.updated = 100;
  EXPECT_EQ(all->front(), expected);
  EXPECT_EQ(this->store_->RegistrationsBy(0, "a@example.com")->size(), 1u);
}

// A reader's registrations are theirs by member id, whatever address they had when they
// registered; a registration made by no member is theirs by address.
TYPED_TEST(WorkshopStoreContract, AReadersRegistrationsFollowTheMemberNotTheAddress) {
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(5)).ok());
  Registration before_the_change = this->Pending("a");
  before_the_change.member_id = 7;  // as a@example.com, an address member 7 has left since
  Registration guest = this->Pending("b");
  guest.email = "new@example.com";  // no member: matched by address
  Registration other = this->Pending("c");
  other.email = "new@example.com";
  other.member_id = 8;  // another member who had this address once: not member 7's
  for (const Registration& r : {before_the_change, guest, other}) {
    ASSERT_TRUE(this->store_->StartRegistration(r).ok());
  }
  auto mine = this->store_->RegistrationsBy(7, "new@example.com");
  ASSERT_TRUE(mine.ok()) << mine.error().ToString();
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].reference, "a");
  EXPECT_EQ((*mine)[1].reference, "b");
  EXPECT_EQ(this->store_->RegistrationsBy(0, "a@example.com")->size(), 0u)
      << "a member's registration is not a guest's under its old address";
}

TYPED_TEST(WorkshopStoreContract, TheLastSeatRacedByTwoBuyersGoesToOne) {
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(1)).ok());
  for (int round = 0; round < 5; ++round) {
    auto a = this->Open(), b = this->Open();
    ASSERT_TRUE(a && b);
    Result<int64_t> ra = Error{}, rb = Error{};
    const std::string n = std::to_string(round);
    std::thread ta([&] { ra = a->StartRegistration(this->Pending("a" + n)); });
    std::thread tb([&] { rb = b->StartRegistration(this->Pending("b" + n)); });
    ta.join();
    tb.join();
    ASSERT_NE(ra.ok(), rb.ok()) << "round " << round;
    const Error& refused = ra.ok() ? rb.error() : ra.error();
    EXPECT_EQ(refused.code, ErrorCode::kConflict) << refused.ToString();
    EXPECT_EQ(this->SeatsLeft(), 0);
    // The winner's checkout is abandoned: the seat is back for the next round.
    auto ids = this->store_->ExpireAbandonedRegistrations(2000);
    ASSERT_TRUE(ids.ok()) << ids.error().ToString();
    EXPECT_EQ(ids->size(), 1u);
    EXPECT_EQ(this->SeatsLeft(), 1);
  }
}

TYPED_TEST(WorkshopStoreContract, AnExpiredCheckoutGivesItsSeatBackOnceAndIsPaidOnce) {
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(2)).ok());
  const int64_t a = this->Start("a"), b = this->Start("b");
  EXPECT_EQ(this->SeatsLeft(), 0);
  EXPECT_TRUE(*this->store_->ExpireRegistration("cs_a", 300));
  EXPECT_FALSE(*this->store_->ExpireRegistration("cs_a", 301));  // the event twice
  EXPECT_EQ(this->SeatsLeft(), 1);
  EXPECT_EQ(this->StatusOf(a), "expired");

  auto paid = this->store_->PayRegistration("cs_b", "b@example.com", 11000, "pi_b", 400);
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  ASSERT_TRUE(paid->has_value());
  EXPECT_EQ((*paid)->id, b);
  EXPECT_EQ((*paid)->status, "paid");
  EXPECT_EQ((*paid)->amount, 11000);
  EXPECT_EQ((*paid)->payment_intent, "pi_b");
  EXPECT_FALSE(
      this->store_->PayRegistration("cs_b", "b@example.com", 11000, "pi_b", 401)->has_value());
  EXPECT_FALSE(*this->store_->ExpireRegistration("cs_b", 402));  // paid: kept
  EXPECT_EQ(this->SeatsLeft(), 1);
  // Paid after its hold ended: the seat is taken again.
  EXPECT_TRUE(
      this->store_->PayRegistration("cs_a", "a@example.com", 12000, "pi_a", 500)->has_value());
  EXPECT_EQ(this->SeatsLeft(), 0);
  EXPECT_EQ(this->store_->PayRegistration("cs_x", "", 0, "", 1).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(WorkshopStoreContract, CancellingAWorkshopCancelsPaidAndFreeRegistrations) {
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(3)).ok());
  this->Start("a");
  ASSERT_TRUE(this->store_->PayRegistration("cs_a", "a@example.com", 12000, "pi_a", 200).ok());
  Registration free = this->Pending("f");
  free.status = "free";
  free.amount = 0;
  ASSERT_TRUE(this->store_->StartRegistration(free).ok());
  this->Start("p");  // still pending: not cancelled, its hold runs out
  auto cancelled = this->store_->CancelWorkshop("writing-about-ozu", 300);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().ToString();
  ASSERT_EQ(cancelled->size(), 2u);
  EXPECT_EQ((*cancelled)[0].reference, "a");
  EXPECT_EQ((*cancelled)[0].status, "cancelled");
  EXPECT_EQ((*cancelled)[0].payment_intent, "pi_a");
  EXPECT_EQ((*cancelled)[1].reference, "f");
  EXPECT_EQ(this->SeatsLeft(), 2);
  EXPECT_TRUE(this->store_->LoadWorkshops()->front().cancelled);
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(3)).ok());  // imported again
  EXPECT_TRUE(this->store_->LoadWorkshops()->front().cancelled);
  EXPECT_TRUE(this->store_->CancelWorkshop("writing-about-ozu", 301)->empty());
  EXPECT_TRUE(*this->store_->MarkRefunded((*cancelled)[0].id, 302));
  EXPECT_FALSE(*this->store_->MarkRefunded((*cancelled)[0].id, 303));
  EXPECT_EQ(this->StatusOf((*cancelled)[0].id), "refunded");
}

TYPED_TEST(WorkshopStoreContract, AFreedSeatIsOfferedInTurnAndALapsedOfferPassesOn) {
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(1)).ok());
  this->Start("a");
  auto first = this->store_->JoinWaitlist("writing-about-ozu", "w1@example.com", 0, 110);
  auto second = this->store_->JoinWaitlist("writing-about-ozu", "w2@example.com", 7, 120);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*this->store_->JoinWaitlist("writing-about-ozu", "w1@example.com", 0, 130), *first);
  EXPECT_EQ(this->store_->JoinWaitlist("nope", "w1@example.com", 0, 130).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(this->store_->OfferFreedSeats(200, 3600)->empty());  // no seat free

  ASSERT_TRUE(*this->store_->ExpireRegistration("cs_a", 300));
  auto offered = this->store_->OfferFreedSeats(310, 3600);
  ASSERT_TRUE(offered.ok()) << offered.error().ToString();
  ASSERT_EQ(offered->size(), 1u);
  EXPECT_EQ(offered->front(), (WaitlistEntry{*first, "writing-about-ozu", "w1@example.com", 0,
                                             "offered", 110, 3910}));
  EXPECT_EQ(this->SeatsLeft(), 0);  // held for them
  EXPECT_EQ(this->store_->StartRegistration(this->Pending("b")).error().code, ErrorCode::kConflict);
  EXPECT_TRUE(this->store_->OfferFreedSeats(3910, 3600)->empty());  // not lapsed yet

  offered = this->store_->OfferFreedSeats(3911, 3600);  // lapsed: the next one's turn
  ASSERT_EQ(offered->size(), 1u);
  EXPECT_EQ(offered->front().id, *second);
  EXPECT_EQ(offered->front().offer_expires, 7511);
  auto list = this->store_->WaitlistOf("writing-about-ozu");
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].status, "lapsed");

  // The lapsed offer cannot be taken; the open one can, with the seat it holds.
  Registration late = this->Pending("w1");
  late.created = 4000;
  EXPECT_EQ(this->store_->StartRegistration(late, *first).error().code, ErrorCode::kConflict);
  Registration taking = this->Pending("w2");
  taking.created = 4000;
  ASSERT_TRUE(this->store_->StartRegistration(taking, *second).ok());
  EXPECT_EQ(this->SeatsLeft(), 0);
  EXPECT_EQ((*this->store_->WaitlistOf("writing-about-ozu"))[1].status, "taken");
  EXPECT_TRUE(this->store_->OfferFreedSeats(9000, 3600)->empty());
}

// The live site shows the seats left: what changes them is a content change (DataVersion), and
// what changes none (a sweep with nothing to expire) is not.
TYPED_TEST(WorkshopStoreContract, SeatsTakenOrGivenBackAreContentChanges) {
  auto content = OpenContentStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(content.ok()) << content.error().ToString();
  auto changed = [&](const std::function<Status()>& write) {
    const int64_t before = *(*content)->DataVersion();
    EXPECT_TRUE(write());
    return *(*content)->DataVersion() != before;
  };
  EXPECT_TRUE(changed([&] { return this->store_->SaveWorkshop(this->Masterclass(3)); }))
      << "an import";
  int64_t id = 0;
  EXPECT_TRUE(changed([&]() -> Status {
    id = this->Start("a", 1000);
    return {};
  })) << "a registration";
  EXPECT_FALSE(changed([&]() -> Status {
    auto swept = this->store_->ExpireAbandonedRegistrations(500);
    if (!swept) return swept.error();
    return {};
  })) << "a sweep that expires nothing";
  EXPECT_TRUE(changed([&]() -> Status {
    auto swept = this->store_->ExpireAbandonedRegistrations(2000);
    if (!swept) return swept.error();
    EXPECT_EQ(*swept, std::vector<int64_t>{id});
    return {};
  })) << "an expiry";
  EXPECT_EQ(this->SeatsLeft(), 3);
}

TYPED_TEST(WorkshopStoreContract, AReminderIsRecordedOnce) {
  ASSERT_TRUE(this->store_->SaveWorkshop(this->Masterclass(2)).ok());
  const int64_t id = this->Start("a");
  EXPECT_TRUE(*this->store_->MarkReminder(id, 0, "day"));
  EXPECT_FALSE(*this->store_->MarkReminder(id, 0, "day"));
  EXPECT_TRUE(*this->store_->MarkReminder(id, 0, "hour"));
  EXPECT_TRUE(*this->store_->MarkReminder(id, 1, "day"));
}

}  // namespace
}  // namespace cinepress
