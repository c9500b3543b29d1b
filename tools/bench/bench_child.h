// Benchmarks run each measured mode in a child process (this binary again), so that each
// mode's peak RSS (ru_maxrss, which only ever rises) is its own.
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/status.h"

namespace jobtrail::tools {

// Runs `args` (args[0] is the program), reads the one JSON document it prints on stdout and
// adds "peak_rss_kb". A non-zero exit or no JSON is an error.
Result<nlohmann::json> run_bench_child(std::vector<std::string> args);

// The p-th percentile (0..1) of samples, nearest rank; 0 for no samples.
inline double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const size_t index = std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()));
  return samples[index];
}

}  // namespace jobtrail::tools
