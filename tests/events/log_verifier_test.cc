// Tests for verify_log: a log written by EventLog verifies clean with the right counts, and
// each way the log and its indexes can disagree (tampered with through raw RocksDB after the
// log is closed, as a disk fault or a bug would) is reported as a fault that says what is
// wrong, never as a crash or a clean report.
#include "events/log_verifier.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "events/keys.h"
#include "test_db.h"

namespace jobtrail {
namespace {

using testing::cluster_event;
using testing::must_append;
using testing::must_open;
using testing::RawDb;
using testing::reader_options;
using testing::state_event;
using testing::TempDir;
using testing::writer_options;

// The log every tamper test starts from:
//   1 a/4   2 a/40   3 cluster-wide a   4 b/4   5 a/4
void write_sample_log(const std::string& dir) {
  auto log = must_open(dir, writer_options());
  AppendBatch batch;
  batch.events.push_back(state_event("a", "4", "e1"));
  batch.events.push_back(state_event("a", "40", "e2"));
  batch.events.push_back(cluster_event("a", "e3"));
  batch.events.push_back(state_event("b", "4", "e4"));
  batch.events.push_back(state_event("a", "4", "e5", 2));
  must_append(*log, batch);
}

LogVerifyReport verify_dir(const std::string& dir) {
  auto log = must_open(dir, reader_options());
  auto report = verify_log(*log);
  INFO(report.status().to_string());
  REQUIRE(report.ok());
  return std::move(report).value();
}

std::string describe(const LogVerifyReport& r) {
  std::string out =
      "head=" + std::to_string(r.head) + " events=" + std::to_string(r.events_checked) +
      " dedup=" + std::to_string(r.dedup_entries) + " streams=" + std::to_string(r.stream_entries) +
      " faults=" + std::to_string(r.fault_count);
  for (const auto& f : r.faults) out += "\n  " + f;
  return out;
}

// The report is not clean and some fault message contains every one of `words`.
void require_fault(const LogVerifyReport& r, const std::vector<std::string>& words) {
  INFO(describe(r));
  REQUIRE_FALSE(r.clean());
  REQUIRE(r.fault_count >= r.faults.size());
  bool found = false;
  for (const std::string& f : r.faults) {
    bool all = true;
    for (const std::string& w : words) all = all && f.find(w) != std::string::npos;
    found = found || all;
  }
  CHECK(found);
}

TEST_CASE("an empty log verifies clean", "[events][log_verifier]") {
  TempDir tmp;
  { must_open(tmp.path(), writer_options()); }
  const LogVerifyReport r = verify_dir(tmp.path());
  INFO(describe(r));
  CHECK(r.clean());
  CHECK(r.head == 0);
  CHECK(r.events_checked == 0);
  CHECK(r.dedup_entries == 0);
  CHECK(r.stream_entries == 0);
  CHECK(r.faults.empty());
}

TEST_CASE("a log written by EventLog verifies clean with its counts", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  {
    // Duplicates and checkpoints add nothing to verify; a writer can verify too.
    auto log = must_open(tmp.path(), writer_options());
    AppendBatch again;
    again.events.push_back(state_event("a", "4", "e1"));
    again.checkpoints.push_back({"src", "cp"});
    must_append(*log, again);
    auto report = verify_log(*log);
    REQUIRE(report.ok());
    INFO(describe(*report));
    CHECK(report->clean());
  }
  const LogVerifyReport r = verify_dir(tmp.path());
  INFO(describe(r));
  CHECK(r.clean());
  CHECK(r.head == 5);
  CHECK(r.events_checked == 5);
  CHECK(r.dedup_entries == 5);
  CHECK(r.stream_entries == 4);  // the cluster-wide event has no stream
  CHECK(r.fault_count == 0);
}

TEST_CASE("a deleted dedup entry is reported", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).del("dedup", keys::dedup_key("e2", 0)); }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK(r.dedup_entries == 4);
  require_fault(r, {"seq 2", "no dedup entry"});
  CHECK(r.fault_count == 1);
}

TEST_CASE("a dedup entry pointing at another event is reported", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).put("dedup", keys::dedup_key("e2", 0), keys::log_key(4)); }
  const LogVerifyReport r = verify_dir(tmp.path());
  require_fault(r, {"seq 4", "does not match its provenance"});
  require_fault(r, {"seq 2", "no dedup entry"});
}

