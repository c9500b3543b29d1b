// verify_log: checks that the log and its indexes agree, the way `jobtrail verify-log` and the
// crash tests need it.
//
//  - seqs are contiguous from 1 to head, and every event verifies;
//  - every event has exactly one dedup entry, built from its provenance (identity, ordinal),
//    and every dedup entry points at the event with that identity;
//  - every event with a job has its streams entry, and every streams entry points at a real
//    event of that cluster and job.
// Memory: 16 bytes per event (two hashes), so 160 MB for a 10 M-event log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event_log.h"

namespace jobtrail {

struct LogVerifyReport {
  uint64_t head = 0;
  uint64_t events_checked = 0;
  uint64_t dedup_entries = 0;
  uint64_t stream_entries = 0;
  uint64_t fault_count = 0;
  std::vector<std::string> faults;  // the first kLogVerifyFaultsKept, in the order found

  bool clean() const { return fault_count == 0; }
};

inline constexpr size_t kLogVerifyFaultsKept = 100;

// A Status error means the check itself could not run (I/O); faults are in the report.
Result<LogVerifyReport> verify_log(const EventLog& log);

}  // namespace jobtrail
