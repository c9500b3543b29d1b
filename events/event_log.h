// EventLog: jobtrail's append-only log of events in RocksDB, and the only writer of the
// column families log, streams, dedup, sources, quarantine and meta (keys.cc has the grammar).
//
// Guarantees
//  - append() writes a whole batch (events + their stream and dedup entries + the caller's
//    source checkpoints + quarantined records) in ONE RocksDB WriteBatch: after a crash at any
//    moment the batch is there entirely or not at all.
//  - New events get contiguous seqs starting at head() + 1; seq 1 is the first event ever.
//  - Idempotent: an event whose dedup key (source identity + ordinal) is already in the log, or
//    earlier in the same batch, is not appended again; its existing seq is reported.
//  - Every read is verified; a value that does not verify is Status::corruption naming its seq.
//
// Open modes: one writer per database (RocksDB's LOCK file; a second writer gets
// Status::unavailable naming the lock). Readers open read-only (or as a RocksDB secondary when
// a writer is busy) and see the log as of open() or the last refresh().
//
// Durability: kSyncPerBatch (default) fsyncs the WAL before append() returns. kGroupCommit
// returns once the batch is in the WAL (a killed process loses nothing) and fsyncs at most
// group_commit_window_ms later, sharing one fsync among every batch in the window; callers
// that must acknowledge durability call wait_durable(seq).
//
// Thread-safety: append() and the readers may be called from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_builder.h"
#include "events/event_view.h"
#include "events/quarantine_record.h"
#include "events/record_dictionary.h"
#include "events/status.h"

namespace jobtrail {

// The on-disk format this build writes; a database with a larger one is refused.
inline constexpr uint32_t kLogFormatVersion = 1;

enum class Durability : uint8_t { kSyncPerBatch, kGroupCommit };

struct EventLogOptions {
  enum class Mode : uint8_t { kWriter, kReader };
  Mode mode = Mode::kWriter;
  Durability durability = Durability::kSyncPerBatch;
  uint32_t group_commit_window_ms = 10;
};

// A source's checkpoint, committed in the same WriteBatch as the events it produced.
struct SourceCheckpoint {
  std::string source;
  std::string value;
};

struct AppendBatch {
  std::vector<BuiltEvent> events;
  std::vector<SourceCheckpoint> checkpoints;
  std::vector<QuarantineRecord> quarantined;
  // Dictionaries the batch's raw records are compressed with, stored with them (ids from
  // EventLog::reserve_dictionary_id; an id already stored must hold the same bytes).
  std::vector<RecordDictionary> dictionaries;

  bool empty() const {
    return events.empty() && checkpoints.empty() && quarantined.empty() && dictionaries.empty();
  }
  void clear() {
    events.clear();
    checkpoints.clear();
    quarantined.clear();
    dictionaries.clear();
  }
};

struct AppendResult {
  std::vector<uint64_t> seqs;  // one per input event: its new or existing seq
  uint64_t appended = 0;
  uint64_t duplicates = 0;
  uint64_t first_new_seq = 0;  // 0 when nothing new
  uint64_t last_new_seq = 0;
};

struct LogStorageStats {
  uint64_t sst_bytes = 0;             // live SST files of the log's own CFs (log and indexes)
  uint64_t log_cf_sst_bytes = 0;      // the log CF alone
  uint64_t projection_sst_bytes = 0;  // live SST files of the projection stores
  uint64_t wal_bytes = 0;
  uint64_t memtable_bytes = 0;
};

class LogCursor;
class StateBatch;

class EventLog {
 public:
  static Result<std::unique_ptr<EventLog>> open(const std::string& dir,
                                                const EventLogOptions& options);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Writer only. At most limits::batch_events_max events and batch_checkpoints_max checkpoints.
  Result<AppendResult> append(const AppendBatch& batch);

  // Group commit: blocks until `seq` is fsynced (immediately in kSyncPerBatch mode).
  Status wait_durable(uint64_t seq);

  uint64_t head() const;  // the last seq, 0 for an empty log

