#include "content/private_media.h"

#include <fstream>

namespace cinepress {

Status SavePrivateMediaFrom(ContentStore& media, const std::string& path,
                            const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::kIo, "cannot read " + file.string(), file.string()};
  return media.SaveMediaFrom(path, in);
}

Status RemovePrivateMedia(ContentStore& media, const std::vector<MediaFile>& stored,
                          std::string_view folder, const std::set<std::string>& keep) {
  for (const MediaFile& m : stored) {
    if (!m.path.starts_with(folder) || !IsPrivateMedia(m.path) || keep.contains(m.path)) continue;
    if (auto s = media.DeleteMedia(m.path); !s) return s;
  }
  return {};
}

}  // namespace cinepress
