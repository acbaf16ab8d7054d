// The MemberStore contract, run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include <chrono>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class MemberStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenMemberStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  Member Named(const std::string& email) {
    Member m;
    m.email = email;
    m.created = 10;
    return m;
  }
  Engine engine_;
  std::unique_ptr<MemberStore> store_;
};

TYPED_TEST_SUITE(MemberStoreContract, StoreEngines, EngineName);

TYPED_TEST(MemberStoreContract, AnAddressIsOneMemberWhateverTheCase) {
  auto a = this->store_->InsertMember(this->Named("Reader@Example.com"));
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  auto b = this->store_->InsertMember(this->Named("reader@example.COM"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kConflict);
  auto found = this->store_->FindMember("READER@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *a);
  EXPECT_EQ((*found)->email, "Reader@Example.com");
}

TYPED_TEST(MemberStoreContract, MembersKeepEveryField) {
  Member m = this->Named("a@r.example");
  m.name = "Ann";
  m.note = "note";
  m.labels = {"vip", "press"};
  m.stripe_customer_id = "cus_1";
  m.subscribed_to_emails = false;
  auto id = this->store_->InsertMember(m);
  ASSERT_TRUE(id.ok());
  auto back = this->store_->LoadMember(*id);
  ASSERT_TRUE(back.ok() && back->has_value());
  m.id = *id;
  EXPECT_EQ((*back)->labels, m.labels);
  EXPECT_EQ((*back)->stripe_customer_id, "cus_1");
  EXPECT_FALSE((*back)->subscribed_to_emails);
  EXPECT_EQ(this->store_->LoadMembers()->size(), 1u);
  m.deleted = true;
  ASSERT_TRUE(this->store_->UpdateMember(m));
  EXPECT_TRUE(this->store_->LoadMembers()->empty());  // deleted members are not listed
}

// serve's sessions and rights follow the store by waiting for its changes: a member added by
// another connection (another node) wakes the wait; content changes do not.
TYPED_TEST(MemberStoreContract, WaitForChangeWakesForAMembersChange) {
  using std::chrono::milliseconds;
  auto watcher = OpenMemberStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(watcher.ok()) << watcher.error().ToString();
  auto first = (*watcher)->WaitForChange(milliseconds(0));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(*first) << "the first wait has seen nothing before it";
  EXPECT_FALSE(*(*watcher)->WaitForChange(milliseconds(150)));
  auto content = OpenContentStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(content.ok());
  ASSERT_TRUE((*content)->SaveAuthor(Author{"a", "A", "", "", "", ""}));
  EXPECT_FALSE(*(*watcher)->WaitForChange(milliseconds(150))) << "content is not members";
  ASSERT_TRUE(this->store_->InsertMember(this->Named("a@r.example")).ok());
  EXPECT_TRUE(*(*watcher)->WaitForChange(std::chrono::seconds(10)));
  EXPECT_FALSE(*(*watcher)->WaitForChange(milliseconds(150))) << "that change was seen";
}

TYPED_TEST(MemberStoreContract, VersionMovesForEveryConnectionButNotForUsageOrSignIns) {
  auto other = OpenMemberStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(other.ok());
  const int64_t v0 = *this->store_->Version();
  auto id = (*other)->InsertMember(this->Named("a@r.example"));
  ASSERT_TRUE(id.ok());
  const int64_t v1 = *this->store_->Version();
  EXPECT_NE(v1, v0);
  ASSERT_TRUE((*other)->SaveGrant(TierGrant{0, *id, "supporter", 0, "comp", "", 10}));
  const int64_t v2 = *this->store_->Version();
  EXPECT_NE(v2, v1);
  ASSERT_TRUE((*other)->InsertSession(MemberSession{std::string(32, 'h'), *id, 10, 100, false}));
  const int64_t v3 = *this->store_->Version();
  EXPECT_NE(v3, v2);
  Institution i;
  i.name = "Lib";
  i.slug = "lib";
  i.tier = "library";
  auto inst = (*other)->InsertInstitution(i);
  ASSERT_TRUE(inst.ok());
  const int64_t v4 = *this->store_->Version();
  EXPECT_NE(v4, v3);
  ASSERT_TRUE((*other)->AddUsage(UsageCount{"2026-11", *inst, "/a/", "view", 1}));
  SignInToken t;
  t.link_hash = std::string(32, 'l');
  t.email = "a@r.example";
  t.purpose = "sign-in";
  ASSERT_TRUE((*other)->InsertSignInToken(t).ok());
  EXPECT_EQ(*this->store_->Version(), v4);
}

TYPED_TEST(MemberStoreContract, TransactionsNestAsSavepoints) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->InsertMember(this->Named("a@r.example")).ok());
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->InsertMember(this->Named("b@r.example")).ok());
  ASSERT_TRUE(this->store_->Rollback());  // only b
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->InsertMember(this->Named("c@r.example")).ok());
  ASSERT_TRUE(this->store_->Commit());
  ASSERT_TRUE(this->store_->Commit());
  EXPECT_TRUE(this->store_->FindMember("a@r.example")->has_value());
  EXPECT_FALSE(this->store_->FindMember("b@r.example")->has_value());
  EXPECT_TRUE(this->store_->FindMember("c@r.example")->has_value());
  EXPECT_FALSE(this->store_->Commit());
}

