// EventRequest: what an application POSTs to /api/events, validated field by field and built
// into events. Pure: JSON text in, events out; no I/O.
//
// Grammar (the shape GET /api/events and the stream print, restricted to what applications
// may say about their jobs):
//   request  := event | "[" event ("," event)* "]"             at most request_events_max
//   event    := {"type": TYPE, "cluster": STRING, "job": JOB_KEY,
//                ["effective_at": TIME,] "body": BODY}
//   TYPE     := "JobSubmitted" | "JobFieldsUpdated" | "DependencyDeclared"
//   JobSubmitted body       := {["user"|"group"|"account"|"partition"|"qos"|"name"|
//                               "work_dir"|"raw_state": STRING], ["submit_at": TIME],
//                               ["cpus_requested"|"nodes_requested": U32],
//                               ["memory_requested_bytes": U64], ["time_limit_s": I64 >= -1],
//                               ["state": STATE], ["array_parent": JOB_KEY]}
//   JobFieldsUpdated body   := {"fields": {NAME: STRING, ...}}        1..fields_max entries
//   DependencyDeclared body := {"kind": AFTER|AFTER_OK|AFTER_ANY|AFTER_NOT_OK|AFTER_CORR|
//                               SINGLETON, "targets": [JOB_KEY, ...], ["raw": STRING]}
//   TIME := ISO 8601 string or epoch seconds (number or string)
// Any other key, a wrong type, a bad job key or time is refused, naming the field
// ("events[1].body.cpus_requested: expected an integer from 0 to 4294967295").
//
// Idempotency: every event's source identity is `identity` (from the Idempotency-Key header or
// one the server makes up), its ordinal its index in the request; the log's dedup keys then
// make a retried request append nothing new.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_builder.h"
#include "events/status.h"

namespace jobtrail::ingest::api {

inline constexpr size_t request_events_max = 256;
inline constexpr size_t request_fields_max = 64;
inline constexpr size_t request_string_bytes_max = 4096;
inline constexpr size_t request_targets_max = 1024;

struct EventRequestContext {
  int64_t observed_at_us = 0;  // now; also effective_at when an event gives none
  std::string origin;          // who posted it ("tcp", "uid 1000"), kept as provenance
  std::string identity;        // the source identity of every event in the request
};

Result<std::vector<BuiltEvent>> parse_event_request(std::string_view json_text,
                                                    const EventRequestContext& context);

}  // namespace jobtrail::ingest::api
