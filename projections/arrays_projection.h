// The `arrays` projection: per array, metadata stored once and the number of tasks in each
// state, kept by deltas — never by rescanning tasks — so reading the counts costs one point
// read at 10 tasks or 100 000, and one task's change costs a constant few reads and writes.
//
// Keys (under lp(cluster) lp(array), the array's parent key: "123", "123456[].server"):
//   summary                 -> ArrayCounts without its run sets (what a read of the counts
//                              decodes: small, whatever the array's size or history)
//   summary 0x01 be32(task) -> the task's state, effective time and seq
//   summary 0x03            -> the remainder and seen run sets (read by the fold)
//   summary 0x02 be64(base) -> the journal: the fold's inputs from each event in
//                              [base, base + 4096) that touched the array, so that an as-of
//                              replays the array without reading the log
//
// A pending remainder ("123_[5-20%4]", "123456[].server") counts each of its tasks as PENDING;
// when a task shows up on its own it moves out of the remainder. Invariant (asserted after
// every change): total == sum of the per-state counts.
#pragma once

#include <array>
#include <functional>
#include <unordered_map>

#include "events/job_state.h"
#include "projections/projection.h"
#include "projections/range_set.h"
#include "projections/state_source.h"
#include "projections/value_codec.h"

namespace jobtrail::projections {

struct ArrayCounts {
  std::string cluster;
  std::string array;  // the parent key as the scheduler writes it
  std::string name, user, script;
  int64_t submit_at_us = 0;
  uint32_t max_running = 0;
  RangeSet remainder;  // tasks still in the pending remainder (counted as PENDING)
  RangeSet seen;       // tasks seen on their own
  std::array<uint64_t, kJobStateCount> counts{};
  uint64_t total = 0;
  uint64_t last_seq = 0;
  bool operator==(const ArrayCounts&) const = default;
};

struct ArrayTask {
  uint32_t task = 0;
  fb::JobState state = fb::JobState::UNKNOWN;
  int64_t effective_at_us = 0;
  uint64_t seq = 0;
};

class ArraysProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "arrays";
  std::string_view name() const override { return kName; }
  // 2: run sets stored apart from counts; 3: event index in one chunk per array and batch;
  // 4: a remainder row's state change moves the tasks it left in its previous state;
  // 5: event-index chunks keyed by seq span, the same whatever the commit batches
  // 6: the event index holds each event's fold inputs (the journal), not just its seq
  // 7: journal chunks of 4096 seqs
  uint32_t version() const override { return 7; }
  Status apply(const EventView& event, ProjectionWriter& writer) override;
  Status flush(ProjectionWriter& writer) override;

  // A batch's encoded facts (see the journal grammar in the .cc) of seqs in one chunk.
  struct JournalChunk {
    uint64_t base = 0;  // the chunk's first seq
    std::string facts;
  };
  // Arrays and tasks touched since the last flush, decoded, by state key, and the facts
  // the batch adds to each array's journal.
  struct Dirty {
    std::unordered_map<std::string, ArrayCounts> arrays;
    std::unordered_map<std::string, ArrayTask> tasks;
    std::unordered_map<std::string, std::vector<JournalChunk>> journal;  // by summary key
  };

 private:
  Status fold_event(const EventView& event, const fb::JobKey& job, ProjectionWriter& writer);
  Dirty dirty_;
  ValueWriter fact_scratch_;  // one fact's encoding, reused: no allocation per event
};

// The summary value (counts and metadata) and the run-set value, each on its own.
std::string encode_array_counts(const ArrayCounts& counts);
std::optional<ArrayCounts> decode_array_counts(std::string_view value);
std::string encode_array_ranges(const ArrayCounts& counts);
bool decode_array_ranges(std::string_view value, ArrayCounts* counts);

enum class ArrayRead : uint8_t { kCounts, kCountsAndRanges };
// kCounts leaves `remainder` and `seen` empty (one small point read).
Result<std::optional<ArrayCounts>> read_array(const StateSource& state, std::string_view cluster,
                                              std::string_view array,
                                              ArrayRead what = ArrayRead::kCountsAndRanges);
// Tasks seen on their own, by task id.
Status for_each_array_task(const StateSource& state, std::string_view cluster,
                           std::string_view array,
                           const std::function<bool(const ArrayTask&)>& visit);
// Seqs of every event that touched the array, ascending.
Result<std::vector<uint64_t>> array_event_seqs(const StateSource& state, std::string_view cluster,
                                               std::string_view array);
// The array's counts folded from just the events `include` admits (given each one's
// effective and observed time), in seq order, from the array's journal: no log read.
// nullopt when no admitted event touched the array.
Result<std::optional<ArrayCounts>> replay_array(
    const StateSource& state, std::string_view cluster, std::string_view array,
    const std::function<bool(int64_t effective_at_us, int64_t observed_at_us)>& include);
// Every array's counts, in key order; `cluster` narrows.
Status for_each_array(const StateSource& state, std::string_view cluster,
                      const std::function<bool(const ArrayCounts&)>& visit);

}  // namespace jobtrail::projections
