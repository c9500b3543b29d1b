// The canonical job state (schemas/common.fbs JobState): names and the classes of states that
// projections and the audit rules reason about.
#pragma once

#include <optional>
#include <string_view>

#include "schemas/common_generated.h"

namespace jobtrail {

inline constexpr size_t kJobStateCount = static_cast<size_t>(fb::JobState::MAX) + 1;

// "CANCELLED" for CANCELLED; the schema's names.
const char* job_state_name(fb::JobState state);
std::optional<fb::JobState> job_state_from_name(std::string_view name);

// A state the job does not leave except through a requeue: it has ended.
bool is_terminal(fb::JobState state);

}  // namespace jobtrail
