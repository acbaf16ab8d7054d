#include "web/payments_web.h"

#include "core/dates.h"
#include "core/money.h"
#include "members/sign_in.h"
#include "payments/billing.h"
#include "payments/checkout.h"
#include "payments/donations.h"
#include "payments/gifts.h"
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
  router.Add(
      {"POST", "/donate/checkout/", false, false, std::bind(&PaymentsWeb::DonatePost, this, _1)});
  router.Get("/donate/thanks/", std::bind(&PaymentsWeb::DonateThanksGet, this, _1));
  router.Get("/gift/", std::bind(&PaymentsWeb::GiftGet, this, _1));
  router.Post("/gift/checkout/", std::bind(&PaymentsWeb::GiftCheckoutPost, this, _1));
  router.Get("/gift/thanks/", std::bind(&PaymentsWeb::GiftThanksGet, this, _1));
  router.Get("/gift/redeem/", std::bind(&PaymentsWeb::GiftRedeemGet, this, _1));
  router.Post("/gift/redeem/", std::bind(&PaymentsWeb::GiftRedeemPost, this, _1));
  // Stripe's posts are checked by their signature.
  router.Add({"POST", "/payments/stripe/webhook", false, false,
              std::bind(&PaymentsWeb::WebhookPost, this, _1)});
}

void PaymentsWeb::Log(const std::string& line) const {
  if (options_.log) options_.log("payments: " + line);
}

std::optional<HttpResponse> PaymentsWeb::RefuseStaticForm(RequestContext& ctx,
                                                          const SiteConfig& config) {
  if (!FromThisSite(ctx.request, config)) {
    return options_.message(403, "This form cannot be sent",
                            "The form was sent from another site.");
  }
  if (!checkout_limit_.Allow(ctx.request.remote_address, options_.now())) {
    return options_.message(429, "Too many tries", "Please wait a few minutes and try again.");
  }
  return std::nullopt;
}

HttpResponse PaymentsWeb::CheckoutPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (auto refused = RefuseStaticForm(ctx, config)) return *refused;
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

HttpResponse PaymentsWeb::DonatePost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (!config.payments.donations()) return options_.message(404, "Donate", "Donations are off.");
  if (auto refused = RefuseStaticForm(ctx, config)) return *refused;
  auto form = ParseForm(ctx.request);
  if (!form) return options_.message(400, "Donate", "The form could not be read.");
  auto amount = DonationAmountOf(config.payments, FormValue(*form, "amount"),
                                 FormValue(*form, "custom_amount"));
  DonationRequest request{amount ? *amount : 0, FormValue(*form, "frequency") == "monthly",
                          ctx.rights.member_id, FormValue(*form, "email")};
  Result<std::string> url = std::string();
  if (!amount) {
    url = amount.error();
  } else {
    std::lock_guard lock(stripe_mu_);
    url = StartDonationCheckout(*stripe_, *store_, config, request);
  }
  if (!url) {
    if (url.error().code == ErrorCode::kInvalidInput) {
      return options_.message(400, "Donate", "Please check the form: " + url.error().message + ".");
    }
    Log("donation checkout: " + url.error().ToString());
    return options_.message(502, "Donate",
                            "Payments are unavailable for a moment. Please try again.");
  }
  return SeeOther(*url);
}

HttpResponse PaymentsWeb::DonateThanksGet(RequestContext&) {
  auto site = options_.site();
  return options_.message(200, "Thank you",
                          "Your donation went through: thank you for keeping " +
                              site->config().title +
                              " independent. Stripe emails you the receipt.");
}

HttpResponse PaymentsWeb::GiftGet(RequestContext& ctx) { return GiftForm(ctx, 200, ""); }

// The gift form: each paid tier with the price of 3, 6 and 12 months.
HttpResponse PaymentsWeb::GiftForm(RequestContext& ctx, int status, const std::string& error) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (!config.gifts_offered()) return options_.message(404, "Gifts", "Gifts are not offered here.");
  TemplateData view;
  view.set("heading", "Give a membership");
  view.set("buy", true);
  if (!error.empty()) view.set("error", error);
  view.set("csrf", ctx.form_token());
  view.set("signed_in", ctx.rights.signed_in());
  TemplateData choices{TemplateData::type::list};
  bool first = true;
  for (const TierConfig& t : config.tiers) {
    if (!t.paid()) continue;
    for (int months : kGiftMonths) {
      TemplateData c;
      c.set("value", t.slug + ":" + std::to_string(months));
      c.set("id", "gift-" + t.slug + "-" + std::to_string(months));
      c.set("label", std::to_string(months) + " months of " + t.name + " · " +
                         FormatMoney(GiftPrice(t, months), t.currency, config.language));
      c.set("checked", first);
      first = false;
      choices.push_back(c);
    }
  }
  view.set("choices", choices);
  return options_.page(status, "/gift/", "Give a membership", "gift", view);
}

