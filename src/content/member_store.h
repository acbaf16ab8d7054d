// MemberStore: where members, their tiers, sessions, sign-in tokens, institutions and their usage
// live (the role; src/store has it on SQLite, in the same file as the content).
//
//   member         a reader with an account, known by an email address (unique without ASCII
//                  case); erased members keep their row with the address replaced
//   grant          a tier held by a member until a time (0: no end), and why: "comp",
//                  "stripe", "gift", "institution", "signup"
//   session        a signed-in browser: the hash of its cookie's token, until when, revoked
//   sign-in token  a one-time link and 6-digit code sent by email (hashes only); purpose
//                  "sign-in", or "email-change" carrying the new address
//   institution    a library or school whose readers (by IP network or email domain) hold a tier
//   usage          per month, institution and article: views and refusals (COUNTER-like)
//   feed token     the hash of a member's private feed URL token
//   subscription   a Stripe subscription as last applied: its member, tier, status and period
//                  (payments/billing.h turns it into a "stripe" grant); `state_at` is the Stripe
//                  time of the state kept, so that an older event never overwrites a newer one
//   stripe event   the id of a webhook event already applied (each is applied once)
//   stripe price   the price ids `payments sync` made for a tier's monthly and yearly price
//   donation       one gift of money through Stripe (a one-off Checkout, or one paid invoice of a
//                  monthly donation), recorded once by the id Stripe gave it; refunded_at when
//                  it was refunded
//   gift           months of a tier bought for someone (payments/gifts.h): who gives it to
//                  whom, the day they are told, its state (pending, paid, sent, redeemed, void)
//                  and the hash of its redeem link's token
//
// Contract: one instance is used by one thread at a time (open one per thread). Transactions
// nest: a Begin inside a transaction opens a savepoint that Commit releases and Rollback undoes.
// Secrets are never stored: only their BLAKE2b hashes (the callers hash). Version() changes after
// any commit that changed members, grants, sessions, institutions, their members or feed tokens, by
// any connection; sign-in tokens and usage do not move it (they change on every sign-in and page
// view, and nothing in memory depends on them).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "content/webhook_delivery.h"
#include "core/result.h"

namespace cinepress {

struct Member {
  int64_t id = 0;
  std::string email;
  std::string name;
  std::string note;                 // the editors' note
  std::vector<std::string> labels;  // Ghost's labels
  int64_t created = 0;
  std::string stripe_customer_id;
  bool subscribed_to_emails = true;
  bool deleted = false;  // personal data erased (members/members.h DeleteMember)
};

struct TierGrant {
  int64_t id = 0;
  int64_t member_id = 0;
  std::string tier;    // slug
  int64_t until = 0;   // Unix seconds; 0: no end
  std::string source;  // "comp", "stripe", "gift", "institution", "signup"
  std::string note;
  int64_t created = 0;
  bool ActiveAt(int64_t now) const { return until == 0 || until > now; }
};

struct MemberSession {
  std::string token_hash;  // raw 32-byte BLAKE2b of the cookie's token
  int64_t member_id = 0;
  int64_t created = 0;
  int64_t expires = 0;
  bool revoked = false;
};

struct SignInToken {
  int64_t id = 0;
  std::string link_hash;  // raw BLAKE2b of the link's token
  std::string code_hash;  // raw BLAKE2b of the 6-digit code (empty: no code)
  int64_t member_id = 0;  // 0: an address without an account yet (created on redemption)
  std::string email;      // the address the message went to
  std::string purpose;    // "sign-in" or "email-change"
  std::string new_email;  // email-change: the address to change to
  std::string name;       // sign-in of a new address: the name they gave
  int64_t created = 0;
  int64_t link_expires = 0;
  int64_t code_expires = 0;
  int attempts = 0;  // wrong codes so far
  bool used = false;
};

struct Institution {
  int64_t id = 0;
  std::string name;
  std::string slug;
  std::string tier;
  int64_t seats = 0;                  // members who may join by email domain; 0: none
  int64_t until = 0;                  // 0: no end
  std::vector<std::string> networks;  // CIDR, as given ("192.0.2.0/24", "2001:db8::/32")
  std::vector<std::string> domains;   // email domains ("example.edu")
  int64_t created = 0;
  bool ActiveAt(int64_t now) const { return until == 0 || until > now; }
};

struct InstitutionMembership {
  int64_t member_id = 0;
  int64_t institution_id = 0;
  int64_t joined = 0;
};

// One usage counter: kind is "view" (a reader of the institution read a restricted article) or
// "refusal" (they hit its paywall).
struct UsageCount {
  std::string month;  // "2026-11"
  int64_t institution_id = 0;
  std::string path;
  std::string kind;
  int64_t count = 0;
};

struct StripeSubscription {
  std::string id;  // "sub_…"
  int64_t member_id = 0;
  std::string customer;  // "cus_…"
  std::string tier;
  std::string interval;  // "month", "year"
  std::string status;    // Stripe's: active, trialing, past_due, canceled, unpaid, incomplete…
  int64_t amount = 0;    // per interval, in minor units of `currency`
  std::string currency;
  int64_t current_period_end = 0;
  bool cancel_at_period_end = false;
  int64_t past_due_since = 0;  // when it became past_due (0: it is not)
  int64_t created = 0;         // Stripe's created
  int64_t canceled_at = 0;     // Stripe's canceled_at (0: not cancelled)
  int64_t state_at = 0;        // the Stripe time of this state (the event's created)
  // The end of a period whose payment was refunded in full or disputed: the subscription grants
  // nothing through it (0: none). A later paid period grants again.
  int64_t revoked_through = 0;
};

// One payment of a subscription's invoice, kept so that a refund or a dispute of its charge finds
// the membership (a charge does not name its invoice in Stripe's current API).
struct StripePayment {
  std::string payment;       // the payment intent ("pi_…"), the charge ("ch_…"), or the invoice
                             // itself ("in_…", the row that knows the subscription and period)
  std::string invoice;       // "in_…"
  std::string subscription;  // "sub_…"; "" when the record did not say (invoice_payment.paid)
  int64_t period_end = 0;    // the end of the period the invoice paid (0: not known here)
  int64_t created = 0;
};

struct StripePrice {
  std::string tier;
  std::string interval;  // "month", "year"
  std::string price_id;
  std::string product_id;
  int64_t amount = 0;
  std::string currency;
};

struct Donation {
  std::string id;    // the Checkout Session ("cs_…", one-off) or the invoice ("in_…", monthly)
  std::string kind;  // "one-off" or "monthly"
  std::string name, email;
  int64_t amount = 0;  // in minor units of `currency`
  std::string currency;
  int64_t created = 0;
  std::string payment_intent;  // "pi_…" (how a refund finds it); "" when Stripe did not say
  std::string subscription;    // "sub_…" of a monthly donation
  int64_t refunded_at = 0;     // 0: not refunded
};

struct Gift {
  std::string id;  // random hex, in its Checkout Session's metadata
  std::string tier;
  int months = 0;
  int64_t amount = 0;  // minor units of `currency`
  std::string currency;
  std::string buyer_email;
  std::string recipient_name, recipient_email, message;
  int64_t notify_at = 0;   // when the recipient is told
  std::string status;      // "pending", "paid", "sent", "redeemed", "void"
  std::string token_hash;  // BLAKE2b of the redeem link's token ("" until sent)
  std::string payment_intent;
  int64_t created = 0, paid_at = 0, sent_at = 0, redeemed_at = 0;
  int64_t redeemed_by = 0;  // the member who redeemed it
};

class MemberStore {
 public:
  virtual ~MemberStore() = default;