TYPED_TEST(MemberStoreContract, UsageIsUpserted) {
  Institution i;
  i.name = "Lib";
  i.slug = "lib";
  i.tier = "library";
  auto inst = this->store_->InsertInstitution(i);
  for (int k = 0; k < 3; ++k) {
    ASSERT_TRUE(this->store_->AddUsage(UsageCount{"2026-11", *inst, "/a/", "view", 1}));
  }
  auto usage = this->store_->LoadUsage("2026-11");
  ASSERT_EQ(usage->size(), 1u);
  EXPECT_EQ((*usage)[0].count, 3);
  EXPECT_TRUE(this->store_->LoadUsage("2026-10")->empty());
}

TYPED_TEST(MemberStoreContract, FeedTokensOneLivePerMember) {
  auto id = this->store_->InsertMember(this->Named("a@r.example"));
  ASSERT_TRUE(this->store_->InsertFeedToken(*id, std::string(32, 'a'), 10));
  EXPECT_EQ(*this->store_->FeedTokenMember(std::string(32, 'a')), *id);
  ASSERT_TRUE(this->store_->InsertFeedToken(*id, std::string(32, 'b'), 20));
  EXPECT_EQ(*this->store_->FeedTokenMember(std::string(32, 'a')), 0);
  EXPECT_EQ(*this->store_->FeedTokenMember(std::string(32, 'b')), *id);
  ASSERT_TRUE(this->store_->RevokeFeedTokens(*id));
  EXPECT_EQ(*this->store_->FeedTokenMember(std::string(32, 'b')), 0);
}

TYPED_TEST(MemberStoreContract, RemovingAMemberRemovesWhatHangsOnIt) {
  auto id = this->store_->InsertMember(this->Named("a@r.example"));
  ASSERT_TRUE(this->store_->SaveGrant(TierGrant{0, *id, "supporter", 0, "comp", "", 10}));
  ASSERT_TRUE(
      this->store_->InsertSession(MemberSession{std::string(32, 'h'), *id, 10, 100, false}));
  ASSERT_TRUE(this->store_->DeleteMemberRow(*id));
  EXPECT_TRUE(this->store_->LoadGrants(*id)->empty());
  EXPECT_TRUE(this->store_->LoadLiveSessions(0)->empty());
}

