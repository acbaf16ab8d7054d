#include "app/payments_commands.h"

#include <cstdlib>
#include <ostream>

#include "app/members_commands.h"
#include "core/dates.h"
#include "core/money.h"
#include "payments/checkout.h"
#include "payments/donations.h"
#include "payments/gifts.h"
#include "payments/report.h"

namespace cinepress {

Result<std::unique_ptr<StripeClient>> OpenSiteStripe(const SiteConfig& config) {
  if (!config.payments.enabled()) {
    return Error{ErrorCode::kInvalidInput,
                 "payments are off: add [payments] provider = \"stripe\" to cinepress.toml",
                 {},
                 0,
                 "payments.provider"};
  }
  const char* key = std::getenv("STRIPE_SECRET_KEY");
  return OpenStripeClient({config.payments.api_base, key ? key : "", 30, 3});
}

Status SyncPayments(const SiteFolder& site, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto stripe = OpenSiteStripe(opened->config);
  if (!stripe) return stripe.error();
  auto synced = SyncStripeCatalog(**stripe, *opened->store, opened->config);
  if (!synced) return synced.error();
  if (synced->empty()) out << "no tier has a price: nothing to sync\n";
  for (const SyncedPrice& p : *synced) {
    out << p.price.tier << " " << p.price.interval << " "
        << FormatMoney(p.price.amount, p.price.currency, opened->config.language) << ": "
        << p.price.price_id << (p.created ? " (made)" : " (found)") << "\n";
  }
  if (!synced->empty()) {
    out << "\nThe ids are kept in the store, where checkout finds them. To pin them in "
           "cinepress.toml instead, put under each [[tiers]]:\n";
    for (const SyncedPrice& p : *synced) {
      out << "  # " << p.price.tier << "\n  stripe_"
          << (p.price.interval == "month" ? "monthly" : "yearly") << "_price = \""
          << p.price.price_id << "\"\n";
    }
  }
  return {};
}

Status ReconcilePayments(const SiteFolder& site, bool apply, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto stripe = OpenSiteStripe(opened->config);
  if (!stripe) return stripe.error();
  auto differences =
      ReconcileSubscriptions(**stripe, *opened->store, opened->config, apply, NowSeconds());
  if (!differences) return differences.error();
  for (const ReconcileDifference& d : *differences) {
    out << d.subscription << ": " << d.what << (d.fixed ? " (fixed)" : "") << "\n";
  }
  out << differences->size() << " difference(s)"
      << (apply || differences->empty() ? "" : "; run with --apply to fix them") << "\n";
  return {};
}

Status ShowPaymentsReport(const SiteFolder& site, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto report = MakePaymentsReport(*opened->store, NowSeconds());
  if (!report) return report.error();
  out << PaymentsReportText(*report, opened->config.language);
  return {};
}

Status ListDonations(const SiteFolder& site, bool csv, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto donations = opened->store->LoadDonations();
  if (!donations) return donations.error();
  out << (csv ? DonationsCsv(*donations) : DonationsText(*donations, opened->config.language));
  return {};
}

Status ListGifts(const SiteFolder& site, bool csv, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto zone = TimeZone::Named(opened->config.timezone);
  if (!zone) return zone.error();
  auto gifts = opened->store->LoadGifts();
  if (!gifts) return gifts.error();
  out << (csv ? GiftsCsv(*gifts, *zone) : GiftsText(*gifts, *zone, opened->config.language));
  return {};
}

}  // namespace cinepress
