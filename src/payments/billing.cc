#include "payments/billing.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/text.h"
#include "members/members.h"
#include "members/sign_in.h"
#include "payments/donations.h"
#include "payments/gifts.h"
#include "payments/stripe_json.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;
using stripe_json::Field;
using stripe_json::IdOf;
using stripe_json::Int;
using stripe_json::Str;

const Json& FirstItem(const Json& subscription) {
  static const Json kEmpty = Json::object();
  const Json& data = Field(Field(subscription, "items"), "data");
  return data.is_array() && !data.empty() ? data[0] : kEmpty;
}

int64_t MemberIdOf(const Json& metadata) {
  const std::string id = Str(metadata, "member_id");
  return id.empty() || id.find_first_not_of("0123456789") != std::string::npos || id.size() > 18
             ? 0
             : std::stoll(id);
}

// Everything one event's handler needs, and what it reports.
struct EventContext {
  MemberStore& store;
  const SiteConfig& site;
  const Json& object;
  int64_t created = 0;  // the event's Stripe time
  int64_t now = 0;
  StripeEventOutcome& outcome;
  const MemberEventHook& told;  // a member made by checkout: member.added
};

// The member a payment belongs to: the one named in our own reference (metadata or
// client_reference_id), else the Stripe customer's, else the one with the address (made now when
// there is none: paying made them a member). Remembers the customer on the member.
Result<int64_t> ResolveMember(EventContext& c, int64_t hint, const std::string& customer,
                              const std::string& email) {
  std::optional<Member> member;
  if (hint > 0) {
    auto m = c.store.LoadMember(hint);
    if (!m) return m.error();
    if (m->has_value() && !(*m)->deleted) member = *m;
  }
  if (!member && !customer.empty()) {
    auto m = c.store.FindMemberByStripeCustomer(customer);
    if (!m) return m.error();
    member = *m;
  }
  if (!member && !email.empty()) {
    auto m = c.store.FindMember(email);
    if (!m) return m.error();
    if (!m->has_value()) {
      auto added = AddMember(c.store, NewMember{email, "", "", {}, customer}, c.now, c.told);
      if (!added) return added.error();
      c.outcome.new_member_email = email;
      return added->id;
    }
    member = *m;
  }
  if (!member) return int64_t{0};
  if (member->stripe_customer_id.empty() && !customer.empty()) {
    member->stripe_customer_id = customer;
    if (auto s = c.store.UpdateMember(*member); !s) return s.error();
  }
  return member->id;
}

MailMessage PastDueMessage(const SiteConfig& site, const Member& member,
                           const StripeSubscription& s, int grace_days, int64_t now) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = {member.name, member.email};
  m.subject = "Your payment to " + site.title + " did not go through";
  m.date = now;
  m.message_id = "cinepress.past-due." + s.id + "." + std::to_string(s.past_due_since) + "@" +
                 DomainOf(site.base_url);
  const std::string account = site.base_url + "/account/";
  m.text = "We could not take the payment for your " + s.tier + " membership of " + site.title +
           ".\n\nYou keep reading for " + std::to_string(grace_days) +
           " more days. To update your card, open My account and choose Manage billing:\n" +
           account + "\n";
  m.html = "<!DOCTYPE html><html lang=\"" + HtmlEscape(site.language) +
           "\"><head><meta charset=\"utf-8\"><title>" + HtmlEscape(m.subject) +
           "</title></head><body><p>We could not take the payment for your " + HtmlEscape(s.tier) +
           " membership of " + HtmlEscape(site.title) + ".</p><p>You keep reading for " +
           std::to_string(grace_days) + " more days. To update your card, open <a href=\"" +
           HtmlEscape(account) + "\">My account</a> and choose Manage billing.</p></body></html>";
  return m;
}

