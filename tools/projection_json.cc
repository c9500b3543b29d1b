#include "tools/projection_json.h"

#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "replay/audit.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;

json time_or_null(int64_t us) {
  return us == 0 ? json(nullptr) : json(format_iso8601_us(us));
}

void put_if(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

}  // namespace

std::string runs_text(const projections::RangeSet& set) {
  std::string out;
  for (const auto& run : set.runs()) {
    if (!out.empty()) out += ',';
    out += std::to_string(run.first);
    if (run.last != run.first) out += "-" + std::to_string(run.last);
  }
  return out;
}

json job_view_json(const projections::JobView& v) {
  json j;
  j["job"] = v.job;
  j["cluster"] = v.cluster;
  j["state"] = job_state_name(v.state);
  j["raw_state"] = v.raw_state;
  j["submit_at"] = time_or_null(v.submit_at_us);
  j["eligible_at"] = time_or_null(v.eligible_at_us);
  j["start_at"] = time_or_null(v.start_at_us);
  j["end_at"] = time_or_null(v.end_at_us);
  j["state_since"] = v.state_effective_at_us == INT64_MIN
                         ? json(nullptr)
                         : json(format_iso8601_us(v.state_effective_at_us));
  for (const auto& [key, value] : {std::pair{"user", &v.user},
                                   {"group", &v.group},
                                   {"account", &v.account},
                                   {"partition", &v.partition},
                                   {"qos", &v.qos},
                                   {"name", &v.name},
                                   {"nodes", &v.nodes},
                                   {"reason", &v.reason},
                                   {"work_dir", &v.work_dir}}) {
    put_if(j, key, *value);
  }
  j["cpus"] = v.cpus;
  if (v.nodes_requested != 0) j["nodes_requested"] = v.nodes_requested;
  if (v.memory_requested_bytes != 0) j["memory_requested_bytes"] = v.memory_requested_bytes;
  if (v.time_limit_s >= 0) j["time_limit_s"] = v.time_limit_s;
  j["exit_code"] = v.exit_code >= 0 ? json(v.exit_code) : json(nullptr);
  if (v.signal != 0) j["signal"] = v.signal;
  if (!v.array_parent.empty()) j["array_parent"] = v.array_parent;
  if (v.array_task) j["array_task"] = *v.array_task;
  if (!v.fields.empty()) j["fields"] = v.fields;
  j["submitted"] = v.submitted;
  j["last_seq"] = v.last_seq;
  return j;
}

json array_counts_json(const projections::ArrayCounts& a,
                       const std::vector<projections::ArrayTask>* tasks) {
  json j;
  j["array"] = a.array;
  j["cluster"] = a.cluster;
  put_if(j, "name", a.name);
  put_if(j, "user", a.user);
  j["submit_at"] = time_or_null(a.submit_at_us);
  if (a.max_running != 0) j["max_running"] = a.max_running;
  j["total"] = a.total;
  json states = json::object();
  for (size_t i = 0; i < a.counts.size(); ++i) {
    if (a.counts[i] != 0) states[job_state_name(static_cast<fb::JobState>(i))] = a.counts[i];
  }
  j["states"] = states;
  j["pending_remainder"] = runs_text(a.remainder);
  j["last_seq"] = a.last_seq;
  if (tasks != nullptr) {
    json list = json::array();
    for (const auto& t : *tasks) {
      list.push_back({{"task", t.task},
                      {"state", job_state_name(t.state)},
                      {"since", format_iso8601_us(t.effective_at_us)},
                      {"seq", t.seq}});
    }
    j["tasks"] = list;
  }
  return j;
}

