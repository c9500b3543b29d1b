// The `history` projection: per job, every state fact (its submission and each transition)
// ordered by effective time, read with one prefix scan.
//
//   key   := lp(cluster) lp(job) be64(effective_at_us + 2^63) be64(seq)
//   value := layout kind from to zigzag(observed_at_us) zigzag(exit_code) zigzag(signal)
//            str(raw_state) str(reason)
// Ordering by effective time puts a late fact (sacct reporting an earlier requeue after
// squeue saw the end) where it happened, not where it arrived. Provenance stays in the log:
// an entry's seq leads to it.
#pragma once

#include <functional>

#include "events/job_state.h"
#include "projections/projection.h"
#include "projections/state_source.h"

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

class HistoryProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "history";
  std::string_view name() const override { return kName; }
  uint32_t version() const override { return 1; }
  Status apply(const EventView& event, ProjectionWriter& writer) override;
};

// The entry an event adds to its job's history, if it adds one (pure; as-of uses it too).
std::optional<HistoryEntry> history_entry_of(const EventView& event);

Result<std::vector<HistoryEntry>> read_history(const StateSource& state, std::string_view cluster,
                                               std::string_view job);

}  // namespace jobtrail::projections
