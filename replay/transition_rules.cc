// The job state machine (one table, kStateMachine, with its reasons) and the audit rules
// (kRuleDocs) that check_transitions applies to one job's ordered facts.
#include "replay/transition_rules.h"

#include <initializer_list>
#include <iterator>
#include <optional>
#include <utility>

#include "events/job_state.h"

namespace jobtrail::replay {

namespace {

using S = fb::JobState;

static_assert(kJobStateCount <= 32, "a set of states is a 32-bit mask");

constexpr uint32_t bit(S s) {
  return uint32_t{1} << static_cast<unsigned>(s);
}

constexpr uint32_t states(std::initializer_list<S> list) {
  uint32_t mask = 0;
  for (S s : list) mask |= bit(s);
  return mask;
}

// ---- The state machine ----------------------------------------------------------------------
// SLURM's semantics (https://slurm.schedmd.com/job_state_codes.html); PBS and SWF outcomes map
// onto the same names. A row says in which states a job in `from` may be seen next. A fact
// with no change (from == to), or UNKNOWN on either side (the source did not know), is always
// allowed; anything else not in the row is IMPOSSIBLE.
//
// - PENDING: the job starts (RUNNING), or ends without running: cancelled, failed to launch
//   (FAILED, BOOT_FAIL, NODE_FAIL while its nodes were configured), missed its --deadline,
//   revoked (a federation sibling ran elsewhere), or requeued by a failed launch. A pending
//   job cannot be suspended, stopped, resized, preempted or complete: it has not run.
// - RUNNING: any end of a run (kRunEnds), SUSPENDED (scontrol suspend, gang scheduling),
//   STOPPED (SIGSTOP, resources kept), RESIZING, and PENDING: a requeue (scontrol requeue,
//   node failure with JobRequeue, preemption in REQUEUE mode) whose REQUEUED state nobody saw
//   (squeue shows R, then PD).
// - SUSPENDED / STOPPED: resumed (RUNNING), requeued, cancelled, killed, failed nodes,
//   preempted. A suspended job's time limit is frozen and it runs no code, so it cannot
//   COMPLETE, TIMEOUT or run OUT_OF_MEMORY; a stopped job keeps its allocation and its clock
//   runs, so it can TIMEOUT.
// - COMPLETING: the epilog after a run; then the run's end, a requeue, or PENDING (a requeued
//   job goes R -> CG -> PD). Never back to RUNNING.
// - Terminal states (events/job_state.h is_terminal, ENDED included: SWF's "ended, unknown
//   how"): the job is over. It leaves only through a requeue (REQUEUED, REQUEUE_HOLD; scontrol
//   requeue works on finished jobs too) or COMPLETING: SLURM sets the final state first and
//   the COMPLETING flag on top while epilogs run, so a poll after sacct's End still sees CG.
//   COMPLETING after an end does not undo the end (see advance): COMPLETED -> COMPLETING ->
//   RUNNING is still an ended job running again.
// - back_to_pending: after these the job is pending again with no fact having to say so, so
//   PENDING and everything PENDING allows may follow. REQUEUED and REQUEUE_HOLD send the job
//   back to pending (sacct -D reports the earlier run as REQUEUED; the next record starts with
//   the next run). SLURM requeues NODE_FAIL, BOOT_FAIL and PREEMPTED jobs by itself, reporting
//   the earlier run with that state. SPECIAL_EXIT is a held requeue, pending once released.
// - RESIZING: a running job changing size; back to RUNNING or any end of a run.

// Every state but UNKNOWN: after a state nobody knew, anything may be seen.
constexpr uint32_t kAnyState = ((uint32_t{1} << kJobStateCount) - 1) & ~bit(S::UNKNOWN);
// How a run ends: its epilog, every terminal state a running job can reach, or a requeue.
constexpr uint32_t kRunEnds =
    states({S::COMPLETING, S::COMPLETED, S::FAILED, S::CANCELLED, S::TIMEOUT, S::NODE_FAIL,
            S::PREEMPTED, S::OUT_OF_MEMORY, S::BOOT_FAIL, S::DEADLINE, S::SPECIAL_EXIT, S::ENDED,
            S::REQUEUED, S::REQUEUE_HOLD});
// How an ended job may be seen next: its epilog or a requeue.
constexpr uint32_t kAfterEnd = states({S::COMPLETING, S::REQUEUED, S::REQUEUE_HOLD});

struct StateRule {
  S from;
  uint32_t next;         // the states a job in `from` may be seen in next
  bool back_to_pending;  // the job may be pending again with no fact saying so
};

// In enum order: kStateMachine[s] is the row of s.
constexpr StateRule kStateMachine[] = {
    {S::UNKNOWN, kAnyState, false},
    {S::PENDING,
     states({S::RUNNING, S::CANCELLED, S::FAILED, S::BOOT_FAIL, S::NODE_FAIL, S::DEADLINE,
             S::REVOKED, S::ENDED, S::REQUEUED, S::REQUEUE_HOLD}),
     false},
    {S::RUNNING, kRunEnds | states({S::PENDING, S::SUSPENDED, S::STOPPED, S::RESIZING}), false},
    {S::SUSPENDED,
     states({S::RUNNING, S::PENDING, S::COMPLETING, S::CANCELLED, S::FAILED, S::NODE_FAIL,
             S::PREEMPTED, S::ENDED, S::REQUEUED, S::REQUEUE_HOLD}),
     false},
    {S::COMPLETING, kRunEnds | bit(S::PENDING), false},
    {S::COMPLETED, kAfterEnd, false},
    {S::FAILED, kAfterEnd, false},
    {S::CANCELLED, kAfterEnd, false},
    {S::TIMEOUT, kAfterEnd, false},
    {S::NODE_FAIL, kAfterEnd | bit(S::PENDING), true},
    {S::PREEMPTED, kAfterEnd | bit(S::PENDING), true},
    {S::OUT_OF_MEMORY, kAfterEnd, false},
    {S::BOOT_FAIL, kAfterEnd | bit(S::PENDING), true},
    {S::DEADLINE, kAfterEnd, false},
    {S::REQUEUED, states({S::PENDING, S::COMPLETING, S::REQUEUE_HOLD}), true},
    {S::REQUEUE_HOLD, states({S::PENDING, S::COMPLETING, S::REQUEUED}), true},
    {S::RESIZING, kRunEnds | bit(S::RUNNING), false},
    {S::REVOKED, kAfterEnd, false},
    {S::SPECIAL_EXIT, kAfterEnd | bit(S::PENDING), true},
    {S::STOPPED,
     states({S::RUNNING, S::PENDING, S::COMPLETING, S::CANCELLED, S::FAILED, S::TIMEOUT,
             S::NODE_FAIL, S::PREEMPTED, S::ENDED, S::REQUEUED, S::REQUEUE_HOLD}),
     false},
    {S::ENDED, kAfterEnd, false},
};

constexpr bool rows_in_enum_order() {
  for (size_t i = 0; i < std::size(kStateMachine); ++i) {
    if (static_cast<size_t>(kStateMachine[i].from) != i) return false;
  }
  return true;
}
static_assert(std::size(kStateMachine) == kJobStateCount, "one row per JobState");
static_assert(rows_in_enum_order(), "kStateMachine rows follow the JobState enum");

// A value from a newer schema than this build's reads as UNKNOWN.
S known_or_unknown(S s) {
  return static_cast<size_t>(s) < kJobStateCount ? s : S::UNKNOWN;
}

const StateRule& state_rule(S s) {
  return kStateMachine[static_cast<size_t>(known_or_unknown(s))];
}

// ---- The rules ------------------------------------------------------------------------------

enum class Rule : size_t {
  kTransitionNotAllowed,
  kTerminalThenActive,
  kEndedTwice,
  kStartBeforeSubmit,
  kReenteredWithoutChange,
  kFromMismatch,
  kSubmissionNotFirst,
  kRepeatedSubmission,
  kObservedBeforeEffective,
  kCount,
};

// In Rule order.
constexpr RuleDoc kRuleDocs[] = {
    {"transition-not-allowed",
     "the job moved between two states the SLURM state machine does not connect (e.g. PENDING "
     "-> SUSPENDED, SUSPENDED -> COMPLETED, COMPLETING -> RUNNING)"},
    {"terminal-then-active",
     "an ended job (COMPLETED, FAILED, CANCELLED, TIMEOUT, ENDED...) is active again (PENDING, "
     "RUNNING, SUSPENDED...) with no requeue (REQUEUED, REQUEUE_HOLD) in between; NODE_FAIL, "
     "BOOT_FAIL, PREEMPTED and SPECIAL_EXIT may go back to pending, SLURM requeues them"},
    {"ended-twice",
     "an ended job ends again in a different way (e.g. COMPLETED then FAILED) with no requeue in "
     "between: two sources disagree about how it ended"},
    {"start-before-submit", "the job started (-> RUNNING) before its submission's effective time"},
    {"reentered-without-change",
     "a fact enters the state the previous fact already left the job in (e.g. RUNNING then "
     "RUNNING): a duplicate, or a missing fact in between"},
    {"from-mismatch",
     "the fact's `from` state is not the state the previous fact left the job in (PENDING "
     "after a requeue, NODE_FAIL, BOOT_FAIL or PREEMPTED agrees: the job is pending again)"},
    {"submission-not-first",
     "the job's submission is not its first fact by effective time: something happened to it "
     "before it was submitted"},
    {"repeated-submission", "the job has more than one submission"},
    {"observed-before-effective",
     "jobtrail observed the fact more than 5 minutes (kClockSkewToleranceUs) before it "
     "happened: the scheduler's clock and jobtrail's disagree"},
};
static_assert(std::size(kRuleDocs) == static_cast<size_t>(Rule::kCount), "one doc per rule");

std::string name(S s) {
  const char* text = job_state_name(s);
  return text != nullptr && *text != '\0' ? text : "state " + std::to_string(static_cast<int>(s));
}

std::string seq_text(const Transition& t) {
  return "seq " + std::to_string(t.seq);
}

std::string change_text(S from, S to) {
  return name(from) + " -> " + name(to);
}

// from == state, or from is PENDING and the job is pending again after `state` by itself.
bool from_matches(S from, S state) {
  return from == state || (from == S::PENDING && state_rule(state).back_to_pending);
}

std::optional<size_t> first_submission(const std::vector<Transition>& facts) {
  for (size_t i = 0; i < facts.size(); ++i) {
    if (facts[i].is_submission) return i;
  }
  return std::nullopt;
}

// Walks one job's facts in order, keeping what the facts so far say, and flags each fact.
class Checker {
 public:
  explicit Checker(const std::vector<Transition>& facts)
      : facts_(facts), first_submission_(first_submission(facts)) {}

