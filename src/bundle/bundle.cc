#include "bundle/bundle.h"

#include "core/text.h"

namespace cinepress {

Result<size_t> ExtractEmbedded(std::string_view prefix, const std::filesystem::path& dest,
                               bool overwrite) {
  size_t n = 0;
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path.substr(0, prefix.size()) != prefix) continue;
    std::filesystem::path out = dest / std::string(f.path.substr(prefix.size()));
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(out, ec)) continue;
    if (auto s = WriteFile(out, f.data); !s) return s.error();
    ++n;
  }
  if (n == 0 && !overwrite) return n;
  if (n == 0) {
    return Error{ErrorCode::kNotFound, "nothing under \"" + std::string(prefix) + "\" is built in"};
  }
  return n;
}

}  // namespace cinepress
