// Each public method: clear the builder, check the header, build the body's table, then
// finish() adds the header and the root Event, verifies the bytes and derives the keys.
// FlatBuffers needs children built before their parents, hence body first, header second.
#include "events/event_builder.h"

#include <cstring>

#include "events/keys.h"
#include "events/limits.h"

namespace jobtrail {

namespace {

// Empty strings are stored as absent fields: smaller events, and readers treat both alike.
flatbuffers::Offset<flatbuffers::String> add_string(flatbuffers::FlatBufferBuilder& fbb,
                                                    const std::string& s) {
  if (s.empty()) return 0;
  return fbb.CreateString(s);
}

std::vector<fb::TaskRange> to_fb_ranges(const std::vector<TaskRange>& ranges) {
  std::vector<fb::TaskRange> out;
  out.reserve(ranges.size());
  for (const TaskRange& r : ranges) out.emplace_back(r.first, r.last, r.step);
  return out;
}

}  // namespace

Status EventBuilder::check_header(const EventHeaderFields& header) const {
  if (header.cluster.empty()) return Status::invalid_argument("event has no cluster");
  if (header.cluster.size() > limits::cluster_name_bytes_max) {
    return Status::limit_exceeded("cluster name longer than " +
                                  std::to_string(limits::cluster_name_bytes_max) + " bytes");
  }
  const std::string& identity = header.provenance.identity;
  if (identity.empty()) return Status::invalid_argument("event has no source identity");
  if (identity.size() > limits::source_identity_bytes_max) {
    return Status::limit_exceeded("source identity longer than " +
                                  std::to_string(limits::source_identity_bytes_max) + " bytes");
  }
  return Status();
}

flatbuffers::Offset<fb::JobKey> EventBuilder::add_job_key(const JobKey& key) {
  auto text = fbb_.CreateString(key.format());
  auto ranges = key.ranges.empty() ? 0 : fbb_.CreateVectorOfStructs(to_fb_ranges(key.ranges));
  auto server = add_string(fbb_, key.server);
  return fb::CreateJobKey(fbb_, text, static_cast<fb::JobKeyKind>(key.kind), key.id, key.index,
                          ranges, key.max_running, server, key.pbs_style);
}

Result<BuiltEvent> EventBuilder::finish(const EventHeaderFields& header, fb::Body type,
                                        flatbuffers::Offset<void> body) {
  const ProvenanceFields& p = header.provenance;
  auto provenance = fb::CreateProvenance(fbb_, p.source_kind, add_string(fbb_, p.origin),
                                         add_string(fbb_, p.command), p.offset, p.line, p.poll_id,
                                         p.ordinal, fbb_.CreateString(p.identity));
  auto cluster = fbb_.CreateString(header.cluster);
  flatbuffers::Offset<fb::JobKey> job = header.job ? add_job_key(*header.job) : 0;
  auto event_header = fb::CreateEventHeader(fbb_, kEventSchemaVersion, header.observed_at_us,
                                            header.effective_at_us, header.effective_basis, cluster,
                                            job, provenance);
  auto event = fb::CreateEvent(fbb_, event_header, type, body);
  fb::FinishSizePrefixedEventBuffer(fbb_, event);

  if (fbb_.GetSize() > limits::event_bytes_max) {
    return Status::limit_exceeded("event of " + std::to_string(fbb_.GetSize()) +
                                  " bytes is larger than " +
                                  std::to_string(limits::event_bytes_max));
  }
  BuiltEvent built;
  built.bytes.assign(reinterpret_cast<const char*>(fbb_.GetBufferPointer()), fbb_.GetSize());
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(built.bytes.data()),
                                 built.bytes.size());
  if (!fb::VerifySizePrefixedEventBuffer(verifier)) {
    return Status::corruption("a freshly built event does not verify");  // a schema/build bug
  }
  built.dedup_key = keys::dedup_key(p.identity, p.ordinal);
  if (header.job) built.stream_prefix = keys::stream_prefix(header.cluster, header.job->format());
  return built;
}

Result<BuiltEvent> EventBuilder::cluster_registered(const EventHeaderFields& header,
                                                    const ClusterRegisteredFields& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  auto body =
      fb::CreateClusterRegistered(fbb_, fbb_.CreateString(f.name), add_string(fbb_, f.scheduler),
                                  add_string(fbb_, f.time_zone), add_string(fbb_, f.description));
  return finish(header, fb::Body::ClusterRegistered, body.Union());
}

Result<BuiltEvent> EventBuilder::job_submitted(const EventHeaderFields& header,
                                               const JobSubmittedFields& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  if (!header.job) return Status::invalid_argument("JobSubmitted needs a job key");
  auto parent = f.array_parent ? add_job_key(*f.array_parent) : 0;
  // Strings must exist before the table starts: build them into locals first.
  auto user = add_string(fbb_, f.user), group = add_string(fbb_, f.group);
  auto account = add_string(fbb_, f.account), partition = add_string(fbb_, f.partition);
  auto qos = add_string(fbb_, f.qos), name = add_string(fbb_, f.name);
  auto raw_state = add_string(fbb_, f.raw_state), work_dir = add_string(fbb_, f.work_dir);
  auto body =
      fb::CreateJobSubmitted(fbb_, user, group, account, partition, qos, name, f.submit_at_us,
                             f.cpus_requested, f.nodes_requested, f.memory_requested_bytes,
                             f.time_limit_s, f.state, raw_state, parent, work_dir);
  return finish(header, fb::Body::JobSubmitted, body.Union());
}

