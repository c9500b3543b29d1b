// LogCountsProjection: what `serve`'s /metrics says about the log as a whole, kept as a fold
// so that a scrape reads a handful of keys instead of scanning the log, and the counters
// survive restarts (they come from the log, not from the process).
//
// Folded by the ledger of `serve` beside the default projections (other commands do not
// need it; serve catches it up from its checkpoint when it opens, like any projection).
//
// Keys (no key starts with 0x00, see projection.h) and values (value_codec.h):
//   type    := 't' type-name                 -> u64 events of that type
//   cluster := 'o' cluster                   -> i64 newest observed_at_us of its events
//   status  := 's' str(cluster) source       -> byte(reachable) i64(observed_at_us) str(error)
//                                               str(cluster) str(source)
//              the latest SourceStatus of a (cluster, source): a poller's squeue, sacct
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "projections/projection.h"
#include "projections/state_source.h"

namespace jobtrail::projections {

class LogCountsProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "log_counts";
  std::string_view name() const override { return kName; }
  uint32_t version() const override { return 1; }
  Status apply(const EventView& event, ProjectionWriter& writer) override;
  Status flush(ProjectionWriter& writer) override;

 private:
  std::map<std::string, uint64_t> type_deltas_;     // since the last flush
  std::map<std::string, int64_t> newest_observed_;  // by cluster, since the last flush
};

struct SourceStatusView {
  std::string cluster;
  std::string source;
  bool reachable = false;
  int64_t observed_at_us = 0;
  std::string error;
};

struct LogCounts {
  std::map<std::string, uint64_t> events_by_type;
  std::map<std::string, int64_t> newest_observed_us;  // by cluster
  std::vector<SourceStatusView> source_status;
};

Result<LogCounts> read_log_counts(const StateSource& state);

}  // namespace jobtrail::projections
