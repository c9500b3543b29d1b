// Tests for the SLURM JSON parsers on every job of the real slurmrestd captures in
// data/slurm/slurmweb-slurmrestd/ (v0.0.41 from 24.05, v0.0.44 from 25.11; see the data README),
// and on hand-written v0.0.38 documents laid out as 22.05's `squeue --json` / `sacct --json`
// print them (plain epoch numbers, job_state a string).
#include "ingest/slurm/slurm_json.h"

#include <catch2/catch.hpp>
#include <string>

#include "ingest/captured_data.h"

namespace jobtrail::ingest::slurm {
namespace {

constexpr int64_t kUs = 1'000'000;

std::string restd(const std::string& name) {
  return testing::read_captured("slurm/slurmweb-slurmrestd", name);
}

const char* const kVersions[] = {"24.05/0.0.41", "25.11/0.0.44"};
const char* const kSqueueFiles[] = {"slurm-jobs.json", "slurm-job-pending.json",
                                    "slurm-job-running.json"};
const char* const kSacctFiles[] = {"slurmdb-job-completed.json",        "slurmdb-job-failed.json",
                                   "slurmdb-job-gpus-multi-nodes.json", "slurmdb-job-pending.json",
                                   "slurmdb-job-running.json",          "slurmdb-job-timeout.json"};

SqueueJsonDocument squeue_doc(const std::string& text) {
  auto doc = parse_squeue_json(text);
  INFO(doc.status().to_string());
  REQUIRE(doc.ok());
  return std::move(doc).value();
}

SacctJsonDocument sacct_doc(const std::string& text) {
  auto doc = parse_sacct_json(text);
  INFO(doc.status().to_string());
  REQUIRE(doc.ok());
  return std::move(doc).value();
}

TEST_CASE("every job of the real slurmrestd squeue documents converts with a known state") {
  for (const char* version : kVersions) {
    for (const char* file : kSqueueFiles) {
      INFO(version << "/" << file);
      const SqueueJsonDocument doc = squeue_doc(restd(std::string(version) + "/" + file));
      CHECK(doc.errors.empty());
      REQUIRE(!doc.jobs.empty());
      CHECK(doc.data_parser.find(std::string(version).substr(6)) != std::string::npos);
      for (std::size_t i = 0; i < doc.jobs.size(); ++i) {
        const SqueueRecord& r = doc.jobs[i].record;
        INFO(r.job_id);
        CHECK(doc.jobs[i].index == i);
        CHECK(r.state.state != fb::JobState::UNKNOWN);
        CHECK(r.job_key.format() == r.job_id);
        CHECK(r.submit.epoch_us.has_value());
        CHECK(!r.user.empty());
        CHECK(r.partition != "");
        CHECK(r.time_limit.has_seconds());
        if (r.state.state == fb::JobState::RUNNING) CHECK(r.start.epoch_us.has_value());
        if (r.state.state == fb::JobState::PENDING) CHECK(r.node_count == uint64_t{0});
      }
    }
  }
}

TEST_CASE("squeue JSON 0.0.41 fields read as the text columns would print them") {
  const SqueueJsonDocument doc = squeue_doc(restd("24.05/0.0.41/slurm-jobs.json"));
  REQUIRE(doc.jobs.size() == 14);
  const SqueueRecord& r = doc.jobs[0].record;
  CHECK(r.job_id == "649717");
  CHECK(r.job_id_raw == "649717");
  CHECK(r.state.state == fb::JobState::TIMEOUT);
  CHECK(r.state.raw == "TIMEOUT");
  CHECK(r.reason == "TimeLimit");
  CHECK(r.name == "wrap");
  CHECK(r.user == "ksoto");
  CHECK(r.uid == uint32_t{10009});
  CHECK(r.group == "scientists");
  CHECK(r.account == "optic");
  CHECK(r.partition == "batch");
  CHECK(r.qos == "normal");
  CHECK(r.node_list == "cn001");
  CHECK(r.nodes == uint32_t{1});
  CHECK(r.cpus == uint32_t{1});
  CHECK(r.submit.epoch_us == 1747754465 * kUs);
  CHECK(r.submit.text == "1747754465");
  CHECK(r.start.epoch_us == 1747754466 * kUs);
  CHECK(r.end.epoch_us == 1747754549 * kUs);
  CHECK(r.time_limit.seconds == 60);
  CHECK(r.priority == "454");
  CHECK(r.work_dir == "/home/ksoto");
  REQUIRE(r.min_memory.has_value());
  CHECK(r.min_memory->bytes == 512ull << 20);
  CHECK(r.min_memory->per == ReqMem::Per::kCpu);
  CHECK(doc.last_update_us == 1747754565 * kUs);
  const SqueueRecord& pending = doc.jobs.back().record;
  CHECK(pending.state.state == fb::JobState::PENDING);
  CHECK(pending.reason == "BeginTime");
}

TEST_CASE("every job of the real slurmrestd sacct documents converts with its steps") {
  for (const char* version : kVersions) {
    for (const char* file : kSacctFiles) {
      INFO(version << "/" << file);
      const SacctJsonDocument doc = sacct_doc(restd(std::string(version) + "/" + file));
      CHECK(doc.errors.empty());
      REQUIRE(doc.jobs.size() == 1);
      const SacctJsonJob& job = doc.jobs[0];
      CHECK(job.job.state.state != fb::JobState::UNKNOWN);
      CHECK(!job.job.is_step);
      CHECK(job.job.cluster == "hpc");
      CHECK(job.job.submit.epoch_us.has_value());
      CHECK(job.text.front() == '{');
      CHECK(job.text.find('\n') == std::string::npos);
      for (const SacctRecord& step : job.steps) {
        CHECK(step.is_step);
        CHECK(step.job_key == job.job.job_key);
        CHECK(step.job_id == job.job.job_id + "." + step.step);
        CHECK(step.state.state != fb::JobState::UNKNOWN);
      }
    }
  }
}

TEST_CASE("sacct JSON 0.0.44 job and batch step read as sacct's rows would") {
  const SacctJsonDocument doc = sacct_doc(restd("25.11/0.0.44/slurmdb-job-completed.json"));
  const SacctRecord& r = doc.jobs.at(0).job;
  CHECK(r.job_id == "5749");
  CHECK(r.state.state == fb::JobState::COMPLETED);
  CHECK(r.state.raw == "COMPLETED");
  CHECK(r.user == "vhartman");
  CHECK(r.account == "biology");
  CHECK(r.partition == "normal");
  CHECK(r.submit.epoch_us == 1762942474 * kUs);
  CHECK(r.start.epoch_us == 1762942475 * kUs);
  CHECK(r.end.epoch_us == 1762942505 * kUs);
  CHECK(r.elapsed_s == int64_t{30});
  CHECK(r.timelimit.seconds == 120);
  CHECK(r.exit_code == ExitCode{0, 0});
  CHECK(r.req_cpus == uint32_t{4});
  CHECK(r.ncpus == uint32_t{4});
  CHECK(r.nnodes == uint32_t{1});
  CHECK(r.alloc_tres == "cpu=4,mem=2048M,node=1,billing=4");
  CHECK(r.node_count == uint64_t{1});
  REQUIRE(doc.jobs[0].steps.size() == 1);
  CHECK(doc.jobs[0].steps[0].job_id == "5749.batch");
  CHECK(doc.jobs[0].steps[0].step == "batch");
}

TEST_CASE("sacct JSON timeout and failure keep slurmdbd's exit codes") {
  const SacctJsonDocument doc = sacct_doc(restd("24.05/0.0.41/slurmdb-job-timeout.json"));
  const SacctRecord& r = doc.jobs.at(0).job;
  CHECK(r.state.state == fb::JobState::TIMEOUT);
  CHECK(r.exit_code == ExitCode{0, 0});  // slurmdbd says SUCCESS for this timeout
  const SacctJsonDocument failed = sacct_doc(restd("24.05/0.0.41/slurmdb-job-failed.json"));
  CHECK(failed.jobs.at(0).job.state.state == fb::JobState::FAILED);
  CHECK(failed.jobs.at(0).job.exit_code->status != 0);
}

TEST_CASE("sacct JSON pending job has no start and no nodes") {
  const SacctJsonDocument doc = sacct_doc(restd("24.05/0.0.41/slurmdb-job-pending.json"));
  const SacctRecord& r = doc.jobs.at(0).job;
  CHECK(r.state.state == fb::JobState::PENDING);
  CHECK(!r.start.epoch_us.has_value());
  CHECK(!r.end.epoch_us.has_value());
  CHECK(r.node_count == uint64_t{0});
}

// 22.05's `squeue --json` (openapi v0.0.38): plain numbers, job_state a string, array ids
// plain, array_task_id null for a pending remainder, time_limit in minutes.
const char kSqueue0038[] = R"({
  "meta": {"plugin": {"type": "openapi\/v0.0.38", "name": "Slurm OpenAPI v0.0.38"},
           "Slurm": {"version": {"major": 22, "micro": 8, "minor": 5}, "release": "22.05.8"}},
  "errors": [],
  "jobs": [
    {"account": "phys", "array_job_id": 0, "array_task_id": null, "array_task_string": "",
     "cpus": 4, "current_working_directory": "\/home\/ana", "group_id": 1000, "het_job_id": 0,
     "het_job_offset": null, "job_id": 101, "job_state": "RUNNING", "memory_per_node": 2048,
     "memory_per_cpu": null, "name": "relax", "node_count": 2, "nodes": "n[01-02]",
     "partition": "debug", "priority": 4294901759, "qos": "normal", "start_time": 1672574400,
     "state_reason": "None", "submit_time": 1672574340, "end_time": 1672578000,
     "time_limit": 60, "user_id": 1000, "user_name": "ana"},
    {"account": "phys", "array_job_id": 200, "array_task_id": null,
     "array_task_string": "3-20%5", "cpus": 1, "job_id": 200, "job_state": "PENDING",
     "name": "sweep", "node_count": 1, "nodes": "", "partition": "debug", "priority": 1,
     "qos": "normal", "start_time": 0, "end_time": 0, "state_reason": "JobArrayTaskLimit",
     "submit_time": 1672574000, "time_limit": 4294967295, "user_name": "ana"},
    {"array_job_id": 200, "array_task_id": 2, "array_task_string": "", "job_id": 202,
     "job_state": "COMPLETING", "name": "sweep", "nodes": "n03", "submit_time": 1672574000,
     "start_time": 1672574100, "end_time": 1672574500, "user_name": "ana", "time_limit": 5},
    {"job_id": "not-a-number", "job_state": "PENDING"}
  ]
})";

