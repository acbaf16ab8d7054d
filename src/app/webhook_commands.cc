#include "app/webhook_commands.h"

#include <ostream>

#include "core/config.h"
#include "core/config_edit.h"
#include "core/dates.h"
#include "store/open_store.h"

namespace cinepress {

Status WebhooksAdd(const SiteFolder& site, const WebhooksAddOptions& o, std::ostream& out) {
  auto hook = AddWebhookToFile(site.config(), WebhookConfig{o.event, o.url, o.secret});
  if (!hook) return hook.error();
  out << "added " << hook->event << " -> " << hook->url << "\n";
  if (o.secret.empty())
    out << "secret (shown once; it is in cinepress.toml): " << hook->secret << "\n";
  return {};
}

Status WebhooksList(const SiteFolder& site, std::ostream& out) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  size_t n = 0;
  for (const WebhookConfig& h : config->webhooks) {
    out << ++n << "\t" << h.event << "\t" << h.url << "\n";
  }
  out << n << (n == 1 ? " webhook\n" : " webhooks\n");
  return {};
}

Status WebhooksRemove(const SiteFolder& site, size_t number, std::ostream& out) {
  auto gone = RemoveWebhookFromFile(site.config(), number);
  if (!gone) return gone.error();
  out << "removed " << number << " (" << gone->event << " -> " << gone->url
      << "); its pending deliveries are given up\n";
  return {};
}

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
