// One handler per event type; each loads the job's view (creating it when a source joined
// late), folds the event in, and writes the view back.
#include "projections/jobs_projection.h"

#include "events/keys.h"

namespace jobtrail::projections {

namespace {

void set_if_given(std::string* field, const flatbuffers::String* value) {
  if (value != nullptr && value->size() > 0) *field = std::string(sv(value));
}

// Into `view`, built in place in the dirty map: the job's stored view, or a new one when this
// event is the first about the job. (A JobView is two dozen fields; returning it by value
// moved it twice per new job, about a fifth of this projection's instructions.)
Status load_stored_view(const EventView& event, const std::string& key, ProjectionWriter& writer,
                        JobView* view) {
  auto stored = writer.get(key);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    if (!decode_job_view_into(**stored, view)) {
      return Status::corruption("jobs: stored view of " + key + " does not decode");
    }
    return Status();
  }
  view->cluster = std::string(event.cluster());
  view->job = std::string(event.job_text());
  view->first_seq = event.seq();
  const JobKey job = job_key_from(*event.header().job());
  if (job.is_array_member()) {
    view->array_parent = job.array_parent().format();
    if (job.kind == JobKey::Kind::kArrayTask) view->array_task = job.index;
  }
  if (event.type() != fb::Body::JobSubmitted) {
    writer.note("job " + view->job + " first seen in " + std::string(event.type_name()) +
                " (no submission recorded): created");
  }
  return Status();
}

// True when this fact is the job's latest by effective time (ties: the later seq wins).
bool is_current(const JobView& view, const EventView& event) {
  return event.effective_at_us() >= view.state_effective_at_us;
}

void apply_submitted(const EventView& event, const fb::JobSubmitted& b, JobView& view) {
  set_if_given(&view.user, b.user());
  set_if_given(&view.group, b.group());
  set_if_given(&view.account, b.account());
  set_if_given(&view.partition, b.partition());
  set_if_given(&view.qos, b.qos());
  set_if_given(&view.name, b.name());
  set_if_given(&view.work_dir, b.work_dir());
  if (b.submit_at_us() != 0) view.submit_at_us = b.submit_at_us();
  if (b.cpus_requested() != 0) view.cpus = b.cpus_requested();
  if (b.nodes_requested() != 0) view.nodes_requested = b.nodes_requested();
  if (b.memory_requested_bytes() != 0) view.memory_requested_bytes = b.memory_requested_bytes();
  if (b.time_limit_s() >= 0) view.time_limit_s = b.time_limit_s();
  view.submitted = true;
  if (view.state == fb::JobState::UNKNOWN || is_current(view, event)) {
    view.state = b.state();
    view.raw_state = std::string(sv(b.raw_state()));
    view.state_effective_at_us = event.effective_at_us();
    view.state_seq = event.seq();
  }
}

void apply_state_changed(const EventView& event, const fb::JobStateChanged& b, JobView& view) {
  const bool current = is_current(view, event);
  const int64_t at = event.effective_at_us();
  if (b.to() == fb::JobState::RUNNING && (current || view.start_at_us == 0)) {
    view.start_at_us = at;
  }
  if (is_terminal(b.to()) && (current || view.end_at_us == 0)) {
    view.end_at_us = at;
    if (b.exit_code() >= 0) view.exit_code = b.exit_code();
    if (b.signal() != 0) view.signal = b.signal();
  }
  if (!current) return;  // a late fact: history only, the current view stays
  if (!is_terminal(b.to())) view.end_at_us = 0;  // active again (a requeue)
  view.state = b.to();
  view.raw_state = std::string(sv(b.raw_state()));
  view.reason = std::string(sv(b.reason()));
  view.state_effective_at_us = at;
  view.state_seq = event.seq();
  set_if_given(&view.nodes, b.nodes());
  if (b.cpus() != 0) view.cpus = b.cpus();
}

void apply_fields_updated(const fb::JobFieldsUpdated& b, JobView& view) {
  if (b.fields() == nullptr) return;
  for (const fb::FieldChange* change : *b.fields()) {
    const std::string_view name = sv(change->name());
    std::string value(sv(change->value()));
    if (name == "reason")
      view.reason = value;
    else if (name == "partition")
      view.partition = value;
    else if (name == "account")
      view.account = value;
    else if (name == "qos")
      view.qos = value;
    else if (name == "name")
      view.name = value;
    else if (name == "user")
      view.user = value;
    else if (name == "group")
      view.group = value;
    else if (name == "nodes")
      view.nodes = value;
    else if (value.empty())
      view.fields.erase(std::string(name));
    else
      view.fields[std::string(name)] = value;
  }
}

void apply_accounting(const fb::AccountingRecorded& b, JobView& view) {
  if (view.user.empty()) set_if_given(&view.user, b.user());
  if (view.account.empty()) set_if_given(&view.account, b.account());
  if (view.partition.empty()) set_if_given(&view.partition, b.partition());
}

}  // namespace

