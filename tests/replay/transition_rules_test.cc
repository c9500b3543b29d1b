// Tests for the job state machine and the audit rules: real lives (SLURM, requeues, SWF) raise
// no flag, each crafted impossible life raises exactly its rule at the fact that breaks it, and
// every rule id check_transitions returns is documented by transition_rules().
#include "replay/transition_rules.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "events/job_state.h"

namespace jobtrail::replay {
namespace {

using S = fb::JobState;

constexpr int64_t kSecondUs = 1'000'000;
constexpr int64_t kMinuteUs = 60 * kSecondUs;
constexpr int64_t kT0Us = 1'027'839'845 * kSecondUs;  // 2002-07-28T07:04:05Z (HPC2N job 1)

// A live source: observed one second after it happened.
Transition submitted(uint64_t seq, int64_t minute) {
  Transition t;
  t.seq = seq;
  t.is_submission = true;
  t.to = S::PENDING;
  t.effective_at_us = kT0Us + minute * kMinuteUs;
  t.observed_at_us = t.effective_at_us + kSecondUs;
  return t;
}

Transition changed(uint64_t seq, S from, S to, int64_t minute) {
  Transition t;
  t.seq = seq;
  t.from = from;
  t.to = to;
  t.effective_at_us = kT0Us + minute * kMinuteUs;
  t.observed_at_us = t.effective_at_us + kSecondUs;
  return t;
}

// "3 terminal-then-active": index and rule of each flag, in order.
std::vector<std::string> flags_of(const std::vector<Transition>& facts) {
  std::vector<std::string> out;
  for (const TransitionFlag& f : check_transitions(facts)) {
    INFO(f.reason);
    CHECK_FALSE(f.reason.empty());
    CHECK(f.index < facts.size());
    out.push_back(std::to_string(f.index) + " " + f.rule);
  }
  return out;
}

// ---- Lives that happen --------------------------------------------------------------------

std::vector<Transition> normal_life() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::COMPLETED, 65)};
}

std::vector<Transition> requeued_through_pending() {
  return {submitted(1, 0),
          changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::REQUEUED, 20),
          changed(4, S::REQUEUED, S::PENDING, 21),
          changed(5, S::PENDING, S::RUNNING, 30),
          changed(6, S::RUNNING, S::COMPLETED, 90)};
}

// sacct -D: the earlier run's record ends REQUEUED; the next record starts with its own run.
std::vector<Transition> requeued_sacct_style() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::REQUEUED, 20), changed(4, S::PENDING, S::RUNNING, 30),
          changed(5, S::RUNNING, S::COMPLETED, 90)};
}

// Node failure with JobRequeue=1: SLURM requeues the job itself, no REQUEUED fact.
std::vector<Transition> node_fail_requeued_by_slurm() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::NODE_FAIL, 20), changed(4, S::PENDING, S::RUNNING, 30),
          changed(5, S::RUNNING, S::TIMEOUT, 90)};
}

std::vector<Transition> suspended_and_resumed() {
  return {submitted(1, 0),
          changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::SUSPENDED, 10),
          changed(4, S::SUSPENDED, S::RUNNING, 40),
          changed(5, S::RUNNING, S::COMPLETING, 70),
          changed(6, S::COMPLETING, S::COMPLETED, 71)};
}

// A poll during the epilog, after sacct's End: SLURM sets the final state before COMPLETING.
std::vector<Transition> completing_seen_after_the_end() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::CANCELLED, 30), changed(4, S::UNKNOWN, S::COMPLETING, 31)};
}

// What the SWF importer writes: submit, start, ENDED (status -1), imported years later.
std::vector<Transition> swf_life_ended_unknown_how() {
  std::vector<Transition> facts = {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 0),
                                   changed(3, S::RUNNING, S::ENDED, 600)};
  const int64_t imported_at_us = 1'795'000'000 * kSecondUs;  // 2026
  for (Transition& t : facts) t.observed_at_us = imported_at_us;
  return facts;
}

std::vector<Transition> swf_cancelled_before_start() {
  return {submitted(1, 0), changed(2, S::PENDING, S::CANCELLED, 3)};
}

// ---- Lives that cannot happen -------------------------------------------------------------

std::vector<Transition> completed_then_running() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::COMPLETED, 65), changed(4, S::COMPLETED, S::RUNNING, 70)};
}

// The epilog does not undo the end: COMPLETING -> RUNNING after COMPLETED is still a rerun.
std::vector<Transition> completed_completing_then_running() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::COMPLETED, 65), changed(4, S::UNKNOWN, S::COMPLETING, 66),
          changed(5, S::COMPLETING, S::RUNNING, 70)};
}

