#include "store/change_wait.h"

#include <algorithm>
#include <thread>

namespace cinepress {

using Clock = std::chrono::steady_clock;

Result<bool> CounterPoll::Wait(const std::function<Result<int64_t>()>& read,
                               std::chrono::milliseconds timeout) {
  constexpr std::chrono::milliseconds kStep{100};
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto v = read();
    if (!v) return v.error();
    const bool changed = !seen_ || *v != *seen_;
    seen_ = *v;
    if (changed) return true;
    const auto now = Clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(
        deadline - now, std::chrono::duration_cast<Clock::duration>(kStep)));
  }
}

Result<bool> PgChangeListener::Wait(std::chrono::milliseconds timeout) {
  if (payload_.empty() || session_ != db_.session() || db_.Lost()) {
    // Listen first, then say "changed": whatever happened before listening was not seen (nor
    // while the connection was lost: its new session listens anew).
    payload_.clear();
    auto schema = db_.Query("SELECT current_schema()");
    if (!schema) return schema.error();
    if (auto s = db_.Exec("LISTEN cinepress_changes"); !s) return s.error();
    payload_ = kind_ + " " + schema->Text(0, 0);
    session_ = db_.session();
    return true;
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max<Clock::duration>(deadline - Clock::now(), Clock::duration::zero()));
    auto payloads = db_.Notifications(left);
    if (!payloads) return payloads.error();
    if (std::find(payloads->begin(), payloads->end(), payload_) != payloads->end()) return true;
    if (Clock::now() >= deadline) return false;
  }
}

}  // namespace cinepress
