// SlurmPoller: follows a live SLURM cluster by polling squeue and sacct on a Boost.Asio loop.
//
// One poll, in order (each command runs as argv, locally or through ssh, with a time limit):
//   1. squeue, ONE call for every job of the cluster. If it fails or times out the source is
//      down: a SourceStatus(reachable=false) is written (only when that is news), nothing else
//      happens in this poll (no job transitions while down), and the next poll waits longer
//      (interval * 2^failures, capped at backoff_max_ms).
//   2. First connection with --backfill-since: sacct over the window since then adds the jobs
//      the ledger has never seen (their whole history at sacct's times).
//   3. The snapshot is diffed against the ledger (import_squeue_captured): only changes.
//   4. Jobs in the previous snapshot but not in this one (array remainders aside: their tasks
//      appear on their own rows) await sacct: looked up in batches of at most
//      sacct_ids_per_call_max ids, at most sacct_calls_per_poll_max calls per poll. A job that
//      sacct cannot yet say ended is looked up again at later polls (every poll for the first
//      lookups_fast_max, then every lookups_slow_every polls, giving up after lookups_max with
//      a warning): the ledger never guesses an end state.
//   5. sacct over the window since the last good poll adds jobs that came and went between two
//      polls (never seen by squeue), again only those the ledger does not know.
//   6. SourceStatus events for sources whose health changed, and the PollState checkpoint, in
//      one append.
// Projections are caught up (options.catch_up) after each append, so each step diffs against
// what the previous one wrote.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "events/event_log.h"
#include "ingest/append_sink.h"
#include "ingest/slurm/command_runner.h"
#include "ingest/slurm/known_job.h"
#include "ingest/slurm/slurm_commands.h"

namespace jobtrail::ingest::slurm {

inline constexpr uint32_t poll_interval_ms_min = 1000;  // gentle with the scheduler
inline constexpr uint32_t sacct_calls_per_poll_max = 10;
inline constexpr uint32_t lookups_fast_max = 10;
inline constexpr uint32_t lookups_slow_every = 16;
inline constexpr uint32_t lookups_max = 200;
inline constexpr int64_t window_margin_s = 60;  // sacct windows overlap by this much
inline constexpr uint32_t poll_stop_check_ms = 50;

struct PollerOptions {
  std::string cluster = "local";
  std::string time_zone;  // the zone squeue and sacct print in (empty: this machine's)
  SlurmSite site;
  uint32_t interval_ms = 30'000;  // at least poll_interval_ms_min
  uint32_t backoff_max_ms = 300'000;
  CommandLimits limits;
  int64_t backfill_since_us = 0;  // 0: no backfill
  uint64_t polls_max = 0;         // 0: until SIGINT/SIGTERM; 1: --once
  KnownJobLookup known;
  std::function<Status()> catch_up;  // folds what was appended into the projections
  AppendSink sink;                   // empty: the log itself (append_sink.h)
  // Standalone `poll` stops on SIGINT/SIGTERM itself; inside `serve` the server owns the
  // signals and asks through should_stop (looked at while waiting, at most every
  // poll_stop_check_ms, and between polls; a command under way runs to its end or time limit).
  bool handle_signals = true;
  std::function<bool()> should_stop;
};

struct PollReport {
  uint64_t poll = 0;  // this poll's number (PollState.polls)
  bool squeue_ok = false;
  bool sacct_ok = true;  // false when a sacct call failed in this poll
  std::string error;     // the first failure
  uint64_t jobs_in_squeue = 0;
  uint64_t departed = 0;  // jobs that left squeue in this poll
  uint64_t resolved = 0;  // awaiting jobs whose end sacct gave
  uint64_t awaiting = 0;  // still awaiting after this poll
  uint64_t events_appended = 0;
  uint64_t backoff_ms = 0;  // the wait before the next poll
};

// Runs polls until options.polls_max, a signal or should_stop; `on_poll` sees each report. An error
// is returned only for what the poller cannot go on from (the database, a bad option); command
// failures are the source's health, reported and retried.
Status run_poller(EventLog& log, const PollerOptions& options,
                  const std::function<void(const PollReport&)>& on_poll);

}  // namespace jobtrail::ingest::slurm
