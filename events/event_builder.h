// EventBuilder: the only code that calls the generated FlatBuffers Create*() functions.
//
// Each method takes the common header and the fields of one event type and returns a
// BuiltEvent: the verified, size-prefixed bytes plus the keys EventLog::append needs (dedup key
// from the provenance identity + ordinal, stream prefix from cluster + job). Building verifies
// the bytes (TigerBeetle's paired assertion: verified when built, verified again when read).
// Not thread-safe: one builder per thread; it reuses its FlatBufferBuilder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/job_key.h"
#include "events/job_state.h"
#include "events/status.h"
#include "schemas/events_generated.h"

namespace jobtrail {

inline constexpr uint16_t kEventSchemaVersion = 1;

struct ProvenanceFields {
  fb::SourceKind source_kind = fb::SourceKind::UNKNOWN;
  std::string origin;
  std::string command;
  int64_t offset = -1;
  int64_t line = -1;
  uint64_t poll_id = 0;
  uint32_t ordinal = 0;
  std::string identity;  // required: the dedup key is identity + ordinal
};

struct EventHeaderFields {
  int64_t observed_at_us = 0;
  int64_t effective_at_us = 0;
  fb::TimeBasis effective_basis = fb::TimeBasis::REPORTED;
  std::string cluster;
  std::optional<JobKey> job;
  ProvenanceFields provenance;
};

struct ClusterRegisteredFields {
  std::string name;
  std::string scheduler;
  std::string time_zone;
  std::string description;
};

struct JobSubmittedFields {
  std::string user, group, account, partition, qos, name, work_dir;
  int64_t submit_at_us = 0;
  uint32_t cpus_requested = 0;
  uint32_t nodes_requested = 0;
  uint64_t memory_requested_bytes = 0;
  int64_t time_limit_s = -1;
  fb::JobState state = fb::JobState::PENDING;
  std::string raw_state;
  std::optional<JobKey> array_parent;
};

struct ArrayDeclaredFields {
  std::string name, user, script;
  std::vector<TaskRange> tasks;
  uint32_t max_running = 0;
  int64_t submit_at_us = 0;
};

struct JobStateChangedFields {
  fb::JobState from = fb::JobState::UNKNOWN;
  fb::JobState to = fb::JobState::UNKNOWN;
  std::string raw_state, reason, nodes;
  int32_t exit_code = -1;
  int32_t signal = 0;
  uint32_t cpus = 0;
};

struct FieldChangeFields {
  std::string name, value;
};

struct AccountingRecordedFields {
  fb::RecordFormat format = fb::RecordFormat::UNKNOWN;
  uint32_t dictionary_id = 0;
  uint32_t raw_bytes = 0;
  std::string compressed;
  std::string user, account, partition;
  uint32_t cpus = 0, gpus = 0;
  int64_t start_at_us = 0, end_at_us = 0;
  std::string step;  // a job step's record ("batch", "0"); empty for the job's own
};

struct DependencyDeclaredFields {
  fb::DependencyKind kind = fb::DependencyKind::AFTER_OK;
  std::vector<JobKey> targets;
  std::string raw;
  uint32_t part = 0;           // 0 starts a new declaration (replaces the previous one)
  bool any_of = false;         // the declaration's parts are alternatives
  std::string target_cluster;  // empty: the job's own cluster
};

struct SourceStatusFields {
  std::string source, error, command;
  bool reachable = true;
};

// What EventLog::append consumes.
struct BuiltEvent {
  std::string bytes;          // size-prefixed, verified Event buffer
  std::string dedup_key;      // keys::dedup_key(identity, ordinal)
  std::string stream_prefix;  // keys::stream_prefix(cluster, job text); empty without a job
};

class EventBuilder {
 public:
  Result<BuiltEvent> cluster_registered(const EventHeaderFields&, const ClusterRegisteredFields&);
  Result<BuiltEvent> job_submitted(const EventHeaderFields&, const JobSubmittedFields&);
  Result<BuiltEvent> array_declared(const EventHeaderFields&, const ArrayDeclaredFields&);
  Result<BuiltEvent> job_state_changed(const EventHeaderFields&, const JobStateChangedFields&);
  Result<BuiltEvent> job_fields_updated(const EventHeaderFields&,
                                        const std::vector<FieldChangeFields>&);
  Result<BuiltEvent> accounting_recorded(const EventHeaderFields&, const AccountingRecordedFields&);
  Result<BuiltEvent> dependency_declared(const EventHeaderFields&, const DependencyDeclaredFields&);
  Result<BuiltEvent> source_status(const EventHeaderFields&, const SourceStatusFields&);

 private:
  Status check_header(const EventHeaderFields& header) const;
  flatbuffers::Offset<fb::JobKey> add_job_key(const JobKey& key);
  Result<BuiltEvent> finish(const EventHeaderFields& header, fb::Body type,
                            flatbuffers::Offset<void> body);

  flatbuffers::FlatBufferBuilder fbb_{1024};
};

}  // namespace jobtrail
