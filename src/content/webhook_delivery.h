// WebhookDelivery: one row of the webhooks' outbox (webhook_deliveries), which the content and
// the member stores both write in their changes' transactions (docs/API.md).
// Contract: a plain value.
#pragma once

#include <cstdint>
#include <string>

namespace cinepress {

// One webhook delivery: an event told to one URL, with its tries.
struct WebhookDelivery {
  int64_t id = 0;
  std::string delivery_id;  // random; sent as X-Cinepress-Delivery (the receiver's "once" key)
  std::string event;        // "article.published"
  std::string url;
  std::string payload;  // the JSON body, as signed
  int64_t created = 0;
  int64_t next_attempt = 0;
  int64_t attempts = 0;
  std::string status = "pending";  // "pending", "delivered", "failed" (given up)
  std::string last_error;          // why the last try failed ("" when none did)
  int64_t finished = 0;            // when delivered or given up
};

}  // namespace cinepress
