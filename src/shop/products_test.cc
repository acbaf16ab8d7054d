#include "shop/products.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/text.h"
#include "shop/test_ebook.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

const char* kEbook = R"md(---
kind: ebook
title: "Ozu: Tatami Shots"
summary: "Our monograph on the pillow shots."
price: 1200
currency: EUR
free_for: [patron]
files: [ozu.epub, ozu.pdf]
image: {src: "images/ozu.jpg", alt: "A still: an empty corridor"}
---
The *whole* book.
)md";

const char* kShirt = R"md(---
kind: merch
title: "Tatami T-shirt"
price: 2500
currency: eur
variants:
  - {sku: TS-S, size: S, colour: white, stock: 3}
  - {sku: TS-L, label: "Large", stock: 0}
ship_to: [FR, DE]
shipping:
  - {name: Standard post, amount: 500}
  - {name: Express, amount: 1500}
---
Cotton.
)md";

class ShopFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cinepress-shop-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "content/shop");
    Write("ozu.epub", TestEpub("Ozu"));
    Write("ozu.pdf", TestPdf());
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / "content/shop" / name, std::ios::binary) << text;
  }
  ShopFolder Read() { return ReadShopFolder(root_, {"patron", "critic"}, problems_); }
  // The problems as "file:line: field: message" lines.
  std::string Problems() const {
    std::string out;
    for (const Error& e : problems_) out += e.ToString() + "\n";
    return out;
  }
  fs::path root_;
  std::vector<Error> problems_;
};

TEST_F(ShopFolderTest, AnEbookAndAShirtAreRead) {
  Write("ozu-monograph.md", kEbook);
  Write("tshirt.md", kShirt);
  ShopFolder shop = Read();
  ASSERT_TRUE(problems_.empty()) << Problems();
  ASSERT_EQ(shop.products.size(), 2u);
  const Product& book = shop.products[0];
  EXPECT_EQ(book.slug, "ozu-monograph");
  EXPECT_EQ(book.kind, "ebook");
  EXPECT_EQ(book.price, 1200);
  EXPECT_EQ(book.currency, "eur");
  EXPECT_EQ(book.free_for, std::vector<std::string>{"patron"});
  EXPECT_EQ(book.image, "images/ozu.jpg");
  EXPECT_EQ(book.body, "The *whole* book.\n");
  ASSERT_EQ(book.files.size(), 2u);
  EXPECT_EQ(book.files[0].name, "ozu.epub");
  EXPECT_EQ(book.files[0].type, "application/epub+zip");
  EXPECT_EQ(book.files[1].type, "application/pdf");
  EXPECT_EQ(*ReadFile(shop.file_paths[0][1]), TestPdf());
  EXPECT_EQ(book.files[1].size, static_cast<int64_t>(TestPdf().size()));
  const Product& shirt = shop.products[1];
  ASSERT_EQ(shirt.variants.size(), 2u);
  EXPECT_EQ(shirt.variants[0], (ProductVariant{"TS-S", "S / white", 3}));
  EXPECT_EQ(shirt.variants[1], (ProductVariant{"TS-L", "Large", 0}));
  EXPECT_EQ(shirt.ship_to, (std::vector<std::string>{"FR", "DE"}));
  EXPECT_EQ(shirt.shipping, (std::vector<ShippingRate>{{"Standard post", 500}, {"Express", 1500}}));
}

TEST_F(ShopFolderTest, AFileThatIsNotAnEbookByItsContentIsRefused) {
  Write("ozu.epub", "#!/bin/sh\necho not a book\n");
  Write("ozu-monograph.md", kEbook);
  ShopFolder shop = Read();
  EXPECT_TRUE(shop.products.empty());
  ASSERT_EQ(problems_.size(), 1u) << Problems();
  EXPECT_EQ(problems_[0].file, "content/shop/ozu-monograph.md");
  EXPECT_EQ(problems_[0].field, "files");
  EXPECT_EQ(problems_[0].line, 8);
  EXPECT_NE(problems_[0].message.find("not an EPUB or a PDF"), std::string::npos);
}

