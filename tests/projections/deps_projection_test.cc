// The deps projection and its can-run evaluation, built from events through the engine:
// linear chain, fan-out, fan-in, never satisfied, cross-cluster, replacement, any-of.
#include "projections/deps_projection.h"

#include <catch2/catch.hpp>

#include "fold_fixture.h"
#include "projections/arrays_projection.h"
#include "projections/deps_evaluation.h"
#include "projections/jobs_projection.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::projections;
using jobtrail::testing::FoldFixture;
using Kind = fb::DependencyKind;
using S = fb::JobState;

DepsReport report(FoldFixture& f, const std::string& job, const std::string& cluster = "c") {
  f.fold();
  auto r = evaluate_stored_deps(f.log(), cluster, job);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::vector<std::string> dependents_of(const DepsReport& r) {
  std::vector<std::string> out;
  for (const auto& d : r.dependents) out.push_back(d.cluster + "/" + d.job);
  return out;
}

}  // namespace

TEST_CASE("a linear chain runs one link at a time as each target completes",
          "[projections][deps]") {
  FoldFixture f;
  for (const char* j : {"1", "2", "3"}) f.submit(j, 10);
  f.depend("2", Kind::AFTER_OK, {"1"}, 10);
  f.depend("3", Kind::AFTER_OK, {"2"}, 10);
  f.change("1", S::PENDING, S::RUNNING, 20);
  DepsReport r2 = report(f, "2");
  CHECK_FALSE(r2.can_run);
  REQUIRE(r2.why_not.size() == 1);
  CHECK(r2.why_not[0].target == "1");
  CHECK(r2.why_not[0].target_state == "RUNNING");
  CHECK(r2.why_not[0].status == DepStatus::kPending);
  CHECK(dependents_of(r2) == std::vector<std::string>{"c/3"});

  f.change("1", S::RUNNING, S::COMPLETED, 30);
  CHECK(report(f, "2").can_run);
  CHECK_FALSE(report(f, "3").can_run);
  f.change("2", S::PENDING, S::RUNNING, 40);
  f.change("2", S::RUNNING, S::COMPLETED, 50);
  const DepsReport r3 = report(f, "3");
  CHECK(r3.can_run);
  CHECK(r3.depends_on.at(0).status == DepStatus::kSatisfied);
  CHECK(r3.seq > 0);
}

TEST_CASE("fan-out: one target lists every waiting job, each with its own kind",
          "[projections][deps]") {
  FoldFixture f;
  for (const char* j : {"1", "2", "3", "4"}) f.submit(j, 10);
  f.depend("2", Kind::AFTER_OK, {"1"}, 10);
  f.depend("3", Kind::AFTER_ANY, {"1"}, 10);
  f.depend("4", Kind::AFTER_NOT_OK, {"1"}, 10);
  f.change("1", S::PENDING, S::FAILED, 20);
  const DepsReport r1 = report(f, "1");
  CHECK(r1.can_run);
  CHECK(dependents_of(r1) == std::vector<std::string>{"c/2", "c/3", "c/4"});
  const DepsReport r2 = report(f, "2");
  CHECK_FALSE(r2.can_run);
  CHECK(r2.never);
  CHECK(r2.why_not.at(0).status == DepStatus::kNever);
  CHECK(report(f, "3").can_run);
  CHECK(report(f, "4").can_run);
}

TEST_CASE("fan-in: a job waiting on several targets runs when the last is satisfied",
          "[projections][deps]") {
  FoldFixture f;
  for (const char* j : {"1", "2", "3", "9"}) f.submit(j, 10);
  f.depend("9", Kind::AFTER_OK, {"1", "2"}, 10);
  f.depend("9", Kind::AFTER_ANY, {"3"}, 10, "c", /*part=*/1);
  f.change("1", S::PENDING, S::COMPLETED, 20);
  f.change("3", S::PENDING, S::CANCELLED, 20);
  DepsReport r = report(f, "9");
  CHECK(r.depends_on.size() == 3);
  CHECK_FALSE(r.can_run);
  REQUIRE(r.why_not.size() == 1);
  CHECK(r.why_not[0].target == "2");
  CHECK(r.why_not[0].target_state == "PENDING");
  f.change("2", S::PENDING, S::COMPLETED, 30);
  CHECK(report(f, "9").can_run);
  CHECK(dependents_of(report(f, "3")) == std::vector<std::string>{"c/9"});
}

