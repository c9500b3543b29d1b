#include "ingest/quarantine.h"

#include "events/assert.h"
#include "events/limits.h"

namespace jobtrail::ingest {

QuarantineReporter::QuarantineReporter(std::string source, AppendBatch* batch,
                                       int64_t observed_at_us)
    : source_(std::move(source)), batch_(batch), observed_at_us_(observed_at_us) {
  JT_ASSERT(batch_ != nullptr);
  JT_ASSERT(!source_.empty());
}

void QuarantineReporter::report(uint64_t offset, int64_t line, std::string_view raw,
                                uint64_t raw_bytes_total, const Status& reason) {
  JT_ASSERT(!reason.ok());
  QuarantineRecord record;
  record.source = source_;
  record.offset = offset;
  record.line = line;
  record.reason = reason.message();
  record.raw = std::string(raw.substr(0, limits::quarantine_raw_bytes_max));
  record.raw_bytes_total = raw_bytes_total;
  record.observed_at_us = observed_at_us_;
  batch_->quarantined.push_back(std::move(record));
  ++count_;
}

}  // namespace jobtrail::ingest
