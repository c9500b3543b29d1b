// Fold tests for the jobs projection, per event type, on a real log.
#include "projections/jobs_projection.h"

#include "fold_fixture.h"

namespace jobtrail::projections {

using S = fb::JobState;
using testing::FoldFixture;

namespace {
JobView job(FoldFixture& f, const std::string& key, const std::string& cluster = "c") {
  auto state = f.state(JobsProjection::kName);
  auto view = read_job(state, cluster, key);
  REQUIRE(view.ok());
  REQUIRE(view->has_value());
  return **view;
}
}  // namespace

TEST_CASE("a submitted job is PENDING with its metadata, then follows its transitions",
          "[projections][jobs]") {
  FoldFixture f;
  f.submit("812", 100);
  f.fold();
  JobView v = job(f, "812");
  CHECK(v.state == S::PENDING);
  CHECK(v.user == "alice");
  CHECK(v.submit_at_us == 100'000'000);
  CHECK(v.submitted);

  f.change("812", S::PENDING, S::RUNNING, 150);
  f.change("812", S::RUNNING, S::FAILED, 400, "c", -1, 3);
  f.fold();
  v = job(f, "812");
  CHECK(v.state == S::FAILED);
  CHECK(v.start_at_us == 150'000'000);
  CHECK(v.end_at_us == 400'000'000);
  CHECK(v.exit_code == 3);
  CHECK(v.last_seq == 3);
}

TEST_CASE("a late fact joins the history but never moves the current state backwards",
          "[projections][jobs][late]") {
  FoldFixture f;
  f.submit("9", 100);
  f.change("9", S::PENDING, S::RUNNING, 200);
  f.change("9", S::RUNNING, S::COMPLETED, 900);
  // sacct, later: the job had been requeued at t=500 (an earlier run).
  f.change("9", S::RUNNING, S::REQUEUED, 500, "c", 1000);
  f.fold();
  JobView v = job(f, "9");
  CHECK(v.state == S::COMPLETED);
  CHECK(v.end_at_us == 900'000'000);
  CHECK(v.last_seq == 4);
  CHECK(v.state_seq == 3);
}

TEST_CASE("an event for an unknown job creates the job and is noted", "[projections][jobs]") {
  FoldFixture f;
  f.change("77", S::PENDING, S::RUNNING, 10);
  f.fold();
  JobView v = job(f, "77");
  CHECK(v.state == S::RUNNING);
  CHECK_FALSE(v.submitted);
  bool noted = false;
  REQUIRE(f.log()
              .scan_state("jobs", kNotePrefix,
                          [&](std::string_view, std::string_view value) {
                            noted = noted || value.find("first seen in JobStateChanged") !=
                                                 std::string_view::npos;
                            return true;
                          })
              .ok());
  CHECK(noted);
}

TEST_CASE("changed fields update the view, and unknown ones are kept by name",
          "[projections][jobs]") {
  FoldFixture f;
  f.submit("5", 1);
  f.fields("5", {{"reason", "Priority"}, {"priority", "4294"}, {"partition", "gpu"}}, 2);
  f.fold();
  JobView v = job(f, "5");
  CHECK(v.reason == "Priority");
  CHECK(v.partition == "gpu");
  CHECK(v.fields.at("priority") == "4294");
  f.fields("5", {{"priority", ""}}, 3);
  f.fold();
  CHECK(job(f, "5").fields.count("priority") == 0);
}

TEST_CASE("array tasks know their parent, and the same key in two clusters is two jobs",
          "[projections][jobs]") {
  FoldFixture f;
  f.submit("5_3", 1, "a");
  f.submit("5_3", 1, "b");
  f.change("5_3", S::PENDING, S::RUNNING, 2, "b");
  f.fold();
  CHECK(job(f, "5_3", "a").state == S::PENDING);
  CHECK(job(f, "5_3", "b").state == S::RUNNING);
  CHECK(job(f, "5_3", "a").array_parent == "5");
  CHECK(*job(f, "5_3", "a").array_task == 3);
  std::vector<std::string> listed;
  auto state = f.state(JobsProjection::kName);
  REQUIRE(for_each_job(state, "a", [&](const JobView& v) {
            listed.push_back(v.cluster + "/" + v.job);
            return true;
          }).ok());
  CHECK(listed == std::vector<std::string>{"a/5_3"});
}

TEST_CASE("a requeued job is active again: its end time is cleared", "[projections][jobs]") {
  FoldFixture f;
  f.submit("3", 0);
  f.change("3", S::PENDING, S::RUNNING, 10);
  f.change("3", S::RUNNING, S::NODE_FAIL, 20);
  f.change("3", S::NODE_FAIL, S::REQUEUED, 21);
  f.change("3", S::REQUEUED, S::PENDING, 22);
  f.fold();
  JobView v = job(f, "3");
  CHECK(v.state == S::PENDING);
  CHECK(v.end_at_us == 0);
}

TEST_CASE("job views survive their encoding byte for byte", "[projections][jobs]") {
  JobView v;
  v.cluster = "c";
  v.job = "123_[5-20%4]";
  v.state = S::OUT_OF_MEMORY;
  v.state_effective_at_us = -5;
  v.exit_code = 0;
  v.array_task = 0;
  v.fields = {{"a", "b"}};
  auto decoded = decode_job_view(encode_job_view(v));
  REQUIRE(decoded);
  CHECK(*decoded == v);
  CHECK_FALSE(decode_job_view("garbage"));
  CHECK_FALSE(decode_job_view(encode_job_view(v) + "x"));
}

}  // namespace jobtrail::projections