Result<BuiltEvent> EventBuilder::array_declared(const EventHeaderFields& header,
                                                const ArrayDeclaredFields& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  if (!header.job) return Status::invalid_argument("ArrayDeclared needs the array's job key");
  auto name = add_string(fbb_, f.name), user = add_string(fbb_, f.user);
  auto tasks = f.tasks.empty() ? 0 : fbb_.CreateVectorOfStructs(to_fb_ranges(f.tasks));
  auto script = add_string(fbb_, f.script);
  auto body =
      fb::CreateArrayDeclared(fbb_, name, user, tasks, f.max_running, f.submit_at_us, script);
  return finish(header, fb::Body::ArrayDeclared, body.Union());
}

Result<BuiltEvent> EventBuilder::job_state_changed(const EventHeaderFields& header,
                                                   const JobStateChangedFields& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  if (!header.job) return Status::invalid_argument("JobStateChanged needs a job key");
  auto raw_state = add_string(fbb_, f.raw_state), reason = add_string(fbb_, f.reason);
  auto nodes = add_string(fbb_, f.nodes);
  auto body = fb::CreateJobStateChanged(fbb_, f.from, f.to, raw_state, reason, f.exit_code,
                                        f.signal, nodes, f.cpus);
  return finish(header, fb::Body::JobStateChanged, body.Union());
}

Result<BuiltEvent> EventBuilder::job_fields_updated(const EventHeaderFields& header,
                                                    const std::vector<FieldChangeFields>& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  if (!header.job) return Status::invalid_argument("JobFieldsUpdated needs a job key");
  if (f.empty()) return Status::invalid_argument("JobFieldsUpdated with no changed field");
  std::vector<flatbuffers::Offset<fb::FieldChange>> changes;
  changes.reserve(f.size());
  for (const FieldChangeFields& c : f) {
    if (c.name.empty()) return Status::invalid_argument("a changed field has no name");
    auto name = fbb_.CreateString(c.name);
    changes.push_back(fb::CreateFieldChange(fbb_, name, add_string(fbb_, c.value)));
  }
  auto body = fb::CreateJobFieldsUpdated(fbb_, fbb_.CreateVector(changes));
  return finish(header, fb::Body::JobFieldsUpdated, body.Union());
}

Result<BuiltEvent> EventBuilder::accounting_recorded(const EventHeaderFields& header,
                                                     const AccountingRecordedFields& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  auto compressed =
      fbb_.CreateVector(reinterpret_cast<const uint8_t*>(f.compressed.data()), f.compressed.size());
  auto user = add_string(fbb_, f.user), account = add_string(fbb_, f.account);
  auto partition = add_string(fbb_, f.partition), step = add_string(fbb_, f.step);
  auto body = fb::CreateAccountingRecorded(fbb_, f.format, f.dictionary_id, f.raw_bytes, compressed,
                                           user, account, partition, f.cpus, f.gpus, f.start_at_us,
                                           f.end_at_us, step);
  return finish(header, fb::Body::AccountingRecorded, body.Union());
}

Result<BuiltEvent> EventBuilder::dependency_declared(const EventHeaderFields& header,
                                                     const DependencyDeclaredFields& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  if (!header.job) return Status::invalid_argument("DependencyDeclared needs a job key");
  std::vector<flatbuffers::Offset<fb::JobKey>> targets;
  targets.reserve(f.targets.size());
  for (const JobKey& k : f.targets) targets.push_back(add_job_key(k));
  auto target_vector = fbb_.CreateVector(targets);
  auto raw = add_string(fbb_, f.raw);
  auto target_cluster = add_string(fbb_, f.target_cluster);
  auto body = fb::CreateDependencyDeclared(fbb_, f.kind, target_vector, raw, f.part, f.any_of,
                                           target_cluster);
  return finish(header, fb::Body::DependencyDeclared, body.Union());
}

Result<BuiltEvent> EventBuilder::source_status(const EventHeaderFields& header,
                                               const SourceStatusFields& f) {
  fbb_.Clear();
  JT_RETURN_IF_ERROR(check_header(header));
  if (f.source.empty()) return Status::invalid_argument("SourceStatus needs a source name");
  auto source = fbb_.CreateString(f.source);
  auto error = add_string(fbb_, f.error), command = add_string(fbb_, f.command);
  auto body = fb::CreateSourceStatus(fbb_, source, f.reachable, error, command);
  return finish(header, fb::Body::SourceStatus, body.Union());
}

}  // namespace jobtrail
