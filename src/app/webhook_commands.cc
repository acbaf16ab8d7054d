#include "app/webhook_commands.h"

#include <ostream>

#include "core/config.h"
#include "core/config_edit.h"
#include "core/dates.h"
#include "core/text.h"
#include "core/tokens.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

// Writes `text` as the site's cinepress.toml once it reads as a config (the error names the
// file and line otherwise, and the file is left as it was).
Status WriteConfig(const SiteFolder& site, const std::string& text) {
  const std::string file = site.config().filename().string();
  if (auto parsed = ParseSiteConfig(text, file); !parsed) return parsed.error();
  return WriteFile(site.config(), text);
}

}  // namespace

Status WebhooksAdd(const SiteFolder& site, const WebhooksAddOptions& o, std::ostream& out) {
  auto text = ReadFile(site.config());
  if (!text) return text.error();
  WebhookConfig hook{o.event, o.url, o.secret};
  if (hook.secret.empty()) hook.secret = NewToken();  // 32 random bytes, base64url
  if (auto s = WriteConfig(site, AppendWebhookText(*text, hook)); !s) return s;
  out << "added " << hook.event << " -> " << hook.url << "\n";
  if (o.secret.empty())
    out << "secret (shown once; it is in cinepress.toml): " << hook.secret << "\n";
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
  auto text = ReadFile(site.config());
  if (!text) return text.error();
  auto config = ParseSiteConfig(*text, site.config().filename().string());
  if (!config) return config.error();
  auto edited = RemoveWebhookText(*text, number, site.config().filename().string());
  if (!edited) return edited.error();
  if (auto s = WriteConfig(site, *edited); !s) return s;
  const WebhookConfig& gone = config->webhooks[number - 1];
  out << "removed " << number << " (" << gone.event << " -> " << gone.url
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