  std::vector<TransitionFlag> run() {
    for (size_t i = 0; i < facts_.size(); ++i) {
      if (facts_[i].is_submission) {
        check_submission(i);
      } else {
        check_change(i);
      }
      check_clock(i);
      advance(facts_[i]);
    }
    return std::move(flags_);
  }

 private:
  void flag(size_t index, Rule rule, std::string reason) {
    flags_.push_back({index, kRuleDocs[static_cast<size_t>(rule)].id, std::move(reason)});
  }

  void check_submission(size_t i) {
    const Transition& t = facts_[i];
    if (i != *first_submission_) {
      flag(i, Rule::kRepeatedSubmission,
           seq_text(t) + " submits the job again; " + seq_text(facts_[*first_submission_]) +
               " submitted it first");
    } else if (facts_.front().effective_at_us < t.effective_at_us) {
      flag(i, Rule::kSubmissionNotFirst,
           "the submission (" + seq_text(t) + ") is effective after " + seq_text(facts_.front()) +
               " (" + std::to_string(i) + " facts come before it)");
    }
  }

  void check_change(size_t i) {
    const Transition& t = facts_[i];
    if (t.to == S::RUNNING && first_submission_ &&
        t.effective_at_us < facts_[*first_submission_].effective_at_us) {
      flag(i, Rule::kStartBeforeSubmit,
           seq_text(t) + " starts the job " +
               std::to_string(facts_[*first_submission_].effective_at_us - t.effective_at_us) +
               " us before its submission (" + seq_text(facts_[*first_submission_]) + ")");
    }
    if (t.to != S::UNKNOWN && t.to == previous_to_) {
      flag(i, Rule::kReenteredWithoutChange,
           seq_text(t) + " enters " + name(t.to) + ", the state the previous fact left it in");
    }
    if (t.from != S::UNKNOWN && previous_to_ != S::UNKNOWN && !from_matches(t.from, previous_to_) &&
        !from_matches(t.from, life_)) {
      flag(i, Rule::kFromMismatch,
           seq_text(t) + " says " + change_text(t.from, t.to) +
               " but the previous fact left the job " + name(previous_to_));
    }
    check_machine(i);
  }

