#include "app/workshop_commands.h"

#include <ostream>

#include "app/payments_commands.h"
#include "core/dates.h"
#include "mail/message.h"
#include "store/open_store.h"
#include "workshops/registration.h"

namespace cinepress {
namespace {

struct Opened {
  SiteConfig config;
  std::unique_ptr<WorkshopStore> store;
};

Result<Opened> Open(const SiteFolder& site) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  const StoreOptions options = SiteStoreOptions(site);
  if (auto s = RequireStore(site, options); !s) return s.error();
  auto store = OpenWorkshopStore(site.database(), options);
  if (!store) return store.error();
  return Opened{std::move(*config), std::move(*store)};
}

Status KnownWorkshop(WorkshopStore& store, const std::string& slug) {
  auto all = store.LoadWorkshops();
  if (!all) return all.error();
  for (const Workshop& w : *all) {
    if (w.slug == slug) return {};
  }
  return Error{
      ErrorCode::kNotFound, "no workshop " + slug + " (cinepress import first)", {}, 0, "SLUG"};
}

}  // namespace

Status WorkshopRegistrantsCommand(const SiteFolder& site, const std::string& slug, bool csv,
                                  std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  WorkshopStore& store = *opened->store;
  if (auto k = KnownWorkshop(store, slug); !k) return k;
  if (auto swept = store.ExpireAbandonedRegistrations(NowSeconds()); !swept) {
    return swept.error();
  }
  auto registrations = store.RegistrationsOf(slug);
  if (!registrations) return registrations.error();
  if (csv) {
    out << RegistrantsCsv(*registrations);
  } else if (registrations->empty()) {
    out << "no registrations\n";
  } else {
    out << RegistrantsTable(*registrations);
  }
  return {};
}

Status WorkshopCancelCommand(const SiteFolder& site, const std::string& slug, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  if (auto k = KnownWorkshop(*opened->store, slug); !k) return k;
  auto stripe = OpenSiteStripe(opened->config);
  if (!stripe) return stripe.error();
  auto outbox = OpenNewsletterStore(site.database(), SiteStoreOptions(site));
  if (!outbox) return outbox.error();
  const int64_t now = NowSeconds();
  auto done = CancelAndRefund(**stripe, *opened->store, opened->config, slug, now);
  if (!done) return done.error();
  for (const MailMessage& m : done->mail) {
    if (auto q = (*outbox)->QueueMail(SerializeMessage(m), now); !q) return q.error();
  }
  out << "workshop " << slug << ": " << done->cancelled.size() << " registrations cancelled, "
      << done->refunded << " refunded, " << done->mail.size() << " registrants will be told\n";
  if (!done->refund_failures.empty()) {
    for (const Error& e : done->refund_failures) out << "refund failed: " << e.message << "\n";
    return Error{ErrorCode::kInternal,
                 std::to_string(done->refund_failures.size()) +
                     " refunds failed; run the command again to try them again",
                 {},
                 0,
                 {}};
  }
  return {};
}

}  // namespace cinepress
