// The shop's products from the content folder: content/shop/{slug}.md is an ebook or a piece of
// merchandise (docs/SHOP.md describes the fields). An ebook's files, named in its front matter
// and kept beside it, are read at import and checked by their content (libmagic): EPUB or PDF,
// then stored as private media ("_shop/{slug}/{name}", content/private_media.h) a chunk at a
// time, never at a public URL.
// Contract: ReadShopFolder checks everything and writes nothing; WriteProducts writes what it
// read. Plain functions; one thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "content/shop_store.h"
#include "core/result.h"

namespace cinepress {

// An ebook's file types, found from the bytes.
inline constexpr const char* kEbookTypes[] = {"application/epub+zip", "application/pdf"};

struct ShopFolder {
  std::vector<Product> products;  // by slug
  // Where each product's files are, in the order of its `files` (read again when written).
  std::vector<std::vector<std::filesystem::path>> file_paths;
};

// Reads content/shop/*.md under `folder` (nothing when there is none); every problem is
// appended to `problems` naming the file, line and field, and that product is left out.
// `tiers`: the tier slugs cinepress.toml defines (an ebook's free_for names only those).
ShopFolder ReadShopFolder(const std::filesystem::path& folder,
                          const std::vector<std::string>& tiers, std::vector<Error>& problems);

struct ShopWriteCounts {
  size_t saved = 0, removed = 0;
};

// Saves every product (each in one transaction), its files first into `media` (streamed, under
// "_shop/{slug}/", where the files a product no longer names are removed); with `prune`,
// removes the stored products whose files are gone, and their files.
Result<ShopWriteCounts> WriteProducts(ShopStore& store, ContentStore& media, const ShopFolder& shop,
                                      bool prune);

// `cinepress export DIR`: every stored product as content/shop/{slug}.md under `dir`, an ebook's
// files beside it, which ReadShopFolder reads back as the same product (a variant's stock is
// what is left to sell now). The number of products written; an Error for a file that cannot be
// written or a store failure.
Result<size_t> ExportProducts(ShopStore& store, ContentStore& media,
                              const std::filesystem::path& dir);

}  // namespace cinepress
