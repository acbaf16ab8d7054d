// WorkshopsWeb: the workshops' routes of `cinepress serve` — thin handlers over src/workshops.
//
//   POST /workshops/register/   a workshop page's Register button (checked by origin and a
//                               per-client limit, as the shop's Buy button): workshop, email,
//                               name, offer → an entitled member registered at once (a page
//                               saying so, the confirmation queued), or the seat taken and a
//                               Checkout Session at the reader's tier price → 303 to Stripe;
//                               full → 409 pointing to the waitlist
//   POST /workshops/waitlist/   workshop, email → on the waitlist (once per address)
//   GET  /workshops/materials/TOKEN/SLUG/NAME  a material, for a registrant's signed link
//                               (workshops/materials.h): streamed from the private media a
//                               chunk at a time, with ranges (private, no-store); a link not
//                               ours → 403, expired or its registration cancelled → 410
//   AccountWorkshops            My account's "Your workshops"
//   ApplyEvent                  Stripe's events for the workshops, called by PaymentsWeb's
//                               webhook after it has verified the signature
//
// Contract: Start and Mount are called once by the owner before the server starts; handlers are
// thread-safe (one store connection and the Stripe client, under one lock).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "content/workshop_store.h"
#include "mail/message.h"
#include "payments/stripe_client.h"
#include "site/site.h"
#include "web/rate_limiter.h"
#include "web/router.h"
#include "workshops/registration.h"

namespace cinepress {

struct WorkshopsWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now
  std::function<Result<std::unique_ptr<WorkshopStore>>()> open_store;
  std::function<Result<std::unique_ptr<StripeClient>>()> open_stripe;  // null: free only
  std::function<Status(const MailMessage&)> send;  // queues a message in the outbox
  // A private media file streamed to the reader (LiveSite::PrivateMedia): a material's bytes.
  std::function<HttpResponse(const HttpRequest&, const std::string& path,
                             const std::string& content_type)>
      private_media;
  std::string material_key;  // kMaterialSecretBytes from the store's site secrets
  std::function<HttpResponse(int status, const std::string& heading, const std::string& message)>
      message;
  std::function<void(const std::string&)> log;
  std::function<int64_t()> now;
  int tries_per_ip = 20;         // registrations and waitlist sign-ups per client address …
  int64_t tries_window_s = 600;  // … in this many seconds; more get 429
};

class WorkshopsWeb {
 public:
  explicit WorkshopsWeb(WorkshopsWebOptions options);

  Status Start();
  void Mount(Router& router);
  // Applies a verified webhook event's workshop part; the mail to queue once it returns.
  Result<WorkshopEventOutcome> ApplyEvent(std::string_view payload, int64_t now);
  // The workshops registered for with `email`, for My account: [{title, url, holds, status,
  // sessions: [{text}], self_paced, joining_link, address, materials: [{name, url}]}] (empty
  // when the store cannot say).
  TemplateData AccountWorkshops(int64_t member_id, const std::string& email);

 private:
  HttpResponse RegisterPost(RequestContext& ctx);
  HttpResponse WaitlistPost(RequestContext& ctx);
  HttpResponse MaterialGet(RequestContext& ctx);
  // The origin and rate checks both forms share; a response when they refuse.
  std::optional<HttpResponse> Refused(RequestContext& ctx, const SiteConfig& config);
  void Log(const std::string& line) const;

  WorkshopsWebOptions options_;
  std::mutex mu_;
  std::unique_ptr<WorkshopStore> store_;
  std::unique_ptr<StripeClient> stripe_;
  RateLimiter limit_;
};

}  // namespace cinepress