json history_entry_json(const projections::HistoryEntry& e, const EventLog& log) {
  json j;
  j["seq"] = e.seq;
  j["from"] = e.is_submission ? json(nullptr) : json(job_state_name(e.from));
  j["to"] = job_state_name(e.to);
  j["event"] = e.is_submission ? "submitted" : "state_changed";
  j["effective_at"] = format_iso8601_us(e.effective_at_us);
  j["observed_at"] = format_iso8601_us(e.observed_at_us);
  put_if(j, "raw_state", e.raw_state);
  put_if(j, "reason", e.reason);
  if (e.exit_code >= 0) j["exit_code"] = e.exit_code;
  if (e.signal != 0) j["signal"] = e.signal;
  auto stored = log.read(e.seq);
  if (stored.ok()) {
    auto view = stored->view();
    if (view.ok()) {
      const fb::Provenance* p = view->header().provenance();
      json source;
      source["kind"] = fb::EnumNameSourceKind(p->source_kind());
      if (p->origin() != nullptr) source["origin"] = std::string(sv(p->origin()));
      if (p->command() != nullptr) source["command"] = std::string(sv(p->command()));
      if (p->offset() >= 0) source["offset"] = p->offset();
      if (p->line() >= 0) source["line"] = p->line();
      if (p->poll_id() != 0) source["poll_id"] = p->poll_id();
      j["source"] = source;
      j["effective_basis"] = fb::EnumNameTimeBasis(view->header().effective_basis());
    }
  }
  return j;
}

json audited_fact_json(const replay::AuditedFact& f) {
  json j;
  j["seq"] = f.entry.seq;
  j["from"] = f.entry.is_submission ? json(nullptr) : json(job_state_name(f.entry.from));
  j["to"] = job_state_name(f.entry.to);
  j["effective_at"] = format_iso8601_us(f.entry.effective_at_us);
  j["observed_at"] = format_iso8601_us(f.entry.observed_at_us);
  if (!f.entry.raw_state.empty()) j["raw_state"] = f.entry.raw_state;
  json source{{"kind", fb::EnumNameSourceKind(f.source_kind)}};
  if (!f.origin.empty()) source["origin"] = f.origin;
  if (!f.command.empty()) source["command"] = f.command;
  if (f.offset >= 0) source["offset"] = f.offset;
  if (f.line >= 0) source["line"] = f.line;
  if (f.poll_id != 0) source["poll_id"] = f.poll_id;
  j["source"] = source;
  json flags = json::array();
  for (const auto& flag : f.flags) flags.push_back({{"rule", flag.rule}, {"reason", flag.reason}});
  j["flags"] = flags;
  j["impossible"] = !f.flags.empty();
  return j;
}

json usage_rows_json(const std::vector<projections::UsageRow>& rows, const std::string& key_name,
                     bool with_cluster) {
  json out = json::array();
  for (const auto& r : rows) {
    json row = {{key_name, r.key},
                {"core_hours", r.core_hours},
                {"gpu_hours", r.gpu_hours},
                {"jobs_ended", r.jobs_ended}};
    if (with_cluster) row["cluster"] = r.cluster;
    out.push_back(std::move(row));
  }
  return out;
}

namespace {

nlohmann::json dep_edge_json(const projections::DepEdgeReport& e) {
  nlohmann::json j;
  j["kind"] = projections::dep_kind_name(e.kind);
  j["raw"] = e.raw;
  j["target"] = e.target;
  j["cluster"] = e.cluster;
  j["target_state"] = e.target_state;
  j["status"] = projections::dep_status_name(e.status);
  if (!e.reason.empty()) j["reason"] = e.reason;
  return j;
}

}  // namespace

nlohmann::json deps_report_json(const projections::DepsReport& r) {
  nlohmann::json j;
  j["job"] = r.job;
  j["cluster"] = r.cluster;
  j["can_run"] = r.can_run;
  j["never"] = r.never;
  j["any_of"] = r.any_of;
  j["why_not"] = nlohmann::json::array();
  for (const auto& e : r.why_not) j["why_not"].push_back(dep_edge_json(e));
  j["depends_on"] = nlohmann::json::array();
  for (const auto& e : r.depends_on) j["depends_on"].push_back(dep_edge_json(e));
  j["dependents"] = nlohmann::json::array();
  for (const auto& d : r.dependents) {
    j["dependents"].push_back({{"job", d.job},
                               {"cluster", d.cluster},
                               {"kind", projections::dep_kind_name(d.kind)},
                               {"state", d.state}});
  }
  j["seq"] = r.seq;
  return j;
}

}  // namespace jobtrail::tools
