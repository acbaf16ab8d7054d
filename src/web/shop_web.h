// ShopWeb: the shop's routes of `cinepress serve` — thin handlers over src/shop.
//
//   POST /shop/buy/                 a product page's Buy button (a static page: checked by origin
//                                   and a per-client limit, not a CSRF token): product, sku,
//                                   email → the stock reserved and a Checkout Session → 303 to
//                                   Stripe's page; none left → 409, saying so
//   GET  /shop/download/TOKEN/NAME  an ebook's file, for a signed link that has not expired and
//                                   whose grant holds (private, no-store; streamed from the store
//                                   a chunk at a time, with ranges); otherwise 404
//   GET  /shop/download/member/SLUG/NAME  the same for a signed-in member whose tier includes it
//   AccountDownloads                My account's list of the reader's ebooks
//   ApplyEvent                      Stripe's events for the shop, called by PaymentsWeb's webhook
//                                   after it has verified the signature
//
// Contract: Start and Mount are called once by the owner before the server starts; handlers are
// thread-safe (one store connection and the Stripe client, under one lock).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "content/shop_store.h"
#include "mail/message.h"
#include "payments/stripe_client.h"
#include "shop/orders.h"
#include "site/site.h"
#include "web/rate_limiter.h"
#include "web/router.h"

namespace cinepress {

struct ShopWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now
  std::function<Result<std::unique_ptr<ShopStore>>()> open_store;
  std::function<Result<std::unique_ptr<StripeClient>>()> open_stripe;  // null: no checkout
  // A private media file streamed to the reader (LiveSite::PrivateMedia): an ebook's bytes.
  std::function<HttpResponse(const HttpRequest&, const std::string& path,
                             const std::string& content_type)>
      private_media;
  std::string download_key;  // kDownloadSecretBytes from the store's site secrets
  ShopCheckoutOptions checkout;
  std::function<HttpResponse(int status, const std::string& heading, const std::string& message)>
      message;
  std::function<void(const std::string&)> log;
  std::function<int64_t()> now;
  int checkouts_per_ip = 20;        // checkouts started per client address …
  int64_t checkout_window_s = 600;  // … in this many seconds; more get 429
};

class ShopWeb {
 public:
  explicit ShopWeb(ShopWebOptions options);

  Status Start();
  void Mount(Router& router);
  // Applies a verified webhook event's shop part; the mail to queue once it returns.
  Result<ShopEventOutcome> ApplyEvent(std::string_view payload, int64_t now);
  // The ebooks bought with `email` or included in the reader's tiers, for My account:
  // [{title, files: [{name, url}]}] (empty when the store cannot say).
  TemplateData AccountDownloads(const std::string& email, const ReaderRights& rights);

 private:
  HttpResponse BuyPost(RequestContext& ctx);
  HttpResponse DownloadGet(RequestContext& ctx);
  HttpResponse MemberFile(RequestContext& ctx, std::string_view slug_and_name);
  HttpResponse FileResponse(const HttpRequest& request, const std::string& product,
                            const ProductFile& file);
  void Log(const std::string& line) const;

  ShopWebOptions options_;
  std::mutex mu_;
  std::unique_ptr<ShopStore> store_;
  std::unique_ptr<StripeClient> stripe_;
  RateLimiter checkout_limit_;
};

}  // namespace cinepress
