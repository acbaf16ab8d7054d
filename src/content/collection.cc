#include "content/collection.h"

#include <algorithm>

namespace cinepress {
namespace {

Error EntriesError(std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), {}, 0, "items"};
}

Status CheckIndex(const std::vector<std::string>& entries, size_t index) {
  if (index >= entries.size()) {
    return EntriesError("the collection has no entry " + std::to_string(index + 1) +
                        ": it has changed since the page was opened");
  }
  return {};
}

// The entries' paths, sorted: what two lists must share to be one reordered.
std::vector<std::string> SortedPaths(const std::vector<std::string>& entries) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const std::string& e : entries) out.push_back(CollectionEntryPath(e));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string CollectionEntryPath(std::string_view entry) {
  if (entry.empty()) return "";
  std::string path(entry);
  if (path.front() != '/') path.insert(path.begin(), '/');
  if (path.back() != '/') path += '/';
  return path;
}

Result<std::vector<std::string>> MoveEntry(std::vector<std::string> entries, size_t index,
                                           EntryMove move) {
  if (auto s = CheckIndex(entries, index); !s) return s.error();
  if (move == EntryMove::kUp && index == 0) return EntriesError("the first entry cannot go up");
  if (move == EntryMove::kDown && index + 1 == entries.size()) {
    return EntriesError("the last entry cannot go down");
  }
  const size_t other = move == EntryMove::kUp ? index - 1 : index + 1;
  std::swap(entries[index], entries[other]);
  return entries;
}

Result<std::vector<std::string>> RemoveEntry(std::vector<std::string> entries, size_t index) {
  if (auto s = CheckIndex(entries, index); !s) return s.error();
  entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(index));
  return entries;
}

Result<std::vector<std::string>> AddEntry(std::vector<std::string> entries,
                                          std::string_view entry) {
  const std::string path = CollectionEntryPath(entry);
  if (path.empty()) return EntriesError("choose something to add");
  for (const std::string& e : entries) {
    if (CollectionEntryPath(e) == path) return EntriesError(path + " is in the collection already");
  }
  entries.emplace_back(entry);
  return entries;
}

Result<std::vector<std::string>> ReorderEntries(const std::vector<std::string>& entries,
                                                const std::vector<std::string>& order) {
  if (SortedPaths(entries) != SortedPaths(order)) {
    return EntriesError(
        "the new order does not have the collection's entries: it has changed since the page "
        "was opened");
  }
  // Each entry kept as it was written, in the new order.
  std::vector<std::string> out;
  out.reserve(order.size());
  for (const std::string& o : order) {
    const std::string path = CollectionEntryPath(o);
    auto it = std::find_if(entries.begin(), entries.end(), [&path](const std::string& e) {
      return CollectionEntryPath(e) == path;
    });
    out.push_back(*it);
  }
  return out;
}

}  // namespace cinepress
