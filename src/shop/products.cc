#include "shop/products.h"

#include <algorithm>
#include <set>

#include "contact/upload.h"
#include "content/private_media.h"
#include "core/slug.h"
#include "core/text.h"
#include "ingest/folder_export.h"
#include "ingest/front_matter.h"
#include "ingest/front_matter_writer.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxPrice = 99999999;  // minor units; Stripe's own limit for an amount
constexpr int kMaxStock = 1000000;

bool IsCountryCode(const std::string& c) {
  return c.size() == 2 &&
         std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void ReadPrice(Fields& f, const YAML::Node& fm, Product& p) {
  p.price = f.Int(fm, "price", "price", 1, kMaxPrice).value_or(0);
  if (!fm["price"]) {
    f.Problem(1, "price", "a product needs a price in the currency's minor units (1200 = 12.00)");
  }
  const std::string currency = f.String(fm, "currency", "currency").value_or("");
  if (!IsCurrencyCode(currency)) {
    f.Problem(fm["currency"] ? f.LineOf(fm["currency"]) : 1, "currency",
              "a product needs a currency: an ISO 4217 code such as eur or usd");
  }
  p.currency = Lower(currency);
}

// An ebook's files: names of files beside the product's .md, each an EPUB or a PDF by content.
void ReadEbookFiles(Fields& f, const YAML::Node& fm, const fs::path& dir, Product& p,
                    std::vector<fs::path>& paths) {
  const std::vector<std::string> names = f.List(fm, "files", "files");
  if (names.empty())
    f.Problem(fm["files"] ? f.LineOf(fm["files"]) : 1, "files",
              "an ebook needs its files (EPUB, PDF) named in files:");
  for (const std::string& name : names) {
    const fs::path path(name);
    std::error_code ec;
    if (!IsPlainFileName(name) || fs::is_symlink(dir / path, ec) ||
        !fs::is_regular_file(dir / path, ec)) {
      f.Problem(fm["files"], "files",
                "\"" + name +
                    "\" is not a file beside the product's file (its name of letters, digits, ., - "
                    "and _)");
      continue;
    }
    auto data = ReadFile(dir / path);
    if (!data) {
      f.Problem(fm["files"], "files", data.error().message);
      continue;
    }
    auto type = SniffType(*data);
    if (!type) {
      f.Problem(fm["files"], "files", type.error().message);
      continue;
    }
    if (std::find(std::begin(kEbookTypes), std::end(kEbookTypes), *type) == std::end(kEbookTypes)) {
      f.Problem(fm["files"], "files",
                "\"" + name + "\" is " + *type + ", not an EPUB or a PDF (read from its content)");
      continue;
    }
    p.files.push_back(ProductFile{name, *type, static_cast<int64_t>(data->size())});
    paths.push_back(dir / path);
  }
}

void ReadFreeFor(Fields& f, const YAML::Node& fm, const std::vector<std::string>& tiers,
                 Product& p) {
  for (const std::string& tier : f.List(fm, "free_for", "free_for")) {
    if (std::find(tiers.begin(), tiers.end(), tier) == tiers.end()) {
      f.Problem(fm["free_for"], "free_for",
                "\"" + tier + "\" is not a tier of cinepress.toml ([[tiers]])");
    } else {
      p.free_for.push_back(tier);
    }
  }
}

// A variant's label: its `label:`, else its size and colour ("M / black").
std::string VariantLabel(Fields& f, const YAML::Node& v) {
  if (auto label = f.String(v, "label", "variants.label")) return *label;
  std::vector<std::string> parts;
  for (const char* key : {"size", "colour", "color"}) {
    if (auto part = f.String(v, key, std::string("variants.") + key)) parts.push_back(*part);
  }
  return Join(parts, " / ");
}

void ReadVariants(Fields& f, const YAML::Node& fm, std::set<std::string>& skus, Product& p) {
  const YAML::Node list = fm["variants"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    f.Problem(list ? f.LineOf(list) : 1, "variants",
              "merchandise needs variants: a list of {sku, size, colour, stock}");
    return;
  }
  for (const YAML::Node& v : list) {
    if (!v.IsMap()) {
      f.Problem(v, "variants", "each variant must be a map with sku, size, colour and stock");
      continue;
    }
    ProductVariant variant;
    variant.sku = std::string(Trim(f.String(v, "sku", "variants.sku").value_or("")));
    variant.label = VariantLabel(f, v);
    variant.stock = f.Int(v, "stock", "variants.stock", 0, kMaxStock).value_or(0);
    if (variant.sku.empty() || variant.sku.find_first_of(" ,\t\r\n") != std::string::npos) {
      f.Problem(v, "variants.sku", "a variant needs a SKU without spaces or commas");
    } else if (!skus.insert(variant.sku).second) {
      f.Problem(v["sku"], "variants.sku", "the SKU " + variant.sku + " is used twice in the shop");
    }
    if (!v["stock"]) f.Problem(v, "variants.stock", "a variant needs its stock (a count)");
    if (variant.label.empty()) {
      f.Problem(v, "variants", "a variant needs a label, or a size or colour, for buyers");
    }
    p.variants.push_back(std::move(variant));
  }
}

void ReadShipping(Fields& f, const YAML::Node& fm, Product& p) {
  for (const std::string& c : f.List(fm, "ship_to", "ship_to")) {
    if (IsCountryCode(c)) {
      p.ship_to.push_back(c);
    } else {
      f.Problem(fm["ship_to"], "ship_to", "\"" + c + "\" is not a country code such as FR or US");
    }
  }
  if (p.ship_to.empty()) {
    f.Problem(fm["ship_to"] ? f.LineOf(fm["ship_to"]) : 1, "ship_to",
              "merchandise needs the countries it ships to (ship_to: [FR, DE])");
  }
  const YAML::Node rates = fm["shipping"];
  if (!rates || !rates.IsSequence() || rates.size() == 0) {
    f.Problem(rates ? f.LineOf(rates) : 1, "shipping",
              "merchandise needs shipping rates: a list of {name, amount}");
    return;
  }
  for (const YAML::Node& r : rates) {
    if (!r.IsMap()) {
      f.Problem(r, "shipping", "each shipping rate must be a map with name and amount");
      continue;
    }
    ShippingRate rate{f.String(r, "name", "shipping.name").value_or(""),
                      f.Int(r, "amount", "shipping.amount", 0, kMaxPrice).value_or(-1)};
    if (rate.name.empty()) f.Problem(r, "shipping.name", "a shipping rate needs a name");
    if (!r["amount"]) f.Problem(r, "shipping.amount", "a shipping rate needs an amount");
    p.shipping.push_back(std::move(rate));
  }
}

std::optional<Product> ReadProduct(const fs::path& path, const std::vector<std::string>& tiers,
                                   std::set<std::string>& skus, std::vector<fs::path>& paths,
                                   std::vector<Error>& problems) {
  const std::string rel = "content/shop/" + path.filename().string();
  auto file = ReadFrontMatterFile(path, rel, problems);
  if (!file) return std::nullopt;
  const size_t before = problems.size();
  Fields f(rel, 1, problems);
  const YAML::Node& fm = file->fm;
  Product p;
  p.slug = path.stem().string();
  if (!IsValidSlug(p.slug)) {
    f.Problem(0, "", "the file's name must be a slug (lower case, digits, hyphens): " + p.slug);
  }
  p.kind = f.String(fm, "kind", "kind").value_or("");
  p.title = std::string(Trim(f.String(fm, "title", "title").value_or("")));
  if (p.title.empty())
    f.Problem(fm["title"] ? f.LineOf(fm["title"]) : 1, "title", "a product needs a title");
  p.summary = f.String(fm, "summary", "summary").value_or("");
  p.body = file->body;
  ReadPrice(f, fm, p);
  if (auto image = f.ImageAt(fm, "image", "image")) {
    p.image = image->src;
    p.image_alt = image->alt;
  }
  if (p.kind == "ebook") {
    ReadEbookFiles(f, fm, path.parent_path(), p, paths);
    ReadFreeFor(f, fm, tiers, p);
  } else if (p.kind == "merch") {
    ReadVariants(f, fm, skus, p);
    ReadShipping(f, fm, p);
  } else {
    f.Problem(fm["kind"] ? f.LineOf(fm["kind"]) : 1, "kind",
              "a product's kind must be ebook or merch");
  }
  if (problems.size() != before) return std::nullopt;
  return p;
}

}  // namespace

