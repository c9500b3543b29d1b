#include "tools/commands/known_jobs.h"

#include "projections/jobs_projection.h"
#include "projections/state_source.h"

namespace jobtrail::tools {

ingest::slurm::KnownJobLookup known_jobs_lookup(const EventLog& log) {
  auto jobs = std::make_shared<projections::StoredState>(
      log, std::string(projections::JobsProjection::kName));
  return [jobs](std::string_view cluster,
                std::string_view job) -> Result<std::optional<ingest::slurm::KnownJob>> {
    auto view = projections::read_job(*jobs, cluster, job);
    if (!view.ok()) return view.status();
    if (!view->has_value()) return std::optional<ingest::slurm::KnownJob>();
    const projections::JobView& v = **view;
    auto priority = v.fields.find("priority");
    return std::optional<ingest::slurm::KnownJob>(ingest::slurm::KnownJob{
        v.state, v.reason, priority == v.fields.end() ? "" : priority->second, v.partition, v.qos,
        v.name, v.nodes, v.start_at_us});
  };
}

}  // namespace jobtrail::tools
