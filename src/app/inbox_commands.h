// The inbox commands of the composition root: list, show, reply to, close and reopen what readers
// sent through /contact/ and /contribute/ (src/contact, whose functions the newsroom's inbox pages
// call too). Each is one `cinepress inbox` command (README.md's command table). Contract: as app.h
// — results to `out`, an Error for what refused the command (the program exits 1 with it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "app/app.h"

namespace cinepress {

// Newest first: id, status, kind, date, sender, subject; only `status` and `kind` when not empty.
Status InboxListCommand(const SiteFolder& site, const std::string& status, const std::string& kind,
                        std::ostream& out);
// The submission and its thread; with `file_out`, its attached file is written there.
Status InboxShowCommand(const SiteFolder& site, int64_t id, const std::filesystem::path& file_out,
                        std::ostream& out);
// Emails `message` to the sender through [smtp] and keeps it in the thread.
Status InboxReplyCommand(const SiteFolder& site, int64_t id, const std::string& message,
                         std::ostream& out);
Status InboxCloseCommand(const SiteFolder& site, int64_t id, std::ostream& out);
Status InboxReopenCommand(const SiteFolder& site, int64_t id, std::ostream& out);

}  // namespace cinepress
