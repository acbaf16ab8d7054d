// The two engines' ways in, for open_store.cc (the one factory) and their own files: nothing
// outside src/store includes this.
// Contract: as open_store.h's functions, for one engine each.
#pragma once

#include <filesystem>
#include <memory>

#include "store/open_store.h"

namespace cinepress {

Result<std::unique_ptr<ContentStore>> OpenSqliteContentStore(const std::filesystem::path& file,
                                                             const StoreOptions& options);
// The SQLite store the search mirror writes (store/pg_search_mirror.h), which keeps PostgreSQL's
// search ids: an article saved with an id it does not hold is inserted under that id, and an
// episode is indexed under the id it is given.
class SqliteMirrorStore : public ContentStore {
 public:
  // SavePodcastEpisode, the episode's search rows under `search_id` (at least
  // kFirstEpisodeSearchId, store/podcast_rows.h).
  virtual Status SaveEpisodeUnder(const PodcastEpisode& episode, int64_t search_id) = 0;
};
Result<std::unique_ptr<SqliteMirrorStore>> OpenSqliteMirrorStore(const std::filesystem::path& file,
                                                                 const StoreOptions& options);
Result<std::unique_ptr<NewsletterStore>> OpenSqliteNewsletterStore(
    const std::filesystem::path& file, const StoreOptions& options);
Result<std::unique_ptr<MemberStore>> OpenSqliteMemberStore(const std::filesystem::path& file,
                                                           const StoreOptions& options);
Result<std::unique_ptr<StaffStore>> OpenSqliteStaffStore(const std::filesystem::path& file,
                                                         const StoreOptions& options);
Result<std::unique_ptr<InboxStore>> OpenSqliteInboxStore(const std::filesystem::path& file,
                                                         const StoreOptions& options);
Result<std::unique_ptr<ShopStore>> OpenSqliteShopStore(const std::filesystem::path& file,
                                                       const StoreOptions& options);
Result<std::unique_ptr<WorkshopStore>> OpenSqliteWorkshopStore(const std::filesystem::path& file,
                                                               const StoreOptions& options);

// PostgreSQL at options.url (options.password, when set, is libpq's password).
Result<std::unique_ptr<ContentStore>> OpenPgContentStore(const StoreOptions& options);
Result<std::unique_ptr<NewsletterStore>> OpenPgNewsletterStore(const StoreOptions& options);
Result<std::unique_ptr<MemberStore>> OpenPgMemberStore(const StoreOptions& options);
Result<std::unique_ptr<StaffStore>> OpenPgStaffStore(const StoreOptions& options);
Result<std::unique_ptr<InboxStore>> OpenPgInboxStore(const StoreOptions& options);
Result<std::unique_ptr<ShopStore>> OpenPgShopStore(const StoreOptions& options);
Result<std::unique_ptr<WorkshopStore>> OpenPgWorkshopStore(const StoreOptions& options);

}  // namespace cinepress
