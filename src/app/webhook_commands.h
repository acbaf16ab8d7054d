// The webhooks' commands of the composition root (docs/API.md): `cinepress webhooks add`, `list`
// and `remove` edit cinepress.toml's [[webhooks]] (config_edit.h: the rest of the file kept as
// written; a running `serve` follows the file within a second), and `deliveries`, the log.
// Contract: as app.h — results to `out`, an Error for what refused the command.
#pragma once

#include <iosfwd>
#include <string>

#include "app/app.h"

namespace cinepress {

struct WebhooksAddOptions {
  std::string event;   // one of WebhookEvents()
  std::string url;     // http(s)
  std::string secret;  // empty: a random one, printed once
};
// Appends the webhook to cinepress.toml after checking it as `serve` would.
Status WebhooksAdd(const SiteFolder& site, const WebhooksAddOptions& options, std::ostream& out);
// Number, event, URL (never the secret).
Status WebhooksList(const SiteFolder& site, std::ostream& out);
// Removes webhook `number` (as `list` numbers them) from cinepress.toml.
Status WebhooksRemove(const SiteFolder& site, size_t number, std::ostream& out);

// The newest `limit` deliveries: when, event, URL, status, tries, the last error.
Status WebhookDeliveries(const SiteFolder& site, size_t limit, std::ostream& out);

}  // namespace cinepress
