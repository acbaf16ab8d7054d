// A temporary SQLite store with the staff role (StaffFixture) or the content role
// (ContentStoreFixture) open, for the staff module's tests.
// Contract: one fixture per test; the folder is removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/config.h"
#include "store/open_store.h"

namespace cinepress {

// A fresh folder per test with `Role`'s store opened in it by `open` (store/open_store.h).
template <class Role,
          Result<std::unique_ptr<Role>> (*Open)(const std::filesystem::path&, const StoreOptions&)>
class TempStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-staff-" + std::to_string(::getpid()) + "-" + test->test_suite_name() + "-" +
            test->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = Open(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Role> store_;
};

class StaffFixture : public TempStoreFixture<StaffStore, OpenStaffStore> {
 protected:
  StaffConfig policy_;
};

using ContentStoreFixture = TempStoreFixture<ContentStore, OpenContentStore>;

}  // namespace cinepress
