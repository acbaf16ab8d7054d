#include "payments/donations.h"

#include <algorithm>
#include <sstream>

#include "core/csv.h"
#include "core/dates.h"
#include "core/money.h"
#include "core/text.h"
#include "mail/message.h"
#include "members/members.h"
#include "payments/billing.h"
#include "payments/stripe_json.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;
using stripe_json::Field;
using stripe_json::IdOf;
using stripe_json::Int;
using stripe_json::Str;

constexpr int64_t kMostAmount = 99999999;  // Stripe's largest charge in most currencies

bool IsDonationMetadata(const Json& metadata) {
  return Str(metadata, "purpose") == kDonationPurpose;
}

// The metadata of an invoice's subscription: in `parent.subscription_details` since Stripe's
// 2025 API, in `subscription_details` before.
const Json& InvoiceSubscriptionMetadata(const Json& invoice) {
  const Json& details = Field(Field(invoice, "parent"), "subscription_details");
  if (details.is_object()) return Field(details, "metadata");
  return Field(Field(invoice, "subscription_details"), "metadata");
}

std::string InvoiceSubscriptionId(const Json& invoice) {
  std::string id = IdOf(Field(Field(invoice, "parent"), "subscription_details"), "subscription");
  return id.empty() ? IdOf(invoice, "subscription") : id;
}

// Grants [payments] donation_grants_tier to the donor when the donation is large enough: until
// `until`, or (until 0) a year added to what is left of a donation grant.
Status GrantForDonation(MemberStore& store, const SiteConfig& site, const Donation& d,
                        int64_t until, int64_t now, PurposeOutcome& outcome) {
  const PaymentsConfig& p = site.payments;
  if (p.donation_grants_tier.empty() || d.amount < p.donation_grant_minimum ||
      d.currency != p.donation_currency || !IsPlausibleEmail(d.email)) {
    return {};
  }
  auto member = AddMember(store, NewMember{d.email, d.name, "", {}, ""}, now);
  if (!member) return member.error();
  if (member->created) outcome.new_member_email = d.email;
  auto grants = store.LoadGrants(member->id);
  if (!grants) return grants.error();
  int64_t left = now;
  for (const TierGrant& g : *grants) {
    if (g.tier == p.donation_grants_tier && g.source == "donation") left = std::max(left, g.until);
  }
  const int64_t end = until != 0 ? std::max(until, left) : left + kDonationGrantSeconds;
  outcome.note +=
      "; " + p.donation_grants_tier + " granted to member " + std::to_string(member->id);
  return GrantTier(store, member->id, p.donation_grants_tier, end, "donation", d.id, now);
}

Result<PurposeOutcome> Record(MemberStore& store, const SiteConfig& site, const Donation& d,
                              int64_t grant_until, int64_t now) {
  PurposeOutcome outcome;
  if (d.amount <= 0 || d.currency.empty()) {
    outcome.note = "donation " + d.id + " has no amount: ignored";
    return outcome;
  }
  auto fresh = store.InsertDonation(d);
  if (!fresh) return fresh.error();
  if (!*fresh) {
    outcome.note = "donation " + d.id + " recorded before";
    return outcome;
  }
  outcome.note = d.kind + " donation " + d.id + ": " + FormatMoney(d.amount, d.currency);
  if (auto s = GrantForDonation(store, site, d, grant_until, now, outcome); !s) return s.error();
  return outcome;
}

// "12.50" in a currency of `digits` decimals as minor units; nullopt when it is not an amount.
std::optional<int64_t> MinorUnits(std::string_view text, int digits) {
  int64_t whole = 0, fraction = 0;
  int decimals = -1;  // -1: before the separator
  bool any = false;
  for (char ch : text) {
    if (ch == ',' && decimals < 0) continue;  // thousands
    if (ch == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (ch < '0' || ch > '9') return std::nullopt;
    any = true;
    if (decimals >= 0) {
      if (++decimals > digits) return std::nullopt;
      fraction = fraction * 10 + (ch - '0');
    } else {
      if (whole > kMostAmount) return std::nullopt;
      whole = whole * 10 + (ch - '0');
    }
  }
  if (!any) return std::nullopt;
  for (int i = std::max(decimals, 0); i < digits; ++i) fraction *= 10;
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  return whole * scale + fraction;
}

}  // namespace

