// GMime, initialised once for the whole program before its first use (internal to src/mail).
// Contract: thread-safe; GMime is never shut down (it lives as long as the program).
#pragma once

#include <gmime/gmime.h>

#include <mutex>

namespace cinepress {

inline void EnsureGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace cinepress
