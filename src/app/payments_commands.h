// The payments commands of the composition root: `payments sync` (Stripe products and prices
// for the paid tiers), `payments reconcile [--apply]`, `payments report` and `payments donations
// [--csv]`; and the one place the Stripe client is made from the site's config and the
// environment (STRIPE_SECRET_KEY).
// Contract: as app.h — results to `out`, an Error for what refused the command (exit 1).
#pragma once

#include <iosfwd>
#include <memory>

#include "app/app.h"
#include "core/config.h"
#include "payments/stripe_client.h"

namespace cinepress {

// [payments] must say provider = "stripe" and STRIPE_SECRET_KEY be set (kInvalidInput otherwise).
Result<std::unique_ptr<StripeClient>> OpenSiteStripe(const SiteConfig& config);

// Prints each price (tier, interval, amount, id, made or found) and the TOML lines that would pin
// them in cinepress.toml; the ids are kept in the store, where checkout finds them.
Status SyncPayments(const SiteFolder& site, std::ostream& out);
// Prints each difference between Stripe and the store (and fixes it with `apply`).
Status ReconcilePayments(const SiteFolder& site, bool apply, std::ostream& out);
Status ShowPaymentsReport(const SiteFolder& site, std::ostream& out);
// Lists every donation, oldest first (as CSV with `csv`).
Status ListDonations(const SiteFolder& site, bool csv, std::ostream& out);
// Lists the gifts bought, oldest first (as CSV with `csv`).
Status ListGifts(const SiteFolder& site, bool csv, std::ostream& out);

}  // namespace cinepress