Result<int64_t> ParseDonationAmount(std::string_view text, std::string_view currency) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  auto minor = MinorUnits(text, CurrencyDigits(currency));
  if (!minor) {
    return Error{ErrorCode::kInvalidInput,
                 "the amount must be a number such as 25" +
                     std::string(CurrencyDigits(currency) > 0 ? " or 12.50" : ""),
                 {},
                 0,
                 "amount"};
  }
  return *minor;
}

Result<int64_t> DonationAmountOf(const PaymentsConfig& payments, std::string_view preset,
                                 std::string_view typed) {
  if (typed.find_first_not_of(' ') != std::string_view::npos) {
    return ParseDonationAmount(typed, payments.donation_currency);
  }
  for (int64_t a : payments.donation_amounts) {
    if (preset == std::to_string(a)) return a;
  }
  return Error{ErrorCode::kInvalidInput, "choose an amount or type one", {}, 0, "amount"};
}

Result<std::string> StartDonationCheckout(StripeClient& stripe, MemberStore& store,
                                          const SiteConfig& site, const DonationRequest& request) {
  const PaymentsConfig& p = site.payments;
  if (!p.donations()) return MakeError(ErrorCode::kNotFound, "donations are off");
  if (request.amount < p.donation_minimum || request.amount > kMostAmount) {
    return Error{ErrorCode::kInvalidInput,
                 "the amount must be at least " +
                     FormatMoney(p.donation_minimum, p.donation_currency, site.language),
                 {},
                 0,
                 "amount"};
  }
  if (request.monthly && !p.donation_monthly) {
    return Error{ErrorCode::kInvalidInput, "monthly donations are off", {}, 0, "monthly"};
  }
  const Json metadata = {{"purpose", kDonationPurpose}};
  Json price = {{"currency", p.donation_currency},
                {"unit_amount", request.amount},
                {"product_data", {{"name", "Donation to " + site.title}}}};
  if (request.monthly) price["recurring"] = {{"interval", "month"}};
  Json params = {{"mode", request.monthly ? "subscription" : "payment"},
                 {"line_items", {{{"price_data", price}, {"quantity", 1}}}},
                 {"metadata", metadata},
                 {"success_url", site.base_url + "/donate/thanks/?session={CHECKOUT_SESSION_ID}"},
                 {"cancel_url", site.base_url + "/donate/?checkout=cancelled"}};
  if (request.monthly) {
    params["subscription_data"] = {{"metadata", metadata}};
  } else {
    params["payment_intent_data"] = {{"metadata", metadata}};
    params["submit_type"] = "donate";
  }
  std::string email = request.email;
  if (request.member_id != 0) {
    auto member = store.LoadMember(request.member_id);
    if (!member) return member.error();
    if (member->has_value() && !(*member)->deleted) {
      email = (*member)->email;
      params["client_reference_id"] = std::to_string(request.member_id);
      if (!(*member)->stripe_customer_id.empty())
        params["customer"] = (*member)->stripe_customer_id;
    }
  }
  if (!params.contains("customer") && !email.empty()) {
    if (!IsPlausibleEmail(email)) {
      return Error{ErrorCode::kInvalidInput, "not an email address", {}, 0, "email"};
    }
    params["customer_email"] = email;
  }
  auto session = stripe.Call({"POST", "/v1/checkout/sessions", params, ""});
  if (!session) return session.error();
  const std::string url = Str(*session, "url");
  if (url.empty())
    return MakeError(ErrorCode::kInternal, "Stripe: the checkout session has no url");
  return url;
}

Result<PurposeOutcome> RecordDonationCheckout(MemberStore& store, const SiteConfig& site,
                                              const Json& session, int64_t now) {
  // A monthly donation is recorded by its invoices (invoice.paid), not by its session.
  if (!IsDonationMetadata(Field(session, "metadata")) || Str(session, "mode") != "payment" ||
      Str(session, "payment_status") != "paid") {
    return PurposeOutcome{};
  }
  const Json& details = Field(session, "customer_details");
  Donation d;
  d.id = Str(session, "id");
  d.kind = "one-off";
  d.name = Str(details, "name");
  d.email = Str(details, "email");
  if (d.email.empty()) d.email = Str(session, "customer_email");
  d.amount = Int(session, "amount_total");
  d.currency = AsciiLower(Str(session, "currency"));
  d.created = now;
  d.payment_intent = IdOf(session, "payment_intent");
  return Record(store, site, d, 0, now);
}