ShopFolder ReadShopFolder(const fs::path& folder, const std::vector<std::string>& tiers,
                          std::vector<Error>& problems) {
  ShopFolder out;
  const fs::path root = folder / "content" / "shop";
  std::set<std::string> skus;
  for (const fs::path& path : MarkdownFilesIn(root)) {
    std::vector<fs::path> paths;
    auto product = ReadProduct(path, tiers, skus, paths, problems);
    if (!product) continue;
    out.products.push_back(std::move(*product));
    out.file_paths.push_back(std::move(paths));
  }
  return out;
}

namespace {

// A product's files into the media store, a chunk at a time, under "_shop/{slug}/"; the stored
// files there that it no longer names are removed.
Status SaveProductFiles(ContentStore& media, const std::vector<MediaFile>& stored, const Product& p,
                        const std::vector<fs::path>& paths) {
  std::set<std::string> named;
  for (size_t i = 0; i < p.files.size() && i < paths.size(); ++i) {
    const std::string path = PrivateMediaPath(kShopMediaPrefix, p.slug, p.files[i].name);
    named.insert(path);
    if (auto s = SavePrivateMediaFrom(media, path, paths[i]); !s) return s;
  }
  return RemovePrivateMedia(media, stored, PrivateMediaFolder(kShopMediaPrefix, p.slug), named);
}

}  // namespace

