// Opening a ContentStore by its location: the composition root's one way in.
// Contract: each call opens a new connection (use one per thread); the schema is created or
// migrated on open, inside a transaction.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "content/content_store.h"
#include "content/member_store.h"
#include "content/newsletter_store.h"

namespace cinepress {

// How a SQLite store is opened. There is no way to open one without saying this: a migration
// may ask for the search index to be made again on open, with these functions, whichever
// command happens to open the store first (the composition root has one function that fills
// them, app's SiteStoreOptions).
struct SqliteStoreOptions {
  // Create the file when missing; false for a server, which must not make an empty store where
  // its store has gone.
  bool create = true;
  // How Markdown (bodies, deks) becomes the plain text that search indexes and quotes in
  // snippets; the composition root passes the renderer's. Without it Markdown is indexed as is.
  std::function<std::string(std::string_view)> markdown_to_text;
  // The same for HTML bodies (WordPress imports); without it HTML is indexed as is.
  std::function<std::string(std::string_view)> html_to_text;
  // false: articles are not indexed for search (the site turned search off); the index is
  // marked stale, and the next store opened with true indexes every article again.
  bool search_index = true;
};

// The embedded store: a SQLite database file in WAL mode.
Result<std::unique_ptr<ContentStore>> OpenSqliteStore(const std::filesystem::path& file,
                                                      const SqliteStoreOptions& options);

// The newsletter tables of the same SQLite file, on a connection of its own (the schema is made
// by OpenSqliteStore's migrations, run first with `options`).
Result<std::unique_ptr<NewsletterStore>> OpenSqliteNewsletterStore(
    const std::filesystem::path& file, const SqliteStoreOptions& options);

// The members tables of the same SQLite file (accounts, grants, sessions, institutions), on a
// connection of its own (the schema is made by OpenSqliteStore's migrations, run first with
// `options`).
Result<std::unique_ptr<MemberStore>> OpenSqliteMemberStore(const std::filesystem::path& file,
                                                           const SqliteStoreOptions& options);

}  // namespace cinepress
