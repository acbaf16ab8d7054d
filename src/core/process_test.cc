#include "core/process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

namespace cinepress {
namespace {

TEST(Process, ThisProcessRunsAndEndsWithItsId) {
  const std::string me = ThisProcess();
  EXPECT_EQ(me.substr(me.rfind(' ') + 1), std::to_string(::getpid()));
  EXPECT_FALSE(ProcessEnded(me));
  EXPECT_FALSE(ProcessEnded(me + " send 3")) << "what follows the name is the claimer's own";
}

TEST(Process, AChildThatExitedHasEnded) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);  // reaped: its id is free
  const std::string me = ThisProcess();
  const std::string it = me.substr(0, me.rfind(' ')) + " " + std::to_string(child) + " send 1";
  EXPECT_TRUE(ProcessEnded(it));
}

TEST(Process, AnotherMachinesProcessIsNeverTakenForEnded) {
  EXPECT_FALSE(ProcessEnded("elsewhere 0000 pid:[1] 999999"));
  EXPECT_FALSE(ProcessEnded(""));
  EXPECT_FALSE(ProcessEnded(ThisProcess().substr(0, ThisProcess().rfind(' ')) + " x"));
}

TEST(Process, OwnBuildIdIsTheOneTheLinkerWroteAsReadelfReadsIt) {
  const std::string id = OwnBuildId();
  ASSERT_FALSE(id.empty()) << "this test program was linked without a build ID";
  EXPECT_EQ(id, OwnBuildId());
  std::string notes;
  const std::string command = "readelf -n /proc/" + std::to_string(::getpid()) + "/exe";
  FILE* p = ::popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) notes.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << notes;
  const size_t at = notes.find("Build ID: ");
  ASSERT_NE(at, std::string::npos) << notes;
  EXPECT_EQ(notes.substr(at + 10, id.size()), id);
  EXPECT_EQ(id.size(), 40u) << "SHA-1, as Debian's linker makes it";
}

// What is left to the process's end is never destroyed, whoever else let it go; the process's
// end alone frees it (under LeakSanitizer it stays reachable: no leak is reported).
TEST(Process, WhatIsLeftToTheExitOutlivesEveryOtherOwner) {
  struct Noted {
    explicit Noted(bool* d) : destroyed(d) {}
    Noted(const Noted&) = delete;
    Noted& operator=(const Noted&) = delete;
    ~Noted() { *destroyed = true; }
    bool* destroyed;
  };
  bool destroyed = false;
  auto object = std::make_shared<Noted>(&destroyed);
  std::weak_ptr<Noted> seen = object;
  LeaveToExit(std::move(object));
  EXPECT_FALSE(seen.expired());
  EXPECT_FALSE(destroyed);
  // A second object, as a build leaves its site and then its report.
  bool second = false;
  LeaveToExit(std::make_shared<Noted>(&second));
  EXPECT_FALSE(seen.expired());
  EXPECT_FALSE(second);
}

}  // namespace
}  // namespace cinepress
