// Private media: files kept in the store's media tables (stored once per content, in chunks of
// ContentStore::kMediaChunkBytes, read a piece at a time) that are not part of the site — a shop
// ebook's files and a workshop's materials. Their paths start with a private prefix:
//
//   _shop/{slug}/{name}        an ebook's file (content/shop/{slug}.md names it)
//   _workshops/{slug}/{name}   a workshop's material (content/workshops/{slug}/{name})
//
// The site's media list leaves them out (no build writes them, no page links them, LiveSite
// never serves them at their path), an import's --prune never takes them for orphans, the media
// library and `export` do not list them as the site's media. They are opened only through a
// signed, expiring link (shop/orders.h) and streamed a chunk at a time.
// Contract: pure functions, but RemovePrivateMedia (over the store given; one thread).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_store.h"

namespace cinepress {

inline constexpr std::string_view kShopMediaPrefix = "_shop/";
inline constexpr std::string_view kWorkshopMediaPrefix = "_workshops/";

// True for a path under a private prefix ("_shop/ozu/ozu.epub").
inline bool IsPrivateMedia(std::string_view path) {
  return path.starts_with(kShopMediaPrefix) || path.starts_with(kWorkshopMediaPrefix);
}

// "_shop/ozu/" or "_workshops/criticism-101/": where one product's or workshop's files are.
inline std::string PrivateMediaFolder(std::string_view prefix, std::string_view slug) {
  return std::string(prefix) + std::string(slug) + "/";
}

// "_shop/ozu/ozu.epub": the stored path of a product's file or a workshop's material.
inline std::string PrivateMediaPath(std::string_view prefix, std::string_view slug,
                                    std::string_view name) {
  return PrivateMediaFolder(prefix, slug) + std::string(name);
}

// Stores the file at `file` as the private media `path`, a chunk at a time (SaveMediaFrom).
Status SavePrivateMediaFrom(ContentStore& media, const std::string& path,
                            const std::filesystem::path& file);

// Deletes the files of `stored` (the store's media list) under `folder` ("_shop/ozu/") whose
// path is not in `keep`.
Status RemovePrivateMedia(ContentStore& media, const std::vector<MediaFile>& stored,
                          std::string_view folder, const std::set<std::string>& keep);

}  // namespace cinepress