std::vector<Transition> completed_then_failed() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::COMPLETED, 65), changed(4, S::UNKNOWN, S::FAILED, 66)};
}

std::vector<Transition> pending_then_suspended() {
  return {submitted(1, 0), changed(2, S::PENDING, S::SUSPENDED, 5)};
}

std::vector<Transition> suspended_then_completed() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::SUSPENDED, 10), changed(4, S::SUSPENDED, S::COMPLETED, 20)};
}

std::vector<Transition> started_before_submitted() {
  return {changed(1, S::PENDING, S::RUNNING, 0), submitted(2, 10),
          changed(3, S::RUNNING, S::COMPLETED, 60)};
}

std::vector<Transition> running_then_running() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::RUNNING, S::RUNNING, 6), changed(4, S::RUNNING, S::COMPLETED, 60)};
}

std::vector<Transition> from_disagrees() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5),
          changed(3, S::SUSPENDED, S::CANCELLED, 30)};
}

std::vector<Transition> pending_before_submission() {
  return {changed(1, S::UNKNOWN, S::PENDING, 0), submitted(2, 1),
          changed(3, S::PENDING, S::RUNNING, 5), changed(4, S::RUNNING, S::COMPLETED, 60)};
}

std::vector<Transition> submitted_twice() {
  return {submitted(1, 0), changed(2, S::PENDING, S::RUNNING, 5), submitted(3, 6),
          changed(4, S::RUNNING, S::COMPLETED, 60)};
}

std::vector<Transition> observed_ten_minutes_early() {
  std::vector<Transition> facts = normal_life();
  facts[1].observed_at_us = facts[1].effective_at_us - 10 * kMinuteUs;
  return facts;
}

TEST_CASE("A normal life (submitted, started, completed) raises no flag", "[replay][audit]") {
  CHECK(flags_of(normal_life()).empty());
}

TEST_CASE("A requeue through REQUEUED and back to PENDING raises no flag", "[replay][audit]") {
  CHECK(flags_of(requeued_through_pending()).empty());
}

TEST_CASE("A requeue as sacct reports it (earlier run REQUEUED, then the next run) raises no flag",
          "[replay][audit]") {
  CHECK(flags_of(requeued_sacct_style()).empty());
}

TEST_CASE("A node failure SLURM requeues by itself raises no flag", "[replay][audit]") {
  CHECK(flags_of(node_fail_requeued_by_slurm()).empty());
}

TEST_CASE("A suspended and resumed job that completes through COMPLETING raises no flag",
          "[replay][audit]") {
  CHECK(flags_of(suspended_and_resumed()).empty());
}

TEST_CASE("COMPLETING seen after the job's end (its epilog) raises no flag", "[replay][audit]") {
  CHECK(flags_of(completing_seen_after_the_end()).empty());
}

TEST_CASE("An SWF life that ended unknown how (ENDED), imported years later, raises no flag",
          "[replay][audit]") {
  CHECK(flags_of(swf_life_ended_unknown_how()).empty());
  CHECK(flags_of(swf_cancelled_before_start()).empty());
}

TEST_CASE("No facts raise no flag", "[replay][audit]") {
  CHECK(flags_of({}).empty());
}

TEST_CASE("A completed job that runs again without a requeue is terminal-then-active",
          "[replay][audit]") {
  CHECK(flags_of(completed_then_running()) == std::vector<std::string>{"3 terminal-then-active"});
  CHECK(flags_of(completed_completing_then_running()) ==
        std::vector<std::string>{"4 terminal-then-active"});
}

TEST_CASE("A completed job that later fails, with no requeue in between, is ended-twice",
          "[replay][audit]") {
  CHECK(flags_of(completed_then_failed()) == std::vector<std::string>{"3 ended-twice"});
}

TEST_CASE("A pending job suspended, or a suspended job completing, is transition-not-allowed",
          "[replay][audit]") {
  CHECK(flags_of(pending_then_suspended()) == std::vector<std::string>{"1 transition-not-allowed"});
  CHECK(flags_of(suspended_then_completed()) ==
        std::vector<std::string>{"3 transition-not-allowed"});
}

TEST_CASE("A start before the submission is start-before-submit, and the submission not first",
          "[replay][audit]") {
  CHECK(flags_of(started_before_submitted()) ==
        std::vector<std::string>{"0 start-before-submit", "1 submission-not-first"});
}

TEST_CASE("RUNNING then RUNNING with nothing in between is reentered-without-change",
          "[replay][audit]") {
  CHECK(flags_of(running_then_running()) == std::vector<std::string>{"2 reentered-without-change"});
}

