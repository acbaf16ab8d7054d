#include "http/body_file.h"

namespace cinepress {

Result<std::shared_ptr<BodyFile>> BodyFile::Create(const std::filesystem::path& folder) {
  auto file = TempFile::Create(folder, "body-");
  if (!file) return file.error();
  return std::make_shared<BodyFile>(std::move(*file));
}

const BodyFile* BodyFileOf(const HttpRequest& request) {
  return dynamic_cast<const BodyFile*>(request.body_sink.get());
}

}  // namespace cinepress
