#include "web/shop_web.h"

#include "content/private_media.h"
#include "core/url.h"
#include "web/form.h"

namespace cinepress {

ShopWeb::ShopWeb(ShopWebOptions options)
    : options_(std::move(options)),
      checkout_limit_(options_.checkouts_per_ip, options_.checkout_window_s) {}

Status ShopWeb::Start() {
  auto store = options_.open_store();
  if (!store) return store.error();
  store_ = std::move(*store);
  if (options_.open_stripe) {
    auto stripe = options_.open_stripe();
    if (!stripe) return stripe.error();
    stripe_ = std::move(*stripe);
  }
  return {};
}

void ShopWeb::Mount(Router& router) {
  using namespace std::placeholders;
  // The product pages are static (no CSRF token on them): the Buy form is checked by origin.
  router.Add({"POST", "/shop/buy/", false, false, std::bind(&ShopWeb::BuyPost, this, _1)});
  router.Add({"GET", "/shop/download/", true, true, std::bind(&ShopWeb::DownloadGet, this, _1)});
}

void ShopWeb::Log(const std::string& line) const {
  if (options_.log) options_.log("shop: " + line);
}

Result<ShopEventOutcome> ShopWeb::ApplyEvent(std::string_view payload, int64_t now) {
  auto site = options_.site();
  std::lock_guard lock(mu_);
  auto outcome = ApplyShopEvent(*store_, site->config(), options_.download_key, payload, now);
  if (outcome && outcome->handled) Log(outcome->note);
  return outcome;
}

HttpResponse ShopWeb::BuyPost(RequestContext& ctx) {
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
  if (!form) return options_.message(400, "Shop", "The form could not be read.");
  BuyRequest request{FormValue(*form, "product"), FormValue(*form, "sku"), 1,
                     FormValue(*form, "email"), ctx.rights.member_id};
  Result<std::string> url = std::string();
  {
    std::lock_guard lock(mu_);
    if (!stripe_) return options_.message(503, "Shop", "The shop is closed for a moment.");
    url = StartProductCheckout(*stripe_, *store_, config, request, options_.checkout, now);
  }
  if (url) return SeeOther(*url);
  const Error& e = url.error();
  if (e.code == ErrorCode::kConflict) {
    return options_.message(409, "Sold out",
                            "Someone else is buying the last one right now, or it is sold out. "
                            "If their checkout is abandoned it comes back within the hour.");
  }
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound) {
    return options_.message(400, "Shop", e.message);
  }
  Log("checkout of " + request.product + ": " + e.ToString());
  return options_.message(502, "Shop", "Payments are unavailable for a moment. Please try again.");
}

HttpResponse ShopWeb::DownloadGet(RequestContext& ctx) {
  // /shop/download/TOKEN/NAME, or /shop/download/member/SLUG/NAME for a member's tier.
  const std::string path = PercentDecode(ctx.request.Path()).value_or("");
  const std::string_view rest =
      std::string_view(path).substr(std::string_view("/shop/download/").size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return TextResponse(404, "Not found\n");
  const std::string_view token = rest.substr(0, slash), name = rest.substr(slash + 1);
  std::lock_guard lock(mu_);
  if (token == "member") return MemberFile(ctx, name);
  auto download = AuthorizeDownload(*store_, options_.download_key, token, name, options_.now());
  if (!download) return options_.message(404, "Download", download.error().message);
  return FileResponse(ctx.request, download->grant.product, download->file);
}

// Called with mu_ held: SLUG/NAME of an ebook a tier the signed-in reader holds includes.
HttpResponse ShopWeb::MemberFile(RequestContext& ctx, std::string_view slug_and_name) {
  const size_t slash = slug_and_name.find('/');
  const std::string slug(slug_and_name.substr(0, slash));
  const std::string_view name =
      slash == std::string_view::npos ? std::string_view() : slug_and_name.substr(slash + 1);
  auto products = store_->LoadProducts();
  if (!products) return options_.message(500, "Download", "The file cannot be read for a moment.");
  for (const Product& p : *products) {
    if (p.slug != slug) continue;
    if (!MemberMayDownload(p, ctx.rights)) break;
    for (const ProductFile& f : p.files) {
      if (f.name == name) return FileResponse(ctx.request, p.slug, f);
    }
  }
  return options_.message(404, "Download",
                          "This ebook is not in your membership. Sign in, or see My account.");
}

// The file's bytes, to be saved (private, no-store), streamed from the private media a chunk at
// a time as the server sends them (a range asked for is answered as 206).
HttpResponse ShopWeb::FileResponse(const HttpRequest& request, const std::string& product,
                                   const ProductFile& file) {
  HttpResponse r = options_.private_media(
      request, PrivateMediaPath(kShopMediaPrefix, product, file.name), file.type);
  if (r.status >= 400 && r.status != 416) {
    Log("download " + product + "/" + file.name + ": " + std::to_string(r.status) +
        " from the store (imported since the files became private media?)");
    return options_.message(500, "Download", "The file cannot be read for a moment.");
  }
  r.Set("Content-Disposition", "attachment; filename=\"" + file.name + "\"");
  r.label = "shop";
  return r;
}

TemplateData ShopWeb::AccountDownloads(const std::string& email, const ReaderRights& rights) {
  TemplateData out{TemplateData::type::list};
  std::lock_guard lock(mu_);
  auto downloads =
      cinepress::AccountDownloads(*store_, options_.download_key, email, rights, options_.now());
  if (!downloads) {
    Log("My account's downloads: " + downloads.error().ToString());
    return out;
  }
  for (const AccountDownload& d : *downloads) {
    TemplateData book;
    book.set("title", d.title);
    TemplateData files{TemplateData::type::list};
    for (const auto& file : d.files) {
      TemplateData x;
      x.set("name", file.first);
      x.set("url", file.second);
      files.push_back(std::move(x));
    }
    book["files"] = std::move(files);
    out.push_back(std::move(book));
  }
  return out;
}

}  // namespace cinepress
