// The shop on the site: /shop/ (every product) and a page per product (/shop/{slug}/) with its
// price — formatted from the same integer Stripe charges —, whether it is in stock, its
// variants and the Buy form, which posts to `cinepress serve` (web/shop_web.h). Pages exist when
// the theme has the shop's templates and the store has products.
#include "core/money.h"
#include "core/text.h"
#include "render/markdown.h"
#include "site/site.h"

namespace cinepress {
namespace {

TemplateData ListData() { return TemplateData{TemplateData::type::list}; }

}  // namespace

bool Site::InStock(const Product& p) {
  if (p.kind != "merch") return true;
  for (const ProductVariant& v : p.variants) {
    if (v.stock > 0) return true;
  }
  return false;
}

Status Site::AddShopOutputs(std::vector<Product> products) {
  products_ = std::move(products);
  std::string fp;
  for (const Product& p : products_) {
    fp += p.slug + p.kind + p.title + p.summary + p.body + std::to_string(p.price) + p.currency +
          p.image + p.image_alt + Join(p.free_for, ",") + "|";
    for (const ProductVariant& v : p.variants) {
      fp += v.sku + v.label + (v.stock > 0 ? "+" : "0") + "|";
    }
  }
  shop_fp_ = ContentHash(fp);
  if (products_.empty() || !theme_->HasTemplate("shop") || !theme_->HasTemplate("product")) {
    return {};
  }
  if (auto st = AddOutput(OutputKind::kShop, "/shop/", 0, 1, "the shop"); !st) return st;
  for (size_t i = 0; i < products_.size(); ++i) {
    const std::string what = "the product content/shop/" + products_[i].slug + ".md";
    if (auto st = AddOutput(OutputKind::kProduct, ProductUrl(i), i, 1, what); !st) return st;
  }
  return {};
}

TemplateData SiteRenderer::ProductData(size_t i) const {
  const Site& s = *site_;
  const Product& p = s.products_[i];
  TemplateData d;
  d.set("slug", p.slug);
  d.set("title", p.title);
  d.set("url", s.ProductUrl(i));
  if (!p.summary.empty()) d.set("summary", p.summary);
  d.set("price_text", FormatMoney(p.price, p.currency, s.config_.language));
  d.set(p.kind == "ebook" ? "is_ebook" : "is_merch", true);
  if (!p.image.empty()) {
    d.set("image", "/" + p.image);
    d.set("image_alt", p.image_alt);
  }
  if (Site::InStock(p)) d.set("in_stock", true);
  TemplateData variants = ListData();
  for (const ProductVariant& v : p.variants) {
    TemplateData x;
    x.set("sku", v.sku);
    x.set("label", v.label);
    // Its own flag (a variant's missing in_stock would find the product's in Mustache).
    if (v.stock <= 0) x.set("sold_out", true);
    variants.push_back(std::move(x));
  }
  d["variants"] = std::move(variants);
  TemplateData formats = ListData();
  for (const ProductFile& f : p.files) {
    TemplateData x;
    x.set("name", f.type == "application/pdf" ? "PDF" : "EPUB");
    formats.push_back(std::move(x));
  }
  d["formats"] = std::move(formats);
  TemplateData tiers = ListData();
  for (const std::string& slug : p.free_for) {
    const TierConfig* tier = s.config_.FindTier(slug);
    TemplateData x;
    x.set("name", tier ? tier->name : slug);
    tiers.push_back(std::move(x));
  }
  if (!p.free_for.empty()) d["free_for"] = std::move(tiers);
  return d;
}

Result<std::string> SiteRenderer::RenderShop() {
  const Site& s = *site_;
  TemplateData d = PageData("/shop/", "Shop", "", "is_shop");
  TemplateData products = ListData();
  for (size_t i = 0; i < s.products_.size(); ++i) products.push_back(ProductData(i));
  d["products"] = std::move(products);
  SetJsonLd(d, OutputKind::kShop, 0);
  return theme_.Render("shop", s.base_, d);
}

Result<std::string> SiteRenderer::RenderProduct(size_t i) {
  const Site& s = *site_;
  const Product& p = s.products_[i];
  TemplateData d = PageData(s.ProductUrl(i), p.title, p.summary, "is_product");
  TemplateData x = ProductData(i);
  x.set("body_html", RenderMarkdown(p.body));
  d["product"] = std::move(x);
  SetJsonLd(d, OutputKind::kProduct, i);
  return theme_.Render("product", s.base_, d);
}

}  // namespace cinepress
