// Paid memberships as Stripe keeps them: webhook events applied to the store, and a
// subscription's status turned into a tier grant (source "stripe") that RightsBook reads — on
// every node, since the grants' change counter moves with the commit.
//
//   access     active and trialing grant the tier to the end of the period (plus a renewal
//              slack, so that a renewal's event arriving late does not lock the reader out; none
//              when the subscription is cancelled at period end); past_due keeps it for
//              [payments] grace_days from the failure and emails the reader once; canceled,
//              unpaid, incomplete and incomplete_expired grant nothing
//   once       every event is applied with the record of its id, in one transaction: a
//              duplicate is answered 200 and changes nothing; a crash before the commit leaves
//              nothing, and Stripe's retry applies it
//   order      a subscription keeps the Stripe time (the event's `created`) of the state it
//              holds; an older event is recorded and changes nothing
//   refunds    a full refund (charge.refunded) or a dispute (charge.dispute.created) of the charge
//              that paid a subscription's invoice ends the access that period gave, now; a later
//              paid period grants again, and a dispute won (charge.dispute.closed, "won") gives
//              the period back. A partial refund changes nothing. Since a charge does not name
//              its invoice in Stripe's current API, invoice.paid and invoice_payment.paid keep
//              which payment paid which invoice (MemberStore::SaveStripePayment)
//
// Contract: plain functions over the MemberStore given (one thread at a time). The caller has
// verified the signature (payments/signature.h). Mail is returned, to be queued after the commit.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/message.h"
#include "members/members.h"

namespace cinepress {

// Renewal slack: a paid period's access lasts this much past its end.
inline constexpr int64_t kRenewalSlack = 2 * 86400;

// What a subscription grants (nothing, or its tier until a time).
std::optional<TierGrant> GrantOfSubscription(const StripeSubscription& s, int grace_days);

// Sets the member's "stripe" grants to what their subscriptions grant.
Status RefreshStripeGrants(MemberStore& store, int64_t member_id, int grace_days);

// What one purpose's part of an event did (a donation, a gift): a note for the log ("" when the
// object was not its), mail (queued with the event, in its transaction), and the address of a
// reader who became a member by it (to send a sign-in link to).
struct PurposeOutcome {
  std::string note;
  std::vector<MailMessage> mail;
  std::string new_member_email;
};

struct StripeEventOutcome {
  std::string id, type;
  bool duplicate = false;  // applied before: nothing changed
  bool handled = false;    // a type we act on (others are recorded and acknowledged)
  std::string note;        // what happened, for the log
  // The messages the event asked for, already queued in the store's outbox in the event's own
  // transaction (`queued` of them) when ApplyStripeEvent returns: not to be queued again.
  std::vector<MailMessage> mail;
  size_t queued = 0;
  // A reader who became a member through checkout (ApplyStripeEvent has queued their sign-in
  // link with the event's other mail).
  std::string new_member_email;
};

// Applies one webhook event (its raw JSON) in one transaction. kInvalidInput for a payload that
// is not an event; a store failure rolls everything back (answer 500: Stripe retries).
// A member made by checkout is told to `told` (member.added) in that transaction.
Result<StripeEventOutcome> ApplyStripeEvent(MemberStore& store, const SiteConfig& site,
                                            std::string_view payload, int64_t now,
                                            const MemberEventHook& told = {});

// Applies a subscription's state as Stripe gives it now (reconcile), as an event made at `now`.
Result<StripeEventOutcome> ApplyStripeSubscription(MemberStore& store, const SiteConfig& site,
                                                   const nlohmann::json& object, int64_t now);

// The invoice payment a charge or a dispute (`object`) is about, found by its payment intent or
// charge among those kept from invoice.paid and invoice_payment.paid: the invoice's own record
// (its subscription and period); nullopt when it paid no subscription's invoice seen here.
Result<std::optional<StripePayment>> PaidInvoiceOf(MemberStore& store,
                                                   const nlohmann::json& object);

// A subscription object from Stripe (webhook or API) as the store keeps it; member_id and tier
// are left for the caller when the object does not say (metadata).
StripeSubscription SubscriptionFromStripe(const nlohmann::json& object);

// The tier a subscription object is for: its metadata's tier, else the tier whose price it is
// (the tier's own price ids, or those `payments sync` made); "" when none.
std::string TierOfSubscription(const nlohmann::json& object, const SiteConfig& site,
                               const std::vector<StripePrice>& prices);

}  // namespace cinepress
