// RawRecordKeeper: keeps every record a LineFormat accepted byte-exact, as an
// AccountingRecorded event (events/record_codec.h), for every line-oriented source: the
// import loop (line_import.h) and the PBS tailer both go through it.
//
// The event is the record's last, at kRawRecordOrdinal under an identity made of the record's
// bytes (the same record read again through any route is stored once), dated at
// the record's latest own time (an accounting record is written when its job ends) or, without
// one, at the observation. A dictionary trained on the way is put in the same batch as the
// event, the first compressed with it.
#pragma once

#include <memory>
#include <string_view>

#include "events/event_log.h"
#include "events/record_codec.h"
#include "ingest/line_import.h"

namespace jobtrail::ingest {

class RawRecordKeeper {
 public:
  // Compresses with `log`'s stored dictionaries, and trains new ones with ids from it.
  static Result<std::unique_ptr<RawRecordKeeper>> for_log(EventLog& log);

  // Adds the raw record of what `format` just accepted to *batch (nothing when the format keeps
  // no raw records).
  Status add(const LineFormat& format, const RecordContext& context, std::string_view raw,
             EventBuilder& builder, AppendBatch* batch);

  uint64_t records() const { return records_; }
  uint64_t raw_bytes() const { return raw_bytes_; }
  uint64_t stored_bytes() const { return stored_bytes_; }

 private:
  explicit RawRecordKeeper(std::unique_ptr<RecordCompressor> compressor)
      : compressor_(std::move(compressor)) {}
  std::unique_ptr<RecordCompressor> compressor_;
  uint64_t records_ = 0, raw_bytes_ = 0, stored_bytes_ = 0;
};

}  // namespace jobtrail::ingest