TYPED_TEST(MemberStoreContract, StripeSubscriptionsKeepEveryFieldAndFollowTheirMember) {
  Member m = this->Named("payer@r.example");
  m.stripe_customer_id = "cus_1";
  auto id = this->store_->InsertMember(m);
  ASSERT_TRUE(id.ok());
  auto other = this->store_->InsertMember(this->Named("other@r.example"));
  auto found = this->store_->FindMemberByStripeCustomer("cus_1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *id);
  // Members without a customer are not found by the empty id.
  EXPECT_FALSE(this->store_->FindMemberByStripeCustomer("")->has_value());
  StripeSubscription s{"sub_2", *id,  "cus_1", "patron", "year", "active", 50000,
                       "jpy",   2000, true,    1500,     1000,   1600,     1700};
  ASSERT_TRUE(this->store_->SaveStripeSubscription(s));
  ASSERT_TRUE(this->store_->SaveStripeSubscription(
      StripeSubscription{"sub_1", *other, "cus_2", "supporter", "month", "active", 500, "usd"}));
  auto back = this->store_->LoadStripeSubscription("sub_2");
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->member_id, *id);
  EXPECT_EQ((*back)->interval, "year");
  EXPECT_EQ((*back)->amount, 50000);
  EXPECT_EQ((*back)->currency, "jpy");
  EXPECT_TRUE((*back)->cancel_at_period_end);
  EXPECT_EQ((*back)->past_due_since, 1500);
  EXPECT_EQ((*back)->canceled_at, 1600);
  EXPECT_EQ((*back)->state_at, 1700);
  EXPECT_EQ((*back)->revoked_through, 0);
  s.revoked_through = 1900;
  ASSERT_TRUE(this->store_->SaveStripeSubscription(s));
  EXPECT_EQ((*this->store_->LoadStripeSubscription("sub_2"))->revoked_through, 1900);
  s.status = "canceled";
  s.state_at = 1800;
  ASSERT_TRUE(this->store_->SaveStripeSubscription(s));  // replaced, not added
  auto all = this->store_->LoadStripeSubscriptions(0);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "sub_1");
  EXPECT_EQ((*all)[1].status, "canceled");
  EXPECT_EQ(this->store_->LoadStripeSubscriptions(*id)->size(), 1u);
  EXPECT_FALSE(this->store_->LoadStripeSubscription("sub_none")->has_value());
  ASSERT_TRUE(this->store_->DeleteMemberRow(*id));
  EXPECT_EQ(this->store_->LoadStripeSubscriptions(0)->size(), 1u);
}

TYPED_TEST(MemberStoreContract, AStripeEventIsRecordedOnceAndOnlyWithItsTransaction) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  EXPECT_TRUE(*this->store_->RecordStripeEvent("evt_1", "invoice.paid", 10));
  ASSERT_TRUE(this->store_->Rollback());
  // Rolled back with the work it belonged to: a retry applies it.
  ASSERT_TRUE(this->store_->BeginTransaction());
  EXPECT_TRUE(*this->store_->RecordStripeEvent("evt_1", "invoice.paid", 11));
  ASSERT_TRUE(this->store_->Commit());
  EXPECT_FALSE(*this->store_->RecordStripeEvent("evt_1", "invoice.paid", 12));
  EXPECT_TRUE(*this->store_->RecordStripeEvent("evt_2", "invoice.paid", 12));
}

// A member's webhook event is queued in the member's own transaction into the one outbox that
// the content store's sender reads.
TYPED_TEST(MemberStoreContract, AWebhookQueuedInATransactionIsInTheContentStoresOutbox) {
  WebhookDelivery d;
  d.event = "member.added";
  d.url = "http://127.0.0.1:9/hook";
  d.payload = R"({"event":"member.added"})";
  d.created = d.next_attempt = 10;
  ASSERT_TRUE(this->store_->BeginTransaction());
  d.delivery_id = "rolled-back";
  ASSERT_TRUE(this->store_->QueueWebhook(d).ok());
  ASSERT_TRUE(this->store_->Rollback());
  ASSERT_TRUE(this->store_->BeginTransaction());
  d.delivery_id = "committed";
  auto id = this->store_->QueueWebhook(d);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  ASSERT_TRUE(this->store_->Commit());
  auto content = OpenContentStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(content.ok()) << content.error().ToString();
  auto due = (*content)->ClaimWebhooks(20, 80, 10);
  ASSERT_TRUE(due.ok()) << due.error().ToString();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].delivery_id, "committed");
  EXPECT_EQ((*due)[0].id, *id);
  EXPECT_EQ((*due)[0].event, "member.added");
}

