// ParallelFor: runs fn(i) for i in [0, n) on every core; the build's only threading primitive.
// Contract: fn must be safe to call concurrently for different i; the call returns when all
// calls have returned. worker_init(w) runs once on each worker first (per-thread resources).
#pragma once

#include <cstddef>
#include <functional>

namespace cinepress {

unsigned DefaultThreads();

void ParallelFor(size_t n, unsigned threads,
                 const std::function<void(unsigned worker)>& worker_init,
                 const std::function<void(unsigned worker, size_t i)>& fn);

}  // namespace cinepress
