#include "content/content_store.h"

#include <sstream>

namespace cinepress {

Status ContentStore::SaveMedia(const std::string& path, const std::string& data) {
  std::istringstream in(data);
  return SaveMediaFrom(path, in);
}

std::string CommentAnchor(std::string_view source_id) {
  std::string id = "comment-";
  for (char ch : source_id) {
    const bool alnum =
        (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    id += alnum ? ch : '-';
  }
  return id;
}

}  // namespace cinepress