TYPED_TEST(MemberStoreContract, MailQueuedInATransactionIsSentOnlyIfItCommits) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->QueueMail("Subject: rolled back\r\n\r\nno", 10).ok());
  ASSERT_TRUE(this->store_->Rollback());
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->QueueMail("Subject: committed\r\n\r\nyes", 10).ok());
  ASSERT_TRUE(this->store_->Commit());
  // The newsletter store's outbox sender finds exactly the committed one.
  auto outbox = OpenNewsletterStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(outbox.ok()) << outbox.error().ToString();
  auto due = (*outbox)->ClaimDueMail(20, 60, 10);
  ASSERT_TRUE(due.ok()) << due.error().ToString();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].message, "Subject: committed\r\n\r\nyes");
}

TYPED_TEST(MemberStoreContract, AStripePaymentIsFoundByItsIdAndReplacedByALaterRecord) {
  ASSERT_TRUE(this->store_->SaveStripePayment({"in_1", "in_1", "sub_1", 5000, 10}));
  ASSERT_TRUE(this->store_->SaveStripePayment({"pi_1", "in_1", "", 0, 11}));
  auto invoice = this->store_->LoadStripePayment("in_1");
  ASSERT_TRUE(invoice.ok() && invoice->has_value()) << invoice.error().ToString();
  EXPECT_EQ((*invoice)->subscription, "sub_1");
  EXPECT_EQ((*invoice)->period_end, 5000);
  EXPECT_EQ((*invoice)->created, 10);
  auto intent = this->store_->LoadStripePayment("pi_1");
  ASSERT_TRUE(intent->has_value());
  EXPECT_EQ((*intent)->invoice, "in_1");
  EXPECT_EQ((*intent)->subscription, "");
  // The invoice's own record, arriving later, says more: replaced, not added.
  ASSERT_TRUE(this->store_->SaveStripePayment({"pi_1", "in_1", "sub_1", 5000, 12}));
  EXPECT_EQ((*this->store_->LoadStripePayment("pi_1"))->subscription, "sub_1");
  EXPECT_FALSE(this->store_->LoadStripePayment("pi_none")->has_value());
  // Rolled back with its event.
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->SaveStripePayment({"ch_9", "in_9", "sub_9", 0, 13}));
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_FALSE(this->store_->LoadStripePayment("ch_9")->has_value());
}

TYPED_TEST(MemberStoreContract, StripePricesOnePerTierAndInterval) {
  ASSERT_TRUE(this->store_->SaveStripePrice({"patron", "month", "price_1", "prod_1", 500, "usd"}));
  ASSERT_TRUE(this->store_->SaveStripePrice({"patron", "year", "price_2", "prod_1", 5000, "usd"}));
  ASSERT_TRUE(this->store_->SaveStripePrice({"patron", "month", "price_3", "prod_1", 600, "usd"}));
  auto prices = this->store_->LoadStripePrices();
  ASSERT_EQ(prices->size(), 2u);
  EXPECT_EQ((*prices)[0].price_id, "price_3");
  EXPECT_EQ((*prices)[0].amount, 600);
  EXPECT_EQ((*prices)[1].interval, "year");
}

