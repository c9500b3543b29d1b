// UsageProjection: core-hours and GPU-hours per user, account, partition and day, folded from
// the accounting records of every source (AccountingRecorded: sacct rows, jobcomp records,
// PBS E records, SWF lines).
//
// What counts. A job's record with a start, an end after it and CPUs (or GPUs): one run of
// the job, `cpus x (end - start)`. A step's record does not count (its job's record already
// covers the allocation). A record without an end (a running job, a PBS S record) counts
// nothing yet. One run is identified by (cluster, job, start): when another record describes
// the same run (jobcomp and sacct for the same job, a later capture of the same sacct row),
// its contribution replaces the earlier one, by deltas — it is never counted twice. A requeued
// job's earlier runs have other starts and count on their own.
//
// Days are UTC days. A run that crosses midnight is split across the days it covers, in
// proportion to the time spent in each. Amounts are kept as integer core-milliseconds, so
// replacing a contribution subtracts exactly what was added.
//
// Keys (no key starts with 0x00, see projection.h):
//   run     := 'r' lp(cluster) lp(job) be64(start_us biased)    -> Contribution
//   rollup  := 'u' dimension lp(cluster) lp(value) be32(day)    -> Totals
//   dimension := 'U' user | 'A' account | 'P' partition | 'D' day (value "")
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "projections/projection.h"
#include "projections/state_source.h"

namespace jobtrail::projections {

struct UsageContribution;  // what one run adds (usage_projection.cc)

class UsageProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "usage";
  std::string_view name() const override { return kName; }
  uint32_t version() const override { return 1; }
  Status apply(const EventView& event, ProjectionWriter& writer) override;
  // Writes the rollups touched since the last flush (each is updated by every run that
  // ends on its day: kept decoded in between, encoded once per batch).
  Status flush(ProjectionWriter& writer) override;

  // A rollup's sums; exact integers (milliseconds), so adding and removing a run commutes.
  struct Totals {
    uint64_t core_ms = 0, gpu_ms = 0, jobs_ended = 0;
  };

 private:
  // Looked up by string_view: a rollup already touched in this batch costs no allocation.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  Result<Totals*> rollup(ProjectionWriter& writer, std::string_view key);
  Status add_contribution(ProjectionWriter& writer, std::string_view cluster,
                          const UsageContribution& c, int sign);

  // Rollups touched since the last flush.
  std::unordered_map<std::string, Totals, KeyHash, std::equal_to<>> dirty_;
  std::string key_scratch_;  // the rollup key being looked up
};

enum class UsageBy : char { kUser = 'U', kAccount = 'A', kPartition = 'P', kDay = 'D' };

// "user", "account", "partition" (or "queue"), "day"; nullopt for anything else.
std::optional<UsageBy> usage_by_from_name(std::string_view name);

struct UsageRow {
  std::string cluster;
  std::string key;  // the user, account or partition; for kDay the day, "YYYY-MM-DD"
  double core_hours = 0;
  double gpu_hours = 0;
  uint64_t jobs_ended = 0;  // runs that ended in the rows' days
};

struct UsageQuery {
  UsageBy by = UsageBy::kUser;
  std::string cluster;  // empty: every cluster, summed per key
  int64_t from_us = 0;  // days that overlap [from, to); 0: unbounded
  int64_t to_us = 0;
};

// Rows sorted by core-hours, most first (by day: in day order).
Result<std::vector<UsageRow>> read_usage(const StateSource& state, const UsageQuery& query);

}  // namespace jobtrail::projections