Result<ShopWriteCounts> WriteProducts(ShopStore& store, ContentStore& media, const ShopFolder& shop,
                                      bool prune) {
  auto stored_media = media.LoadMediaList();
  if (!stored_media) return stored_media.error();
  ShopWriteCounts counts;
  for (size_t i = 0; i < shop.products.size(); ++i) {
    const Product& p = shop.products[i];
    // The bytes first: a saved product never names a file that is not there.
    if (auto s = SaveProductFiles(media, *stored_media, p, shop.file_paths[i]); !s) {
      return s.error();
    }
    if (auto s = store.SaveProduct(p); !s) return s.error();
    ++counts.saved;
  }
  if (!prune) return counts;
  auto stored = store.LoadProducts();
  if (!stored) return stored.error();
  std::set<std::string> kept;
  for (const Product& p : shop.products) kept.insert(p.slug);
  for (const Product& p : *stored) {
    if (kept.count(p.slug)) continue;
    if (auto s = store.DeleteProduct(p.slug); !s) return s.error();
    const std::string folder = PrivateMediaFolder(kShopMediaPrefix, p.slug);
    if (auto s = RemovePrivateMedia(media, *stored_media, folder, {}); !s) return s.error();
    ++counts.removed;
  }
  return counts;
}

namespace {

// A product's front matter, in the fields ReadProduct reads.
std::string ProductFileOf(const Product& p) {
  FrontMatterWriter y;
  YAML::Emitter& e = y.emitter();
  y.Text("kind", p.kind);
  y.Text("title", p.title);
  y.Text("summary", p.summary);
  y.Number("price", p.price);
  y.Text("currency", p.currency);
  if (!p.image.empty()) y.Image("image", Image{p.image, p.image_alt, ""});
  std::vector<std::string> names;
  for (const ProductFile& f : p.files) names.push_back(f.name);
  y.List("files", names);
  y.List("free_for", p.free_for);
  if (!p.variants.empty()) {
    e << YAML::Key << "variants" << YAML::Value << YAML::BeginSeq;
    for (const ProductVariant& v : p.variants) {
      e << YAML::Flow << YAML::BeginMap;
      y.Text("sku", v.sku);
      y.Text("label", v.label);
      e << YAML::Key << "stock" << YAML::Value << v.stock << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  y.List("ship_to", p.ship_to);
  if (!p.shipping.empty()) {
    e << YAML::Key << "shipping" << YAML::Value << YAML::BeginSeq;
    for (const ShippingRate& r : p.shipping) {
      e << YAML::Flow << YAML::BeginMap;
      y.Text("name", r.name);
      e << YAML::Key << "amount" << YAML::Value << r.amount << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  return ContentFile(y, p.body);
}

}  // namespace

Result<size_t> ExportProducts(ShopStore& store, ContentStore& media, const fs::path& dir) {
  auto products = store.LoadProducts();
  if (!products) return products.error();
  for (const Product& p : *products) {
    if (!IsValidSlug(p.slug)) {
      return Error{ErrorCode::kInvalidInput, "product \"" + p.slug + "\" is not a slug", p.slug};
    }
    if (auto st = WriteInside(dir, "content/shop/" + p.slug + ".md", ProductFileOf(p)); !st) {
      return st.error();
    }
    for (const ProductFile& f : p.files) {
      auto bytes = media.LoadMediaData(PrivateMediaPath(kShopMediaPrefix, p.slug, f.name));
      if (!bytes) return bytes.error();
      // The name is checked as it was at import (a file's name, no folder); PathInside again.
      if (auto st = WriteInside(dir, "content/shop/" + f.name, *bytes); !st) {
        return st.error();
      }
    }
  }
  return products->size();
}

}  // namespace cinepress