HttpResponse PaymentsWeb::GiftCheckoutPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (!checkout_limit_.Allow(ctx.request.remote_address, options_.now())) {
    return options_.message(429, "Too many tries", "Please wait a few minutes and try again.");
  }
  auto form = ParseForm(ctx.request);
  if (!form) return options_.message(400, "Gifts", "The form could not be read.");
  const std::string choice = FormValue(*form, "choice");  // "tier:months"
  const size_t colon = choice.find(':');
  GiftRequest request;
  request.tier = choice.substr(0, colon);
  request.months = colon == std::string::npos || choice.size() - colon > 3
                       ? 0
                       : std::atoi(choice.c_str() + colon + 1);
  request.buyer_email = FormValue(*form, "buyer_email");
  request.recipient_name = FormValue(*form, "recipient_name");
  request.recipient_email = FormValue(*form, "recipient_email");
  request.message = FormValue(*form, "message");
  request.notify_day = FormValue(*form, "notify_day");
  request.member_id = ctx.rights.member_id;
  Result<std::string> url = std::string();
  {
    std::lock_guard lock(stripe_mu_);
    url = StartGiftCheckout(*stripe_, *store_, config, request, options_.now());
  }
  if (!url) {
    if (url.error().code == ErrorCode::kInvalidInput) {
      return GiftForm(ctx, 400, "Please check the form: " + url.error().message + ".");
    }
    Log("gift checkout: " + url.error().ToString());
    return options_.message(502, "Gifts",
                            "Payments are unavailable for a moment. Please try again.");
  }
  return SeeOther(*url);
}

HttpResponse PaymentsWeb::GiftThanksGet(RequestContext&) {
  return options_.message(200, "Thank you",
                          "Your gift is paid. We have emailed you a receipt, and we will email "
                          "them their link on the day you chose.");
}

HttpResponse PaymentsWeb::GiftRedeemGet(RequestContext& ctx) {
  TemplateData view;
  view.set("heading", "Your gift");
  view.set("redeem", true);
  view.set("gift", QueryValue(ctx.request, "gift").substr(0, 64));
  view.set("token", QueryValue(ctx.request, "token").substr(0, 128));
  view.set("csrf", ctx.form_token());
  return options_.page(200, "/gift/redeem/", "Your gift", "gift", view);
}

HttpResponse PaymentsWeb::GiftRedeemPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  auto form = ParseForm(ctx.request);
  if (!form) return options_.message(400, "Your gift", "The form could not be read.");
  const int64_t now = options_.now();
  Result<RedeemedGift> redeemed = RedeemedGift{};
  {
    std::lock_guard lock(events_mu_);
    redeemed = RedeemGift(*events_store_, FormValue(*form, "gift"), FormValue(*form, "token"),
                          ctx.rights.member_id, now);
    if (redeemed && !ctx.rights.signed_in()) SendSignIn(config, redeemed->email, now);
  }
  if (!redeemed) {
    const ErrorCode code = redeemed.error().code;
    if (code == ErrorCode::kConflict || code == ErrorCode::kNotFound) {
      return options_.message(code == ErrorCode::kConflict ? 409 : 404, "Your gift",
                              "This link cannot be used: " + redeemed.error().message + ".");
    }
    Log("gift redeem: " + redeemed.error().ToString());
    return options_.message(500, "Your gift", "Something went wrong. Please try again.");
  }
  auto tz = TimeZone::Named(config.timezone);
  const std::string until = tz ? tz->Display(redeemed->until) : TimeZone::IsoUtc(redeemed->until);
  const TierConfig* tier = config.FindTier(redeemed->tier);
  return options_.message(
      200, "Your gift",
      "Enjoy: " + std::string(tier ? tier->name : redeemed->tier) + " is yours until " + until +
          "." +
          (ctx.rights.signed_in() ? ""
                                  : " We have emailed " + redeemed->email + " a link to sign in."));
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
  for (const auto& purpose : options_.purpose_events) {
    auto mail = purpose(ctx.request.body, now);
    if (!mail) {
      Log("webhook: " + mail.error().ToString());
      return TextResponse(500, mail.error().message + "\n");
    }
    for (const MailMessage& m : *mail) {
      if (auto s = options_.send(m); !s) Log("queueing mail: " + s.error().ToString());
    }
  }
  auto site = options_.site();
  const SiteConfig& config = site->config();
  std::lock_guard lock(events_mu_);
  auto outcome =
      ApplyStripeEvent(*events_store_, config, ctx.request.body, now, options_.member_events);
  if (!outcome) {
    Log("webhook: " + outcome.error().ToString());
    // Not an event: Stripe would send the same bytes again; a store failure: it should.
    return TextResponse(outcome.error().code == ErrorCode::kInvalidInput ? 400 : 500,
                        outcome.error().message + "\n");
  }
  Log(outcome->id + " " + outcome->type + ": " + outcome->note);
  // Committed, with what the event asks to tell readers already in the outbox.
  if (outcome->queued > 0 && options_.mail_queued) options_.mail_queued();
  if (options_.wake_webhooks) options_.wake_webhooks();
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
