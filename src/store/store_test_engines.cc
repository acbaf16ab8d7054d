#include "store/store_test_engines.h"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "store/pg_connection.h"

namespace cinepress {
namespace {

std::string TestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info ? std::string(info->test_suite_name()) + "." + info->name() : "test";
}

std::atomic<int> counter{0};

}  // namespace

void SqliteTestEngine::SetUp() {
  std::string name = TestName();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  dir_ = std::filesystem::temp_directory_path() / ("cinepress-store-" + std::to_string(::getpid()) +
                                                   "-" + std::to_string(++counter) + "-" + name);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  file_ = dir_ / "site.db";
}

SqliteTestEngine::~SqliteTestEngine() {
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string PgTestEngine::ServerUrl() {
  if (const char* url = std::getenv("CINEPRESS_TEST_PG_URL"); url != nullptr && *url) return url;
  std::ifstream in(CINEPRESS_TEST_PG_URL_FILE);
  std::string url;
  std::getline(in, url);
  return url;
}

PgTestEngine::PgTestEngine() = default;

void PgTestEngine::SetUp() {
  const std::string server = ServerUrl();
  if (server.empty()) {
    unavailable_ =
        "no PostgreSQL to test against: run the tests with ctest (its fixture "
        "`postgresql` starts one; scripts/setup.sh --test installs it) or set "
        "CINEPRESS_TEST_PG_URL";
    return;
  }
  auto admin = PgConnection::Open(server, "");
  if (!admin) {
    unavailable_ = "the test PostgreSQL does not answer: " + admin.error().ToString();
    return;
  }
  admin_ = std::move(*admin);
  // A schema of its own for each test: the store's tables are made in it (search_path).
  schema_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  if (auto s =
          admin_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
      !s) {
    unavailable_ = "cannot make a schema in the test PostgreSQL: " + s.error().ToString();
    return;
  }
  url_ = server + (server.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema_;
}

PgTestEngine::~PgTestEngine() {
  if (admin_ && !schema_.empty())
    (void)admin_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
}

}  // namespace cinepress