TEST_F(ShopFolderTest, BadFieldsAreNamedWithTheirLines) {
  Write("bad.md",
        "---\nkind: merch\ntitle: Shirt\nprice: -5\ncurrency: euro\n"
        "variants:\n  - {sku: A, size: S, stock: 1}\n  - {sku: A, size: M}\n"
        "ship_to: [France]\nshipping: []\n---\n");
  Write("book.md",
        "---\nkind: ebook\ntitle: B\nprice: 100\ncurrency: usd\nfree_for: [gold]\n"
        "files: [../secret.pdf]\n---\n");
  Write("thing.md", "---\nkind: poster\ntitle: P\nprice: 1\ncurrency: usd\n---\n");
  ShopFolder shop = Read();
  EXPECT_TRUE(shop.products.empty());
  const std::string all = Problems();
  EXPECT_NE(all.find("content/shop/bad.md:4: price: must be a whole number"), std::string::npos)
      << all;
  EXPECT_NE(all.find("content/shop/bad.md:5: currency: "), std::string::npos) << all;
  EXPECT_NE(all.find("variants.sku: the SKU A is used twice"), std::string::npos) << all;
  EXPECT_NE(all.find("variants.stock: a variant needs its stock"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.md:9: ship_to: \"France\" is not a country code"), std::string::npos)
      << all;
  EXPECT_NE(all.find("shipping: merchandise needs shipping rates"), std::string::npos) << all;
  EXPECT_NE(all.find("book.md:6: free_for: \"gold\" is not a tier"), std::string::npos) << all;
  EXPECT_NE(all.find("book.md:7: files: \"../secret.pdf\" is not a file"), std::string::npos)
      << all;
  EXPECT_NE(all.find("thing.md:2: kind: a product's kind must be ebook or merch"),
            std::string::npos)
      << all;
}

// An ebook's files are private media: stored under _shop/{slug}/, never in the site's media.
TEST_F(ShopFolderTest, WritingSavesTheFilesAsPrivateMediaAndPrunes) {
  Write("ozu-monograph.md", kEbook);
  Write("tshirt.md", kShirt);
  auto store = OpenShopStore(root_ / "site.db", {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto media = OpenContentStore(root_ / "site.db", {});
  ASSERT_TRUE(media.ok()) << media.error().ToString();
  ShopFolder shop = Read();
  auto counts = WriteProducts(**store, **media, shop, /*prune=*/true);
  ASSERT_TRUE(counts.ok()) << counts.error().ToString();
  EXPECT_EQ(counts->saved, 2u);
  EXPECT_EQ(*(*media)->LoadMediaData("_shop/ozu-monograph/ozu.epub"), TestEpub("Ozu"));
  EXPECT_EQ(*(*media)->LoadMediaData("_shop/ozu-monograph/ozu.pdf"), TestPdf());
  EXPECT_EQ((*media)->LoadMediaFile("_shop/ozu-monograph/ozu.epub")->size,
            static_cast<int64_t>(TestEpub("Ozu").size()));

  // A file the product no longer names is removed from the store; another's are kept.
  ASSERT_TRUE((*media)->SaveMedia("_shop/other/x.pdf", TestPdf()).ok());
  ASSERT_TRUE((*media)->SaveMedia("images/ozu.jpg", "a public image").ok());
  std::string text = kEbook;
  text.replace(text.find("files: [ozu.epub, ozu.pdf]"), 26, "files: [ozu.epub]");
  Write("ozu-monograph.md", text);
  ASSERT_TRUE(WriteProducts(**store, **media, Read(), /*prune=*/false).ok());
  EXPECT_EQ((*media)->LoadMediaFile("_shop/ozu-monograph/ozu.pdf").error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE((*media)->LoadMediaFile("_shop/ozu-monograph/ozu.epub").ok());
  EXPECT_TRUE((*media)->LoadMediaFile("_shop/other/x.pdf").ok());

  // Pruned: the product whose file is gone goes, with its files.
  fs::remove(root_ / "content/shop/ozu-monograph.md");
  counts = WriteProducts(**store, **media, Read(), /*prune=*/true);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->removed, 1u);
  EXPECT_EQ((*store)->LoadProducts()->size(), 1u);
  EXPECT_EQ((*media)->LoadMediaFile("_shop/ozu-monograph/ozu.epub").error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE((*media)->LoadMediaFile("images/ozu.jpg").ok());
}

// `cinepress export`: the stored products written out are read back as the same products, with
// the same file bytes (a variant's stock as what is left to sell).
TEST_F(ShopFolderTest, ExportedProductsAreReadBackTheSame) {
  Write("ozu-monograph.md", kEbook);
  Write("tshirt.md", kShirt);
  auto store = OpenShopStore(root_ / "site.db", {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto media = OpenContentStore(root_ / "site.db", {});
  ASSERT_TRUE(media.ok()) << media.error().ToString();
  ASSERT_TRUE(WriteProducts(**store, **media, Read(), /*prune=*/false).ok());
  const fs::path out = root_ / "export";
  auto written = ExportProducts(**store, **media, out);
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  EXPECT_EQ(*written, 2u);
  std::vector<Error> problems;
  ShopFolder back = ReadShopFolder(out, {"patron", "critic"}, problems);
  ASSERT_TRUE(problems.empty()) << problems[0].ToString();
  EXPECT_EQ(back.products, *(*store)->LoadProducts());
  ASSERT_EQ(back.file_paths.size(), 2u);
  ASSERT_EQ(back.file_paths[0].size(), 2u);
  EXPECT_EQ(*ReadFile(back.file_paths[0][0]), TestEpub("Ozu"));
  EXPECT_EQ(*ReadFile(back.file_paths[0][1]), TestPdf());
}

}  // namespace
}  // namespace cinepress
