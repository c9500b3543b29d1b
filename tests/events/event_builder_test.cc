// Tests for EventBuilder and EventView: every event type built from fields reads back through
// EventView::from_bytes with every field intact; the builder refuses headers that break the
// rules (no cluster, no identity, over-long names, missing job); and the view refuses bytes
// that are not a whole, well-formed event, naming the seq it was given.
#include "events/event_builder.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/event_view.h"
#include "events/job_key.h"
#include "events/keys.h"
#include "events/limits.h"
#include "test_db.h"

namespace jobtrail {
namespace {

using testing::must_parse_job;

// A header with every field set to something distinctive.
EventHeaderFields full_header(std::string_view job) {
  EventHeaderFields h;
  h.observed_at_us = 1'700'000'123'456'789;
  h.effective_at_us = -86'400'000'001;  // before 1970 is allowed
  h.effective_basis = fb::TimeBasis::ASSUMED;
  h.cluster = "hpc2n";
  if (!job.empty()) h.job = must_parse_job(job);
  h.provenance.source_kind = fb::SourceKind::PBS_ACCOUNTING;
  h.provenance.origin = "/var/spool/pbs/20240229";
  h.provenance.command = "jobtrail ingest pbs";
  h.provenance.offset = 4096;
  h.provenance.line = 17;
  h.provenance.poll_id = 99;
  h.provenance.ordinal = 3;
  h.provenance.identity = "file:ino=42:dev=7@4096";
  return h;
}

void check_job_key(const fb::JobKey* got, const JobKey& want) {
  REQUIRE(got != nullptr);
  CHECK(sv(got->text()) == want.format());
  CHECK(static_cast<int>(got->kind()) == static_cast<int>(want.kind));
  CHECK(got->id() == want.id);
  CHECK(got->index() == want.index);
  CHECK(got->max_running() == want.max_running);
  CHECK(sv(got->server()) == want.server);
  CHECK(got->pbs_style() == want.pbs_style);
  std::vector<TaskRange> ranges;
  if (got->ranges() != nullptr) {
    for (const fb::TaskRange* r : *got->ranges())
      ranges.push_back({r->first(), r->last(), r->step()});
  }
  CHECK(ranges == want.ranges);
}

// Parses `built` back and checks the header and the derived keys against `h`.
EventView check_round_trip(const BuiltEvent& built, const EventHeaderFields& h, fb::Body type,
                           uint64_t seq = 12345) {
  auto view = EventView::from_bytes(built.bytes, seq);
  INFO(view.status().to_string());
  REQUIRE(view.ok());
  const EventView& v = *view;
  CHECK(v.seq() == seq);
  CHECK(v.type() == type);
  CHECK(v.type_name() == fb::EnumNameBody(type));
  CHECK(v.bytes().data() == built.bytes.data());
  CHECK(v.bytes().size() == built.bytes.size());
  CHECK(v.header().schema_version() == kEventSchemaVersion);
  CHECK(v.observed_at_us() == h.observed_at_us);
  CHECK(v.effective_at_us() == h.effective_at_us);
  CHECK(v.header().effective_basis() == h.effective_basis);
  CHECK(v.cluster() == h.cluster);
  if (h.job) {
    CHECK(v.job_text() == h.job->format());
    check_job_key(v.header().job(), *h.job);
  } else {
    CHECK(v.job_text().empty());
    CHECK(v.header().job() == nullptr);
  }
  const fb::Provenance* p = v.header().provenance();
  REQUIRE(p != nullptr);
  CHECK(p->source_kind() == h.provenance.source_kind);
  CHECK(sv(p->origin()) == h.provenance.origin);
  CHECK(sv(p->command()) == h.provenance.command);
  CHECK(p->offset() == h.provenance.offset);
  CHECK(p->line() == h.provenance.line);
  CHECK(p->poll_id() == h.provenance.poll_id);
  CHECK(p->ordinal() == h.provenance.ordinal);
  CHECK(sv(p->identity()) == h.provenance.identity);

  CHECK(built.dedup_key == keys::dedup_key(h.provenance.identity, h.provenance.ordinal));
  if (h.job) {
    CHECK(built.stream_prefix == keys::stream_prefix(h.cluster, h.job->format()));
  } else {
    CHECK(built.stream_prefix.empty());
  }
  return v;
}

template <typename T>
T must(Result<T> result) {
  INFO(result.status().to_string());
  REQUIRE(result.ok());
  return std::move(result).value();
}

TEST_CASE("ClusterRegistered builds and reads back with every field", "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("");
  ClusterRegisteredFields f{"hpc2n", "slurm", "Europe/Stockholm", "Computer: Linux cluster"};
  const BuiltEvent built = must(b.cluster_registered(h, f));
  EventView v = check_round_trip(built, h, fb::Body::ClusterRegistered);
  const auto* body = v.as<fb::ClusterRegistered>();
  REQUIRE(body != nullptr);
  CHECK(sv(body->name()) == "hpc2n");
  CHECK(sv(body->scheduler()) == "slurm");
  CHECK(sv(body->time_zone()) == "Europe/Stockholm");
  CHECK(sv(body->description()) == "Computer: Linux cluster");
  CHECK(v.as<fb::JobSubmitted>() == nullptr);  // a view answers only for its own type
}

TEST_CASE("JobSubmitted builds and reads back with every field, array parent included",
          "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("123456[7].server");
  JobSubmittedFields f;
  f.user = "alice";
  f.group = "physics";
  f.account = "proj-1";
  f.partition = "batch";
  f.qos = "normal";
  f.name = "sim \"quoted\" name";
  f.work_dir = "/home/alice/run";
  f.submit_at_us = 1'027'839'845'250'000;
  f.cpus_requested = 128;
  f.nodes_requested = 4;
  f.memory_requested_bytes = 512ULL << 30;
  f.time_limit_s = 86'400;
  f.state = fb::JobState::REQUEUE_HOLD;
  f.raw_state = "H";
  f.array_parent = must_parse_job("123456[].server");
  const BuiltEvent built = must(b.job_submitted(h, f));
  EventView v = check_round_trip(built, h, fb::Body::JobSubmitted);
  const auto* body = v.as<fb::JobSubmitted>();
  REQUIRE(body != nullptr);
  CHECK(sv(body->user()) == f.user);
  CHECK(sv(body->group()) == f.group);
  CHECK(sv(body->account()) == f.account);
  CHECK(sv(body->partition()) == f.partition);
  CHECK(sv(body->qos()) == f.qos);
  CHECK(sv(body->name()) == f.name);
  CHECK(sv(body->work_dir()) == f.work_dir);
  CHECK(body->submit_at_us() == f.submit_at_us);
  CHECK(body->cpus_requested() == f.cpus_requested);
  CHECK(body->nodes_requested() == f.nodes_requested);
  CHECK(body->memory_requested_bytes() == f.memory_requested_bytes);
  CHECK(body->time_limit_s() == f.time_limit_s);
  CHECK(body->state() == f.state);
  CHECK(sv(body->raw_state()) == f.raw_state);
  check_job_key(body->array_parent(), *f.array_parent);
}

TEST_CASE("JobSubmitted defaults read back as defaults and empty strings as absent",
          "[events][builder]") {
  EventBuilder b;
  EventHeaderFields h = full_header("6");
  h.provenance.origin.clear();
  h.provenance.command.clear();
  const BuiltEvent built = must(b.job_submitted(h, JobSubmittedFields{}));
  EventView v = check_round_trip(built, h, fb::Body::JobSubmitted);
  const auto* body = v.as<fb::JobSubmitted>();
  REQUIRE(body != nullptr);
  CHECK(body->user() == nullptr);
  CHECK(sv(body->user()).empty());
  CHECK(body->time_limit_s() == -1);
  CHECK(body->state() == fb::JobState::PENDING);
  CHECK(body->array_parent() == nullptr);
  CHECK(v.header().provenance()->origin() == nullptr);
}

TEST_CASE("ArrayDeclared builds and reads back with its task ranges", "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("123_[1-10:2,12,20-30%5]");
  ArrayDeclaredFields f;
  f.name = "sweep";
  f.user = "bob";
  f.script = "#!/bin/sh\nrun $SLURM_ARRAY_TASK_ID\n";
  f.tasks = {{1, 10, 2}, {12, 12, 1}, {20, 30, 1}};
  f.max_running = 5;
  f.submit_at_us = 42;
  const BuiltEvent built = must(b.array_declared(h, f));
  EventView v = check_round_trip(built, h, fb::Body::ArrayDeclared);
  const auto* body = v.as<fb::ArrayDeclared>();
  REQUIRE(body != nullptr);
  CHECK(sv(body->name()) == f.name);
  CHECK(sv(body->user()) == f.user);
  CHECK(sv(body->script()) == f.script);
  CHECK(body->max_running() == f.max_running);
  CHECK(body->submit_at_us() == f.submit_at_us);
  REQUIRE(body->tasks() != nullptr);
  std::vector<TaskRange> tasks;
  for (const fb::TaskRange* r : *body->tasks()) tasks.push_back({r->first(), r->last(), r->step()});
  CHECK(tasks == f.tasks);
}

TEST_CASE("JobStateChanged builds and reads back with every field", "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("123+1");
  JobStateChangedFields f;
  f.from = fb::JobState::RUNNING;
  f.to = fb::JobState::OUT_OF_MEMORY;
  f.raw_state = "OUT_OF_MEMORY by 0";
  f.reason = "OutOfMemory";
  f.nodes = "n[01-04]";
  f.exit_code = 137;
  f.signal = 9;
  f.cpus = 64;
  const BuiltEvent built = must(b.job_state_changed(h, f));
  EventView v = check_round_trip(built, h, fb::Body::JobStateChanged);
  const auto* body = v.as<fb::JobStateChanged>();
  REQUIRE(body != nullptr);
  CHECK(body->from() == f.from);
  CHECK(body->to() == f.to);
  CHECK(sv(body->raw_state()) == f.raw_state);
  CHECK(sv(body->reason()) == f.reason);
  CHECK(sv(body->nodes()) == f.nodes);
  CHECK(body->exit_code() == f.exit_code);
  CHECK(body->signal() == f.signal);
  CHECK(body->cpus() == f.cpus);
}

TEST_CASE("JobFieldsUpdated builds and reads back its changes in order", "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("942337.tango-m.vpac.org");
  const std::vector<FieldChangeFields> f = {{"partition", "long"}, {"qos", ""}, {"name", "x"}};
  const BuiltEvent built = must(b.job_fields_updated(h, f));
  EventView v = check_round_trip(built, h, fb::Body::JobFieldsUpdated);
  const auto* body = v.as<fb::JobFieldsUpdated>();
  REQUIRE(body != nullptr);
  REQUIRE(body->fields() != nullptr);
  REQUIRE(body->fields()->size() == f.size());
  for (size_t i = 0; i < f.size(); ++i) {
    CHECK(sv(body->fields()->Get(i)->name()) == f[i].name);
    CHECK(sv(body->fields()->Get(i)->value()) == f[i].value);
  }
}

TEST_CASE("AccountingRecorded builds and reads back its binary payload, with or without a job",
          "[events][builder]") {
  EventBuilder b;
  AccountingRecordedFields f;
  f.format = fb::RecordFormat::SACCT_PARSABLE;
  f.dictionary_id = 7;
  f.raw_bytes = 1000;
  f.compressed = std::string("\x28\xb5\x2f\xfd\0\xff\x01", 7);
  f.user = "carol";
  f.account = "acct";
  f.partition = "gpu";
  f.cpus = 32;
  f.gpus = 4;
  f.start_at_us = 100;
  f.end_at_us = 200;
  for (std::string_view job : {"123_4", ""}) {
    const EventHeaderFields h = full_header(job);
    const BuiltEvent built = must(b.accounting_recorded(h, f));
    EventView v = check_round_trip(built, h, fb::Body::AccountingRecorded);
    const auto* body = v.as<fb::AccountingRecorded>();
    REQUIRE(body != nullptr);
    CHECK(body->format() == f.format);
    CHECK(body->dictionary_id() == f.dictionary_id);
    CHECK(body->raw_bytes() == f.raw_bytes);
    REQUIRE(body->compressed() != nullptr);
    CHECK(std::string(reinterpret_cast<const char*>(body->compressed()->data()),
                      body->compressed()->size()) == f.compressed);
    CHECK(sv(body->user()) == f.user);
    CHECK(sv(body->account()) == f.account);
    CHECK(sv(body->partition()) == f.partition);
    CHECK(body->cpus() == f.cpus);
    CHECK(body->gpus() == f.gpus);
    CHECK(body->start_at_us() == f.start_at_us);
    CHECK(body->end_at_us() == f.end_at_us);
  }
}

TEST_CASE("DependencyDeclared builds and reads back every target key", "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("500");
  DependencyDeclaredFields f;
  f.kind = fb::DependencyKind::AFTER_NOT_OK;
  f.targets = {must_parse_job("4"), must_parse_job("40"), must_parse_job("123_[5-20%4]"),
               must_parse_job("3073070.[hostname_1]")};
  f.raw = "afternotok:4:40:123_[5-20%4]";
  const BuiltEvent built = must(b.dependency_declared(h, f));
  EventView v = check_round_trip(built, h, fb::Body::DependencyDeclared);
  const auto* body = v.as<fb::DependencyDeclared>();
  REQUIRE(body != nullptr);
  CHECK(body->kind() == f.kind);
  CHECK(sv(body->raw()) == f.raw);
  REQUIRE(body->targets() != nullptr);
  REQUIRE(body->targets()->size() == f.targets.size());
  for (size_t i = 0; i < f.targets.size(); ++i)
    check_job_key(body->targets()->Get(i), f.targets[i]);
}

TEST_CASE("SourceStatus builds and reads back, reachable or not", "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("");
  for (bool reachable : {true, false}) {
    SourceStatusFields f{"squeue@login1", reachable ? "" : "ssh: timeout", "squeue -h -o %i",
                         reachable};
    const BuiltEvent built = must(b.source_status(h, f));
    EventView v = check_round_trip(built, h, fb::Body::SourceStatus);
    const auto* body = v.as<fb::SourceStatus>();
    REQUIRE(body != nullptr);
    CHECK(sv(body->source()) == f.source);
    CHECK(sv(body->error()) == f.error);
    CHECK(sv(body->command()) == f.command);
    CHECK(body->reachable() == reachable);
  }
}

TEST_CASE("one builder reused for many events leaves every earlier event intact",
          "[events][builder]") {
  EventBuilder b;
  std::vector<BuiltEvent> built;
  std::vector<EventHeaderFields> headers;
  for (int i = 0; i < 20; ++i) {
    EventHeaderFields h = full_header(std::to_string(i));
    h.provenance.identity = "id-" + std::to_string(i);
    JobStateChangedFields f;
    f.to = fb::JobState::COMPLETED;
    f.exit_code = i;
    built.push_back(must(b.job_state_changed(h, f)));
    headers.push_back(std::move(h));
    // A failed build in between must not disturb anything either.
    REQUIRE_FALSE(b.job_state_changed(EventHeaderFields{}, f).ok());
  }
  for (int i = 0; i < 20; ++i) {
    EventView v = check_round_trip(built[i], headers[i], fb::Body::JobStateChanged, i + 1);
    CHECK(v.as<fb::JobStateChanged>()->exit_code() == i);
  }
}

TEST_CASE("the builder refuses an event without a cluster", "[events][builder]") {
  EventBuilder b;
  EventHeaderFields h = full_header("4");
  h.cluster.clear();
  auto built = b.job_state_changed(h, JobStateChangedFields{});
  REQUIRE_FALSE(built.ok());
  CHECK(built.status().is_invalid_argument());
  CHECK_THAT(built.status().message(), Catch::Contains("cluster"));
  REQUIRE_FALSE(b.cluster_registered(h, ClusterRegisteredFields{"x", "", "", ""}).ok());
}

TEST_CASE("the builder refuses an event without a source identity", "[events][builder]") {
  EventBuilder b;
  EventHeaderFields h = full_header("4");
  h.provenance.identity.clear();
  auto built = b.job_submitted(h, JobSubmittedFields{});
  REQUIRE_FALSE(built.ok());
  CHECK(built.status().is_invalid_argument());
  CHECK_THAT(built.status().message(), Catch::Contains("identity"));
  REQUIRE_FALSE(b.source_status(h, SourceStatusFields{"s", "", "", true}).ok());
}

TEST_CASE("the builder refuses names longer than their limits", "[events][builder]") {
  EventBuilder b;
  SECTION("a cluster of exactly the limit is accepted") {
    EventHeaderFields h = full_header("4");
    h.cluster.assign(limits::cluster_name_bytes_max, 'c');
    REQUIRE(b.job_state_changed(h, JobStateChangedFields{}).ok());
  }
  SECTION("a cluster one byte over the limit is refused") {
    EventHeaderFields h = full_header("4");
    h.cluster.assign(limits::cluster_name_bytes_max + 1, 'c');
    auto built = b.job_state_changed(h, JobStateChangedFields{});
    REQUIRE_FALSE(built.ok());
    CHECK(built.status().code() == Status::Code::kLimitExceeded);
    CHECK_THAT(built.status().message(), Catch::Contains("cluster"));
  }
  SECTION("a source identity one byte over the limit is refused") {
    EventHeaderFields h = full_header("4");
    h.provenance.identity.assign(limits::source_identity_bytes_max, 'i');
    REQUIRE(b.job_state_changed(h, JobStateChangedFields{}).ok());
    h.provenance.identity.push_back('i');
    auto built = b.job_state_changed(h, JobStateChangedFields{});
    REQUIRE_FALSE(built.ok());
    CHECK(built.status().code() == Status::Code::kLimitExceeded);
  }
  SECTION("an event larger than event_bytes_max is refused") {
    AccountingRecordedFields f;
    f.compressed.assign(limits::event_bytes_max, 'z');
    auto built = b.accounting_recorded(full_header("4"), f);
    REQUIRE_FALSE(built.ok());
    CHECK(built.status().code() == Status::Code::kLimitExceeded);
    // ... and one comfortably inside the limit is not.
    f.compressed.assign(limits::event_bytes_max / 2, 'z');
    REQUIRE(b.accounting_recorded(full_header("4"), f).ok());
  }
}

TEST_CASE("job events are refused without a job key", "[events][builder]") {
  EventBuilder b;
  const EventHeaderFields h = full_header("");
  std::vector<std::pair<const char*, Status>> refused = {
      {"JobSubmitted", b.job_submitted(h, JobSubmittedFields{}).status()},
      {"ArrayDeclared", b.array_declared(h, ArrayDeclaredFields{}).status()},
      {"JobStateChanged", b.job_state_changed(h, JobStateChangedFields{}).status()},
      {"JobFieldsUpdated", b.job_fields_updated(h, {{"qos", "high"}}).status()},
      {"DependencyDeclared", b.dependency_declared(h, DependencyDeclaredFields{}).status()},
  };
  for (const auto& [type, status] : refused) {
    INFO(type << ": " << status.to_string());
    CHECK(status.is_invalid_argument());
    CHECK_THAT(status.message(), Catch::Contains("job key"));
  }
  // Cluster-wide events (and accounting) need none.
  CHECK(b.cluster_registered(h, ClusterRegisteredFields{"c", "", "", ""}).ok());
  CHECK(b.source_status(h, SourceStatusFields{"s", "", "", true}).ok());
  CHECK(b.accounting_recorded(h, AccountingRecordedFields{}).ok());
}

TEST_CASE("JobFieldsUpdated and SourceStatus refuse empty content", "[events][builder]") {
  EventBuilder b;
  CHECK(b.job_fields_updated(full_header("4"), {}).status().is_invalid_argument());
  CHECK(b.job_fields_updated(full_header("4"), {{"", "v"}}).status().is_invalid_argument());
  CHECK(b.source_status(full_header(""), SourceStatusFields{}).status().is_invalid_argument());
}

TEST_CASE("job state names map to states and back", "[events][builder]") {
  for (fb::JobState s : fb::EnumValuesJobState()) {
    const char* name = job_state_name(s);
    REQUIRE(name != nullptr);
    auto back = job_state_from_name(name);
    REQUIRE(back.has_value());
    CHECK(*back == s);
  }
  CHECK(std::string(job_state_name(fb::JobState::CANCELLED)) == "CANCELLED");
  CHECK_FALSE(job_state_from_name("cancelled").has_value());
  CHECK_FALSE(job_state_from_name("").has_value());
  CHECK_FALSE(job_state_from_name("CANCELLED ").has_value());
}

// ---- EventView refusals ---------------------------------------------------------------------

BuiltEvent sample_event() {
  EventBuilder b;
  JobSubmittedFields f;
  f.user = "alice";
  f.name = "job";
  return must(b.job_submitted(full_header("123_4"), f));
}

void require_corruption_naming(const Result<EventView>& view, uint64_t seq) {
  REQUIRE_FALSE(view.ok());
  CHECK(view.status().is_corruption());
  CHECK_THAT(view.status().message(), Catch::Contains("seq " + std::to_string(seq)));
}

TEST_CASE("EventView refuses empty bytes", "[events][view]") {
  require_corruption_naming(EventView::from_bytes("", 7), 7);
  require_corruption_naming(EventView::from_bytes(std::string_view(), 8), 8);
}

TEST_CASE("EventView refuses every truncation of an event", "[events][view]") {
  const std::string bytes = sample_event().bytes;
  for (size_t n = 0; n < bytes.size(); ++n) {
    INFO("kept " << n << " of " << bytes.size() << " bytes");
    require_corruption_naming(EventView::from_bytes(std::string_view(bytes).substr(0, n), 31), 31);
  }
}

TEST_CASE("EventView refuses trailing garbage after an event", "[events][view]") {
  const std::string bytes = sample_event().bytes;
  require_corruption_naming(EventView::from_bytes(bytes + "x", 5), 5);
  require_corruption_naming(EventView::from_bytes(bytes + std::string(8, '\0'), 5), 5);
  // Two events back to back are not one event.
  require_corruption_naming(EventView::from_bytes(bytes + bytes, 5), 5);
}

TEST_CASE("EventView refuses bytes with a damaged size prefix, root offset or identifier",
          "[events][view]") {
  const std::string good = sample_event().bytes;
  // Layout: [0,4) size prefix, [4,8) root offset, [8,12) file identifier "JTEV".
  REQUIRE(good.substr(8, 4) == "JTEV");
  for (size_t at : {0, 1, 3, 4, 5, 7, 8, 9, 11}) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ mask);
      INFO("byte " << at << " ^ " << int(mask));
      require_corruption_naming(EventView::from_bytes(bad, 77), 77);
    }
  }
}

