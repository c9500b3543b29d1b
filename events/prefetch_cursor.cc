#include "events/prefetch_cursor.h"

#include "events/assert.h"

namespace jobtrail {

PrefetchCursor::PrefetchCursor(const EventLog& log, uint64_t from, uint64_t until,
                               size_t batch_events, size_t batches_max)
    : batch_events_(std::max<size_t>(batch_events, 1)),
      batches_max_(std::max<size_t>(batches_max, 1)) {
  producer_ = std::thread([this, &log, from, until] { produce(log, from, until); });
}

PrefetchCursor::~PrefetchCursor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  producer_.join();
}

void PrefetchCursor::produce(const EventLog& log, uint64_t from, uint64_t until) {
  auto cursor = log.scan(from);
  bool end = false;
  while (!end) {  // bounded by the log: each pass consumes up to batch_events events
    Batch batch;
    batch.reserve(batch_events_);
    while (batch.size() < batch_events_) {
      auto next = cursor->next();
      if (!next.ok()) {
        batch.push_back(Item{0, {}, next.status()});
        if (!next.status().is_corruption()) end = true;  // the scan itself failed
        if (end) break;
        continue;
      }
      if (!next->has_value() || (*next)->seq() > until) {
        end = true;
        break;
      }
      batch.push_back(Item{(*next)->seq(), std::string((*next)->bytes()), Status()});
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopping_ || ready_.size() < batches_max_; });
    if (stopping_) return;
    if (!batch.empty()) ready_.push_back(std::move(batch));
    if (end) done_ = true;
    changed_.notify_all();
  }
}

Result<std::optional<EventView>> PrefetchCursor::next() {
  if (position_ >= current_.size()) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || done_; });
    if (ready_.empty()) return std::optional<EventView>();
    current_ = std::move(ready_.front());
    ready_.pop_front();
    position_ = 0;
    changed_.notify_all();
  }
  const Item& item = current_[position_++];
  if (!item.status.ok()) return item.status;
  JT_ASSERT(!item.bytes.empty());
  // Verified by the producer's cursor; from_trusted_bytes skips a second verification.
  return std::optional<EventView>(EventView::from_trusted_bytes(item.bytes, item.seq));
}

}  // namespace jobtrail