// A subscription's new state, unless the store holds a newer one.
Status ApplySubscriptionState(EventContext& c, StripeSubscription s, int64_t hint,
                              const std::string& email) {
  auto kept = c.store.LoadStripeSubscription(s.id);
  if (!kept) return kept.error();
  if (kept->has_value()) {
    const StripeSubscription& old = **kept;
    // Same second: an ended subscription stays ended (Stripe never revives one).
    if (old.state_at > c.created || (old.state_at == c.created && old.status == "canceled")) {
      c.outcome.note = "older than the state kept (" + old.status + "): nothing changed";
      return {};
    }
    if (s.tier.empty()) s.tier = old.tier;
    if (hint == 0) hint = old.member_id;
    if (old.status == "past_due" && s.status == "past_due") s.past_due_since = old.past_due_since;
    s.revoked_through = old.revoked_through;
  }
  if (s.tier.empty()) {
    c.outcome.note = "subscription " + s.id + " is for no tier of this site: ignored";
    return {};
  }
  auto member = ResolveMember(c, hint, s.customer, email);
  if (!member) return member.error();
  if (*member == 0) {
    c.outcome.note = "no member for customer " + s.customer + ": ignored";
    return {};
  }
  s.member_id = *member;
  s.state_at = c.created;
  const bool newly_past_due =
      s.status == "past_due" && (!kept->has_value() || (*kept)->status != "past_due");
  if (newly_past_due) s.past_due_since = c.created;
  if (s.status != "past_due") s.past_due_since = 0;
  if (auto st = c.store.SaveStripeSubscription(s); !st) return st;
  if (auto st = RefreshStripeGrants(c.store, s.member_id, c.site.payments.grace_days); !st)
    return st;
  if (newly_past_due) {
    auto m = c.store.LoadMember(s.member_id);
    if (!m) return m.error();
    if (m->has_value()) {
      c.outcome.mail.push_back(PastDueMessage(c.site, **m, s, c.site.payments.grace_days, c.now));
    }
  }
  c.outcome.note = "subscription " + s.id + " of member " + std::to_string(s.member_id) + ": " +
                   s.tier + ", " + s.status;
  return {};
}

Status OnSubscription(EventContext& c) {
  auto prices = c.store.LoadStripePrices();
  if (!prices) return prices.error();
  StripeSubscription s = SubscriptionFromStripe(c.object);
  s.tier = TierOfSubscription(c.object, c.site, *prices);
  const Json& metadata = Field(c.object, "metadata");
  return ApplySubscriptionState(c, s, MemberIdOf(metadata), Str(metadata, "email"));
}

// A reader who became a member by paying gets a sign-in link, started (its token stored) and
// queued in the event's transaction: a crash after the commit loses no link, and Stripe's retry
// of a committed event (a duplicate) sends none twice.
Status AddSignInLink(EventContext& c) {
  const std::string& email = c.outcome.new_member_email;
  if (email.empty()) return {};
  auto start = StartSignIn(c.store, c.site, email, "", c.now);
  if (!start) return start.error();
  if (!start->send) {
    c.outcome.note += " (no sign-in link for " + email + ": " + start->refused + ")";
    return {};
  }
  c.outcome.mail.push_back(SignInMessage(
      c.site, email, SignInUrl(c.site.base_url, start->link_token), start->code, c.now));
  return {};
}

// Runs `apply` in one transaction, with the mail it asks for: everything or nothing.
Result<StripeEventOutcome> InTransaction(MemberStore& store, int64_t now,
                                         StripeEventOutcome outcome,
                                         const std::function<Status(StripeEventOutcome&)>& apply) {
  if (auto s = store.BeginTransaction(); !s) return s.error();
  if (auto s = apply(outcome); !s) {
    (void)store.Rollback();
    return s.error();
  }
  // The messages the event asks for go to the outbox in its transaction: a crash loses neither
  // the change nor the message that tells of it.
  for (const MailMessage& m : outcome.mail) {
    if (auto id = store.QueueMail(SerializeMessage(m), now); !id) {
      (void)store.Rollback();
      return id.error();
    }
  }
  outcome.queued = outcome.mail.size();
  if (auto s = store.Commit(); !s) {
    (void)store.Rollback();
    return s.error();
  }
  return outcome;
}