  virtual Status BeginTransaction() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // The outbox (the one NewsletterStore::QueueMail writes, in the same database): a message
  // queued in the caller's transaction, so that an effect and the message that tells of it
  // commit together — neither without the other, whatever crashes between.
  virtual Result<int64_t> QueueMail(const std::string& message, int64_t now) = 0;
  // The webhooks' outbox (the one ContentStore::QueueWebhook writes, in the same database): a
  // member's event queued in the transaction of the change it tells of.
  virtual Result<int64_t> QueueWebhook(const WebhookDelivery& delivery) = 0;
  // Changes after any commit that changed what RightsBook and SessionTable hold (see above).
  virtual Result<int64_t> Version() = 0;
  // Waits until Version may have moved or `timeout` passes, as ContentStore::WaitForChange.
  virtual Result<bool> WaitForChange(std::chrono::milliseconds timeout) = 0;

  // Members. InsertMember fails with kConflict when the address is taken; UpdateMember writes
  // every field of `member` by its id.
  virtual Result<int64_t> InsertMember(const Member& member) = 0;
  virtual Status UpdateMember(const Member& member) = 0;
  virtual Result<std::optional<Member>> FindMember(const std::string& email) = 0;
  virtual Result<std::optional<Member>> LoadMember(int64_t id) = 0;
  // Every member not deleted, in id order.
  virtual Result<std::vector<Member>> LoadMembers() = 0;
  // Removes the row and, with it, its grants, sessions, tokens, memberships and feed tokens.
  virtual Status DeleteMemberRow(int64_t id) = 0;

  // Grants: one per (member, tier, source); SaveGrant replaces until and note of an existing one.
  virtual Status SaveGrant(const TierGrant& grant) = 0;
  // Removes the member's grants of `tier` from `source` ("" for every source); returns how many.
  virtual Result<int64_t> DeleteGrants(int64_t member_id, const std::string& tier,
                                       const std::string& source) = 0;
  virtual Result<std::vector<TierGrant>> LoadGrants(int64_t member_id) = 0;
  virtual Result<std::vector<TierGrant>> LoadAllGrants() = 0;

  // Sessions.
  virtual Status InsertSession(const MemberSession& session) = 0;
  virtual Status RevokeSession(const std::string& token_hash) = 0;
  virtual Status RevokeSessions(int64_t member_id) = 0;
  virtual Status DeleteSessions(int64_t member_id) = 0;
  // Sessions not revoked that expire after `now`.
  virtual Result<std::vector<MemberSession>> LoadLiveSessions(int64_t now) = 0;
  virtual Result<int64_t> CountLiveSessions(int64_t member_id, int64_t now) = 0;

