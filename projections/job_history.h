// A job's history: its submission and every state transition, ordered by effective time
// (then seq), each with its times and the seq that leads to its provenance.
//
// Served from the log's per-job stream index (a prefix scan, then one point read per event),
// not from a second copy: the history is always exactly what the log holds, costs nothing to
// rebuild, and a late fact (sacct reporting an earlier requeue after squeue saw the end) sorts
// where it happened, not where it arrived.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "events/job_state.h"

namespace jobtrail::projections {

struct HistoryEntry {
  uint64_t seq = 0;
  bool is_submission = false;
  fb::JobState from = fb::JobState::UNKNOWN;
  fb::JobState to = fb::JobState::UNKNOWN;
  int64_t effective_at_us = 0;
  int64_t observed_at_us = 0;
  int32_t exit_code = -1;
  int32_t signal = 0;
  std::string raw_state;
  std::string reason;
  bool operator==(const HistoryEntry&) const = default;
};

// The entry an event adds to its job's history, if it adds one.
std::optional<HistoryEntry> history_entry_of(const EventView& event);

// The job's history; with `include`, only the events it accepts (as-of).
Result<std::vector<HistoryEntry>> read_history(
    const EventLog& log, std::string_view cluster, std::string_view job,
    const std::function<bool(const EventView&)>& include = nullptr);

}  // namespace jobtrail::projections