TEST_CASE("22.05 squeue --json (v0.0.38) converts plain numbers and string states") {
  const SqueueJsonDocument doc = squeue_doc(kSqueue0038);
  REQUIRE(doc.jobs.size() == 3);
  const SqueueRecord& running = doc.jobs[0].record;
  CHECK(running.job_id == "101");
  CHECK(running.state.state == fb::JobState::RUNNING);
  CHECK(running.state.raw == "RUNNING");
  CHECK(running.start.epoch_us == 1672574400 * kUs);
  CHECK(running.node_count == uint64_t{2});
  CHECK(running.cpus == uint32_t{4});
  CHECK(running.time_limit.seconds == 3600);
  CHECK(running.min_memory == ReqMem{2048ull << 20, ReqMem::Per::kNode, false});
  CHECK(running.priority == "4294901759");
  const SqueueRecord& remainder = doc.jobs[1].record;
  CHECK(remainder.job_id == "200_[3-20%5]");
  CHECK(remainder.array_job_id == "200");
  CHECK(!remainder.start.epoch_us.has_value());
  CHECK(remainder.time_limit.kind == SlurmDuration::Kind::kUnlimited);
  const SqueueRecord& task = doc.jobs[2].record;
  CHECK(task.job_id == "200_2");
  CHECK(task.job_id_raw == "202");
  CHECK(task.state.state == fb::JobState::COMPLETING);
  REQUIRE(doc.errors.size() == 1);
  CHECK(doc.errors[0].index == 3);
  CHECK(doc.errors[0].status.message().find("job_id") != std::string::npos);
  CHECK(doc.errors[0].text.find("not-a-number") != std::string::npos);
}

