// Workshops and masterclasses (issue #20), as plain functions over the WorkshopStore role:
//
//   folder        content/workshops/{slug}.md: title, teachers (people's slugs), sessions (date-
//                 times in the site's time zone with durations) or `self_paced: true`, where
//                 (`address:` or `online: true` with a `joining_link:`), seats, price (base,
//                 per tier, free_for tiers), registration opens/closes; materials are files in
//                 content/workshops/{slug}/ (docs/WORKSHOPS.md describes every field). Every
//                 problem names the file, line and field; a workshop with one is left out.
//   price         what a reader pays: nothing when a tier they hold is in free_for, else the
//                 lowest of the base price and the prices of the tiers they hold
//   window        registration is open from `opens` until `closes` (by default the start of the
//                 first session; a self-paced course's stays open)
//
// Contract: plain functions; ReadWorkshopsFolder checks everything and writes nothing.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "content/access.h"
#include "content/content_store.h"
#include "content/workshop_store.h"
#include "core/dates.h"
#include "core/result.h"

namespace cinepress {

// One material: its name and where it is (content/workshops/{slug}/{name}), read when written.
struct WorkshopMaterial {
  std::string name;
  std::filesystem::path file;
};

struct WorkshopsFolder {
  std::vector<Workshop> workshops;  // by slug
  // Each workshop's materials, in the order of its `materials`.
  std::vector<std::vector<WorkshopMaterial>> materials;
};

struct WorkshopRules {
  const TimeZone* zone = nullptr;  // the site's: sessions' times are read in it
  std::vector<std::string> tiers;  // the tier slugs cinepress.toml defines
  std::set<std::string> people;    // the people's slugs teachers may name
};

// Reads content/workshops/*.md under `folder` (nothing when there is none); every problem is
// appended to `problems`, and that workshop is left out.
WorkshopsFolder ReadWorkshopsFolder(const std::filesystem::path& folder, const WorkshopRules& rules,
                                    std::vector<Error>& problems);

// The slugs of data/people.yaml under `folder` (none when it is missing or unreadable: the
// content importer reports its problems).
std::set<std::string> PeopleSlugs(const std::filesystem::path& folder);

struct WorkshopWriteCounts {
  size_t saved = 0, removed = 0;
};
// Saves every workshop, its materials first into `media` (streamed, under "_workshops/{slug}/",
// where the files it no longer names are removed); with `prune`, removes the stored workshops
// whose files are gone and that nobody has registered for (registrations are records of
// payments: cancel first), and their materials.
Result<WorkshopWriteCounts> WriteWorkshops(WorkshopStore& store, ContentStore& media,
                                           const WorkshopsFolder& folder, bool prune);

struct WorkshopExportReport {
  size_t workshops = 0;
  size_t materials = 0;           // written into content/workshops/{slug}/
  size_t materials_left_out = 0;  // named by a workshop, but their files are not in the store
};
// Writes every stored workshop as content/workshops/{slug}.md below `dir` (through ingest's
// WriteInside: nothing outside it, no symbolic link followed), in the form ReadWorkshopsFolder
// reads back as the same workshop (times in `zone`), and each of its materials that `media`
// holds (at MaterialMediaPath) into content/workshops/{slug}/, a chunk at a time. A material
// the store does not hold (materials are not stored by import yet: docs/WORKSHOPS.md) is left
// out of `materials:` and counted. An error when a slug could not be a file's name.
Result<WorkshopExportReport> ExportWorkshops(WorkshopStore& store, ContentStore& media,
                                             const std::filesystem::path& dir,
                                             const TimeZone& zone);
// One workshop as its content file, its `materials:` those named in `materials`.
std::string WorkshopFileOf(const Workshop& workshop, const TimeZone& zone,
                           const std::vector<std::string>& materials);

// The media path a workshop's material is kept under in the store: beneath "_workshops/", which
// no page links to and the site does not serve (materials go out only at signed URLs).
std::string MaterialMediaPath(const std::string& slug, const std::string& name);

struct WorkshopPrice {
  int64_t amount = 0;
  bool free = false;  // a tier the reader holds is in free_for: no payment at all
};
WorkshopPrice PriceFor(const Workshop& workshop, const ReaderRights& rights);

// When the first session starts (0 for a self-paced course); when the last one ends.
int64_t FirstStart(const Workshop& workshop);
int64_t LastEnd(const Workshop& workshop);
// Upcoming until its last session ends (a self-paced course: always).
bool IsUpcoming(const Workshop& workshop, int64_t now);
// kInvalidInput with a reader's message when registration is not open at `now` (or ever again:
// the workshop is cancelled).
Status RegistrationOpen(const Workshop& workshop, int64_t now);

}  // namespace cinepress
