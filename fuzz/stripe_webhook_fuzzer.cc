// Fuzzes what a stranger can send to /payments/stripe/webhook: the input's first line is the
// Stripe-Signature header and the rest the body. The header is checked against the body as
// `serve` checks it (payments/signature.h), and the body — signed or not — is applied as an
// event to a real SQLite member store (payments/billing.h: membership, donation and refund
// handlers), the way a validly signed but hostile or malformed event would be. The store holds
// one member with a paid subscription period (Prime), so that refunds (charge.refunded) and
// disputes (charge.dispute.created/closed) of its payment are applied, not merely looked up;
// fuzz/corpus/stripe_webhook.dict gives the mutator those events' words.
//
// Asserted: neither ever crashes or throws; a refusal is kInvalidInput with a stable reason; an
// event is either applied or refused as not an event, never half-applied (the store stays usable:
// every input ends outside a transaction).
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "payments/billing.h"
#include "payments/signature.h"
#include "store/open_store.h"

namespace {
using namespace cinepress;

constexpr int64_t kNow = 1800000000;
constexpr std::string_view kSecret = "whsec_fuzz";

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<MemberStore> store;
  SiteConfig site;
};

// A member whose subscription's period was paid by pi_fuzz (charge ch_fuzz), so that refund
// and dispute events naming them (the seeds seed-refund-full, seed-dispute-*; the dictionary)
// reach the revocation of a paid period and the grants' refresh, not only the lookup.
void Prime(MemberStore& store) {
  Member m;
  m.email = "paid@fuzz.example";
  m.created = kNow;
  m.stripe_customer_id = "cus_fuzz";
  auto id = store.InsertMember(m);
  if (!id.ok()) __builtin_trap();
  StripeSubscription sub;
  sub.id = "sub_fuzz";
  sub.member_id = *id;
  sub.customer = "cus_fuzz";
  sub.tier = "supporter";
  sub.interval = "month";
  sub.status = "active";
  sub.amount = 500;
  sub.currency = "usd";
  sub.current_period_end = kNow + 30 * 86400;
  sub.created = sub.state_at = kNow - 86400;
  if (!store.SaveStripeSubscription(sub).ok()) __builtin_trap();
  for (const char* payment : {"pi_fuzz", "ch_fuzz", "in_fuzz"}) {
    if (!store.SaveStripePayment({payment, "in_fuzz", "sub_fuzz", sub.current_period_end, kNow})
             .ok()) {
      __builtin_trap();
    }
  }
}

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    fx->dir = std::filesystem::temp_directory_path() /
              ("cinepress-fuzz-webhook-" + std::to_string(::getpid()));
    std::filesystem::remove_all(fx->dir);
    std::filesystem::create_directories(fx->dir);
    auto s = OpenMemberStore(fx->dir / "site.db", {});
    if (!s.ok()) __builtin_trap();
    fx->store = std::move(*s);
    fx->site.title = "Fuzz";
    fx->site.base_url = "https://fuzz.example";
    TierConfig supporter;
    supporter.slug = "supporter";
    supporter.name = "Supporter";
    supporter.monthly_price = 500;
    supporter.stripe_monthly_price = "price_supporter";
    fx->site.tiers = {supporter};
    fx->site.members.enabled = true;
    fx->site.payments.provider = "stripe";
    fx->site.payments.donation_amounts = {500, 1000};
    fx->site.payments.donation_currency = "usd";
    fx->site.payments.donation_grants_tier = "supporter";
    fx->site.payments.donation_grant_minimum = 1000;
    Prime(*fx->store);
    return fx;
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view header = nl == std::string_view::npos ? input : input.substr(0, nl);
  const std::string_view body =
      nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  Status verified = VerifyStripeSignature(header, body, kSecret, kNow);
  if (!verified) {
    const Error& e = verified.error();
    if (e.code != ErrorCode::kInvalidInput ||
        (e.field != "header" && e.field != "stale" && e.field != "mismatch")) {
      __builtin_trap();
    }
  }
  // What a forged header cannot reach, a signed hostile body can: apply the body either way.
  Fixture& f = Get();
  auto applied = ApplyStripeEvent(*f.store, f.site, body, kNow);
  if (!applied && applied.error().code != ErrorCode::kInvalidInput) __builtin_trap();
  // Still usable, outside any transaction: a new transaction opens and commits.
  if (!f.store->BeginTransaction() || !f.store->Commit()) __builtin_trap();
  return 0;
}
