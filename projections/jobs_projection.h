// The `jobs` projection: the current view of every job (projections/job_view.h), one entry
// per job under lp(cluster) lp(job). One handler per event type, as in flux's job-list.
#pragma once

#include <functional>
#include <unordered_map>

#include "projections/job_view.h"
#include "projections/projection.h"
#include "projections/state_source.h"

namespace jobtrail::projections {

class JobsProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "jobs";
  std::string_view name() const override { return kName; }
  // 2: a JobFieldsUpdated "group" sets the group (PBS S/E records name it).
  uint32_t version() const override { return 2; }
  Status apply(const EventView& event, ProjectionWriter& writer) override;
  Status flush(ProjectionWriter& writer) override;

 private:
  // Views touched since the last flush, decoded, by state key.
  std::unordered_map<std::string, JobView> dirty_;
  JobView* last_view_ = nullptr;  // the view the previous event touched, in dirty_
};

// Queries over a jobs state (stored or in memory).
Result<std::optional<JobView>> read_job(const StateSource& state, std::string_view cluster,
                                        std::string_view job);
// Every job, in key order (by cluster, then by job key length and text); `cluster` narrows.
Status for_each_job(const StateSource& state, std::string_view cluster,
                    const std::function<bool(const JobView&)>& visit);

}  // namespace jobtrail::projections
