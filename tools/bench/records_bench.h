// `jobtrail bench records`: how small jobtrail keeps raw accounting records, against NCAR's
// baseline (each job's raw record gzip-compressed on its own). The method is at the top of
// records_bench.cc.
#pragma once

#include <string>

namespace jobtrail::tools {

struct BenchRecordsOptions {
  std::string data_dir;  // folder with pbs/ and slurm/ captures; default: the bundled data/
  int gzip_level = 6;    // the baseline's level (gzip's default)
  bool json = false;
};

// Prints a table (or, with json, only a JSON object) on stdout. Returns 0, or 1 when a file
// cannot be read or a record does not come back byte-exact.
int run_bench_records(const BenchRecordsOptions& options);

}  // namespace jobtrail::tools