Result<PurposeOutcome> RecordDonationInvoice(MemberStore& store, const SiteConfig& site,
                                             const Json& invoice, int64_t now) {
  if (!IsDonationMetadata(InvoiceSubscriptionMetadata(invoice))) return PurposeOutcome{};
  Donation d;
  d.id = Str(invoice, "id");
  d.kind = "monthly";
  d.name = Str(invoice, "customer_name");
  d.email = Str(invoice, "customer_email");
  d.amount = Int(invoice, "amount_paid");
  d.currency = AsciiLower(Str(invoice, "currency"));
  d.created = now;
  d.payment_intent = IdOf(invoice, "payment_intent");  // before Stripe's 2025 API only
  d.subscription = InvoiceSubscriptionId(invoice);
  int64_t period_end = Int(invoice, "period_end");
  const Json& lines = Field(Field(invoice, "lines"), "data");
  if (lines.is_array()) {
    for (const Json& line : lines) {
      period_end = std::max(period_end, Int(Field(line, "period"), "end"));
    }
  }
  return Record(store, site, d, std::max(period_end, now) + kRenewalSlack, now);
}

Result<PurposeOutcome> RefundDonation(MemberStore& store, const SiteConfig& site,
                                      const Json& charge, int64_t now) {
  const Json& refunded = Field(charge, "refunded");
  // A partial refund leaves the donation standing (the rest was given).
  if (!refunded.is_boolean() || !refunded.get<bool>()) return PurposeOutcome{};
  // A one-off donation is found by its payment intent; a monthly one by its invoice, which the
  // charge names only through the payments kept from invoice.paid and invoice_payment.paid.
  std::string key = IdOf(charge, "payment_intent");
  auto all = store.LoadDonations();
  if (!all) return all.error();
  auto marked = store.MarkDonationsRefunded(key, now);
  if (!marked) return marked.error();
  if (*marked == 0) {
    auto paid = PaidInvoiceOf(store, charge);
    if (!paid) return paid.error();
    if (!paid->has_value()) return PurposeOutcome{};
    key = (*paid)->invoice;
    marked = store.MarkDonationsRefunded(key, now);
    if (!marked) return marked.error();
  }
  PurposeOutcome outcome;
  if (*marked == 0) return outcome;
  outcome.note = "donation of " + key + " refunded";
  const std::string& tier = site.payments.donation_grants_tier;
  for (const Donation& d : *all) {
    if ((d.payment_intent != key && d.id != key) || d.refunded_at != 0 || tier.empty()) continue;
    auto member = store.FindMember(d.email);
    if (!member) return member.error();
    if (!member->has_value()) continue;
    auto removed = store.DeleteGrants((*member)->id, tier, "donation");
    if (!removed) return removed.error();
    if (*removed > 0) outcome.note += "; its " + tier + " grant ended";
  }
  return outcome;
}

std::string DonationsText(const std::vector<Donation>& donations, const std::string& language) {
  std::ostringstream out;
  for (const Donation& d : donations) {
    out << TimeZone::IsoUtc(d.created).substr(0, 10) << "  " << d.kind << "  "
        << FormatMoney(d.amount, d.currency, language) << "  "
        << (d.name.empty() ? "" : d.name + " ") << "<" << d.email << ">"
        << (d.refunded_at ? "  refunded" : "") << "\n";
  }
  out << donations.size() << " donation(s)\n";
  return out.str();
}

std::string DonationsCsv(const std::vector<Donation>& donations) {
  std::string out = "date,name,email,amount,currency,kind,refunded\r\n";
  for (const Donation& d : donations) {
    out += TimeZone::IsoUtc(d.created) + "," + CsvField(d.name) + "," + CsvField(d.email) + "," +
           MajorUnits(d.amount, d.currency) + "," + CsvField(d.currency) + "," + d.kind + "," +
           (d.refunded_at ? TimeZone::IsoUtc(d.refunded_at) : "") + "\r\n";
  }
  return out;
}

}  // namespace cinepress