  // Sign-in tokens.
  virtual Result<int64_t> InsertSignInToken(const SignInToken& token) = 0;
  virtual Result<std::optional<SignInToken>> FindSignInToken(const std::string& link_hash) = 0;
  // The newest "sign-in" token sent to `email` (without ASCII case), used or not.
  virtual Result<std::optional<SignInToken>> LatestSignInToken(const std::string& email) = 0;
  // How many tokens were sent to `email` since `since` (the per-address limit).
  virtual Result<int64_t> CountSignInTokens(const std::string& email, int64_t since) = 0;
  virtual Status UpdateSignInToken(int64_t id, int attempts, bool used) = 0;
  // Removes the tokens of a member and those sent to `email`.
  virtual Status DeleteSignInTokens(int64_t member_id, const std::string& email) = 0;

  // Institutions. InsertInstitution fails with kConflict when the slug is taken.
  virtual Result<int64_t> InsertInstitution(const Institution& institution) = 0;
  virtual Status UpdateInstitution(const Institution& institution) = 0;
  virtual Result<std::vector<Institution>> LoadInstitutions() = 0;
  virtual Status DeleteInstitution(int64_t id) = 0;
  // A member joins an institution (by email domain); a member belongs to at most one.
  virtual Status JoinInstitution(const InstitutionMembership& membership) = 0;
  virtual Status LeaveInstitution(int64_t member_id) = 0;
  virtual Result<int64_t> CountInstitutionMembers(int64_t institution_id) = 0;
  virtual Result<std::vector<InstitutionMembership>> LoadInstitutionMemberships() = 0;

  // Usage: adds `count` to the month's counter (created at 0 when missing).
  virtual Status AddUsage(const UsageCount& usage) = 0;
  virtual Result<std::vector<UsageCount>> LoadUsage(const std::string& month) = 0;

  // Private feed tokens (one live per member; creating one revokes the previous).
  virtual Status InsertFeedToken(int64_t member_id, const std::string& token_hash, int64_t now) = 0;
  virtual Status RevokeFeedTokens(int64_t member_id) = 0;
  // The member of a live token, or 0.
  virtual Result<int64_t> FeedTokenMember(const std::string& token_hash) = 0;

  // Payments (Stripe). The member whose stripe_customer_id is `customer`.
  virtual Result<std::optional<Member>> FindMemberByStripeCustomer(const std::string& customer) = 0;
  // Inserts or replaces the subscription of the same id.
  virtual Status SaveStripeSubscription(const StripeSubscription& subscription) = 0;
  virtual Result<std::optional<StripeSubscription>> LoadStripeSubscription(
      const std::string& id) = 0;
  // A member's subscriptions (member_id 0: everyone's), in id order.
  virtual Result<std::vector<StripeSubscription>> LoadStripeSubscriptions(int64_t member_id) = 0;
  // Records that event `id` is applied: false (and nothing written) when it was already — in the
  // caller's transaction, so that an event is applied with its record or not at all.
  virtual Result<bool> RecordStripeEvent(const std::string& id, const std::string& type,
                                         int64_t now) = 0;
  // Inserts or replaces the payment of the same `payment` id; Load… finds one by that id.
  virtual Status SaveStripePayment(const StripePayment& payment) = 0;
  virtual Result<std::optional<StripePayment>> LoadStripePayment(const std::string& payment) = 0;
  // Inserts or replaces the price of (tier, interval).
  virtual Status SaveStripePrice(const StripePrice& price) = 0;
  virtual Result<std::vector<StripePrice>> LoadStripePrices() = 0;

  // Donations. InsertDonation writes a donation once: false (and nothing written) when its id is
  // kept already.
  virtual Result<bool> InsertDonation(const Donation& donation) = 0;
  // Every donation, oldest first (then by id).
  virtual Result<std::vector<Donation>> LoadDonations() = 0;
  // Marks the donations paid by `payment` refunded at `at` (those not refunded yet): those of
  // that payment intent, or the one of that id (a monthly donation's invoice); returns how many.
  virtual Result<int64_t> MarkDonationsRefunded(const std::string& payment, int64_t at) = 0;

  // Gifts. SaveGift inserts or replaces the gift of the same id.
  virtual Status SaveGift(const Gift& gift) = 0;
  virtual Result<std::optional<Gift>> LoadGift(const std::string& id) = 0;
  // Every gift, oldest first (then by id).
  virtual Result<std::vector<Gift>> LoadGifts() = 0;
  // Moves gift `id` from "sent" to "redeemed" by `member_id` at `at`; false (nothing changed)
  // when it is not "sent" — redeemed by another request meanwhile.
  virtual Result<bool> MarkGiftRedeemed(const std::string& id, int64_t member_id, int64_t at) = 0;
};

}  // namespace cinepress
