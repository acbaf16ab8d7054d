// Selling memberships through Stripe: the catalogue (`payments sync`: a product per paid tier
// and a price per interval, made once), Checkout Sessions that start a subscription, and the
// customer portal where a member manages billing.
//
//   product id   "cinepress-TIER" (Stripe takes our id, so asking for it again finds it)
//   lookup key   "cinepress-TIER-INTERVAL-AMOUNT-CURRENCY": a price is never changed in Stripe;
//                a new amount is a new price, found by its own key
//   price ids    the tier's own (stripe_monthly_price, stripe_yearly_price) when given, else the
//                ones sync made (kept in the store, listed by `payments sync`)
//
// Contract: plain functions over a StripeClient and a MemberStore (one thread at a time).
// Sync's POSTs carry idempotency keys derived from what they make, so a sync interrupted and
// run again cannot make a product or price twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"
#include "payments/stripe_client.h"

namespace cinepress {

struct SyncedPrice {
  StripePrice price;
  bool created = false;  // made by this run (else found)
};

// Makes what is missing in Stripe for every paid tier and keeps the price ids in the store.
Result<std::vector<SyncedPrice>> SyncStripeCatalog(StripeClient& stripe, MemberStore& store,
                                                   const SiteConfig& site);

// The Stripe price of a tier's "month" or "year" (kNotFound naming what to run or set).
Result<std::string> PriceOfTier(const SiteConfig& site, const std::vector<StripePrice>& synced,
                                const std::string& tier, const std::string& interval);

struct CheckoutRequest {
  std::string tier;
  std::string interval;   // "month" or "year"
  int64_t member_id = 0;  // the signed-in reader, or 0 …
  std::string email;      // … and then the address they gave (they become a member by paying)
};

// Starts a Checkout Session in subscription mode and returns its URL (to redirect the reader to):
// the member's customer when they have one, the member's id as client_reference_id, the tier and
// member in the subscription's metadata (so its events say whose it is), success at
// /membership/welcome/, cancel back at /membership/.
Result<std::string> StartSubscriptionCheckout(StripeClient& stripe, MemberStore& store,
                                              const SiteConfig& site,
                                              const CheckoutRequest& request);

// A customer portal session for the member (kNotFound when they have never paid); its URL.
Result<std::string> OpenBillingPortal(StripeClient& stripe, MemberStore& store,
                                      const SiteConfig& site, int64_t member_id);

}  // namespace cinepress
