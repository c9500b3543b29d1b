// QuarantineReporter: where an ingester puts a record that did not parse (LevelDB's
// log::Reader::Reporter pattern). The record, its reason and its offset join the pending
// AppendBatch, so they are committed atomically with the events and checkpoint around them;
// ingest then goes on with the next record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event_log.h"
#include "events/status.h"

namespace jobtrail::ingest {

class QuarantineReporter {
 public:
  // `source` names the input (file identity and path); `batch` must outlive the reporter.
  QuarantineReporter(std::string source, AppendBatch* batch, int64_t observed_at_us);

  // `raw` is the record as read (possibly already cut to a line limit); `raw_bytes_total` its
  // full length. Keeps at most limits::quarantine_raw_bytes_max bytes of it.
  void report(uint64_t offset, int64_t line, std::string_view raw, uint64_t raw_bytes_total,
              const Status& reason);

  uint64_t count() const { return count_; }

 private:
  std::string source_;
  AppendBatch* batch_;
  int64_t observed_at_us_;
  uint64_t count_ = 0;
};

}  // namespace jobtrail::ingest
