#include "core/process.h"

#include <elf.h>
#include <link.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

namespace cinepress {
namespace {

// The build ID note among the main program's loaded segments (the first object
// dl_iterate_phdr reports is the program itself).
int FindBuildId(struct dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    const unsigned char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const unsigned char* name = p + sizeof(ElfW(Nhdr));
      const unsigned char* desc = name + ((note->n_namesz + 3) & ~3u);
      const unsigned char* next = desc + ((note->n_descsz + 3) & ~3u);
      if (next > end) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0 && note->n_descsz > 0) {
        static const char kHex[] = "0123456789abcdef";
        for (ElfW(Word) k = 0; k < note->n_descsz; ++k) {
          out->push_back(kHex[desc[k] >> 4]);
          out->push_back(kHex[desc[k] & 15]);
        }
        return 1;
      }
      p = next;
    }
  }
  return 1;  // only the program itself
}

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

std::string OwnBuildId() {
  std::string id;
  dl_iterate_phdr(FindBuildId, &id);
  return id;
}

void LeaveToExit(std::shared_ptr<const void> object) {
  static std::mutex mu;
  // Never freed: the process's end takes the memory back.
  static auto* kept = new std::vector<std::shared_ptr<const void>>();
  std::lock_guard lock(mu);
  kept->push_back(std::move(object));
}

}  // namespace cinepress
