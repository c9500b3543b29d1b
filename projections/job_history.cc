#include "projections/job_history.h"

#include <algorithm>

#include "events/limits.h"

namespace jobtrail::projections {

namespace {
constexpr size_t kPointReadsMax = 32;
}  // namespace

std::optional<HistoryEntry> history_entry_of(const EventView& event) {
  if (event.header().job() == nullptr) return std::nullopt;
  HistoryEntry e;
  e.seq = event.seq();
  e.effective_at_us = event.effective_at_us();
  e.observed_at_us = event.observed_at_us();
  if (const auto* b = event.as<fb::JobSubmitted>()) {
    e.is_submission = true;
    e.to = b->state();
    e.raw_state = std::string(sv(b->raw_state()));
    return e;
  }
  if (const auto* b = event.as<fb::JobStateChanged>()) {
    e.from = b->from();
    e.to = b->to();
    e.exit_code = b->exit_code();
    e.signal = b->signal();
    e.raw_state = std::string(sv(b->raw_state()));
    e.reason = std::string(sv(b->reason()));
    return e;
  }
  return std::nullopt;
}

Result<std::vector<HistoryEntry>> read_history(
    const EventLog& log, std::string_view cluster, std::string_view job,
    const std::function<bool(const EventView&)>& include) {
  auto seqs = log.stream(cluster, job);
  if (!seqs.ok()) return seqs.status();
  std::vector<HistoryEntry> entries;
  entries.reserve(seqs->size());
  const auto add = [&](const StoredEvent& stored) -> Status {
    auto view = stored.view();
    if (!view.ok()) return view.status();
    if (include && !include(*view)) return Status();
    if (auto entry = history_entry_of(*view)) entries.push_back(std::move(*entry));
    return Status();
  };
  // A job has a handful of events: point reads. A long-lived one (a requeued job, a remainder
  // row polled for days) is read in batched MultiGets.
  if (seqs->size() <= kPointReadsMax) {
    for (uint64_t seq : *seqs) {
      auto stored = log.read(seq);
      if (!stored.ok()) return stored.status();
      JT_RETURN_IF_ERROR(add(*stored));
    }
  } else {
    for (size_t first = 0; first < seqs->size(); first += limits::batch_events_max) {
      const size_t count = std::min(limits::batch_events_max, seqs->size() - first);
      auto events = log.read_many(std::span<const uint64_t>(seqs->data() + first, count));
      if (!events.ok()) return events.status();
      for (const StoredEvent& stored : *events) JT_RETURN_IF_ERROR(add(stored));
    }
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.effective_at_us < b.effective_at_us;  // seqs are ascending already
  });
  return entries;
}

}  // namespace jobtrail::projections
