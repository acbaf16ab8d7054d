// The one factory: the engine is chosen here from the options, and nowhere else.
#include "store/open_store.h"

#include <sys/stat.h>

#include "store/engines.h"

namespace cinepress {
namespace {

bool IsPostgres(const StoreOptions& options) { return !options.url.empty(); }

}  // namespace

Result<std::unique_ptr<ContentStore>> OpenContentStore(const std::filesystem::path& file,
                                                       const StoreOptions& options) {
  return IsPostgres(options) ? OpenPgContentStore(options) : OpenSqliteContentStore(file, options);
}

Result<std::unique_ptr<NewsletterStore>> OpenNewsletterStore(const std::filesystem::path& file,
                                                             const StoreOptions& options) {
  return IsPostgres(options) ? OpenPgNewsletterStore(options)
                             : OpenSqliteNewsletterStore(file, options);
}

Result<std::unique_ptr<MemberStore>> OpenMemberStore(const std::filesystem::path& file,
                                                     const StoreOptions& options) {
  return IsPostgres(options) ? OpenPgMemberStore(options) : OpenSqliteMemberStore(file, options);
}

Result<std::unique_ptr<StaffStore>> OpenStaffStore(const std::filesystem::path& file,
                                                   const StoreOptions& options) {
  return IsPostgres(options) ? OpenPgStaffStore(options) : OpenSqliteStaffStore(file, options);
}

Result<std::unique_ptr<InboxStore>> OpenInboxStore(const std::filesystem::path& file,
                                                   const StoreOptions& options) {
  return IsPostgres(options) ? OpenPgInboxStore(options) : OpenSqliteInboxStore(file, options);
}

Result<std::unique_ptr<ShopStore>> OpenShopStore(const std::filesystem::path& file,
                                                 const StoreOptions& options) {
  return IsPostgres(options) ? OpenPgShopStore(options) : OpenSqliteShopStore(file, options);
}

Result<std::unique_ptr<WorkshopStore>> OpenWorkshopStore(const std::filesystem::path& file,
                                                         const StoreOptions& options) {
  return IsPostgres(options) ? OpenPgWorkshopStore(options)
                             : OpenSqliteWorkshopStore(file, options);
}

Result<std::string> StoreInstance(const std::filesystem::path& file, const StoreOptions& options) {
  // A database server's store is not replaced under the program: its URL names it.
  if (IsPostgres(options)) return options.url;
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) {
    return Error{ErrorCode::kStore, "the store is gone", file.string(), 0, {}};
  }
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

std::string StoreDescription(const std::filesystem::path& file, const StoreOptions& options) {
  return IsPostgres(options) ? options.url : file.string();
}

}  // namespace cinepress
