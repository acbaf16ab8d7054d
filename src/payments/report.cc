#include "payments/report.h"

#include <chrono>
#include <cstdio>
#include <set>

#include "core/money.h"
#include "payments/billing.h"

namespace cinepress {
namespace {

bool Pays(const std::string& status) {
  return status == "active" || status == "trialing" || status == "past_due";
}

// The first second of the UTC month holding `now`, and its name ("2026-12").
std::pair<int64_t, std::string> MonthOf(int64_t now) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(sys_seconds{seconds{now}})};
  const sys_days first{day.year() / day.month() / 1};
  char name[16];
  std::snprintf(name, sizeof name, "%04d-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()));
  return {first.time_since_epoch().count() * 86400, name};
}

std::string Describe(const StripeSubscription& here, const StripeSubscription& there) {
  std::string what;
  auto add = [&](const std::string& field, const std::string& a, const std::string& b) {
    if (a == b) return;
    what += (what.empty() ? "" : ", ") + field + " " + a + " -> " + b;
  };
  add("status", here.status, there.status);
  add("period end", std::to_string(here.current_period_end),
      std::to_string(there.current_period_end));
  add("cancel at period end", here.cancel_at_period_end ? "yes" : "no",
      there.cancel_at_period_end ? "yes" : "no");
  return what;
}

}  // namespace

Result<PaymentsReport> MakePaymentsReport(MemberStore& store, int64_t now) {
  PaymentsReport r;
  auto [month_start, month] = MonthOf(now);
  r.month = month;
  auto grants = store.LoadAllGrants();
  if (!grants) return grants.error();
  std::set<std::pair<std::string, int64_t>> holders;
  for (const TierGrant& g : *grants) {
    if (g.ActiveAt(now)) holders.insert({g.tier, g.member_id});
  }
  for (const auto& h : holders) ++r.members[h.first];
  auto subscriptions = store.LoadStripeSubscriptions(0);
  if (!subscriptions) return subscriptions.error();
  std::set<std::pair<std::string, int64_t>> paying;
  for (const StripeSubscription& s : *subscriptions) {
    if (Pays(s.status)) {
      paying.insert({s.tier, s.member_id});
      r.mrr[s.currency] += s.interval == "year" ? s.amount / 12 : s.amount;
    }
    // From the month's start on (Stripe's clock may be a little ahead of ours).
    if (s.created >= month_start) ++r.new_this_month;
    if (s.canceled_at >= month_start) ++r.cancelled_this_month;
  }
  for (const auto& p : paying) ++r.paying[p.first];
  return r;
}

std::string PaymentsReportText(const PaymentsReport& r, const std::string& language) {
  std::string out = "month " + r.month + "\n";
  for (const auto& [tier, n] : r.members) {
    const auto paying = r.paying.find(tier);
    out += "tier " + tier + ": " + std::to_string(n) + " members, " +
           std::to_string(paying == r.paying.end() ? 0 : paying->second) + " paying\n";
  }
  for (const auto& [currency, minor] : r.mrr) {
    out += "MRR " + currency + ": " + std::to_string(minor) + " (" +
           FormatMoney(minor, currency, language) + ")\n";
  }
  if (r.mrr.empty()) out += "MRR: none\n";
  out += "new this month: " + std::to_string(r.new_this_month) + "\n";
  out += "cancelled this month: " + std::to_string(r.cancelled_this_month) + "\n";
  return out;
}

std::string PaymentsMetrics(const PaymentsReport& r) {
  std::string out;
  auto gauge = [&](const char* name, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  };
  gauge("cinepress_members", "Members holding each tier now (any source).");
  for (const auto& [tier, n] : r.members) {
    out += "cinepress_members{tier=\"" + tier + "\"} " + std::to_string(n) + "\n";
  }
  gauge("cinepress_paying_members", "Members paying for each tier through Stripe.");
  for (const auto& [tier, n] : r.paying) {
    out += "cinepress_paying_members{tier=\"" + tier + "\"} " + std::to_string(n) + "\n";
  }
  gauge("cinepress_mrr_minor_units", "Monthly recurring revenue in minor units of its currency.");
  for (const auto& [currency, minor] : r.mrr) {
    out +=
        "cinepress_mrr_minor_units{currency=\"" + currency + "\"} " + std::to_string(minor) + "\n";
  }
  gauge("cinepress_subscriptions_new_this_month", "Subscriptions started this month (UTC).");
  out += "cinepress_subscriptions_new_this_month " + std::to_string(r.new_this_month) + "\n";
  gauge("cinepress_subscriptions_cancelled_this_month", "Subscriptions cancelled this month.");
  out += "cinepress_subscriptions_cancelled_this_month " + std::to_string(r.cancelled_this_month) +
         "\n";
  return out;
}

Result<std::vector<ReconcileDifference>> ReconcileSubscriptions(StripeClient& stripe,
                                                                MemberStore& store,
                                                                const SiteConfig& site, bool apply,
                                                                int64_t now) {
  auto kept = store.LoadStripeSubscriptions(0);
  if (!kept) return kept.error();
  std::map<std::string, StripeSubscription> here;
  for (const StripeSubscription& s : *kept) here[s.id] = s;
  std::vector<ReconcileDifference> out;
  std::string after;
  for (bool more = true; more;) {
    nlohmann::json query = {{"status", "all"}, {"limit", 100}};
    if (!after.empty()) query["starting_after"] = after;
    auto page = stripe.Call({"GET", "/v1/subscriptions", query, ""});
    if (!page) return page.error();
    const nlohmann::json& data = (*page)["data"];
    more = (*page)["has_more"].is_boolean() && (*page)["has_more"].get<bool>() && data.is_array() &&
           !data.empty();
    for (const nlohmann::json& object : data) {
      StripeSubscription there = SubscriptionFromStripe(object);
      after = there.id;
      auto it = here.find(there.id);
      ReconcileDifference d{there.id, "", false};
      if (it == here.end()) {
        d.what = "missing here (" + there.status + " in Stripe)";
      } else {
        d.what = Describe(it->second, there);
        here.erase(it);
      }
      if (d.what.empty()) continue;
      if (apply) {
        auto applied = ApplyStripeSubscription(store, site, object, now);
        if (!applied) return applied.error();
        d.fixed = true;
        d.what += "; " + applied->note;
      }
      out.push_back(std::move(d));
    }
  }
  for (const auto& [id, s] : here) out.push_back({id, "not in Stripe (" + s.status + " here)"});
  return out;
}

}  // namespace cinepress
