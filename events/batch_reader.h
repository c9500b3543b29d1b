// SharedBatchReader: reads and verifies a seq range of the log on its own thread, in batches
// of owned events, for several consumers ("lanes") that each take every batch at their own
// pace. A batch is freed when the slowest lane is done with it. PrefetchCursor is its
// one-lane, event-at-a-time face; the projection engine's two-lane fold uses it directly.
//
// Bounds: at most batches_max batches wait for the slowest lane, plus one in each lane's
// hands, each of at most batch_events events in one arena. Thread-safety: each lane calls
// next(lane) from its own thread; lane numbers are 0 .. lanes-1.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/event_log.h"
#include "events/event_view.h"
#include "events/status.h"

namespace jobtrail {

// One batch of events, copied out of the cursor (whose views last only until its next call).
// Each event starts on an 8-byte boundary of `bytes`, as FlatBuffers expects.
struct EventBatch {
  struct Entry {
    uint64_t seq = 0;
    size_t offset = 0, size = 0;
    Status unreadable;  // not OK: this seq did not verify (a Corruption naming it)
  };
  std::string bytes;
  std::vector<Entry> entries;

  void add(const EventView& view);
  void add_unreadable(uint64_t seq, Status reason);
  EventView view(const Entry& entry) const;
};

class SharedBatchReader {
 public:
  // Events with from <= seq <= until. `log` must outlive the reader.
  SharedBatchReader(const EventLog& log, uint64_t from, uint64_t until, size_t lanes,
                    size_t batch_events, size_t batches_max = 3);
  ~SharedBatchReader();
  SharedBatchReader(const SharedBatchReader&) = delete;
  SharedBatchReader& operator=(const SharedBatchReader&) = delete;

  // The lane's next batch, or null at the end of the range (or after stop(), or a failed
  // scan: see status()). The lane holds the batch until it drops the pointer.
  std::shared_ptr<const EventBatch> next(size_t lane);
  // Ends the reading early: every lane's next() returns null from now on.
  void stop();
  // Not OK when the scan itself failed (an unreadable event is not a failure: it is an entry).
  Status status() const;

 private:
  void produce(const EventLog& log, uint64_t from, uint64_t until);
  void release_done();  // mutex_ held: drops the batches every lane has passed

  const size_t batch_events_;
  const size_t batches_max_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<const EventBatch>> window_;  // guarded by mutex_
  uint64_t window_first_ = 0;        // guarded by mutex_: the index of window_.front()
  std::vector<uint64_t> lane_next_;  // guarded by mutex_: each lane's next batch index
  bool done_ = false;                // guarded by mutex_: the producer has pushed its last
  bool stopping_ = false;            // guarded by mutex_
  Status status_;                    // guarded by mutex_
  std::thread producer_;
};

}  // namespace jobtrail
