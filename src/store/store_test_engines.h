// The engines the store contract suites run on (tests only): each makes an empty store of its
// own for one test and removes it after. PostgreSQL's comes from the test cluster that CTest's
// fixture `postgresql` starts (tests/pg/pg_test_server.sh): a schema of its own per test.
// Contract: one engine per test; SetUp before use.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/open_store.h"

namespace cinepress {

class SqliteTestEngine {
 public:
  static constexpr const char* kName = "Sqlite";
  void SetUp();
  ~SqliteTestEngine();
  // Why this engine cannot run here; empty when it can.
  const std::string& unavailable() const { return unavailable_; }
  // What OpenContentStore and the other ways in take for this engine's store.
  const std::filesystem::path& file() const { return file_; }
  StoreOptions With(StoreOptions options) const { return options; }

 private:
  std::filesystem::path dir_, file_;
  std::string unavailable_;
};

class PgConnection;

class PgTestEngine {
 public:
  static constexpr const char* kName = "Postgres";
  PgTestEngine();
  void SetUp();
  ~PgTestEngine();
  const std::string& unavailable() const { return unavailable_; }
  const std::filesystem::path& file() const { return file_; }
  StoreOptions With(StoreOptions options) const {
    options.url = url_;
    return options;
  }
  // The test cluster's URL: CINEPRESS_TEST_PG_URL, or the file the CTest fixture wrote; empty
  // when there is none.
  static std::string ServerUrl();

 private:
  std::filesystem::path file_ = "/nonexistent/cinepress-test.db";  // never used
  std::string url_, schema_, unavailable_;
  std::unique_ptr<PgConnection> admin_;
};

// PostgreSQL whose searches are answered by the search mirror (store/pg_search_mirror.h),
// brought up to date by each search, so that the search suite holds it to SQL's answers.
class PgMirrorTestEngine : public PgTestEngine {
 public:
  static constexpr const char* kName = "PostgresMirror";
  StoreOptions With(StoreOptions options) const {
    options = PgTestEngine::With(std::move(options));
    options.search_mirror = StoreOptions::Mirror::kInline;
    return options;
  }
};

// Names typed tests by engine: "Sqlite", "Postgres".
struct EngineName {
  template <class Engine>
  static std::string GetName(int) {
    return Engine::kName;
  }
};

using StoreEngines = ::testing::Types<SqliteTestEngine, PgTestEngine>;
using SearchEngines = ::testing::Types<SqliteTestEngine, PgTestEngine, PgMirrorTestEngine>;

// Sets the engine up; when it cannot run here, fails the test under CI=true (CI must run every
// engine), and skips it, saying why, elsewhere.
#define CINEPRESS_SET_UP_ENGINE(engine)                 \
  do {                                                  \
    (engine).SetUp();                                   \
    if (!(engine).unavailable().empty()) {              \
      const char* ci = std::getenv("CI");               \
      if (ci != nullptr && std::string(ci) == "true") { \
        GTEST_FAIL() << (engine).unavailable();         \
      }                                                 \
      GTEST_SKIP() << (engine).unavailable();           \
    }                                                   \
  } while (false)

}  // namespace cinepress
