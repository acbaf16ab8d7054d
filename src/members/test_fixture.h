// A temporary SQLite store with the member and newsletter roles open, and a site with two tiers
// (supporter: paid; library: granted only), for the members module's tests.
// Contract: one fixture per test; the folder is removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/config.h"
#include "store/open_store.h"

namespace cinepress {

class MembersFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-members-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenMemberStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    auto n = OpenNewsletterStore(dir_ / "site.db", {});
    ASSERT_TRUE(n.ok()) << n.error().ToString();
    newsletters_ = std::move(*n);
    site_.title = "Changeover";
    site_.base_url = "https://changeover.example";
    TierConfig supporter;
    supporter.slug = "supporter";
    supporter.name = "Supporter";
    supporter.monthly_price = 500;
    TierConfig library;
    library.slug = "library";
    library.name = "Library Access";
    site_.tiers = {supporter, library};
  }
  void TearDown() override {
    store_.reset();
    newsletters_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<MemberStore> store_;
  std::unique_ptr<NewsletterStore> newsletters_;
  SiteConfig site_;
};

}  // namespace cinepress
