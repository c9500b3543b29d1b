// PrefetchCursor: reads and verifies the log on a background thread, a bounded number of
// batches ahead of the consumer, so a long fold (rebuild, catch-up, verify) uses both cores:
// one reads and verifies, the other applies.
//
// Bounds: at most batches_max batches of batch_events events are held (about 6 MB at the
// defaults and 400-byte events). Thread-safety: one consumer thread calls next().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "events/event_log.h"

namespace jobtrail {

class PrefetchCursor final : public LogCursor {
 public:
  // Events with from <= seq <= until. `log` must outlive the cursor.
  PrefetchCursor(const EventLog& log, uint64_t from, uint64_t until, size_t batch_events = 4096,
                 size_t batches_max = 4);
  ~PrefetchCursor() override;
  PrefetchCursor(const PrefetchCursor&) = delete;
  PrefetchCursor& operator=(const PrefetchCursor&) = delete;

  // As LogCursor: a stored event that does not verify is a Corruption naming its seq, and the
  // cursor goes on after it. A view stays valid until the next call.
  Result<std::optional<EventView>> next() override;

 private:
  struct Item {
    uint64_t seq = 0;
    std::string bytes;
    Status status;  // not OK: this seq did not verify (or the scan failed, if last)
  };
  using Batch = std::vector<Item>;

  void produce(const EventLog& log, uint64_t from, uint64_t until);

  const size_t batch_events_;
  const size_t batches_max_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> ready_;  // guarded by mutex_
  bool done_ = false;        // guarded by mutex_: the producer has pushed its last batch
  bool stopping_ = false;    // guarded by mutex_: the consumer is going away
  Batch current_;
  size_t position_ = 0;
  std::thread producer_;
};

}  // namespace jobtrail
