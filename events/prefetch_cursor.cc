#include "events/prefetch_cursor.h"

namespace jobtrail {

PrefetchCursor::PrefetchCursor(const EventLog& log, uint64_t from, uint64_t until,
                               size_t batch_events, size_t batches_max)
    : reader_(log, from, until, 1, batch_events, batches_max) {}

Result<std::optional<EventView>> PrefetchCursor::next() {
  if (current_ == nullptr || position_ >= current_->entries.size()) {
    current_ = reader_.next(0);
    position_ = 0;
    if (current_ == nullptr) {
      // The end of the range, or a scan that failed after the events it delivered.
      JT_RETURN_IF_ERROR(reader_.status());
      return std::optional<EventView>();
    }
  }
  const EventBatch::Entry& entry = current_->entries[position_++];
  if (!entry.unreadable.ok()) return entry.unreadable;
  return std::optional<EventView>(current_->view(entry));
}

}  // namespace jobtrail
