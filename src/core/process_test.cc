#include "core/process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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

}  // namespace
}  // namespace cinepress
