// The projections jobtrail keeps, in the order the engine applies them.
#pragma once

#include <memory>
#include <vector>

#include "projections/projection.h"

namespace jobtrail::projections {

std::vector<std::unique_ptr<Projection>> default_projections();

}  // namespace jobtrail::projections
