// Naming this process so that another process can tell whether it still runs: for work that a
// process claims in a shared store (a newsletter's deliveries) and that must be given back when
// the process dies.
//
// Contract: plain functions, safe from any thread.
#pragma once

#include <memory>
#include <string>

namespace cinepress {

// "HOST BOOT PIDNS PID": the machine (its name and this boot of its kernel), the process-id
// namespace (containers on one kernel) and the process id.
std::string ThisProcess();

// True when `process` (ThisProcess() of some process, with anything after it) names a process
// of this machine, boot and namespace that no longer runs. False when it runs, when it is
// another machine's (only a lease's end tells then), or when the name is not one of ours.
bool ProcessEnded(const std::string& process);

// This program's build ID as the linker wrote it in its ELF notes (NT_GNU_BUILD_ID: a digest of
// the linked program), in lower-case hex, read from memory; empty when it was linked without.
std::string OwnBuildId();

// Keeps `object` until the process ends and never destroys it: for a command's last and largest
// structures (a whole archive's site, a build's manifest), whose freeing took tens of
// milliseconds that the process's end gives back for nothing. It stays reachable, so that leak
// checkers stay quiet. Only for commands that end the process next.
void LeaveToExit(std::shared_ptr<const void> object);

}  // namespace cinepress