TEST_CASE("a dedup entry pointing at a missing seq is reported", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).put("dedup", keys::dedup_key("phantom", 0), keys::log_key(77)); }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK(r.dedup_entries == 6);
  require_fault(r, {"dedup", "missing seq 77"});
}

TEST_CASE("a deleted stream entry is reported", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).del("streams", keys::stream_key(keys::stream_prefix("a", "4"), 5)); }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK(r.stream_entries == 3);
  require_fault(r, {"seq 5", "missing from its job's stream"});
  CHECK(r.fault_count == 1);
}

TEST_CASE("a stream entry pointing at a missing seq is reported", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).put("streams", keys::stream_key(keys::stream_prefix("a", "4"), 99), ""); }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK(r.stream_entries == 5);
  require_fault(r, {"stream entry of 4", "missing seq 99"});
  CHECK(r.fault_count == 1);
}

TEST_CASE("a stream entry pointing at another job's event is reported", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  {
    RawDb raw(tmp.path());
    // Job a/4 claims a/40's seq 2 and the cluster-wide seq 3.
    raw.put("streams", keys::stream_key(keys::stream_prefix("a", "4"), 2), "");
    raw.put("streams", keys::stream_key(keys::stream_prefix("a", "4"), 3), "");
  }
  const LogVerifyReport r = verify_dir(tmp.path());
  require_fault(r, {"seq 2", "another job"});
  require_fault(r, {"seq 3", "another job"});
  CHECK(r.fault_count == 2);
}

TEST_CASE("a log entry deleted in the middle is reported as a gap", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).del("log", keys::log_key(3)); }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK(r.head == 5);
  CHECK(r.events_checked == 4);
  require_fault(r, {"seq gap", "expected 3", "found 4"});
  require_fault(r, {"missing seq 3"});  // its dedup entry now points nowhere
}

TEST_CASE("a log entry deleted at the end leaves index entries beyond head, reported",
          "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).del("log", keys::log_key(5)); }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK(r.head == 4);
  require_fault(r, {"dedup", "missing seq 5"});
  require_fault(r, {"stream", "missing seq 5"});
}

TEST_CASE("a corrupt log value is reported naming its seq", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  { RawDb(tmp.path()).put("log", keys::log_key(2), "definitely not an event, just bytes"); }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK(r.head == 5);
  CHECK(r.events_checked == 4);  // the others are still checked
  require_fault(r, {"seq 2"});
  // The corrupt event is not a gap: seq 3 follows as expected.
  for (const std::string& f : r.faults) CHECK(f.find("seq gap") == std::string::npos);
}

TEST_CASE("a value swapped with another seq's event is reported", "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  {
    // Well-formed bytes in the wrong place: seq 1 now holds a copy of seq 4 (b/4).
    RawDb raw(tmp.path());
    auto four = raw.get("log", keys::log_key(4));
    REQUIRE(four.has_value());
    raw.put("log", keys::log_key(1), *four);
  }
  const LogVerifyReport r = verify_dir(tmp.path());
  require_fault(r, {"seq 1", "does not match its provenance"});
  require_fault(r, {"seq 1", "another job"});
}

TEST_CASE("a malformed index key is a fault in the report, not a failed check",
          "[events][log_verifier]") {
  TempDir tmp;
  write_sample_log(tmp.path());
  {
    RawDb raw(tmp.path());
    raw.put("streams",
            "\x7f"
            "short",
            "");
    raw.put("dedup",
            "\x05"
            "ab",
            keys::log_key(1));
  }
  const LogVerifyReport r = verify_dir(tmp.path());
  require_fault(r, {"malformed stream key"});
  require_fault(r, {"malformed dedup entry"});
}

TEST_CASE("the report keeps the first faults and counts them all", "[events][log_verifier]") {
  TempDir tmp;
  const size_t n = kLogVerifyFaultsKept + 50;
  {
    auto log = must_open(tmp.path(), writer_options());
    AppendBatch batch;
    for (size_t i = 0; i < n; ++i)
      batch.events.push_back(cluster_event("c", "id" + std::to_string(i)));
    must_append(*log, batch);
  }
  {
    RawDb raw(tmp.path());
    for (const std::string& key : raw.keys("dedup")) raw.del("dedup", key);
  }
  const LogVerifyReport r = verify_dir(tmp.path());
  CHECK_FALSE(r.clean());
  CHECK(r.fault_count == n);
  CHECK(r.faults.size() == kLogVerifyFaultsKept);
  CHECK_THAT(r.faults.front(), Catch::Contains("seq 1 has no dedup entry"));
}

}  // namespace
}  // namespace jobtrail
