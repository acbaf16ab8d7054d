// The SQLite store's full-text search pieces: the FTS5 tokenizer that applies the magazine's
// one text analysis (content/search.h) to both the indexed text and the MATCH expression, the
// reader's query turned into a safe FTS5 expression, and the indexed text's cleaning.
// Contract: plain functions; RegisterSearchTokenizer is called once per connection, before the
// search table is touched.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "content/search.h"

namespace cinepress {

// Registers the "cinepress" FTS5 tokenizer on `db`. Returns an SQLite error code.
int RegisterSearchTokenizer(sqlite3* db);

// The groups as an FTS5 expression in which every word is a quoted string (so that AND, OR,
// NEAR, NOT, column filters and stray quotes in what the reader typed mean nothing special):
// [dabrowski] ["long take"] [kiesl*] -> "dabrowski" "long take" "kiesl"*. Empty for no groups.
std::string ToFts5Expression(const std::vector<QueryGroup>& groups);

// Replaces C0 control characters but tab and newline with spaces in indexed text.
std::string CleanIndexedText(std::string_view text);

}  // namespace cinepress
