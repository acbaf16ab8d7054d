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
#include "content/inbox_store.h"
#include "content/member_store.h"
#include "content/newsletter_store.h"
#include "content/shop_store.h"
#include "content/staff_store.h"
#include "content/workshop_store.h"

namespace cinepress {

// How a store is opened. There is no way to open one without saying this: a migration
// may ask for the search index to be made again on open, with these functions, whichever
// command happens to open the store first (the composition root has one function that fills
// them, app's SiteStoreOptions).
struct StoreOptions {
  // A PostgreSQL database ("postgresql://user@host/db?…", given to libpq as it is: every
  // connection parameter works, unix sockets and TLS included). Empty: the SQLite file.
  std::string url;
  // The PostgreSQL password, when set (from the variable [store] password_env names); otherwise
  // libpq finds its own (PGPASSWORD, ~/.pgpass).
  std::string password;
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
  // PostgreSQL only (ignored on SQLite): whether searches are answered by this process's search
  // mirror (store/pg_search_mirror.h) when it holds the content as it is now. kBackground: the
  // mirror is kept by a thread of its own, and the SQL search answers while it is behind (serve);
  // kInline: each search brings the mirror up to date before it answers (tests).
  enum class Mirror { kOff, kBackground, kInline };
  Mirror search_mirror = Mirror::kOff;
};

// The store: the PostgreSQL database at `options.url` when it is set, else the SQLite database
// file `file` (WAL mode). Nothing outside src/store knows which of the two it has.
Result<std::unique_ptr<ContentStore>> OpenContentStore(const std::filesystem::path& file,
                                                       const StoreOptions& options);

// The newsletter tables of the same store, on a connection of its own (the schema is made by
// OpenContentStore's migrations, run first with `options`).
Result<std::unique_ptr<NewsletterStore>> OpenNewsletterStore(const std::filesystem::path& file,
                                                             const StoreOptions& options);

// The members tables of the same store (accounts, grants, sessions, institutions), on a
// connection of its own (the schema is made by OpenContentStore's migrations, run first with
// `options`).
Result<std::unique_ptr<MemberStore>> OpenMemberStore(const std::filesystem::path& file,
                                                     const StoreOptions& options);

// The newsroom's staff tables of the same store (accounts, invitations, sessions, recovery codes),
// on a connection of its own (the schema is made by OpenContentStore's migrations).
Result<std::unique_ptr<StaffStore>> OpenStaffStore(const std::filesystem::path& file,
                                                   const StoreOptions& options);

// The inbox (contact messages, pitches, replies) of the same store, on a connection of its own
// (the schema is made by OpenContentStore's migrations, run first with `options`).
Result<std::unique_ptr<InboxStore>> OpenInboxStore(const std::filesystem::path& file,
                                                   const StoreOptions& options);

// The shop (products, stock, orders, download grants) of the same store, on a connection of its
// own (the schema is made by OpenContentStore's migrations, run first with `options`).
Result<std::unique_ptr<ShopStore>> OpenShopStore(const std::filesystem::path& file,
                                                 const StoreOptions& options);

// The workshops (seats, registrations, waitlist, reminders sent) of the same store, on a
// connection of its own (the schema is made by OpenContentStore's migrations, run first with
// `options`).
Result<std::unique_ptr<WorkshopStore>> OpenWorkshopStore(const std::filesystem::path& file,
                                                         const StoreOptions& options);

// Which store instance `file`/`options` name right now: a value that changes when the store is
// replaced (a SQLite file restored from a backup), an error when it is gone. The live site
// reconnects when it changes.
Result<std::string> StoreInstance(const std::filesystem::path& file, const StoreOptions& options);

// For messages: where the store is (the file, or the URL, which holds no password).
std::string StoreDescription(const std::filesystem::path& file, const StoreOptions& options);

}  // namespace cinepress
