// Each edge: find the target (an array's counts first, else the job's view), then apply the
// kind's rule to its state or, for an array, to its tasks' counts.
#include "projections/deps_evaluation.h"

#include <algorithm>

#include "events/job_state.h"
#include "projections/arrays_projection.h"
#include "projections/jobs_projection.h"

namespace jobtrail::projections {

namespace {

using Kind = fb::DependencyKind;
using fb::JobState;

bool started(JobState s) {
  return s != JobState::PENDING && s != JobState::UNKNOWN && s != JobState::REQUEUE_HOLD;
}

bool running(JobState s) {
  return s == JobState::RUNNING || s == JobState::SUSPENDED || s == JobState::COMPLETING;
}

// The rule of `kind` applied to one job's state.
DepStatus job_status(Kind kind, JobState s) {
  switch (kind) {
    case Kind::AFTER:
      return started(s) ? DepStatus::kSatisfied : DepStatus::kPending;
    case Kind::AFTER_OK:
    case Kind::AFTER_CORR:
      if (s == JobState::COMPLETED) return DepStatus::kSatisfied;
      return is_terminal(s) ? DepStatus::kNever : DepStatus::kPending;
    case Kind::AFTER_ANY:
      return is_terminal(s) ? DepStatus::kSatisfied : DepStatus::kPending;
    case Kind::AFTER_NOT_OK:
      if (s == JobState::COMPLETED) return DepStatus::kNever;
      return is_terminal(s) ? DepStatus::kSatisfied : DepStatus::kPending;
    case Kind::SINGLETON:
      return DepStatus::kSatisfied;
  }
  return DepStatus::kPending;
}

// The rule applied to every task of an array: the worst task decides (never > pending),
// except afternotok, which one failed task satisfies once all have ended.
DepStatus array_status(Kind kind, const ArrayCounts& a) {
  bool any_pending = false, any_never = false, any_not_ok = false;
  for (size_t i = 0; i < a.counts.size(); ++i) {
    if (a.counts[i] == 0) continue;
    const auto s = static_cast<JobState>(i);
    const DepStatus st = job_status(kind == Kind::AFTER_NOT_OK ? Kind::AFTER_ANY : kind, s);
    any_pending |= st == DepStatus::kPending;
    any_never |= st == DepStatus::kNever;
    any_not_ok |= is_terminal(s) && s != JobState::COMPLETED;
  }
  if (any_never) return DepStatus::kNever;
  if (any_pending) return DepStatus::kPending;
  if (kind == Kind::AFTER_NOT_OK && !any_not_ok) return DepStatus::kNever;
  return DepStatus::kSatisfied;
}

std::string counts_text(const ArrayCounts& a) {
  std::string out = "array:";
  for (size_t i = 0; i < a.counts.size(); ++i) {
    if (a.counts[i] == 0) continue;
    if (out.back() != ':') out += ',';
    out += " " + std::to_string(a.counts[i]) + " " + job_state_name(static_cast<JobState>(i));
  }
  return out;
}

std::string pending_reason(Kind kind) {
  switch (kind) {
    case Kind::AFTER:
      return "waits for the target to start";
    case Kind::AFTER_OK:
    case Kind::AFTER_CORR:
      return "waits for the target to complete successfully";
    case Kind::AFTER_ANY:
      return "waits for the target to end";
    case Kind::AFTER_NOT_OK:
      return "waits for the target to fail";
    case Kind::SINGLETON:
      return "another job of the same user and name is running";
  }
  return "";
}

std::string never_reason(Kind kind, const std::string& state) {
  if (kind == Kind::AFTER_NOT_OK) return "the target ended " + state + ": it will never fail";
  return "the target ended " + state + ": it will never complete successfully";
}

// Fills state, status and reason of one (kind, target) edge.
Status evaluate_edge(const DepsSources& s, const JobView* self, DepEdgeReport& e, uint64_t& seq) {
  auto array = read_array(s.arrays, e.cluster, e.target, ArrayRead::kCounts);
  if (!array.ok()) return array.status();
  const bool corr_task = e.kind == Kind::AFTER_CORR && self != nullptr && self->array_task &&
                         e.target.find('_') == std::string::npos;
  if (array->has_value() && (*array)->total > 0 && !corr_task) {
    seq = std::max(seq, (*array)->last_seq);
    e.target_state = counts_text(**array);
    e.status = array_status(e.kind, **array);
  } else {
    const std::string key =
        corr_task ? e.target + "_" + std::to_string(*self->array_task) : e.target;
    auto view = read_job(s.jobs, e.cluster, key);
    if (!view.ok()) return view.status();
    if (!view->has_value()) {
      e.target_state = "unknown";
      e.status = DepStatus::kNever;
      e.reason = "the ledger does not know job " + key + " on cluster " + e.cluster +
                 " (not ingested, or no such job)";
      return Status();
    }
    seq = std::max(seq, (*view)->last_seq);
    e.target_state = job_state_name((*view)->state);
    e.status = job_status(e.kind, (*view)->state);
  }
  if (e.status == DepStatus::kPending) e.reason = pending_reason(e.kind);
  if (e.status == DepStatus::kNever) e.reason = never_reason(e.kind, e.target_state);
  return Status();
}

// Best effort: scans the cluster's jobs for another running one of the same user and name.
Status evaluate_singleton(const DepsSources& s, const JobView* self, DepEdgeReport& e) {
  e.target_state = "none running";
  e.status = DepStatus::kSatisfied;
  if (self == nullptr || self->name.empty()) {
    e.reason = "the job's user and name are not known: not checked";
    return Status();
  }
  return for_each_job(s.jobs, self->cluster, [&](const JobView& other) {
    if (other.job == self->job || !running(other.state) || other.user != self->user ||
        other.name != self->name) {
      return true;
    }
    e.target = other.job;
    e.target_state = job_state_name(other.state);
    e.status = DepStatus::kPending;
    e.reason = pending_reason(Kind::SINGLETON) + " (" + other.job + ")";
    return false;
  });
}

Status add_edges(const DepsSources& s, const DepsDeclaration& d, const JobView* self,
                 DepsReport& report) {
  for (const DepsPart& part : d.parts) {
    DepEdgeReport base;
    base.kind = part.kind;
    base.raw = part.raw;
    base.cluster = part.target_cluster;
    if (part.kind == Kind::SINGLETON) {
      JT_RETURN_IF_ERROR(evaluate_singleton(s, self, base));
      report.depends_on.push_back(std::move(base));
      continue;
    }
    for (const std::string& target : part.targets) {
      DepEdgeReport e = base;
      e.target = target;
      JT_RETURN_IF_ERROR(evaluate_edge(s, self, e, report.seq));
      report.depends_on.push_back(std::move(e));
    }
  }
  return Status();
}

void decide(DepsReport& r) {
  auto is = [](DepStatus st) { return [st](const DepEdgeReport& e) { return e.status == st; }; };
  const auto& edges = r.depends_on;
  if (edges.empty()) return;
  if (r.any_of) {
    r.can_run = std::any_of(edges.begin(), edges.end(), is(DepStatus::kSatisfied));
    r.never = std::all_of(edges.begin(), edges.end(), is(DepStatus::kNever));
  } else {
    r.can_run = std::all_of(edges.begin(), edges.end(), is(DepStatus::kSatisfied));
    r.never = std::any_of(edges.begin(), edges.end(), is(DepStatus::kNever));
  }
  if (r.can_run) return;
  for (const DepEdgeReport& e : edges) {
    if (e.status != DepStatus::kSatisfied) r.why_not.push_back(e);
  }
}

}  // namespace

const char* dep_status_name(DepStatus status) {
  switch (status) {
    case DepStatus::kSatisfied:
      return "satisfied";
    case DepStatus::kPending:
      return "pending";
    case DepStatus::kNever:
      return "never";
  }
  return "pending";
}

const char* dep_kind_name(fb::DependencyKind kind) {
  switch (kind) {
    case Kind::AFTER:
      return "after";
    case Kind::AFTER_OK:
      return "afterok";
    case Kind::AFTER_ANY:
      return "afterany";
    case Kind::AFTER_NOT_OK:
      return "afternotok";
    case Kind::AFTER_CORR:
      return "aftercorr";
    case Kind::SINGLETON:
      return "singleton";
  }
  return "unknown";
}

Result<DepsReport> evaluate_deps(const DepsSources& s, std::string_view cluster,
                                 std::string_view job) {
  DepsReport report;
  report.cluster = std::string(cluster);
  report.job = std::string(job);
  auto self = read_job(s.jobs, cluster, job);
  if (!self.ok()) return self.status();
  const JobView* view = self->has_value() ? &**self : nullptr;
  if (view != nullptr) report.seq = view->last_seq;
  auto declared = read_dependencies(s.deps, cluster, job);
  if (!declared.ok()) return declared.status();
  if (declared->has_value()) {
    report.any_of = (*declared)->any_of;
    report.seq = std::max(report.seq, (*declared)->seq);
    JT_RETURN_IF_ERROR(add_edges(s, **declared, view, report));
  }
  Status error;
  JT_RETURN_IF_ERROR(for_each_dependent(s.deps, cluster, job, [&](const Dependent& d) {
    auto waiting = read_job(s.jobs, d.cluster, d.job);
    if (!waiting.ok()) error = waiting.status();
    if (!waiting.ok()) return false;
    const std::string state = waiting->has_value() ? job_state_name((*waiting)->state) : "unknown";
    if (waiting->has_value()) report.seq = std::max(report.seq, (*waiting)->last_seq);
    report.dependents.push_back({d.cluster, d.job, d.kind, state});
    return true;
  }));
  JT_RETURN_IF_ERROR(error);
  report.known = view != nullptr || declared->has_value() || !report.dependents.empty();
  decide(report);
  return report;
}

Result<DepsReport> evaluate_stored_deps(const EventLog& log, std::string_view cluster,
                                        std::string_view job) {
  const StoredState deps(log, std::string(DepsProjection::kName));
  const StoredState jobs(log, std::string(JobsProjection::kName));
  const StoredState arrays(log, std::string(ArraysProjection::kName));
  return evaluate_deps(DepsSources{deps, jobs, arrays}, cluster, job);
}

}  // namespace jobtrail::projections
