// Ledger: the log as `serve` owns it — the writer, with its projections kept open and current.
//
// open() takes the writer lock, creates the database folder 0700 if it is new (on a shared
// login node the ledger holds every user's jobs), and catches the projections up. Every
// append() then folds its new events into the projections before it returns and tells the
// listener, so a reader on the same thread sees projections exactly at applied_seq(): the seq
// that answers carry as their ETag.
//
// Threading: not thread-safe. serve calls it on its event loop only; other threads (pollers,
// tests) post their batches to the loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "projections/engine.h"

namespace jobtrail::tools {

class Ledger {
 public:
  static Result<std::unique_ptr<Ledger>> open(const std::string& db_dir,
                                              const EventLogOptions& options);
  ~Ledger();

  EventLog& log() { return *log_; }
  const EventLog& log() const { return *log_; }
  uint64_t applied_seq() const { return applied_seq_; }
  // Each projection's name and checkpoint (the default ones and log_counts).
  const std::vector<projections::ProjectionState>& projection_states() const {
    return engine_->states();
  }

  // Appends, folds the new events into the projections, then calls the listener with the new
  // seqs (not called when every event was a duplicate).
  Result<AppendResult> append(const AppendBatch& batch);

  using Listener = std::function<void(uint64_t first_seq, uint64_t last_seq)>;
  void set_listener(Listener listener) { listener_ = std::move(listener); }

 private:
  Ledger(std::unique_ptr<EventLog> log, std::unique_ptr<projections::ProjectionEngine> engine);

  std::unique_ptr<EventLog> log_;
  std::unique_ptr<projections::ProjectionEngine> engine_;
  uint64_t applied_seq_ = 0;
  Listener listener_;
};

// Creates `dir` (and its parents) when missing; a folder it creates is mode 0700.
Status create_private_directory(const std::string& dir);

}  // namespace jobtrail::tools
