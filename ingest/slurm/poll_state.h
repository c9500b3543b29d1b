// PollState: what the SLURM poller remembers between polls, stored as its source checkpoint
// (EventLog sources CF, key "slurm-poll/<cluster>") in the same append as the poll's
// SourceStatus events, so a `poll --once` run carries on where the last one stopped.
//
// Text grammar (one item per line; job keys hold no blank or newline):
//   state   := "jobtrail-poll 1\n" item*
//   item    := "polls " u64 | "last_success_us " i64 | "backfilled " ("0"|"1")
//            | "health " source " " ("up"|"down") [" " error-text]   source: squeue | sacct
//            | "seen " job          a job in the last squeue snapshot
//            | "await " job " " u32 a job that left squeue; sacct has not said how it ended
//                                   yet after this many lookups
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.h"

namespace jobtrail::ingest::slurm {

inline constexpr size_t poll_seen_jobs_max = 1'000'000;
inline constexpr size_t poll_awaiting_jobs_max = 100'000;

struct SourceHealth {
  bool known = false;  // false until the first call (then a SourceStatus records the first state)
  bool up = false;
  std::string error;
};

struct PollState {
  uint64_t polls = 0;
  int64_t last_success_us = 0;  // when the last poll whose squeue answered began
  bool backfilled = false;
  std::map<std::string, SourceHealth> health;  // by source name
  std::vector<std::string> seen;               // sorted
  std::map<std::string, uint32_t> awaiting;    // job -> lookups so far
};

std::string checkpoint_key(std::string_view cluster);
std::string encode_poll_state(const PollState& state);
Result<PollState> decode_poll_state(std::string_view text);

}  // namespace jobtrail::ingest::slurm