Status OnCheckoutCompleted(EventContext& c) {
  // Payment-mode sessions (donations, the shop) are not memberships: they make no member here.
  // A monthly donation's session says so in its metadata: its own part records it (below).
  if (Str(c.object, "mode") != "subscription" ||
      Str(Field(c.object, "metadata"), "purpose") == kDonationPurpose) {
    c.outcome.note = "checkout " + Str(c.object, "id") + " (" + Str(c.object, "mode") +
                     ") completed: not a membership";
    return {};
  }
  const std::string ref = Str(c.object, "client_reference_id");
  const Json& details = Field(c.object, "customer_details");
  std::string email = details.is_object() ? Str(details, "email") : std::string();
  if (email.empty()) email = Str(c.object, "customer_email");
  auto member =
      ResolveMember(c, MemberIdOf(Json{{"member_id", ref}}), IdOf(c.object, "customer"), email);
  if (!member) return member.error();
  c.outcome.note = "checkout " + Str(c.object, "id") + " (" + Str(c.object, "mode") +
                   ") completed by member " + std::to_string(*member);
  return {};
}

std::string InvoiceSubscription(const Json& invoice) {
  std::string id = IdOf(invoice, "subscription");
  if (id.empty())
    id = IdOf(Field(Field(invoice, "parent"), "subscription_details"), "subscription");
  return id;
}

// The end of the period an invoice paid, from its lines (0: it does not say).
int64_t InvoicePeriodEnd(const Json& invoice) {
  int64_t end = 0;
  const Json& lines = Field(Field(invoice, "lines"), "data");
  if (lines.is_array()) {
    for (const Json& line : lines) end = std::max(end, Int(Field(line, "period"), "end"));
  }
  return end;
}

// The ids a payment goes by (its payment intent and its charge), from an object that names them
// directly (a charge, a dispute; an invoice before Stripe's 2025 API) or under `payment` (an
// invoice payment).
std::vector<std::string> PaymentIdsOf(const Json& object) {
  std::vector<std::string> ids;
  if (Str(object, "object") == "charge" && !Str(object, "id").empty())
    ids.push_back(Str(object, "id"));
  for (const Json* o : {&object, &Field(object, "payment")}) {
    for (const char* key : {"payment_intent", "charge"}) {
      if (std::string id = IdOf(*o, key); !id.empty()) ids.push_back(std::move(id));
    }
  }
  return ids;
}

// Keeps what a refund or a dispute will need to find the membership an invoice paid: the
// invoice's own record (its subscription and period) and one per payment it names (before
// Stripe's 2025 API, and in its `payments` list when expanded).
Status RecordInvoicePayments(EventContext& c) {
  const std::string invoice = Str(c.object, "id"), subscription = InvoiceSubscription(c.object);
  if (invoice.empty() || subscription.empty()) return {};
  const int64_t end = InvoicePeriodEnd(c.object);
  std::vector<std::string> ids = PaymentIdsOf(c.object);
  const Json& payments = Field(Field(c.object, "payments"), "data");
  if (payments.is_array()) {
    for (const Json& p : payments) {
      for (std::string& id : PaymentIdsOf(p)) ids.push_back(std::move(id));
    }
  }
  ids.push_back(invoice);
  for (const std::string& id : ids) {
    if (auto s = c.store.SaveStripePayment({id, invoice, subscription, end, c.now}); !s) return s;
  }
  return {};
}

// invoice_payment.paid (Stripe's 2025 API): the payment intent or charge that paid an invoice.
// Completed from the invoice's own record when invoice.paid came first; else the refund looks
// the invoice up then.
Status OnInvoicePaymentPaid(EventContext& c) {
  const std::string invoice = IdOf(c.object, "invoice");
  if (invoice.empty()) return {};
  auto known = c.store.LoadStripePayment(invoice);
  if (!known) return known.error();
  StripePayment p = known->value_or(StripePayment{});
  p.invoice = invoice;
  p.created = c.now;
  for (const std::string& id : PaymentIdsOf(c.object)) {
    p.payment = id;
    if (auto s = c.store.SaveStripePayment(p); !s) return s;
  }
  c.outcome.note = "invoice " + invoice + " paid by " + p.payment;
  return {};
}

}  // namespace

