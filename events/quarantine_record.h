// QuarantineRecord: a source record that did not parse, kept with its reason.
//
// Stored in the quarantine CF under keys::quarantine_key(source, offset) by EventLog::append,
// in the same WriteBatch as the events of the records around it, so a re-import rewrites the
// same key and the quarantined count never double-counts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"

namespace jobtrail {

struct QuarantineRecord {
  std::string source;  // the source identity (for a file: its path as given and its identity)
  uint64_t offset = 0;
  int64_t line = -1;
  std::string reason;
  std::string raw;               // the record's first limits::quarantine_raw_bytes_max bytes
  uint64_t raw_bytes_total = 0;  // the record's full length
  int64_t observed_at_us = 0;
};

// Value grammar: be64(observed_at_us) be64(line + 1) be64(raw_bytes_total) lp(reason) lp(raw)
std::string encode_quarantine_value(const QuarantineRecord& record);
Result<QuarantineRecord> decode_quarantine(std::string_view key, std::string_view value);

}  // namespace jobtrail
