#include "store/sqlite_search.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <iterator>
#include <new>
#include <optional>
#include <vector>

#include "core/text.h"
#include "store/article_rows.h"
#include "store/search_plan.h"

namespace cinepress {
namespace {

struct Tokenizer {};  // stateless: the analysis has no options

// This thread's words analysed ahead (UseAnalysedWords), each after its text's hash.
thread_local std::vector<std::string_view> analysed_words;
constexpr size_t kHashBytes = sizeof(size_t);

std::string TextHash(std::string_view text) {
  const size_t h = std::hash<std::string_view>{}(text);
  return std::string(reinterpret_cast<const char*>(&h), kHashBytes);
}

// The words analysed ahead for `text` ('\0' after each), if some were.
std::optional<std::string_view> AnalysedWordsOf(std::string_view text) {
  if (analysed_words.empty()) return std::nullopt;
  const std::string hash = TextHash(text);
  for (std::string_view words : analysed_words) {
    if (words.substr(0, kHashBytes) == hash) return words.substr(kHashBytes);
  }
  return std::nullopt;
}

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new (std::nothrow) Tokenizer());
  return *out ? SQLITE_OK : SQLITE_NOMEM;
}

void Delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

int Tokenize(Fts5Tokenizer*, void* ctx, int flags, const char* text, int n,
             int (*token)(void*, int, const char*, int, int, int)) {
  if (text == nullptr || n <= 0) return SQLITE_OK;
  int rc = SQLITE_OK;
  if (flags == FTS5_TOKENIZE_DOCUMENT) {
    // Words analysed ahead: a row's words are what FTS5 keeps (positions, no offsets).
    if (const auto words = AnalysedWordsOf(std::string_view(text, static_cast<size_t>(n)))) {
      for (size_t i = 0; i < words->size() && rc == SQLITE_OK;) {
        const size_t end = words->find('\0', i);
        if (end == std::string_view::npos) break;
        rc = token(ctx, 0, words->data() + i, static_cast<int>(end - i), 0, 0);
        i = end + 1;
      }
      return rc;
    }
  }
  if (text[0] == '\x01') {
    // Facet words (FacetWord), separated by spaces, taken as they are. Indexed text never
    // begins with \x01 (CleanIndexedText), nor does a reader's query (folded words only).
    for (int i = 0; i < n && rc == SQLITE_OK;) {
      int end = i;
      while (end < n && text[end] != ' ') ++end;
      if (end > i) rc = token(ctx, 0, text + i, end - i, i, end);
      i = end + 1;
    }
    return rc;
  }
  ForEachSearchWord(std::string_view(text, static_cast<size_t>(n)),
                    [&](std::string_view w, size_t begin, size_t end) {
                      if (rc != SQLITE_OK) return;
                      rc = token(ctx, 0, w.data(), static_cast<int>(w.size()),
                                 static_cast<int>(begin), static_cast<int>(end));
                    });
  return rc;
}

// cinepress_rank's state for one query.
struct RankState {
  int64_t scored = 0;
  double avg_tokens = 1;
  int64_t rows = 1;
};

constexpr int kMaxPhrases = 64;

void Rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nargs,
          sqlite3_value** args) {
  auto* state = static_cast<RankState*>(api->xGetAuxdata(fts, 0));
  if (state == nullptr) {
    state = new (std::nothrow) RankState();
    if (state == nullptr) return sqlite3_result_error_nomem(ctx);
    sqlite3_int64 total = 0, rows = 0;
    if (api->xRowCount(fts, &rows) == SQLITE_OK && rows > 0 &&
        api->xColumnTotalSize(fts, -1, &total) == SQLITE_OK) {
      state->rows = rows;
      state->avg_tokens = std::max(1.0, static_cast<double>(total) / static_cast<double>(rows));
    }
    int rc = api->xSetAuxdata(fts, state, [](void* p) { delete static_cast<RankState*>(p); });
    if (rc != SQLITE_OK) return sqlite3_result_error_code(ctx, rc);
  }
  const int64_t limit = nargs > 0 ? sqlite3_value_int64(args[0]) : 0;
  if (state->scored >= limit) return sqlite3_result_null(ctx);
  ++state->scored;
  const int phrases = std::min(api->xPhraseCount(fts), kMaxPhrases);
  double freq[kMaxPhrases] = {};
  int instances = 0;
  if (int rc = api->xInstCount(fts, &instances); rc != SQLITE_OK) {
    return sqlite3_result_error_code(ctx, rc);
  }
  for (int i = 0; i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (api->xInst(fts, i, &phrase, &column, &offset) != SQLITE_OK) continue;
    if (phrase < 0 || phrase >= phrases || column < 0 ||
        column >= static_cast<int>(std::size(kSearchColumnWeights))) {
      continue;
    }
    freq[phrase] += kSearchColumnWeights[column];
  }
  int tokens = 0;
  if (api->xColumnSize(fts, -1, &tokens) != SQLITE_OK) tokens = 0;
  // The caller's estimate of how many rows hold each phrase (missing: as common as can be).
  std::vector<double> dfs(static_cast<size_t>(phrases), static_cast<double>(state->rows));
  for (int p = 0; p < phrases && 1 + p < nargs; ++p)
    dfs[static_cast<size_t>(p)] = sqlite3_value_double(args[1 + p]);
  const double score = Bm25(std::vector<double>(freq, freq + phrases), dfs, tokens,
                            state->avg_tokens, static_cast<double>(state->rows));
  sqlite3_result_double(ctx, score);
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
  if (int rc = api->xCreateTokenizer(api, "cinepress", nullptr, &tokenizer, nullptr);
      rc != SQLITE_OK) {
    return rc;
  }
  return api->xCreateFunction(api, "cinepress_rank", nullptr, Rank, nullptr);
}

std::string AnalysedWords(std::string_view text) {
  std::string out = TextHash(text);
  ForEachSearchWord(text, [&out](std::string_view w, size_t, size_t) {
    out += w;
    out += '\0';
  });
  return out;
}

UseAnalysedWords::UseAnalysedWords(std::initializer_list<std::string_view> analysed) {
  for (std::string_view words : analysed) {
    if (words.size() >= kHashBytes) analysed_words.push_back(words);
  }
}

UseAnalysedWords::~UseAnalysedWords() { analysed_words.clear(); }

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

std::string FacetWord(char kind, std::string_view value) {
  return std::string{'\x01', kind} + PercentEncode(value);
}

int64_t UtcYear(int64_t t) {
  const time_t tt = static_cast<time_t>(t);
  struct tm parts {};
  if (gmtime_r(&tt, &parts) == nullptr) return 0;
  return int64_t{parts.tm_year} + 1900;
}

}  // namespace cinepress
