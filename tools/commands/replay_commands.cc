// `rebuild`, `verify`, `as-of` and `audit`: the replay side of jobtrail.
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "projections/engine.h"
#include "projections/jobs_projection.h"
#include "projections/projection_set.h"
#include "replay/as_of.h"
#include "replay/audit.h"
#include "replay/verify.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/commands/query_support.h"
#include "tools/job_filter.h"
#include "tools/progress.h"
#include "tools/projection_json.h"

namespace jobtrail::tools {

using nlohmann::json;

int run_rebuild(const GlobalOptions& global, const RebuildOptions& options) {
  auto log = EventLog::open(global.db_dir, EventLogOptions{});
  if (!log.ok()) {
    spdlog::error("{}", log.status().to_string());
    return 1;
  }
  ProgressReporter progress("rebuild");
  projections::EngineOptions engine_options;
  engine_options.batch_events = options.batch_events;
  engine_options.lanes_events_min = options.lanes_events_min;
  engine_options.progress = [&](uint64_t applied, uint64_t head) {
    progress.update(applied, head, applied);
  };
  auto engine = projections::ProjectionEngine::open(**log, projections::default_projections(),
                                                    engine_options);
  if (!engine.ok()) {
    spdlog::error("{}", engine.status().to_string());
    return 1;
  }
  for (const std::string& name : options.names) {
    bool known = false;
    for (const auto& s : (*engine)->states()) known = known || s.name == name;
    if (!known) {
      spdlog::error("no projection named {} (jobs, arrays, usage, deps)", name);
      return 2;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  Status s = (*engine)->rebuild(**log, options.names);
  progress.finish();
  if (!s.ok()) {
    spdlog::error("rebuild: {}", s.to_string());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t events = (*log)->head();
  spdlog::info("rebuilt {} from {} events in {:.2f} s ({:.0f} events/s)",
               options.names.empty() ? "every projection"
                                     : fmt::format("{}", fmt::join(options.names, ", ")),
               events, seconds, seconds > 0 ? events / seconds : 0.0);
  if (options.json) {
    std::cout << json{{"events", events},
                      {"seconds", seconds},
                      {"applied_seq", (*engine)->applied_seq()}}
                     .dump(2)
              << "\n";
  }
  return 0;
}

int run_verify(const GlobalOptions& global, const VerifyOptions& options) {
  QueryLog query = open_for_query(global);
  if (query.log == nullptr) return 1;
  auto report = replay::verify_projections(*query.log);
  if (!report.ok()) {
    spdlog::error("verify could not run: {}", report.status().to_string());
    return 1;
  }
  if (options.json) {
    json differences = json::array();
    for (const auto& d : report->differences) {
      differences.push_back({{"projection", d.projection}, {"key", d.key}, {"problem", d.problem}});
    }
    std::cout << json{{"clean", report->clean()},
                      {"seq", report->seq},
                      {"entries_compared", report->entries_compared},
                      {"difference_count", report->difference_count},
                      {"differences", differences}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << (report->clean() ? "clean" : "DIFFERENCES") << ": " << report->entries_compared
              << " stored entries compared with a rebuild at seq " << report->seq << "\n";
    for (const auto& d : report->differences) {
      std::cout << "  " << d.projection << " " << d.key << ": " << d.problem << "\n";
    }
  }
  return report->clean() ? 0 : 1;
}

namespace {

int as_of_jobs(const EventLog& log, const replay::AsOf& as_of, const AsOfOptions& options) {
  ProgressReporter progress("as-of");
  auto state = replay::jobs_as_of(log, as_of, [&](uint64_t applied, uint64_t head) {
    progress.update(applied, head, applied);
  });
  progress.finish();
  if (!state.ok()) {
    spdlog::error("{}", state.status().to_string());
    return 1;
  }
  json out = json::array();
  const JobsOptions& f = options.jobs;
  auto filter = parse_job_filter({f.state, f.user, f.array, f.since});
  if (!filter.ok()) {
    spdlog::error("--{}", filter.status().message());
    return 2;
  }
  Status s = projections::for_each_job(*state, options.cluster, [&](const projections::JobView& v) {
    if (!filter->matches(v)) return true;
    if (options.json) {
      out.push_back(job_view_json(v));
    } else {
      std::cout << v.cluster << "  " << v.job << "  " << job_state_name(v.state) << "\n";
    }
    return true;
  });
  if (!s.ok()) {
    spdlog::error("{}", s.to_string());
    return 1;
  }
  if (options.json) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return 0;
}

int as_of_array(const EventLog& log, const replay::AsOf& as_of, const std::string& id,
                const AsOfOptions& options) {
  projections::StoredState arrays(log, "arrays");
  auto now = resolve_array(log, arrays, id, options.cluster);
  if (!now.ok()) {
    spdlog::error("{}", now.status().to_string());
    return 1;
  }
  auto then = replay::array_as_of(arrays, now->cluster, now->array, as_of);
  if (!then.ok()) {
    spdlog::error("{}", then.status().to_string());
    return 1;
  }
  projections::ArrayCounts empty;
  empty.cluster = now->cluster;
  empty.array = now->array;
  print_array(then->has_value() ? **then : empty, nullptr, options.json);
  return 0;
}

int as_of_history(const EventLog& log, const replay::AsOf& as_of, const std::string& job,
                  const AsOfOptions& options) {
  auto ref = resolve_job(log, job, options.cluster);
  if (!ref.ok()) {
    spdlog::error("{}", ref.status().to_string());
    return 1;
  }
  auto entries = replay::history_as_of(log, ref->cluster, ref->job, as_of);
  if (!entries.ok()) {
    spdlog::error("{}", entries.status().to_string());
    return 1;
  }
  print_history(log, *entries, options.json);
  return 0;
}

}  // namespace

int run_as_of(const GlobalOptions& global, const AsOfOptions& options) {
  const auto& a = options.args;
  const bool shape_ok = (a.size() == 2 && a[1] == "jobs") ||
                        (a.size() == 3 && (a[1] == "array" || a[1] == "history"));
  if (!shape_ok) {
    spdlog::error("usage: as-of [--observed] TIME jobs | array ID | history JOB");
    return 2;
  }
  auto time = parse_time_us(a[0]);
  if (!time.ok()) {
    spdlog::error("as-of: {}", time.status().message());
    return 2;
  }
  QueryLog query = open_for_query(global);
  if (query.log == nullptr) return 1;
  const replay::AsOf as_of{*time, options.observed};
  if (a[1] == "jobs") return as_of_jobs(*query.log, as_of, options);
  if (a[1] == "array") return as_of_array(*query.log, as_of, a[2], options);
  return as_of_history(*query.log, as_of, a[2], options);
}

namespace {

void print_audited_fact(const replay::AuditedFact& f) {
  std::cout << format_iso8601_us(f.entry.effective_at_us) << "  "
            << (f.entry.is_submission ? std::string("submitted") : job_state_name(f.entry.from))
            << " -> " << job_state_name(f.entry.to) << "  seq " << f.entry.seq << "  "
            << fb::EnumNameSourceKind(f.source_kind);
  if (!f.origin.empty()) std::cout << " " << f.origin;
  if (f.line >= 0) std::cout << ":" << f.line;
  if (f.offset >= 0) std::cout << " @" << f.offset;
  if (f.poll_id != 0) std::cout << " poll " << f.poll_id;
  std::cout << "  observed " << format_iso8601_us(f.entry.observed_at_us) << "\n";
  for (const auto& flag : f.flags)
    std::cout << "    IMPOSSIBLE " << flag.rule << ": " << flag.reason << "\n";
}

}  // namespace

int run_audit(const GlobalOptions& global, const AuditOptions& options) {
  if (options.rules) {
    for (const auto& rule : replay::transition_rules()) {
      std::cout << rule.id << "\n    " << rule.explanation << "\n";
    }
    return 0;
  }
  if (options.job.empty()) {
    spdlog::error("audit: name a JOB (or --rules)");
    return 2;
  }
  QueryLog query = open_for_query(global);
  if (query.log == nullptr) return 1;
  auto ref = resolve_job(*query.log, options.job, options.cluster);
  if (!ref.ok()) {
    spdlog::error("{}", ref.status().to_string());
    return 1;
  }
  auto entries = projections::read_history(*query.log, ref->cluster, ref->job);
  if (!entries.ok()) {
    spdlog::error("{}", entries.status().to_string());
    return 1;
  }
  auto facts = replay::audit_job(*query.log, *entries);
  if (!facts.ok()) {
    spdlog::error("{}", facts.status().to_string());
    return 1;
  }
  size_t flagged = 0;
  json out = json::array();
  for (const auto& f : *facts) {
    flagged += f.flags.empty() ? 0 : 1;
    if (options.json) {
      out.push_back(audited_fact_json(f));
    } else {
      print_audited_fact(f);
    }
  }
  if (options.json) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  spdlog::info("audit {}/{}: {} facts, {} impossible", ref->cluster, ref->job, facts->size(),
               flagged);
  return 0;
}

}  // namespace jobtrail::tools
