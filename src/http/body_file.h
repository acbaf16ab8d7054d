// BodyFile: a request body kept in a file while it arrives (a BodySink for
// ServerOptions::body_sinks): an upload of many megabytes is never held in memory. The file is
// made in a folder the caller chooses (the site's own) with a name no one else has, and removed
// when the last holder lets go of the BodyFile — whichever way the request ends.
// Contract: one request's; written on the server thread, then read by the handler.
#pragma once

#include <filesystem>
#include <memory>

#include "core/temp_file.h"
#include "http/message.h"

namespace cinepress {

class BodyFile final : public BodySink {
 public:
  static Result<std::shared_ptr<BodyFile>> Create(const std::filesystem::path& folder);
  Status Write(std::string_view piece) override { return file_.Append(piece); }
  const std::filesystem::path& path() const { return file_.path(); }
  int64_t size() const { return file_.size(); }

  explicit BodyFile(TempFile file) : file_(std::move(file)) {}

 private:
  TempFile file_;
};

// The file that holds a request's body: its BodyFile's, or null when it has none (the body is
// in memory, or went to a sink of another kind).
const BodyFile* BodyFileOf(const HttpRequest& request);

}  // namespace cinepress
