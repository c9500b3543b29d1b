#include "events/batch_reader.h"

#include <algorithm>

#include "events/assert.h"

namespace jobtrail {

void EventBatch::add(const EventView& view) {
  bytes.resize((bytes.size() + 7) & ~size_t{7});
  entries.push_back(Entry{view.seq(), bytes.size(), view.bytes().size(), {}});
  bytes.append(view.bytes());
}

void EventBatch::add_unreadable(uint64_t seq, Status reason) {
  JT_ASSERT(!reason.ok());
  entries.push_back(Entry{seq, 0, 0, std::move(reason)});
}

EventView EventBatch::view(const Entry& entry) const {
  JT_ASSERT(entry.unreadable.ok() && entry.offset + entry.size <= bytes.size());
  // Verified when read (the cursor's from_bytes); no second verification.
  return EventView::from_trusted_bytes(std::string_view(bytes).substr(entry.offset, entry.size),
                                       entry.seq);
}

SharedBatchReader::SharedBatchReader(const EventLog& log, uint64_t from, uint64_t until,
                                     size_t lanes, size_t batch_events, size_t batches_max)
    : batch_events_(std::max<size_t>(batch_events, 1)),
      batches_max_(std::max<size_t>(batches_max, 1)),
      lane_next_(lanes, 0) {
  JT_ASSERT(lanes >= 1);
  producer_ = std::thread([this, &log, from, until] { produce(log, from, until); });
}

SharedBatchReader::~SharedBatchReader() {
  stop();
  producer_.join();
}

void SharedBatchReader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

Status SharedBatchReader::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void SharedBatchReader::produce(const EventLog& log, uint64_t from, uint64_t until) {
  auto cursor = log.scan(from);
  uint64_t expected = from;
  Status failed;
  // A flag, not expected = until + 1: `until` may be UINT64_MAX (the whole log).
  bool at_end = from > until;
  size_t bytes_expected = 0;
  // Bounded by the range: each pass takes up to batch_events events, up to `until`.
  while (failed.ok() && !at_end) {
    auto batch = std::make_shared<EventBatch>();
    batch->entries.reserve(batch_events_);
    // The last batch's size plus an eighth: appends then never move the bytes already copied.
    batch->bytes.reserve(bytes_expected + bytes_expected / 8);
    while (batch->entries.size() < batch_events_ && !at_end) {
      auto next = cursor->next();
      if (!next.ok()) {
        if (!next.status().is_corruption()) {
          failed = next.status();
          break;
        }
        batch->add_unreadable(expected, next.status());
        at_end = expected == until;
        ++expected;
        continue;
      }
      if (!next->has_value() || (*next)->seq() > until) {
        at_end = true;
        break;
      }
      batch->add(**next);
      at_end = (*next)->seq() == until;
      expected = (*next)->seq() + 1;
    }
    bytes_expected = batch->bytes.size();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopping_ || window_.size() < batches_max_; });
    if (stopping_) return;
    if (!batch->entries.empty()) window_.push_back(std::move(batch));
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  status_ = failed;
  done_ = true;
  changed_.notify_all();
}

void SharedBatchReader::release_done() {
  const uint64_t slowest = *std::min_element(lane_next_.begin(), lane_next_.end());
  while (!window_.empty() && window_first_ < slowest) {
    window_.pop_front();
    ++window_first_;
  }
}

std::shared_ptr<const EventBatch> SharedBatchReader::next(size_t lane) {
  JT_ASSERT(lane < lane_next_.size());
  std::unique_lock lock(mutex_);
  const auto available = [&] { return lane_next_[lane] - window_first_ < window_.size(); };
  changed_.wait(lock, [&] { return stopping_ || available() || done_; });
  if (stopping_ || !available()) return nullptr;
  std::shared_ptr<const EventBatch> batch = window_[lane_next_[lane]++ - window_first_];
  // Once every lane has taken a batch its slot is free (the lanes hold it until done).
  release_done();
  changed_.notify_all();
  return batch;
}

}  // namespace jobtrail