Result<std::optional<StripePayment>> PaidInvoiceOf(MemberStore& store, const Json& object) {
  for (const std::string& id : PaymentIdsOf(object)) {
    auto p = store.LoadStripePayment(id);
    if (!p) return p.error();
    if (!p->has_value()) continue;
    if ((*p)->subscription.empty()) {
      auto invoice = store.LoadStripePayment((*p)->invoice);
      if (!invoice) return invoice.error();
      if (!invoice->has_value()) continue;
      return invoice;
    }
    return p;
  }
  return std::optional<StripePayment>();
}

namespace {

// A subscription's period that was paid by a charge now refunded in full or disputed grants
// nothing (access ends now, unless a later period is paid); `restore` gives it back (a dispute
// won). A partial refund changes nothing: the rest of the period stays paid.
Status RevokePaidPeriod(EventContext& c, bool restore) {
  if (c.outcome.type == "charge.refunded" &&
      !(Field(c.object, "refunded").is_boolean() && Field(c.object, "refunded").get<bool>())) {
    return {};
  }
  auto paid = PaidInvoiceOf(c.store, c.object);
  if (!paid) return paid.error();
  if (!paid->has_value()) return {};
  auto kept = c.store.LoadStripeSubscription((*paid)->subscription);
  if (!kept) return kept.error();
  if (!kept->has_value()) return {};
  StripeSubscription s = **kept;
  const int64_t end = (*paid)->period_end != 0 ? (*paid)->period_end : s.current_period_end;
  if (restore) {
    if (s.revoked_through != end) return {};
    s.revoked_through = 0;
  } else {
    s.revoked_through = std::max(s.revoked_through, end);
  }
  if (auto st = c.store.SaveStripeSubscription(s); !st) return st;
  c.outcome.note =
      "subscription " + s.id + " of member " + std::to_string(s.member_id) +
      ": the period paid by invoice " + (*paid)->invoice +
      (restore ? " grants access again" : " grants nothing now (" + c.outcome.type + ")");
  return RefreshStripeGrants(c.store, s.member_id, c.site.payments.grace_days);
}

Status OnChargeRefundedOrDisputed(EventContext& c) { return RevokePaidPeriod(c, false); }

// A dispute closed: won gives the period back; lost leaves it ended.
Status OnDisputeClosed(EventContext& c) {
  return Str(c.object, "status") == "won" ? RevokePaidPeriod(c, true) : Status{};
}

Status OnInvoicePaid(EventContext& c) {
  if (auto s = RecordInvoicePayments(c); !s) return s;
  const std::string id = InvoiceSubscription(c.object);
  auto kept = c.store.LoadStripeSubscription(id);
  if (!kept) return kept.error();
  if (id.empty() || !kept->has_value()) {
    c.outcome.note = "invoice " + Str(c.object, "id") + " paid (no subscription kept)";
    return {};
  }
  StripeSubscription s = **kept;
  s.current_period_end = std::max(s.current_period_end, InvoicePeriodEnd(c.object));
  if (s.status == "past_due" || s.status == "unpaid") {
    s.status = "active";
    s.past_due_since = 0;
  }
  s.state_at = std::max(s.state_at, c.created);
  if (auto st = c.store.SaveStripeSubscription(s); !st) return st;
  c.outcome.note = "invoice " + Str(c.object, "id") + " paid: " + s.id + " active";
  return RefreshStripeGrants(c.store, s.member_id, c.site.payments.grace_days);
}

// Events that change no access on their own: recorded and logged for the editors (a failed
// payment's access follows the subscription's past_due status).
Status OnNoted(EventContext& c) {
  c.outcome.note =
      Str(c.object, "object") + " " + Str(c.object, "id") + ": " +
      std::to_string(Int(c.object, "amount")) + " " + Str(c.object, "currency") +
      (c.outcome.type == "charge.refunded"
           ? ", refunded " + std::to_string(Int(c.object, "amount_refunded"))
           : "") +
      (IdOf(c.object, "customer").empty() ? "" : ", customer " + IdOf(c.object, "customer"));
  return {};
}

using Handler = std::function<Status(EventContext&)>;

// One purpose's part of an event (payments/donations.h, payments/gifts.h), run after the
// membership's.
Handler PurposePart(Result<PurposeOutcome> (*part)(MemberStore&, const SiteConfig&, const Json&,
                                                   int64_t)) {
  return [part](EventContext& c) -> Status {
    auto done = part(c.store, c.site, c.object, c.now);
    if (!done) return done.error();
    if (!done->note.empty()) c.outcome.note = done->note;
    if (!done->new_member_email.empty()) c.outcome.new_member_email = done->new_member_email;
    for (MailMessage& m : done->mail) c.outcome.mail.push_back(std::move(m));
    return {};
  };
}

// Each event type's handlers, one per purpose, run in this order (a multimap keeps it).
const std::multimap<std::string, Handler, std::less<>>& Handlers() {
  static const std::multimap<std::string, Handler, std::less<>> kHandlers = {
      {"checkout.session.completed", OnCheckoutCompleted},
      {"customer.subscription.created", OnSubscription},
      {"customer.subscription.updated", OnSubscription},
      {"customer.subscription.deleted", OnSubscription},
      {"invoice.paid", OnInvoicePaid},
      {"invoice.payment_failed", OnNoted},
      {"invoice_payment.paid", OnInvoicePaymentPaid},
      {"charge.refunded", OnNoted},
      {"charge.refunded", OnChargeRefundedOrDisputed},
      {"charge.dispute.created", OnNoted},
      {"charge.dispute.created", OnChargeRefundedOrDisputed},
      {"charge.dispute.closed", OnDisputeClosed},
      // Donations.
      {"checkout.session.completed", PurposePart(RecordDonationCheckout)},
      {"invoice.paid", PurposePart(RecordDonationInvoice)},
      {"charge.refunded", PurposePart(RefundDonation)},
      // Gift memberships.
      {"checkout.session.completed", PurposePart(RecordGiftCheckout)},
      {"charge.refunded", PurposePart(RefundGift)},
  };
  return kHandlers;
}

}  // namespace

