#include "store/sqlite_search.h"

#include <new>

namespace cinepress {
namespace {

struct Tokenizer {};  // stateless: the analysis has no options

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new (std::nothrow) Tokenizer());
  return *out ? SQLITE_OK : SQLITE_NOMEM;
}

void Delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

int Tokenize(Fts5Tokenizer*, void* ctx, int, const char* text, int n,
             int (*token)(void*, int, const char*, int, int, int)) {
  if (text == nullptr || n <= 0) return SQLITE_OK;
  int rc = SQLITE_OK;
  ForEachSearchWord(std::string_view(text, static_cast<size_t>(n)),
                    [&](std::string_view w, size_t begin, size_t end) {
                      if (rc != SQLITE_OK) return;
                      rc = token(ctx, 0, w.data(), static_cast<int>(w.size()),
                                 static_cast<int>(begin), static_cast<int>(end));
                    });
  return rc;
}

fts5_api* Fts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return api;
}

}  // namespace

int RegisterSearchTokenizer(sqlite3* db) {
  fts5_api* api = Fts5Api(db);
  if (api == nullptr) return SQLITE_ERROR;
  static fts5_tokenizer tokenizer = {Create, Delete, Tokenize};
  return api->xCreateTokenizer(api, "cinepress", nullptr, &tokenizer, nullptr);
}

std::string ToFts5Expression(const std::vector<QueryGroup>& groups) {
  std::string out;
  for (const QueryGroup& g : groups) {
    if (g.words.empty()) continue;
    if (!out.empty()) out += ' ';
    out += '"';
    for (size_t i = 0; i < g.words.size(); ++i) {
      if (i) out += ' ';
      for (char c : g.words[i]) {
        if (c == '"') out += '"';  // FTS5 escapes a quote inside a string by doubling it
        out += c;
      }
    }
    out += '"';
    if (g.prefix) out += '*';
  }
  return out;
}

std::string CleanIndexedText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace cinepress