// 22.05's `sacct --json` (openapi dbv0.0.38): state.current a string, time.limit in minutes,
// exit codes with signal.signal_id, required.memory per node, steps with a bare step id.
const char kSacct0038[] = R"({
  "meta": {"plugin": {"type": "openapi\/dbv0.0.38", "name": "Slurm OpenAPI DB v0.0.38"}},
  "errors": [],
  "jobs": [
    {"account": "phys", "allocation_nodes": 1, "array": {"job_id": 0, "task_id": null,
     "task": ""}, "cluster": "lab", "exit_code": {"status": "SIGNALED", "return_code": 0,
     "signal": {"signal_id": 9, "name": "KILL"}}, "group": "phys",
     "het": {"job_id": 0, "job_offset": null}, "job_id": 300, "name": "md run",
     "nodes": "n01", "partition": "debug", "qos": "normal",
     "required": {"CPUs": 2, "memory": 1024}, "state": {"current": "CANCELLED",
     "reason": "None"}, "time": {"elapsed": 70, "eligible": 1672574000, "end": 1672574130,
     "start": 1672574060, "submission": 1672574000, "suspended": 0, "limit": 30},
     "tres": {"allocated": [{"type": "cpu", "name": null, "id": 1, "count": 2},
                            {"type": "gres", "name": "gpu", "id": 1001, "count": 1}],
              "requested": [{"type": "cpu", "id": 1, "count": 2}]},
     "user": "ana",
     "steps": [{"step": {"job_id": 300, "het": {"component": null}, "id": "batch",
                         "name": "batch"}, "state": "CANCELLED",
                "exit_code": {"status": "SIGNALED", "signal": {"signal_id": 9}},
                "nodes": {"count": 1, "range": "n01"},
                "time": {"elapsed": 70, "start": 1672574060, "end": 1672574130}},
               {"step": {"id": "300.0", "name": "pmi"}, "state": "COMPLETED",
                "nodes": {"count": 1, "range": "n01"},
                "time": {"elapsed": 10, "start": 1672574061, "end": 1672574071}}]},
    {"job_id": 301, "array": {"job_id": 300, "task_id": 7, "task": ""},
     "state": {"current": "PENDING"}, "time": {"submission": 1672574000, "start": 0, "end": 0},
     "nodes": "None assigned", "user": "ana"},
    {"job_id": 302, "state": {"current": "COMPLETED"}, "time": {"submission": "yesterday"}}
  ]
})";