std::optional<TierGrant> GrantOfSubscription(const StripeSubscription& s, int grace_days) {
  // The period's payment was refunded or disputed (and no later period paid).
  if (s.revoked_through != 0 && s.revoked_through >= s.current_period_end) return std::nullopt;
  TierGrant g;
  g.member_id = s.member_id;
  g.tier = s.tier;
  g.source = "stripe";
  g.note = s.id;
  g.created = s.created;
  if (s.status == "active" || s.status == "trialing") {
    g.until = s.current_period_end == 0 ? 0
              : s.cancel_at_period_end  ? s.current_period_end
                                        : s.current_period_end + kRenewalSlack;
    return g;
  }
  if (s.status == "past_due") {
    g.until = s.past_due_since + int64_t{grace_days} * 86400;
    return g;
  }
  return std::nullopt;
}

Status RefreshStripeGrants(MemberStore& store, int64_t member_id, int grace_days) {
  auto subscriptions = store.LoadStripeSubscriptions(member_id);
  if (!subscriptions) return subscriptions.error();
  std::map<std::string, TierGrant> grants;  // the latest end per tier
  for (const StripeSubscription& s : *subscriptions) {
    auto g = GrantOfSubscription(s, grace_days);
    if (!g) continue;
    auto [it, added] = grants.emplace(g->tier, *g);
    if (!added && (it->second.until != 0 && (g->until == 0 || g->until > it->second.until))) {
      it->second = *g;
    }
  }
  if (auto d = store.DeleteGrants(member_id, "", "stripe"); !d) return d.error();
  for (const auto& entry : grants) {
    if (auto s = store.SaveGrant(entry.second); !s) return s;
  }
  return {};
}

