#include "payments/checkout.h"

#include "core/text.h"
#include "mail/message.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;

const char* const kIntervals[] = {"month", "year"};

int64_t AmountOf(const TierConfig& tier, const std::string& interval) {
  return interval == "month" ? tier.monthly_price : tier.yearly_price;
}

const std::string& OwnPriceOf(const TierConfig& tier, const std::string& interval) {
  return interval == "month" ? tier.stripe_monthly_price : tier.stripe_yearly_price;
}

// Finds product cinepress-TIER or makes it.
Result<std::string> EnsureProduct(StripeClient& stripe, const SiteConfig& site,
                                  const TierConfig& tier) {
  const std::string id = "cinepress-" + tier.slug;
  auto found = stripe.Call({"GET", "/v1/products/" + id, Json::object(), ""});
  if (found) return id;
  if (found.error().code != ErrorCode::kNotFound) return found.error();
  Json params = {{"id", id},
                 {"name", site.title + " — " + tier.name},
                 {"metadata", {{"cinepress_tier", tier.slug}}}};
  if (!tier.description.empty()) params["description"] = tier.description;
  auto made = stripe.Call({"POST", "/v1/products", params, "cinepress-sync-" + id});
  if (!made) return made.error();
  return id;
}

Result<SyncedPrice> EnsurePrice(StripeClient& stripe, const TierConfig& tier,
                                const std::string& interval, const std::string& product) {
  const int64_t amount = AmountOf(tier, interval);
  const std::string currency = AsciiLower(tier.currency);
  const std::string key =
      "cinepress-" + tier.slug + "-" + interval + "-" + std::to_string(amount) + "-" + currency;
  SyncedPrice out{{tier.slug, interval, "", product, amount, currency}, false};
  auto found = stripe.Call({"GET", "/v1/prices", {{"lookup_keys", {key}}, {"limit", 1}}, ""});
  if (!found) return found.error();
  const Json& data = (*found)["data"];
  if (data.is_array() && !data.empty() && data[0].contains("id")) {
    out.price.price_id = data[0]["id"].get<std::string>();
    return out;
  }
  auto made = stripe.Call({"POST",
                           "/v1/prices",
                           {{"product", product},
                            {"currency", currency},
                            {"unit_amount", amount},
                            {"recurring", {{"interval", interval}}},
                            {"lookup_key", key},
                            {"metadata", {{"cinepress_tier", tier.slug}}}},
                           "cinepress-sync-" + key});
  if (!made) return made.error();
  out.price.price_id = (*made)["id"].get<std::string>();
  out.created = true;
  return out;
}

}  // namespace

Result<std::vector<SyncedPrice>> SyncStripeCatalog(StripeClient& stripe, MemberStore& store,
                                                   const SiteConfig& site) {
  std::vector<SyncedPrice> out;
  for (const TierConfig& tier : site.tiers) {
    if (!tier.paid()) continue;
    auto product = EnsureProduct(stripe, site, tier);
    if (!product) return product.error();
    for (const std::string interval : kIntervals) {
      if (AmountOf(tier, interval) <= 0) continue;
      auto price = EnsurePrice(stripe, tier, interval, *product);
      if (!price) return price.error();
      if (auto s = store.SaveStripePrice(price->price); !s) return s.error();
      out.push_back(std::move(*price));
    }
  }
  return out;
}

Result<std::string> PriceOfTier(const SiteConfig& site, const std::vector<StripePrice>& synced,
                                const std::string& tier, const std::string& interval) {
  const TierConfig* t = site.FindTier(tier);
  if (!t || !t->paid()) return MakeError(ErrorCode::kNotFound, "no paid tier \"" + tier + "\"");
  if (interval != "month" && interval != "year") {
    return MakeError(ErrorCode::kInvalidInput, "a price is \"month\" or \"year\"");
  }
  if (AmountOf(*t, interval) <= 0) {
    return MakeError(ErrorCode::kNotFound, t->name + " has no " + interval + "ly price");
  }
  if (!OwnPriceOf(*t, interval).empty()) return OwnPriceOf(*t, interval);
  for (const StripePrice& p : synced) {
    if (p.tier == tier && p.interval == interval && p.amount == AmountOf(*t, interval) &&
        p.currency == AsciiLower(t->currency)) {
      return p.price_id;
    }
  }
  return MakeError(ErrorCode::kNotFound, "no Stripe price for " + tier + " (" + interval +
                                             "): run `cinepress payments sync`");
}

Result<std::string> StartSubscriptionCheckout(StripeClient& stripe, MemberStore& store,
                                              const SiteConfig& site,
                                              const CheckoutRequest& request) {
  auto synced = store.LoadStripePrices();
  if (!synced) return synced.error();
  auto price = PriceOfTier(site, *synced, request.tier, request.interval);
  if (!price) return price.error();
  Json metadata = {{"tier", request.tier}, {"interval", request.interval}};
  Json params = {
      {"mode", "subscription"},
      {"line_items", {{{"price", *price}, {"quantity", 1}}}},
      {"success_url", site.base_url + "/membership/welcome/?session={CHECKOUT_SESSION_ID}"},
      {"cancel_url", site.base_url + "/membership/?checkout=cancelled"}};
  if (request.member_id != 0) {
    auto member = store.LoadMember(request.member_id);
    if (!member) return member.error();
    if (!member->has_value() || (*member)->deleted) {
      return MakeError(ErrorCode::kNotFound, "no such member");
    }
    const Member& m = **member;
    params["client_reference_id"] = std::to_string(m.id);
    metadata["member_id"] = std::to_string(m.id);
    if (!m.stripe_customer_id.empty()) {
      params["customer"] = m.stripe_customer_id;
    } else {
      params["customer_email"] = m.email;
    }
  } else {
    if (!IsPlausibleEmail(request.email)) {
      return Error{ErrorCode::kInvalidInput, "an email address is needed", {}, 0, "email"};
    }
    params["customer_email"] = request.email;
    metadata["email"] = request.email;
  }
  params["metadata"] = metadata;
  params["subscription_data"] = {{"metadata", metadata}};
  auto session = stripe.Call({"POST", "/v1/checkout/sessions", params, ""});
  if (!session) return session.error();
  if (!(*session)["url"].is_string()) {
    return MakeError(ErrorCode::kInternal, "Stripe: the checkout session has no url");
  }
  return (*session)["url"].get<std::string>();
}

Result<std::string> OpenBillingPortal(StripeClient& stripe, MemberStore& store,
                                      const SiteConfig& site, int64_t member_id) {
  auto member = store.LoadMember(member_id);
  if (!member) return member.error();
  if (!member->has_value() || (*member)->stripe_customer_id.empty()) {
    return MakeError(ErrorCode::kNotFound, "no billing to manage: you have not paid yet");
  }
  auto portal = stripe.Call(
      {"POST",
       "/v1/billing_portal/sessions",
       {{"customer", (*member)->stripe_customer_id}, {"return_url", site.base_url + "/account/"}},
       ""});
  if (!portal) return portal.error();
  if (!(*portal)["url"].is_string()) {
    return MakeError(ErrorCode::kInternal, "Stripe: the portal session has no url");
  }
  return (*portal)["url"].get<std::string>();
}

}  // namespace cinepress
