#include "core/parallel.h"

#include <atomic>
#include <thread>
#include <vector>

namespace cinepress {

unsigned DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

void ParallelFor(size_t n, unsigned threads,
                 const std::function<void(unsigned worker)>& worker_init,
                 const std::function<void(unsigned worker, size_t i)>& fn) {
  if (threads == 0) threads = 1;
  std::atomic<size_t> next{0};
  auto run = [&](unsigned w) {
    if (worker_init) worker_init(w);
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(w, i);
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(run, w);
  run(0);
  for (auto& t : pool) t.join();
}

}  // namespace cinepress