TEST_CASE("A from state other than the previous fact's to is from-mismatch", "[replay][audit]") {
  CHECK(flags_of(from_disagrees()) == std::vector<std::string>{"2 from-mismatch"});
}

TEST_CASE("A submission after another fact of the job is submission-not-first", "[replay][audit]") {
  CHECK(flags_of(pending_before_submission()) ==
        std::vector<std::string>{"1 submission-not-first"});
}

TEST_CASE("A second submission is repeated-submission and does not reset the job's state",
          "[replay][audit]") {
  CHECK(flags_of(submitted_twice()) == std::vector<std::string>{"2 repeated-submission"});
}

TEST_CASE("A fact observed more than the tolerance before it happened is observed-before-effective",
          "[replay][audit]") {
  CHECK(flags_of(observed_ten_minutes_early()) ==
        std::vector<std::string>{"1 observed-before-effective"});

  std::vector<Transition> within = normal_life();
  within[1].observed_at_us = within[1].effective_at_us - kClockSkewToleranceUs;
  CHECK(flags_of(within).empty());
  within[1].observed_at_us -= 1;
  CHECK(flags_of(within) == std::vector<std::string>{"1 observed-before-effective"});
}

TEST_CASE("Every flag of a life with several faults comes at its own fact, in order",
          "[replay][audit]") {
  std::vector<Transition> facts = completed_then_running();
  facts.push_back(changed(5, S::RUNNING, S::RUNNING, 80));
  facts.push_back(submitted(6, 90));
  CHECK(flags_of(facts) == std::vector<std::string>{"3 terminal-then-active",
                                                    "4 reentered-without-change",
                                                    "5 repeated-submission"});
}

TEST_CASE("The state machine follows SLURM: requeues, suspend/resume, and no life after the end",
          "[replay][audit]") {
  CHECK(transition_allowed(S::PENDING, S::RUNNING));
  CHECK(transition_allowed(S::RUNNING, S::SUSPENDED));
  CHECK(transition_allowed(S::SUSPENDED, S::RUNNING));
  CHECK(transition_allowed(S::REQUEUED, S::PENDING));
  CHECK(transition_allowed(S::REQUEUE_HOLD, S::PENDING));
  CHECK(transition_allowed(S::PREEMPTED, S::REQUEUED));
  CHECK(transition_allowed(S::BOOT_FAIL, S::PENDING));
  CHECK_FALSE(transition_allowed(S::COMPLETING, S::RUNNING));
  CHECK_FALSE(transition_allowed(S::PENDING, S::COMPLETED));
  CHECK(transition_allowed(S::UNKNOWN, S::COMPLETED));
  CHECK(transition_allowed(S::COMPLETED, S::UNKNOWN));
  CHECK(transition_allowed(static_cast<S>(200), S::RUNNING));  // a newer schema's state

  for (size_t i = 0; i < kJobStateCount; ++i) {
    const S end = static_cast<S>(i);
    if (!is_terminal(end)) continue;
    INFO(job_state_name(end));
    CHECK(transition_allowed(end, S::REQUEUED));
    CHECK(transition_allowed(end, S::REQUEUE_HOLD));
    const bool requeued_by_slurm =
        end == S::NODE_FAIL || end == S::BOOT_FAIL || end == S::PREEMPTED || end == S::SPECIAL_EXIT;
    CHECK(transition_allowed(end, S::RUNNING) == requeued_by_slurm);
    CHECK(transition_allowed(end, S::PENDING) == requeued_by_slurm);
    CHECK_FALSE(transition_allowed(end, S::SUSPENDED));
  }
}

TEST_CASE("Every rule id check_transitions returns is listed in transition_rules()",
          "[replay][audit]") {
  std::set<std::string> documented;
  for (const RuleDoc& rule : transition_rules()) {
    INFO(rule.id);
    CHECK(std::string(rule.explanation).size() > 20);
    CHECK(documented.insert(rule.id).second);  // unique
  }

  const std::vector<std::function<std::vector<Transition>()>> lives = {
      completed_then_running,     completed_completing_then_running,
      completed_then_failed,      pending_then_suspended,
      suspended_then_completed,   started_before_submitted,
      running_then_running,       from_disagrees,
      pending_before_submission,  submitted_twice,
      observed_ten_minutes_early, normal_life,
      requeued_sacct_style,       swf_life_ended_unknown_how};
  std::set<std::string> raised;
  for (const auto& life : lives) {
    for (const TransitionFlag& flag : check_transitions(life())) {
      INFO(flag.rule);
      CHECK(documented.count(flag.rule) == 1);
      raised.insert(flag.rule);
    }
  }
  CHECK(raised == documented);  // and every documented rule is exercised above
}

}  // namespace
}  // namespace jobtrail::replay
