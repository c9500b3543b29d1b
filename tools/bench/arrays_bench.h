// `jobtrail bench arrays`: what one array task's state change and one read of an array's
// per-state counts cost in jobtrail's arrays projection (counts kept by deltas) against
// ssync's scheme (counts recomputed by a GROUP BY over the array's tasks in SQLite), side by
// side, at several array sizes. The method is at the top of arrays_bench.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace jobtrail::tools {

// Bounds: options beyond them are refused (exit 1), never truncated.
inline constexpr size_t bench_arrays_sizes_max = 16;           // array sizes in one run
inline constexpr uint32_t bench_arrays_tasks_max = 1'000'000;  // tasks in one array
inline constexpr uint32_t bench_arrays_changes_max = 100'000;  // changes measured per size
inline constexpr uint32_t bench_arrays_reads_max = 1'000'000;  // reads measured per size
// The baseline recomputes its counts from every task on each change (tens of ms at 100 000
// tasks), so from this size on it measures at most bench_arrays_baseline_large_changes_max
// changes (the first ones of the same sequence jobtrail runs).
inline constexpr uint32_t bench_arrays_baseline_large_tasks = 100'000;
inline constexpr uint32_t bench_arrays_baseline_large_changes_max = 50;

struct BenchArraysOptions {
  std::vector<uint32_t> sizes = {100, 1000, 10000, 100000};  // tasks per array, 1..tasks_max
  // Task state changes measured per size (each task changes at most twice, so at most
  // 2 x tasks); the baseline measures at most 50 from 100 000 tasks on (see above).
  uint32_t changes = 200;
  uint32_t reads = 1000;    // count reads measured per size, per side
  std::string scratch_dir;  // default: a fresh mkdtemp folder under /tmp, removed after
  bool json = false;
};

// Prints a table (or, with json, only a JSON object) on stdout, progress on stderr. Returns 0,
// or 1 when an option is out of bounds, a side fails, or the two sides' counts differ.
int run_bench_arrays(const BenchArraysOptions& options);

}  // namespace jobtrail::tools
