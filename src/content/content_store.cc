#include "content/content_store.h"

#include <sstream>

namespace cinepress {

Status ContentStore::SaveMedia(const std::string& path, const std::string& data) {
  std::istringstream in(data);
  return SaveMediaFrom(path, in);
}

}  // namespace cinepress
