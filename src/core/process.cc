#include "core/process.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>

namespace cinepress {
namespace {

std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !name[0]) return "-";
  return name;
}

std::string BootId() {
  std::ifstream f("/proc/sys/kernel/random/boot_id");
  std::string id;
  return (f >> id) ? id : "-";
}

std::string PidNamespace() {
  char link[128] = {};
  ssize_t n = ::readlink("/proc/self/ns/pid", link, sizeof link - 1);
  if (n <= 0) return "-";
  std::string ns(link, static_cast<size_t>(n));  // "pid:[4026531836]"
  for (char& c : ns) {
    if (c == ' ') c = '_';
  }
  return ns;
}

// This machine's part of the name: what two processes here have in common.
const std::string& Machine() {
  static const std::string machine = HostName() + " " + BootId() + " " + PidNamespace();
  return machine;
}

}  // namespace

std::string ThisProcess() { return Machine() + " " + std::to_string(::getpid()); }

bool ProcessEnded(const std::string& process) {
  const std::string& machine = Machine();
  if (process.size() <= machine.size() || process.compare(0, machine.size(), machine) != 0 ||
      process[machine.size()] != ' ') {
    return false;
  }
  std::istringstream rest(process.substr(machine.size() + 1));
  long pid = 0;
  if (!(rest >> pid) || pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace cinepress
