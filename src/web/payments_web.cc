#include "web/payments_web.h"

#include "members/sign_in.h"
#include "payments/billing.h"
#include "payments/checkout.h"
#include "payments/report.h"
#include "payments/signature.h"
#include "web/form.h"

namespace cinepress {
namespace {

HttpResponse Json200(const std::string& body) {
  HttpResponse r;
  r.Set("Content-Type", "application/json");
  r.Set("Cache-Control", "no-store");
  r.body = std::make_shared<const std::string>(body);
  r.label = "payments";
  return r;
}

}  // namespace

PaymentsWeb::PaymentsWeb(PaymentsWebOptions options)
    : options_(std::move(options)),
      checkout_limit_(options_.checkouts_per_ip, options_.checkout_window_s) {}

Status PaymentsWeb::Start() {
  auto store = options_.open_store();
  if (!store) return store.error();
  store_ = std::move(*store);
  auto events_store = options_.open_store();
  if (!events_store) return events_store.error();
  events_store_ = std::move(*events_store);
  auto stripe = options_.open_stripe();
  if (!stripe) return stripe.error();
  stripe_ = std::move(*stripe);
  return {};
}

void PaymentsWeb::Mount(Router& router) {
  using namespace std::placeholders;
  // The membership page is static (no CSRF token on it): its form is checked by origin.
  router.Add({"POST", "/membership/checkout/", false, false,
              std::bind(&PaymentsWeb::CheckoutPost, this, _1)});
  router.Get("/membership/welcome/", std::bind(&PaymentsWeb::WelcomeGet, this, _1));
  router.Post("/account/billing/", std::bind(&PaymentsWeb::BillingPost, this, _1));
  // Stripe's posts are checked by their signature.
  router.Add({"POST", "/payments/stripe/webhook", false, false,
              std::bind(&PaymentsWeb::WebhookPost, this, _1)});
}

void PaymentsWeb::Log(const std::string& line) const {
  if (options_.log) options_.log("payments: " + line);
}

HttpResponse PaymentsWeb::CheckoutPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (!FromThisSite(ctx.request, config)) {
    return options_.message(403, "This form cannot be sent",
                            "The form was sent from another site.");
  }
  const int64_t now = options_.now();
  if (!checkout_limit_.Allow(ctx.request.remote_address, now)) {
    return options_.message(429, "Too many tries", "Please wait a few minutes and try again.");
  }
  auto form = ParseForm(ctx.request);
  if (!form) return options_.message(400, "Membership", "The form could not be read.");
  CheckoutRequest request{FormValue(*form, "tier"), FormValue(*form, "interval"),
                          ctx.rights.member_id, FormValue(*form, "email")};
  Result<std::string> url = std::string();
  {
    std::lock_guard lock(stripe_mu_);
    url = StartSubscriptionCheckout(*stripe_, *store_, config, request);
  }
  if (!url) {
    if (url.error().field == "email") {
      return options_.message(400, "Membership",
                              "Type your email address (or sign in first): your membership "
                              "and its sign-in link go to it.");
    }
    Log("checkout of " + request.tier + ": " + url.error().ToString());
    const bool ours =
        url.error().code == ErrorCode::kInvalidInput || url.error().code == ErrorCode::kNotFound;
    return options_.message(ours ? 400 : 502, "Membership",
                            ours ? "This membership cannot be bought here."
                                 : "Payments are unavailable for a moment. Please try again.");
  }
  return SeeOther(*url);
}

HttpResponse PaymentsWeb::WelcomeGet(RequestContext& ctx) {
  return options_.message(
      200, "Thank you",
      ctx.rights.signed_in()
          ? "Your payment went through: your membership opens in a moment. It is on My account."
          : "Your payment went through. We have sent you an email with a link to sign in: your "
            "membership is waiting there.");
}

HttpResponse PaymentsWeb::BillingPost(RequestContext& ctx) {
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  auto site = options_.site();
  Result<std::string> url = std::string();
  {
    std::lock_guard lock(stripe_mu_);
    url = OpenBillingPortal(*stripe_, *store_, site->config(), ctx.rights.member_id);
  }
  if (!url) {
    if (url.error().code == ErrorCode::kNotFound) {
      return options_.message(404, "Billing", url.error().message);
    }
    Log("billing portal: " + url.error().ToString());
    return options_.message(502, "Billing", "Billing is unavailable for a moment.");
  }
  return SeeOther(*url);
}

// Called with events_mu_ held.
void PaymentsWeb::SendSignIn(const SiteConfig& site, const std::string& email, int64_t now) {
  auto start = StartSignIn(*events_store_, site, email, "", now);
  if (!start || !start->send) {
    Log("no sign-in link for " + email + ": " +
        (start ? start->refused : start.error().ToString()));
    return;
  }
  auto sent = options_.send(
      SignInMessage(site, email, SignInUrl(site.base_url, start->link_token), start->code, now));
  if (!sent) Log("queueing the sign-in link: " + sent.error().ToString());
}

HttpResponse PaymentsWeb::WebhookPost(RequestContext& ctx) {
  const int64_t now = options_.now();
  Status verified =
      options_.webhook_secret.empty()
          ? Status(MakeError(ErrorCode::kInvalidInput, "STRIPE_WEBHOOK_SECRET is not set"))
          : VerifyStripeSignature(ctx.request.Header("stripe-signature"), ctx.request.body,
                                  options_.webhook_secret, now);
  if (!verified) {
    Log("webhook refused: " + verified.error().message);
    return TextResponse(400, verified.error().message + "\n");
  }
  if (options_.shop_event) {
    auto shop_mail = options_.shop_event(ctx.request.body, now);
    if (!shop_mail) {
      Log("webhook (shop): " + shop_mail.error().ToString());
      return TextResponse(500, shop_mail.error().message + "\n");
    }
    for (const MailMessage& m : *shop_mail) {
      if (auto s = options_.send(m); !s) Log("queueing mail: " + s.error().ToString());
    }
  }
  auto site = options_.site();
  const SiteConfig& config = site->config();
  std::lock_guard lock(events_mu_);
  auto outcome = ApplyStripeEvent(*events_store_, config, ctx.request.body, now);
  if (!outcome) {
    Log("webhook: " + outcome.error().ToString());
    // Not an event: Stripe would send the same bytes again; a store failure: it should.
    return TextResponse(outcome.error().code == ErrorCode::kInvalidInput ? 400 : 500,
                        outcome.error().message + "\n");
  }
  Log(outcome->id + " " + outcome->type + ": " + outcome->note);
  // Committed: what the event asks to tell readers goes to the outbox now. (A crash here loses
  // these messages, never the event's effect.)
  for (const MailMessage& m : outcome->mail) {
    if (auto s = options_.send(m); !s) Log("queueing mail: " + s.error().ToString());
  }
  if (!outcome->new_member_email.empty()) SendSignIn(config, outcome->new_member_email, now);
  return Json200(std::string("{\"received\":true") +
                 (outcome->duplicate ? ",\"duplicate\":true" : "") + "}\n");
}

std::string PaymentsWeb::MetricsText() {
  std::lock_guard lock(events_mu_);
  if (!events_store_) return "";
  auto report = MakePaymentsReport(*events_store_, options_.now());
  return report ? PaymentsMetrics(*report) : "";
}

}  // namespace cinepress