Status JobsProjection::apply(const EventView& event, ProjectionWriter& writer) {
  if (event.header().job() == nullptr) return Status();  // cluster-wide events
  switch (event.type()) {
    case fb::Body::NONE:
    case fb::Body::ClusterRegistered:
    case fb::Body::ArrayDeclared:
    case fb::Body::DependencyDeclared:
    case fb::Body::SourceStatus:
      return Status();
    case fb::Body::JobSubmitted:
    case fb::Body::JobStateChanged:
    case fb::Body::JobFieldsUpdated:
    case fb::Body::AccountingRecorded:
      break;
  }
  // A job's events mostly come together (a source reports what it saw of one job at once):
  // the previous event's view is checked before a key is built and looked up.
  if (last_view_ == nullptr || last_view_->job != event.job_text() ||
      last_view_->cluster != event.cluster()) {
    std::string key = job_state_key(event.cluster(), event.job_text());
    auto [it, inserted] = dirty_.try_emplace(std::move(key));
    if (inserted) {
      const Status s = load_stored_view(event, it->first, writer, &it->second);
      if (!s.ok()) {
        dirty_.erase(it);
        return s;
      }
    }
    last_view_ = &it->second;  // stable: unordered_map never moves its elements
  }
  JobView& view = *last_view_;
  if (const auto* b = event.as<fb::JobSubmitted>()) apply_submitted(event, *b, view);
  if (const auto* b = event.as<fb::JobStateChanged>()) apply_state_changed(event, *b, view);
  if (const auto* b = event.as<fb::JobFieldsUpdated>()) apply_fields_updated(*b, view);
  if (const auto* b = event.as<fb::AccountingRecorded>()) apply_accounting(*b, view);
  view.last_seq = event.seq();
  return Status();
}

Status JobsProjection::flush(ProjectionWriter& writer) {
  last_view_ = nullptr;
  while (!dirty_.empty()) {
    auto node = dirty_.extract(dirty_.begin());
    std::string value = encode_job_view(node.mapped());
    writer.put_owned(std::move(node.key()), std::move(value));
  }
  return Status();
}

Result<std::optional<JobView>> read_job(const StateSource& state, std::string_view cluster,
                                        std::string_view job) {
  auto stored = state.get(job_state_key(cluster, job));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<JobView>();
  auto view = decode_job_view(**stored);
  if (!view)
    return Status::corruption("jobs: the view of " + std::string(job) + " does not decode");
  return view;
}

Status for_each_job(const StateSource& state, std::string_view cluster,
                    const std::function<bool(const JobView&)>& visit) {
  std::string prefix;
  if (!cluster.empty()) keys::put_length_prefixed(&prefix, cluster);
  Status decode_error;
  JT_RETURN_IF_ERROR(state.scan(prefix, [&](std::string_view key, std::string_view value) {
    if (key.empty() || key.front() == '\0') return true;  // engine keys: checkpoint, notes
    auto view = decode_job_view(value);
    if (!view) {
      decode_error = Status::corruption("jobs: a stored view does not decode");
      return false;
    }
    return visit(*view);
  }));
  return decode_error;
}

}  // namespace jobtrail::projections
