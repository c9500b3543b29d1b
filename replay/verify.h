// verify_projections: rebuild every projection in memory from the log and compare it, entry by
// entry, with the stored state (`jobtrail verify`). A tampered value, a missing or an extra
// entry, or a checkpoint at another version is a difference.
//
// Memory: the whole rebuilt state is held (about 300 bytes per job); fine for millions of
// jobs, not for a billion.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event_log.h"

namespace jobtrail::replay {

struct ProjectionDifference {
  std::string projection;
  std::string key;      // printable (non-printable bytes as \xNN)
  std::string problem;  // "missing from the stored state", "differs", ...
};

struct VerifyReport {
  uint64_t seq = 0;  // the seq both states reflect
  uint64_t entries_compared = 0;
  uint64_t difference_count = 0;
  std::vector<ProjectionDifference> differences;  // the first kVerifyDifferencesKept
  bool clean() const { return difference_count == 0; }
};

inline constexpr size_t kVerifyDifferencesKept = 20;

// The stored projections must be caught up to one seq (a writer catches up before calling).
Result<VerifyReport> verify_projections(const EventLog& log);

std::string printable_key(std::string_view key);

}  // namespace jobtrail::replay