TYPED_TEST(MemberStoreContract, ADonationIsRecordedOnceAndARefundMarksItsPayment) {
  Donation one{"cs_1", "one-off", "Ana", "ana@example.com", 2500, "usd", 20, "pi_1", "", 0};
  Donation monthly{"in_1", "monthly", "", "ben@example.com", 500, "jpy", 10, "", "sub_1", 0};
  EXPECT_TRUE(*this->store_->InsertDonation(one));
  EXPECT_TRUE(*this->store_->InsertDonation(monthly));
  one.amount = 1;  // the same payment again: kept as first recorded
  EXPECT_FALSE(*this->store_->InsertDonation(one));
  auto all = this->store_->LoadDonations();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "in_1");  // oldest first
  EXPECT_EQ((*all)[0].subscription, "sub_1");
  EXPECT_EQ((*all)[0].currency, "jpy");
  EXPECT_EQ((*all)[1].amount, 2500);
  EXPECT_EQ((*all)[1].name, "Ana");
  EXPECT_EQ((*all)[1].payment_intent, "pi_1");
  EXPECT_EQ(*this->store_->MarkDonationsRefunded("", 30), 0);  // no payment: nothing
  EXPECT_EQ(*this->store_->MarkDonationsRefunded("pi_1", 30), 1);
  EXPECT_EQ(*this->store_->MarkDonationsRefunded("pi_1", 40), 0);  // refunded once
  all = this->store_->LoadDonations();
  EXPECT_EQ((*all)[1].refunded_at, 30);
  EXPECT_EQ((*all)[0].refunded_at, 0);
  // A monthly donation is found by its invoice's id (its payment intent is not on it).
  EXPECT_EQ(*this->store_->MarkDonationsRefunded("in_1", 50), 1);
  EXPECT_EQ((*this->store_->LoadDonations())[0].refunded_at, 50);
}

TYPED_TEST(MemberStoreContract, AGiftKeepsEveryFieldAndIsRedeemedOnce) {
  Gift g;
  g.id = "g1";
  g.tier = "patron";
  g.months = 6;
  g.amount = 3000;
  g.currency = "jpy";
  g.buyer_email = "buyer@example.com";
  g.recipient_name = "Zoë";
  g.recipient_email = "zoe@example.com";
  g.message = "Happy birthday";
  g.notify_at = 50;
  g.status = "paid";
  g.payment_intent = "pi_1";
  g.created = 20;
  g.paid_at = 21;
  ASSERT_TRUE(this->store_->SaveGift(g));
  Gift older = g;
  older.id = "g0";
  older.created = 10;
  older.status = "pending";
  ASSERT_TRUE(this->store_->SaveGift(older));
  // Not sent yet: it cannot be redeemed.
  EXPECT_FALSE(*this->store_->MarkGiftRedeemed("g1", 7, 60));
  g.status = "sent";
  g.token_hash = std::string("\x00\xff\x10", 3);
  g.sent_at = 50;
  ASSERT_TRUE(this->store_->SaveGift(g));  // replaced, not added
  auto back = this->store_->LoadGift("g1");
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->tier, "patron");
  EXPECT_EQ((*back)->months, 6);
  EXPECT_EQ((*back)->currency, "jpy");
  EXPECT_EQ((*back)->recipient_name, "Zoë");
  EXPECT_EQ((*back)->message, "Happy birthday");
  EXPECT_EQ((*back)->token_hash, std::string("\x00\xff\x10", 3));
  EXPECT_EQ((*back)->payment_intent, "pi_1");
  EXPECT_EQ((*back)->sent_at, 50);
  EXPECT_TRUE(*this->store_->MarkGiftRedeemed("g1", 7, 60));
  EXPECT_FALSE(*this->store_->MarkGiftRedeemed("g1", 8, 61));  // once
  back = this->store_->LoadGift("g1");
  EXPECT_EQ((*back)->status, "redeemed");
  EXPECT_EQ((*back)->redeemed_by, 7);
  EXPECT_EQ((*back)->redeemed_at, 60);
  auto all = this->store_->LoadGifts();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "g0");  // oldest first
  EXPECT_FALSE(this->store_->LoadGift("none")->has_value());
}

}  // namespace
}  // namespace cinepress
