// CSV (RFC 4180) records read with libcsv, each with the line it starts on, and fields written
// with libcsv's quoting: the one CSV reader of the subscriber and member files.
// Contract: pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct CsvRecords {
  std::vector<std::pair<int, std::vector<std::string>>> rows;  // (line, fields); 1-based lines
  std::optional<Error> error;  // the file is not valid CSV (file and line set); rows read so far
};

// Reads `text` strictly (a byte-order mark is skipped).
CsvRecords ReadCsv(std::string_view text, const std::string& file_name);

// One field, quoted when it needs to be ("a,b" -> "\"a,b\"").
std::string CsvField(std::string_view value);

}  // namespace cinepress