  // The state machine, from the job's last known state (or the fact's own `from` when none).
  void check_machine(size_t i) {
    const Transition& t = facts_[i];
    const S prior = life_ != S::UNKNOWN ? life_ : t.from;
    if (transition_allowed(prior, t.to)) return;
    const std::string what = seq_text(t) + ": " + change_text(prior, t.to);
    if (!is_terminal(prior)) {
      flag(i, Rule::kTransitionNotAllowed, what + " is not a transition a job can make");
    } else if (is_terminal(t.to)) {
      flag(i, Rule::kEndedTwice, what + ": the job had already ended, with no requeue since");
    } else {
      flag(i, Rule::kTerminalThenActive, what + ": the job had ended, with no requeue since");
    }
  }

  void check_clock(size_t i) {
    const Transition& t = facts_[i];
    const int64_t early_us = t.effective_at_us - t.observed_at_us;
    if (early_us <= kClockSkewToleranceUs) return;
    flag(i, Rule::kObservedBeforeEffective,
         seq_text(t) + " was observed " + std::to_string(early_us / 1'000'000) +
             " s before it happened (tolerance " +
             std::to_string(kClockSkewToleranceUs / 1'000'000) + " s)");
  }

  // A submission sets the state only when nothing is known yet (a late or repeated one is
  // flagged, not believed). COMPLETING after an end is that end's epilog: the job stays ended.
  void advance(const Transition& t) {
    if (t.is_submission && life_ != S::UNKNOWN) return;
    previous_to_ = t.to;
    if (t.to == S::UNKNOWN || (t.to == S::COMPLETING && is_terminal(life_))) return;
    life_ = t.to;
  }

  const std::vector<Transition>& facts_;
  const std::optional<size_t> first_submission_;
  S previous_to_ = S::UNKNOWN;  // the previous fact's `to`, as it said it
  S life_ = S::UNKNOWN;         // the job's last known state
  std::vector<TransitionFlag> flags_;
};

}  // namespace

bool transition_allowed(fb::JobState from, fb::JobState to) {
  from = known_or_unknown(from);
  to = known_or_unknown(to);
  if (from == S::UNKNOWN || to == S::UNKNOWN || from == to) return true;
  const StateRule& rule = state_rule(from);
  if ((rule.next & bit(to)) != 0) return true;
  return rule.back_to_pending && (state_rule(S::PENDING).next & bit(to)) != 0;
}

std::vector<TransitionFlag> check_transitions(const std::vector<Transition>& transitions) {
  return Checker(transitions).run();
}

std::span<const RuleDoc> transition_rules() {
  return kRuleDocs;
}

}  // namespace jobtrail::replay
