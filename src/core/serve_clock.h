// The time `cinepress serve` goes by where tests need another day: the newsletters' and gifts'
// scheduler and the shop's download links (their 7-day expiry). The real clock, unless the
// test-only CINEPRESS_SCHEDULER_NOW is set (Unix seconds or RFC 3339): then the clock starts
// there at the first reading and runs on. One override for the whole process.
// Contract: thread-safe.
#pragma once

#include <cstdint>

namespace cinepress {

int64_t ServeNow();

}  // namespace cinepress
