// The sources `serve` runs in its own process (source_runner.h): SLURM pollers and PBS
// accounting tailers, from flags or from a JSON file (--config).
//
// Config file grammar (JSON; unknown keys are refused, every list and string is bounded):
//   config := { "slurm": [slurm*], "pbs": [pbs*] }            both lists optional
//   slurm  := { "cluster": NAME, "ssh": HOST?, "poll_interval_ms": N?, "tz": ZONE?,
//               "squeue": PROGRAM?, "sacct": PROGRAM?, "command_timeout_ms": N?,
//               "backoff_max_ms": N? }
//   pbs    := { "dir": PATH, "cluster": NAME?, "tz": ZONE?, "poll_interval_ms": N? }
// Defaults are the ones `poll` and `tail-pbs` have.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/status.h"

namespace jobtrail::tools {

inline constexpr size_t serve_sources_max = 32;
inline constexpr size_t sources_config_bytes_max = 1 << 20;

struct SlurmSourceSpec {
  std::string cluster;
  std::string ssh_host;  // empty: squeue/sacct run locally
  uint32_t poll_interval_ms = 30'000;
  std::string time_zone;  // empty: this machine's
  std::string squeue = "squeue", sacct = "sacct";
  uint32_t command_timeout_ms = 30'000;
  uint32_t backoff_max_ms = 300'000;
};

struct PbsSourceSpec {
  std::string dir;
  std::string cluster = "local";
  std::string time_zone;  // empty: UTC
  uint32_t poll_interval_ms = 1000;
};

struct SourceSpecs {
  std::vector<SlurmSourceSpec> slurm;
  std::vector<PbsSourceSpec> pbs;

  size_t size() const { return slurm.size() + pbs.size(); }
};

// Appends the sources of a config file to *specs.
Status read_sources_config(const std::string& path, SourceSpecs* specs);

// Bounds and names: at most serve_sources_max sources, no two with the same name, intervals in
// the range `poll`/`tail-pbs` accept, SLURM programs and hosts that are safe as argv.
Status validate_sources(const SourceSpecs& specs);

// The name a source has in health reports and metrics: "slurm/<cluster>", "pbs/<cluster>:<dir>".
std::string source_name(const SlurmSourceSpec& spec);
std::string source_name(const PbsSourceSpec& spec);

}  // namespace jobtrail::tools
