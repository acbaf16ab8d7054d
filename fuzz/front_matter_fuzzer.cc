// Fuzzes the content-folder importer's file parser: YAML front matter (yaml-cpp) and the checks
// made on every field. Contract asserted: any bytes give an article or problems, never a crash.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/markdown_folder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const cinepress::TimeZone tz = *cinepress::TimeZone::Named("Europe/Warsaw");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The path decides kind and section: one article, one page, one collection.
  static const char* kPaths[] = {"content/reviews/aloners.md", "content/about.md",
                                 "content/collections/noir.md"};
  std::vector<cinepress::Error> problems;
  auto parsed = cinepress::ParseContentFile(text, kPaths[size % 3], tz, problems);
  if (!parsed && problems.empty()) __builtin_trap();  // refused without saying why
  return 0;
}
