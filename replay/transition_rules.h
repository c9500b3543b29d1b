// The job state machine and the audit rules over one job's history of state facts: what
// `jobtrail audit JOB` uses to flag IMPOSSIBLE transitions (a job that ran after it completed,
// started before it was submitted, was seen before it happened...).
//
// Pure: facts in, flags out; no I/O, no log access. The caller reads a job's stream, turns
// each JobSubmitted and JobStateChanged into a Transition, orders them by
// (effective_at_us, seq) and calls check_transitions. The state machine itself (SLURM's
// semantics, which also cover PBS and SWF outcomes) is written down once, as a table with its
// reasons, at the top of transition_rules.cc. Thread-safety: no shared mutable state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "schemas/common_generated.h"

namespace jobtrail::replay {

// A fact seen more than this long before it happened (observed_at_us earlier than
// effective_at_us) is flagged: the clocks of the scheduler and of jobtrail disagree.
inline constexpr int64_t kClockSkewToleranceUs = 5 * 60 * 1'000'000;  // 5 minutes

// One fact about a job's state, as the history holds it.
struct Transition {
  uint64_t seq = 0;
  bool is_submission = false;  // a JobSubmitted: `from` is meaningless, `to` is its state
  fb::JobState from = fb::JobState::UNKNOWN;  // UNKNOWN: the source did not say
  fb::JobState to = fb::JobState::UNKNOWN;
  int64_t effective_at_us = 0;
  int64_t observed_at_us = 0;
};

struct TransitionFlag {
  size_t index = 0;    // into the input vector
  std::string rule;    // a RuleDoc id from transition_rules(), e.g. "terminal-then-active"
  std::string reason;  // a sentence for people
};

// `transitions` are one job's facts ordered by (effective_at_us, seq). Returns every flag,
// ordered by index. Empty input: no flags.
std::vector<TransitionFlag> check_transitions(const std::vector<Transition>& transitions);

// True when the state machine lets a job in `from` be next seen in `to` (UNKNOWN on either
// side, or no change, is always allowed).
bool transition_allowed(fb::JobState from, fb::JobState to);

// The rules, as data, for `jobtrail audit --rules` and the docs: a stable id and its meaning.
struct RuleDoc {
  const char* id;
  const char* explanation;
};
std::span<const RuleDoc> transition_rules();

}  // namespace jobtrail::replay
