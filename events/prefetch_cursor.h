// PrefetchCursor: reads and verifies the log on a background thread, a bounded number of
// batches ahead of the consumer, so a long fold (rebuild, catch-up, verify) uses both cores:
// one reads and verifies, the other applies. A LogCursor over a one-lane SharedBatchReader.
//
// Bounds: at most batches_max batches of batch_events events are held (about 6 MB at the
// defaults and 400-byte events). Thread-safety: one consumer thread calls next().
#pragma once

#include <cstdint>
#include <memory>

#include "events/batch_reader.h"
#include "events/event_log.h"

namespace jobtrail {

class PrefetchCursor final : public LogCursor {
 public:
  // Events with from <= seq <= until. `log` must outlive the cursor.
  PrefetchCursor(const EventLog& log, uint64_t from, uint64_t until, size_t batch_events = 4096,
                 size_t batches_max = 4);
  PrefetchCursor(const PrefetchCursor&) = delete;
  PrefetchCursor& operator=(const PrefetchCursor&) = delete;

  // As LogCursor: a stored event that does not verify is a Corruption naming its seq, and the
  // cursor goes on after it. A view stays valid until the next call.
  Result<std::optional<EventView>> next() override;

 private:
  SharedBatchReader reader_;
  std::shared_ptr<const EventBatch> current_;
  size_t position_ = 0;
};

}  // namespace jobtrail
