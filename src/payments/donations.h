// Donations through Stripe: a reader gives an amount once or every month from /donate/, and the
// webhook records each gift once; `payments donations` lists the donors.
//
//   amount     an integer in minor units of [payments] donation_currency (cents; yen have none),
//              one of donation_amounts or typed by the reader (at least donation_minimum)
//   checkout   one-off: payment mode; monthly: subscription mode. Both with `price_data` (the
//              amount is the reader's, so no price is made in advance; `payments sync` is not
//              needed); metadata purpose = "donation" on the session, its payment intent and its
//              subscription tells donations from memberships (and the shop)
//   recorded   a one-off by checkout.session.completed (its id "cs_…"), a monthly one by each
//              invoice.paid of its subscription (its id "in_…"): once each, in the event's
//              transaction
//   refund     charge.refunded of a fully refunded charge marks the donation of its payment
//              intent refunded (and ends the tier it granted)
//   tier       none, unless [payments] donation_grants_tier names one: a donation of at least
//              donation_grant_minimum grants it ("donation" grant) for a year (one-off, added to
//              what is left) or to the paid month's end plus the renewal slack (monthly); the
//              donor becomes a member when they were not (the caller mails a sign-in link)
//
// Contract: plain functions (one thread at a time per store); the webhook parts run inside the
// caller's transaction and never call Stripe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"
#include "payments/billing.h"
#include "payments/stripe_client.h"

namespace cinepress {

inline constexpr const char* kDonationPurpose = "donation";
inline constexpr int64_t kDonationGrantSeconds = 365 * 86400;  // a one-off donation's tier

// What a reader typed in the amount box ("25", "12.50", "1,000") as minor units of `currency`:
// more decimals than the currency has, or not a number, is kInvalidInput (field "amount").
Result<int64_t> ParseDonationAmount(std::string_view text, std::string_view currency);

// The amount of the donation form: what the reader typed in the box when they typed, else the
// preset chosen (its value is minor units, and must be one of donation_amounts).
Result<int64_t> DonationAmountOf(const PaymentsConfig& payments, std::string_view preset,
                                 std::string_view typed);

struct DonationRequest {
  int64_t amount = 0;  // minor units of [payments] donation_currency
  bool monthly = false;
  int64_t member_id = 0;  // the signed-in reader, or 0 …
  std::string email;      // … and then what they typed (may be empty: Stripe asks)
};

// Starts the Checkout Session of a donation and returns its URL. kInvalidInput (field "amount")
// below donation_minimum or above Stripe's limit; kNotFound when donations are off.
Result<std::string> StartDonationCheckout(StripeClient& stripe, MemberStore& store,
                                          const SiteConfig& site, const DonationRequest& request);

// The webhook parts (payments/billing.cc dispatches to them). `object` is the event's object.
Result<PurposeOutcome> RecordDonationCheckout(MemberStore& store, const SiteConfig& site,
                                              const nlohmann::json& session, int64_t now);
Result<PurposeOutcome> RecordDonationInvoice(MemberStore& store, const SiteConfig& site,
                                             const nlohmann::json& invoice, int64_t now);
Result<PurposeOutcome> RefundDonation(MemberStore& store, const SiteConfig& site,
                                      const nlohmann::json& charge, int64_t now);

// The donors as a table for people, and as CSV (RFC 4180: date, name, email, amount, currency,
// kind, refunded): amounts in the currency's major unit, dates UTC.
std::string DonationsText(const std::vector<Donation>& donations, const std::string& language);
std::string DonationsCsv(const std::vector<Donation>& donations);

}  // namespace cinepress