TEST_CASE("EventView refuses garbage and non-events", "[events][view]") {
  require_corruption_naming(EventView::from_bytes(std::string(64, '\xff'), 3), 3);
  require_corruption_naming(EventView::from_bytes(std::string(64, '\0'), 3), 3);
  require_corruption_naming(EventView::from_bytes("this is not a flatbuffer at all", 3), 3);
  require_corruption_naming(EventView::from_bytes(std::string(limits::event_bytes_max + 1, 'a'), 3),
                            3);
}

TEST_CASE("a flipped byte anywhere never yields an unsafe view", "[events][view]") {
  // The verifier checks structure, not content: a flip inside a string's characters is still
  // a well-formed event (RocksDB's block checksums catch bit rot on disk). Every flip must
  // either be refused as corruption naming the seq, or give a view whose accessors are safe.
  const std::string good = sample_event().bytes;
  size_t refused = 0;
  for (size_t at = 0; at < good.size(); ++at) {
    for (unsigned char mask : {0x01, 0x10, 0x80}) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ mask);
      auto view = EventView::from_bytes(bad, 900);
      if (!view.ok()) {
        ++refused;
        require_corruption_naming(view, 900);
        continue;
      }
      // Touch everything a reader would.
      const EventView& v = *view;
      size_t touched = v.cluster().size() + v.job_text().size() + v.type_name().size();
      if (const auto* p = v.header().provenance()) touched += sv(p->identity()).size();
      if (const auto* s = v.as<fb::JobSubmitted>()) touched += sv(s->user()).size();
      CHECK(touched < good.size() * 4);
    }
  }
  CHECK(refused > 0);
}

}  // namespace
}  // namespace jobtrail
