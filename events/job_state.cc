#include "events/job_state.h"

namespace jobtrail {

const char* job_state_name(fb::JobState state) {
  return fb::EnumNameJobState(state);
}

std::optional<fb::JobState> job_state_from_name(std::string_view name) {
  for (fb::JobState s : fb::EnumValuesJobState()) {
    if (name == fb::EnumNameJobState(s)) return s;
  }
  return std::nullopt;
}

bool is_terminal(fb::JobState state) {
  switch (state) {
    case fb::JobState::COMPLETED:
    case fb::JobState::FAILED:
    case fb::JobState::CANCELLED:
    case fb::JobState::TIMEOUT:
    case fb::JobState::NODE_FAIL:
    case fb::JobState::PREEMPTED:
    case fb::JobState::OUT_OF_MEMORY:
    case fb::JobState::BOOT_FAIL:
    case fb::JobState::DEADLINE:
    case fb::JobState::REVOKED:
    case fb::JobState::SPECIAL_EXIT:
    case fb::JobState::ENDED:
      return true;
    case fb::JobState::UNKNOWN:
    case fb::JobState::PENDING:
    case fb::JobState::RUNNING:
    case fb::JobState::SUSPENDED:
    case fb::JobState::COMPLETING:
    case fb::JobState::REQUEUED:
    case fb::JobState::REQUEUE_HOLD:
    case fb::JobState::RESIZING:
    case fb::JobState::STOPPED:
      return false;
  }
  return false;
}

}  // namespace jobtrail
