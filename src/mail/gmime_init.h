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

// Owns one GObject reference.
template <typename T>
struct Ref {
  T* p = nullptr;
  explicit Ref(T* x) : p(x) {}
  ~Ref() {
    if (p) g_object_unref(p);
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
};

}  // namespace cinepress
