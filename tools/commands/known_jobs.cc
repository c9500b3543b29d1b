#include "tools/commands/known_jobs.h"

#include "projections/deps_projection.h"
#include "projections/jobs_projection.h"
#include "projections/state_source.h"

namespace jobtrail::tools {

namespace {

// The dependency declaration the ledger holds for a job (the deps projection), in the shape
// the squeue differ compares a row's with.
Result<ingest::slurm::DependencySpec> known_dependency(const EventLog& log,
                                                       std::string_view cluster,
                                                       std::string_view job) {
  projections::StoredState deps(log, std::string(projections::DepsProjection::kName));
  auto declared = projections::read_dependencies(deps, cluster, job);
  if (!declared.ok()) return declared.status();
  ingest::slurm::DependencySpec spec;
  if (!declared->has_value()) return spec;
  spec.any_of = (*declared)->any_of;
  for (const projections::DepsPart& part : (*declared)->parts) {
    ingest::slurm::DependencyPart p{part.kind, {}, part.raw};
    for (const std::string& target : part.targets) {
      auto key = JobKey::parse(target);
      if (key.ok()) p.targets.push_back(std::move(key).value());
    }
    spec.parts.push_back(std::move(p));
  }
  return spec;
}

}  // namespace

ingest::slurm::KnownJobLookup known_jobs_lookup(const EventLog& log) {
  auto jobs = std::make_shared<projections::StoredState>(
      log, std::string(projections::JobsProjection::kName));
  return [jobs, &log](std::string_view cluster,
                      std::string_view job) -> Result<std::optional<ingest::slurm::KnownJob>> {
    auto view = projections::read_job(*jobs, cluster, job);
    if (!view.ok()) return view.status();
    if (!view->has_value()) return std::optional<ingest::slurm::KnownJob>();
    const projections::JobView& v = **view;
    auto dependency = known_dependency(log, cluster, job);
    if (!dependency.ok()) return dependency.status();
    auto priority = v.fields.find("priority");
    return std::optional<ingest::slurm::KnownJob>(ingest::slurm::KnownJob{
        v.state, v.reason, priority == v.fields.end() ? "" : priority->second, v.partition, v.qos,
        v.name, v.nodes, v.start_at_us, std::move(dependency).value()});
  };
}

}  // namespace jobtrail::tools