StripeSubscription SubscriptionFromStripe(const Json& o) {
  StripeSubscription s;
  s.id = Str(o, "id");
  s.customer = IdOf(o, "customer");
  s.status = Str(o, "status");
  s.cancel_at_period_end =
      Field(o, "cancel_at_period_end").is_boolean() && Field(o, "cancel_at_period_end").get<bool>();
  s.created = Int(o, "created");
  s.canceled_at = Int(o, "canceled_at");
  const Json& item = FirstItem(o);
  const Json& price = Field(item, "price");
  s.amount = Int(price, "unit_amount") * std::max<int64_t>(1, Int(item, "quantity"));
  s.currency = Str(price, "currency");
  s.interval = Str(Field(price, "recurring"), "interval");
  // Since Stripe's 2025 API the period is the item's; before, the subscription's.
  s.current_period_end = Int(item, "current_period_end");
  if (s.current_period_end == 0) s.current_period_end = Int(o, "current_period_end");
  return s;
}

std::string TierOfSubscription(const Json& object, const SiteConfig& site,
                               const std::vector<StripePrice>& prices) {
  const std::string named = Str(Field(object, "metadata"), "tier");
  if (!named.empty() && site.FindTier(named)) return named;
  const std::string price = Str(Field(FirstItem(object), "price"), "id");
  if (price.empty()) return {};
  for (const TierConfig& t : site.tiers) {
    if (t.stripe_monthly_price == price || t.stripe_yearly_price == price) return t.slug;
  }
  for (const StripePrice& p : prices) {
    if (p.price_id == price && site.FindTier(p.tier)) return p.tier;
  }
  return {};
}

Result<StripeEventOutcome> ApplyStripeEvent(MemberStore& store, const SiteConfig& site,
                                            std::string_view payload, int64_t now,
                                            const MemberEventHook& told) {
  const Json event = Json::parse(payload, nullptr, false);
  if (!event.is_object() || Str(event, "id").empty() || Str(event, "type").empty() ||
      !Field(Field(event, "data"), "object").is_object()) {
    return MakeError(ErrorCode::kInvalidInput, "not a Stripe event (id, type, data.object)");
  }
  StripeEventOutcome start;
  start.id = Str(event, "id");
  start.type = Str(event, "type");
  return InTransaction(store, now, start, [&](StripeEventOutcome& outcome) -> Status {
    auto fresh = store.RecordStripeEvent(outcome.id, outcome.type, now);
    if (!fresh) return fresh.error();
    if (!*fresh) {
      outcome.duplicate = true;
      outcome.note = "applied before: nothing changed";
      return {};
    }
    auto [first, last] = Handlers().equal_range(outcome.type);
    if (first == last) {
      outcome.note = "not an event this site acts on: acknowledged";
      return {};
    }
    outcome.handled = true;
    EventContext c{store, site, event["data"]["object"], Int(event, "created"), now, outcome, told};
    for (auto handler = first; handler != last; ++handler) {
      if (auto s = handler->second(c); !s) return s;
    }
    return AddSignInLink(c);
  });
}

Result<StripeEventOutcome> ApplyStripeSubscription(MemberStore& store, const SiteConfig& site,
                                                   const Json& object, int64_t now) {
  StripeEventOutcome start;
  start.id = Str(object, "id");
  start.type = "reconcile";
  return InTransaction(store, now, start, [&](StripeEventOutcome& outcome) -> Status {
    // Stripe's state now is newer than any kept, even when Stripe's clock runs ahead of ours.
    auto kept = store.LoadStripeSubscription(outcome.id);
    if (!kept) return kept.error();
    const int64_t at = kept->has_value() ? std::max(now, (*kept)->state_at + 1) : now;
    const MemberEventHook none;  // reconcile finds members; it makes none
    EventContext c{store, site, object, at, now, outcome, none};
    return OnSubscription(c);
  });
}

}  // namespace cinepress