TEST_CASE("never satisfied: afterok on a cancelled target, or on a job the ledger lacks",
          "[projections][deps]") {
  FoldFixture f;
  f.submit("1", 10);
  f.submit("2", 10);
  f.submit("3", 10);
  f.depend("2", Kind::AFTER_OK, {"1"}, 10);
  f.depend("3", Kind::AFTER_OK, {"77"}, 10);
  f.change("1", S::PENDING, S::CANCELLED, 20);
  const DepsReport r2 = report(f, "2");
  CHECK(r2.never);
  CHECK(r2.why_not.at(0).target_state == "CANCELLED");
  CHECK(r2.why_not.at(0).reason.find("never") != std::string::npos);
  const DepsReport r3 = report(f, "3");
  CHECK(r3.never);
  CHECK(r3.why_not.at(0).target_state == "unknown");
  // The unknown target still knows who waits on it.
  const DepsReport r77 = report(f, "77");
  CHECK(r77.known);
  CHECK(dependents_of(r77) == std::vector<std::string>{"c/3"});
}

TEST_CASE("cross-cluster: a target named in another cluster is read there", "[projections][deps]") {
  FoldFixture f;
  f.submit("5", 10, "a");
  f.submit("5", 10, "b");
  f.depend("5", Kind::AFTER_OK, {"5"}, 10, "b", 0, false, "a");
  f.change("5", S::PENDING, S::COMPLETED, 20, "b");  // the same key in b does not count
  DepsReport r = report(f, "5", "b");
  CHECK_FALSE(r.can_run);
  CHECK(r.depends_on.at(0).cluster == "a");
  CHECK(dependents_of(report(f, "5", "a")) == std::vector<std::string>{"b/5"});
  CHECK(report(f, "5", "b").dependents.empty());
  f.change("5", S::PENDING, S::COMPLETED, 30, "a");
  CHECK(report(f, "5", "b").can_run);
}

TEST_CASE("a new declaration replaces the old one and its reverse edges", "[projections][deps]") {
  FoldFixture f;
  for (const char* j : {"1", "2", "3"}) f.submit(j, 10);
  f.depend("3", Kind::AFTER_OK, {"1"}, 10);
  f.depend("3", Kind::AFTER_ANY, {"2"}, 20);
  const DepsReport r = report(f, "3");
  REQUIRE(r.depends_on.size() == 1);
  CHECK(r.depends_on[0].target == "2");
  CHECK(report(f, "1").dependents.empty());
  CHECK(dependents_of(report(f, "2")) == std::vector<std::string>{"c/3"});
}

TEST_CASE("any-of holds once one alternative is satisfied; singleton waits for a running twin",
          "[projections][deps]") {
  FoldFixture f;
  for (const char* j : {"1", "2", "3"}) f.submit(j, 10);
  f.depend("3", Kind::AFTER_OK, {"1"}, 10, "c", 0, true);
  f.depend("3", Kind::AFTER_OK, {"2"}, 10, "c", 1, true);
  f.change("1", S::PENDING, S::FAILED, 20);
  CHECK_FALSE(report(f, "3").can_run);
  CHECK_FALSE(report(f, "3").never);
  f.change("2", S::PENDING, S::COMPLETED, 30);
  CHECK(report(f, "3").can_run);

  f.submit("10", 40);  // fixture names it "job 10", user alice
  f.submit("11", 40);
  f.fields("11", {{"name", "job 10"}}, 40);
  f.depend("11", Kind::SINGLETON, {}, 40);
  f.change("10", S::PENDING, S::RUNNING, 50);
  DepsReport single = report(f, "11");
  CHECK_FALSE(single.can_run);
  CHECK(single.why_not.at(0).target == "10");
  f.change("10", S::RUNNING, S::COMPLETED, 60);
  CHECK(report(f, "11").can_run);
}

TEST_CASE("an array target counts all its tasks", "[projections][deps]") {
  FoldFixture f;
  f.submit("12_1", 10);
  f.submit("12_2", 10);
  f.submit("13", 10);
  f.depend("13", Kind::AFTER_OK, {"12"}, 10);
  f.change("12_1", S::PENDING, S::COMPLETED, 20);
  CHECK_FALSE(report(f, "13").can_run);
  f.change("12_2", S::PENDING, S::COMPLETED, 30);
  const DepsReport r = report(f, "13");
  CHECK(r.can_run);
  CHECK(r.depends_on.at(0).target_state.find("array") == 0);
}
