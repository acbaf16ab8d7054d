// PaymentsWeb: the Stripe pages of `cinepress serve` — thin handlers over src/payments.
//
//   POST /membership/checkout/   the membership page's Monthly/Yearly buttons (a static page:
//                                checked by origin and a per-client limit, not a CSRF token) →
//                                a Checkout Session → 303 to Stripe's page
//   GET  /membership/welcome/    where Stripe sends the reader back after paying
//   POST /account/billing/       Manage billing (My Account's form) → a portal session → 303
//   POST /donate/checkout/       the donation page's form (static, as the membership page) →
//                                a Checkout Session (payment or subscription mode) → 303
//   GET  /donate/thanks/         where Stripe sends a donor back
//   GET  /gift/, POST /gift/checkout/   give months of a tier: the form, then a Checkout
//                                Session → 303; GET /gift/thanks/ after paying
//   GET  /gift/redeem/?gift=&token=   the recipient's link: a button (mail scanners follow
//                                links; only a person presses it); POST /gift/redeem/ grants
//   POST /payments/stripe/webhook  Stripe's events: the signature verified, the event applied
//                                once in a transaction, 200 only after the commit (an error is
//                                500 and Stripe tries again); mail queued after the commit
//
// Contract: Start and Mount are called once by the owner before the server starts; handlers are
// thread-safe (two store connections — one for Stripe's events, one beside the Stripe client —
// each under a lock). The keys come from
// the options (the environment: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET), never from files.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/member_store.h"
#include "mail/message.h"
#include "members/members.h"
#include "payments/stripe_client.h"
#include "site/site.h"
#include "web/rate_limiter.h"
#include "web/router.h"

namespace cinepress {

struct PaymentsWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now
  std::function<Result<std::unique_ptr<MemberStore>>()> open_store;
  std::function<Result<std::unique_ptr<StripeClient>>()> open_stripe;
  std::string webhook_secret;           // whsec_…; "" refuses every event
  MemberEventHook member_events;        // a member made by checkout: member.added (webhooks)
  std::function<void()> wake_webhooks;  // after an event that may have queued one; optional
  std::function<Status(const MailMessage&)> send;  // queues a message in the outbox
  // Tells the outbox's sender that messages were queued in the store by another connection (a
  // webhook event's own transaction); optional.
  std::function<void()> mail_queued;
  // The other purposes' parts of a verified event (ShopWeb::ApplyEvent, WorkshopsWeb::ApplyEvent),
  // each applied before the memberships' part: each is idempotent by its own state, so Stripe's
  // retry after a failure of the rest changes nothing twice. Each returns the mail to queue.
  std::vector<
      std::function<Result<std::vector<MailMessage>>(std::string_view payload, int64_t now)>>
      purpose_events;
  // A reader's page saying something (MembersWeb::Message).
  std::function<HttpResponse(int status, const std::string& heading, const std::string& message)>
      message;
  // A reader's page from a theme template (MembersWeb::Page): the gift pages.
  std::function<HttpResponse(int status, const std::string& url, const std::string& heading,
                             const std::string& template_name, const TemplateData& view)>
      page;
  std::function<void(const std::string&)> log;
  std::function<int64_t()> now;
  int checkouts_per_ip = 20;        // checkouts started per client address …
  int64_t checkout_window_s = 600;  // … in this many seconds; more get 429
};

class PaymentsWeb {
 public:
  explicit PaymentsWeb(PaymentsWebOptions options);

  Status Start();
  void Mount(Router& router);
  // The report's gauges (payments/report.h) for /metrics; "" when they cannot be read.
  std::string MetricsText();

 private:
  HttpResponse CheckoutPost(RequestContext& ctx);
  HttpResponse WelcomeGet(RequestContext& ctx);
  HttpResponse BillingPost(RequestContext& ctx);
  HttpResponse WebhookPost(RequestContext& ctx);
  HttpResponse DonatePost(RequestContext& ctx);
  HttpResponse DonateThanksGet(RequestContext& ctx);
  HttpResponse GiftGet(RequestContext& ctx);
  HttpResponse GiftForm(RequestContext& ctx, int status, const std::string& error);
  HttpResponse GiftCheckoutPost(RequestContext& ctx);
  HttpResponse GiftThanksGet(RequestContext& ctx);
  HttpResponse GiftRedeemGet(RequestContext& ctx);
  HttpResponse GiftRedeemPost(RequestContext& ctx);
  // The static forms' checks: from this site's pages, and within the per-client limit.
  std::optional<HttpResponse> RefuseStaticForm(RequestContext& ctx, const SiteConfig& config);
  void SendSignIn(const SiteConfig& site, const std::string& email, int64_t now);
  void Log(const std::string& line) const;

  PaymentsWebOptions options_;
  // Stripe's events never wait behind a call to Stripe: they have a store connection of their
  // own; checkout and the portal share the other one with the Stripe client.
  std::mutex events_mu_;
  std::unique_ptr<MemberStore> events_store_;
  std::mutex stripe_mu_;
  std::unique_ptr<MemberStore> store_;
  std::unique_ptr<StripeClient> stripe_;
  RateLimiter checkout_limit_;
};

}  // namespace cinepress