TEST_CASE("22.05 sacct --json (dbv0.0.38) converts jobs and steps") {
  const SacctJsonDocument doc = sacct_doc(kSacct0038);
  REQUIRE(doc.jobs.size() == 2);
  const SacctJsonJob& job = doc.jobs[0];
  CHECK(job.job.job_id == "300");
  CHECK(job.job.state.state == fb::JobState::CANCELLED);
  CHECK(job.job.exit_code == ExitCode{0, 9});
  CHECK(job.job.timelimit.seconds == 1800);
  CHECK(job.job.req_mem == ReqMem{1024ull << 20, ReqMem::Per::kNode, false});
  CHECK(job.job.alloc_tres == "cpu=2,gres/gpu=1");
  CHECK(tres_count(job.job.alloc_tres, "gres/gpu") == 1);
  CHECK(job.job.job_name == "md run");
  CHECK(job.job.elapsed_s == int64_t{70});
  REQUIRE(job.steps.size() == 2);
  CHECK(job.steps[0].job_id == "300.batch");
  CHECK(job.steps[1].job_id == "300.0");
  CHECK(job.steps[1].step == "0");
  CHECK(job.steps[1].state.state == fb::JobState::COMPLETED);
  const SacctRecord& task = doc.jobs[1].job;
  CHECK(task.job_id == "300_7");
  CHECK(task.job_id_raw == "301");
  CHECK(task.node_count == uint64_t{0});
  REQUIRE(doc.errors.size() == 1);
  CHECK(doc.errors[0].index == 2);
  CHECK(doc.errors[0].job_id == "302");
  CHECK(doc.errors[0].status.message().find("time.submission") != std::string::npos);
}

TEST_CASE("JSON state arrays show the flag squeue would print and keep every word") {
  CHECK(slurm_json_state({"RUNNING", "COMPLETING"}).state == fb::JobState::COMPLETING);
  CHECK(slurm_json_state({"RUNNING", "COMPLETING"}).raw == "RUNNING,COMPLETING");
  CHECK(slurm_json_state({"PENDING", "REQUEUED"}).state == fb::JobState::REQUEUED);
  CHECK(slurm_json_state({"COMPLETED", "UPDATE_DB"}).state == fb::JobState::COMPLETED);
  CHECK(slurm_json_state({"FOO"}).state == fb::JobState::UNKNOWN);
  CHECK(slurm_json_state({}).state == fb::JobState::UNKNOWN);
}

TEST_CASE("a malformed JSON document is one error, not a partial import") {
  for (const char* text : {"", "{", "[1,2]", "{\"jobs\": 3}", "{\"meta\": {}}",
                           "{\"jobs\": [{\"job_id\": 1}] trailing"}) {
    INFO(text);
    CHECK(parse_squeue_json(text).status().code() == Status::Code::kInvalidArgument);
    CHECK(parse_sacct_json(text).status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("a job entry that is not an object is a per-job error") {
  const SqueueJsonDocument doc =
      squeue_doc(R"({"jobs": [7, {"job_id": 5, "job_state": ["RUNNING"]}]})");
  REQUIRE(doc.errors.size() == 1);
  CHECK(doc.errors[0].index == 0);
  REQUIRE(doc.jobs.size() == 1);
  CHECK(doc.jobs[0].index == 1);
  CHECK(doc.jobs[0].record.job_id == "5");
}

}  // namespace
}  // namespace jobtrail::ingest::slurm
