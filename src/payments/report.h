// What the money looks like: `cinepress payments report` and the gauges on /metrics (members per
// tier, monthly recurring revenue per currency, subscriptions new and cancelled this month), and
// `cinepress payments reconcile`: every subscription in Stripe against the store, for the day
// webhooks were down.
//
//   MRR        the monthly amount of every subscription that pays now (active, trialing,
//              past_due): a yearly price counts a twelfth (rounded down), in minor units of its
//              currency; currencies are never added together
//   this month the calendar month of `now` in UTC
//
// Contract: plain functions over the MemberStore (and StripeClient) given, one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"
#include "payments/stripe_client.h"

namespace cinepress {

struct PaymentsReport {
  std::string month;                       // "2026-12"
  std::map<std::string, int64_t> members;  // tier → members holding it now (any source)
  std::map<std::string, int64_t> paying;   // tier → members paying for it through Stripe
  std::map<std::string, int64_t> mrr;      // currency → minor units a month
  int64_t new_this_month = 0;              // subscriptions created this month
  int64_t cancelled_this_month = 0;        // subscriptions cancelled this month
};

Result<PaymentsReport> MakePaymentsReport(MemberStore& store, int64_t now);
// For a person: one line per fact, amounts formatted in their currency.
std::string PaymentsReportText(const PaymentsReport& report, const std::string& language);
// Prometheus gauges: cinepress_members{tier}, cinepress_paying_members{tier},
// cinepress_mrr_minor_units{currency}, cinepress_subscriptions_new_this_month,
// cinepress_subscriptions_cancelled_this_month.
std::string PaymentsMetrics(const PaymentsReport& report);

struct ReconcileDifference {
  std::string subscription;  // "sub_…"
  std::string what;          // "missing here", "status active -> canceled", …
  bool fixed = false;
};

// Lists every subscription in Stripe (all statuses, page by page) and compares it with the store;
// with `apply`, each one that differs is applied as Stripe has it now. Subscriptions kept here
// that Stripe does not know are reported, never removed.
Result<std::vector<ReconcileDifference>> ReconcileSubscriptions(StripeClient& stripe,
                                                                MemberStore& store,
                                                                const SiteConfig& site, bool apply,
                                                                int64_t now);

}  // namespace cinepress
