#include "app/webhook_commands.h"

#include <ostream>

#include "core/config.h"
#include "core/dates.h"
#include "store/open_store.h"

namespace cinepress {

Status WebhookDeliveries(const SiteFolder& site, size_t limit, std::ostream& out) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  const StoreOptions options = SiteStoreOptions(*config);
  if (auto s = RequireStore(site, options); !s) return s.error();
  auto store = OpenContentStore(site.database(), options);
  if (!store) return store.error();
  auto log = (*store)->ListWebhookDeliveries(limit);
  if (!log) return log.error();
  for (const WebhookDelivery& d : *log) {
    out << TimeZone::IsoUtc(d.created) << "\t" << d.event << "\t" << d.url << "\t" << d.status
        << "\t" << d.attempts << (d.attempts == 1 ? " try" : " tries") << "\t" << d.delivery_id;
    if (!d.last_error.empty()) out << "\t" << d.last_error;
    out << "\n";
  }
  out << log->size() << (log->size() == 1 ? " delivery\n" : " deliveries\n");
  return {};
}

}  // namespace cinepress
