// `jobtrail bench poll`: what applying one squeue poll costs when the snapshot is diffed
// against the ledger (only changes become events) against the naive baseline that rewrites
// every row on every poll (a JobSubmitted and the row's state for each job, as a poller
// without a diff would). The method is at the top of poll_bench.cc.
#pragma once

#include <cstdint>
#include <string>

namespace jobtrail::tools {

inline constexpr uint32_t bench_poll_jobs_max = 1'000'000;
inline constexpr uint32_t bench_poll_polls_max = 10'000;

struct BenchPollOptions {
  uint32_t jobs = 10'000;      // rows in each squeue snapshot
  double changed_percent = 1;  // rows that change between two polls
  uint32_t polls = 50;         // polls measured per side
  std::string scratch_dir;     // default: a fresh mkdtemp folder under /tmp, removed after
  bool json = false;
};

// Prints a table (or, with json, only a JSON object) on stdout. Returns 0, or 1 when an option
// is out of bounds or a side fails.
int run_bench_poll(const BenchPollOptions& options);

}  // namespace jobtrail::tools
