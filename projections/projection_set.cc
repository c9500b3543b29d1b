#include "projections/projection_set.h"

#include "projections/arrays_projection.h"
#include "projections/deps_projection.h"
#include "projections/jobs_projection.h"
#include "projections/usage_projection.h"

namespace jobtrail::projections {

std::vector<std::unique_ptr<Projection>> default_projections() {
  std::vector<std::unique_ptr<Projection>> out;
  out.push_back(std::make_unique<JobsProjection>());
  out.push_back(std::make_unique<ArraysProjection>());
  out.push_back(std::make_unique<UsageProjection>());
  out.push_back(std::make_unique<DepsProjection>());
  return out;
}

}  // namespace jobtrail::projections