  Result<StoredEvent> read(uint64_t seq) const;
  // Several events at once, in the order of `seqs`; every one must exist and verify. Seqs
  // that ascend densely are read in one iterator pass, others with one batched MultiGet.
  // At most limits::batch_events_max per call.
  Result<std::vector<StoredEvent>> read_many(std::span<const uint64_t> seqs) const;
  // Events with seq >= from, in seq order. The cursor must not outlive the log.
  std::unique_ptr<LogCursor> scan(uint64_t from) const;
  // The seqs of one job's events, ascending, from the streams CF (a prefix scan, no log scan).
  Result<std::vector<uint64_t>> stream(std::string_view cluster, std::string_view job) const;
  // Every job that has a stream, as (cluster, job text) pairs, in key order; calls `visit`
  // for each distinct job with its seqs. Stops early when visit returns false.
  Status for_each_stream(const std::function<bool(std::string_view cluster, std::string_view job,
                                                  const std::vector<uint64_t>& seqs)>& visit) const;
  // The jobs a user may mean by `text`, as their scheduler writes it ("4", "5_3",
  // "942337.tango-m.vpac.org"), in every cluster (or only `cluster` when not empty). An exact
  // key match wins; without one, a short form matches a PBS key with a server suffix ("6"
  // finds "6.edge.ccr.buffalo.edu"). Costs a few seeks per cluster, never a scan.
  struct JobRef {
    std::string cluster;
    std::string job;
    bool operator==(const JobRef&) const = default;
  };
  Result<std::vector<JobRef>> find_jobs(std::string_view text, std::string_view cluster) const;
  // The clusters that have at least one job stream, in key order.
  Result<std::vector<std::string>> clusters() const;

  // Every dedup entry: (identity, ordinal, seq).
  Status for_each_dedup(const std::function<bool(std::string_view identity, uint32_t ordinal,
                                                 uint64_t seq)>& visit) const;

  Result<std::optional<std::string>> checkpoint(std::string_view source) const;

  // Raw-record dictionaries (record_dictionary.h). Writer only: a fresh id, never handed out
  // twice by this process and above every stored one.
  uint32_t reserve_dictionary_id();
  // Every stored dictionary, by ascending id (at most limits::record_dictionaries_max).
  Result<std::vector<RecordDictionary>> dictionaries() const;
  Result<RecordDictionary> dictionary(uint32_t id) const;
  Status for_each_quarantined(const std::function<bool(const QuarantineRecord&)>& visit) const;
  Result<uint64_t> quarantined_count() const;

  // ---- Derived state: the column families "p.<store>" that projections keep. Written only
  // by the projection engine through write_state(); never part of the log's truth, always
  // rebuildable from it. A store is created on first write (writers only).
  std::unique_ptr<StateBatch> new_state_batch();
  // One WriteBatch; `sync` fsyncs the WAL (projection checkpoints need not: they are redone).
  Status write_state(const StateBatch& batch, bool sync);
  Result<std::optional<std::string>> read_state(std::string_view store, std::string_view key) const;
  // Entries of `store` whose key starts with `prefix`, in key order, until visit returns false.
  // A store that does not exist yet has no entries.
  Status scan_state(
      std::string_view store, std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  // Writer only: drops every entry of `store` (its column family is dropped and recreated).
  Status reset_state(std::string_view store);
  // Writer only: writes every store's memtable out to table files and waits. State skips the
  // WAL, so until then a crash loses what the memtables hold (the engine refolds it from the
  // checkpoints); after a long catch-up, this keeps a crash from costing it again.
  Status flush_state();

  // Readers: catch up with what the writer has appended since open (secondary mode) or
  // reopen (read-only mode). Writers: no-op.
  Status refresh();

  // Flushes memtables and compacts every column family (the bench's bytes/event measure).
  Status compact();
  Result<LogStorageStats> storage_stats() const;

  const std::string& dir() const;

 private:
  class Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  // read_many's two paths: an iterator over a dense ascending span, or a MultiGet.
  Status read_span(std::vector<StoredEvent>& events) const;
  Status read_scattered(std::vector<StoredEvent>& events) const;
  std::unique_ptr<Impl> impl_;
  friend class LogCursor;
  friend class StateBatch;
};

// Puts and erases into projection stores, committed at once by EventLog::write_state().
class StateBatch {
 public:
  ~StateBatch();
  void put(std::string_view store, std::string_view key, std::string_view value);
  void erase(std::string_view store, std::string_view key);
  size_t count() const;
  // A store name that could not be opened (writer only, first use) fails the whole batch.
  const Status& status() const;

 private:
  friend class EventLog;
  struct Rep;
  explicit StateBatch(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// Iterates the log CF in seq order. Not thread-safe; one per thread.
class LogCursor {
 public:
  virtual ~LogCursor() = default;
  // The next event, or nullopt at the end. A value that does not verify is a Corruption
  // status naming its seq; the cursor stays positioned after it so a verifier can go on.
  virtual Result<std::optional<EventView>> next() = 0;
};

}  // namespace jobtrail
