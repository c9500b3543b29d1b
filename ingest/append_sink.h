// AppendSink: where a source's batches go.
//
// A standalone source (`poll`, `tail-pbs`, `ingest`) is the log's writer and appends to the
// EventLog it opened. Inside `serve` the ledger is the log's only writer (its projections and
// live streams must see every append), so a source running there hands each batch to the
// server's loop (ServeApp::append) and waits for the answer. Either way one batch is one
// EventLog::append: the events, the quarantined lines and the checkpoint that covers them are
// committed together, so the exactly-once guarantees do not depend on the route. Sources still
// READ through the EventLog (checkpoints, dictionaries, projections): its readers are
// thread-safe beside the writer.
#pragma once

#include <functional>

#include "events/event_log.h"

namespace jobtrail::ingest {

// Empty: append to the log directly.
using AppendSink = std::function<Result<AppendResult>(const AppendBatch& batch)>;

inline Result<AppendResult> append_through(EventLog& log, const AppendSink& sink,
                                           const AppendBatch& batch) {
  return sink ? sink(batch) : log.append(batch);
}

}  // namespace jobtrail::ingest
