// ProjectionEngine: folds the log into projections, exactly once, across crashes.
//
// Persistent mode (open): each projection's state lives in the log's store "p.<name>" with a
// checkpoint {last_seq, version}. catch_up() applies events after the checkpoints in seq
// order, buffering state changes in memory, and every batch_events events commits each
// projection's changes together with its checkpoint in one WriteBatch: a crash loses at most
// the batch in flight, which the next catch_up applies again from the checkpoint. A
// projection whose version() differs from its checkpoint is reset and rebuilt from seq 1.
//
// Lanes. Projections read and write only their own state, so a long catch-up (a rebuild)
// folds them on two threads: lane 0 is the first projection (jobs, the heaviest), lane 1 the
// others. A reader thread reads and verifies batches of events once for both
// (SharedBatchReader); each lane folds every batch at its own pace and commits its own
// projections' state and checkpoints per batch. The result is byte for byte the serial one
// (a test pins this).
//
// In-memory mode (in_memory): starts empty, keeps all state in memory and never writes
// (verify compares it with the stored state; as-of replays into it).
//
// Not thread-safe: one thread drives an engine.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/event_log.h"
#include "projections/projection.h"

namespace jobtrail {
class SharedBatchReader;
}

namespace jobtrail::projections {

// Events applied between two commits (each commit is one WriteBatch of state + checkpoints).
inline constexpr size_t projection_batch_events_max = 16384;
// Below this many events a catch-up folds on the calling thread alone.
inline constexpr uint64_t projection_lanes_events_min = 20'000;
// A catch-up of at least this many events (about a second of folding) ends with a flush of
// its state to table files.
inline constexpr uint64_t projection_flush_events_min = 1'000'000;

struct EngineOptions {
  size_t batch_events = projection_batch_events_max;
  // Called after each commit with the seq applied so far and the seq being caught up to.
  std::function<void(uint64_t applied_seq, uint64_t target_seq)> progress;
  // A persistent catch-up of at least this many events folds in two lanes (see above).
  uint64_t lanes_events_min = projection_lanes_events_min;
  // A persistent catch-up of at least this many events flushes its state when done.
  uint64_t flush_events_min = projection_flush_events_min;
};

struct ProjectionState {
  std::string name;
  uint32_t version = 0;
  uint64_t applied_seq = 0;      // the checkpoint: every event <= it is folded in
  bool rebuilt_on_open = false;  // its stored version differed: it was reset
};

// Keys the engine keeps inside each projection's store (projection keys never start with 0).
inline constexpr std::string_view kCheckpointKey{"\0c", 2};
inline constexpr std::string_view kNotePrefix{"\0n", 2};

class ProjectionEngine {
 public:
  static Result<std::unique_ptr<ProjectionEngine>> open(
      EventLog& log, std::vector<std::unique_ptr<Projection>> projections, EngineOptions options);
  static std::unique_ptr<ProjectionEngine> in_memory(
      std::vector<std::unique_ptr<Projection>> projections, EngineOptions options);
  ~ProjectionEngine();

  // Applies the events after the checkpoints, up to min(until_seq, head), and commits; a
  // catch-up of flush_events_min events or more then flushes the state to disk.
  // Events for which `include` returns false are skipped (as-of replays); their seqs still
  // advance the checkpoint.
  Status catch_up(const EventLog& log, uint64_t until_seq = UINT64_MAX,
                  const std::function<bool(const EventView&)>& include = nullptr);

  // In-memory mode: applies one event (as-of replays that pick their own events).
  void apply(const EventView& event);

  // Persistent mode: resets the named projections (all when empty) and catches up from seq 1.
  Status rebuild(EventLog& log, const std::vector<std::string>& names);

  const std::vector<ProjectionState>& states() const { return states_; }
  uint64_t applied_seq() const;  // the lowest checkpoint
  bool persistent() const { return log_ != nullptr; }

  // In-memory mode: every entry of one projection's state (its notes included, its checkpoint
  // not), ordered by key.
  std::map<std::string, std::string> memory_state(std::string_view name);

 private:
  class Writer;
  ProjectionEngine(EventLog* log, std::vector<std::unique_ptr<Projection>> projections,
                   EngineOptions options);
  Status load_checkpoints();
  void apply_event(const EventView& view);
  void apply_to(size_t index, const EventView& view);
  void note_unreadable(size_t index, uint64_t seq, const std::string& reason);
  Status flush_projections();
  Status commit();
  // catch_up's fold of from..target, in lanes or on this thread.
  Status fold(const EventLog& log, uint64_t from, uint64_t target,
              const std::function<bool(const EventView&)>& include);
  // Flushes and commits the projections at `members` (their state and checkpoints, one batch).
  Status commit_members(const std::vector<size_t>& members);
  Status catch_up_in_lanes(const EventLog& log, uint64_t from, uint64_t target);
  Status fold_lane(SharedBatchReader& reader, size_t lane, const std::vector<size_t>& members,
                   const std::function<void(uint64_t)>& committed);

  EventLog* log_;  // null in memory mode
  std::vector<std::unique_ptr<Projection>> projections_;
  std::vector<std::unique_ptr<Writer>> writers_;
  std::vector<ProjectionState> states_;
  EngineOptions options_;
};

std::string encode_checkpoint(uint64_t last_seq, uint32_t version);
bool decode_checkpoint(std::string_view value, uint64_t* last_seq, uint32_t* version);

}  // namespace jobtrail::projections
