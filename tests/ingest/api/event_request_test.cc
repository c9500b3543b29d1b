// POST /api/events bodies, parsed and validated field by field (pure; no server here).
#include "ingest/api/event_request.h"

#include <catch2/catch.hpp>

#include "events/event_view.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::ingest::api;

EventRequestContext context() {
  EventRequestContext c;
  c.observed_at_us = 1'700'000'000'000'000;
  c.origin = "tcp";
  c.identity = "api/key/abc";
  return c;
}

EventView view_of(const BuiltEvent& event) {
  // The built bytes are size-prefixed; EventView reads them as the log stores them.
  auto view = EventView::from_bytes(event.bytes, 1);
  REQUIRE(view.ok());
  return *view;
}

std::string error_of(std::string_view body) {
  auto parsed = parse_event_request(body, context());
  REQUIRE(!parsed.ok());
  CHECK(parsed.status().is_invalid_argument());
  return parsed.status().message();
}

}  // namespace

TEST_CASE("a JobSubmitted request becomes one event with the API's provenance", "[api]") {
  auto events = parse_event_request(
      R"({"type":"JobSubmitted","cluster":"c","job":"42","effective_at":"2024-05-01T10:00:00Z",
          "body":{"user":"alice","name":"sim","cpus_requested":8,"time_limit_s":3600,
                  "memory_requested_bytes":1073741824}})",
      context());
  INFO(events.status().to_string());
  REQUIRE(events.ok());
  REQUIRE(events->size() == 1);
  EventView v = view_of(events->front());
  CHECK(v.type() == fb::Body::JobSubmitted);
  CHECK(sv(v.header().cluster()) == "c");
  CHECK(sv(v.header().job()->text()) == "42");
  CHECK(v.effective_at_us() == 1'714'557'600'000'000);
  CHECK(v.observed_at_us() == 1'700'000'000'000'000);
  CHECK(v.header().provenance()->source_kind() == fb::SourceKind::HTTP_API);
  CHECK(sv(v.header().provenance()->identity()) == "api/key/abc");
  const auto* body = v.as<fb::JobSubmitted>();
  CHECK(sv(body->user()) == "alice");
  CHECK(body->cpus_requested() == 8);
  CHECK(body->time_limit_s() == 3600);
  CHECK(body->memory_requested_bytes() == 1073741824);
  CHECK(body->state() == fb::JobState::PENDING);
  CHECK(body->submit_at_us() == v.effective_at_us());
}

TEST_CASE("an array of events numbers them by ordinal; times default to the observation", "[api]") {
  auto events = parse_event_request(
      R"([{"type":"JobFieldsUpdated","cluster":"c","job":"42","body":{"fields":{"stage":"mesh"}}},
          {"type":"DependencyDeclared","cluster":"c","job":"43",
           "body":{"kind":"after_ok","targets":["42","41_3"],"raw":"afterok:42:41_3"}}])",
      context());
  INFO(events.status().to_string());
  REQUIRE(events.ok());
  REQUIRE(events->size() == 2);
  EventView fields = view_of((*events)[0]);
  EventView dependency = view_of((*events)[1]);
  CHECK(fields.header().provenance()->ordinal() == 0);
  CHECK(dependency.header().provenance()->ordinal() == 1);
  CHECK(fields.effective_at_us() == 1'700'000'000'000'000);
  CHECK(fields.header().effective_basis() == fb::TimeBasis::OBSERVED);
  CHECK(dependency.as<fb::DependencyDeclared>()->kind() == fb::DependencyKind::AFTER_OK);
  CHECK(dependency.as<fb::DependencyDeclared>()->targets()->size() == 2);
  // Different ordinals: different dedup keys, so both are appended.
  CHECK((*events)[0].dedup_key != (*events)[1].dedup_key);
}

TEST_CASE("bad requests are refused naming the field and why", "[api][errors]") {
  CHECK(error_of("{not json") == "body is not valid JSON");
  CHECK(error_of("[]").find("1 to 256 events") != std::string::npos);
  CHECK(error_of("42") == "events[0]: expected an object");
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{},"colour":"red"})") ==
        "events[0].colour: unknown field");
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{"colour":"red"}})") ==
        "events[0].body.colour: unknown field");
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1_[x","body":{}})")
            .starts_with("events[0].job: bad job key"));
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":7,"body":{}})") ==
        "events[0].job: expected a job key string");
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"","job":"1","body":{}})")
            .starts_with("events[0].cluster: a name of 1 to"));
  CHECK(error_of(R"({"type":"JobSubmitted","job":"1","body":{}})") ==
        "events[0].cluster: required");
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1"})") ==
        "events[0].body: required");
  CHECK(error_of(R"({"type":"JobKilled","cluster":"c","job":"1","body":{}})")
            .starts_with("events[0].type: expected JobSubmitted"));
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{"cpus_requested":-1}})")
            .starts_with("events[0].body.cpus_requested: expected an integer from 0 to"));
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{"cpus_requested":1.5}})")
            .starts_with("events[0].body.cpus_requested"));
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{"user":5}})") ==
        "events[0].body.user: expected a string");
  CHECK(error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{"state":"NAPPING"}})")
            .starts_with("events[0].body.state: not a state"));
  CHECK(
      error_of(R"({"type":"JobSubmitted","cluster":"c","job":"1","effective_at":"soon","body":{}})")
          .starts_with("events[0].effective_at:"));
  CHECK(error_of(R"({"type":"JobFieldsUpdated","cluster":"c","job":"1","body":{"fields":{}}})")
            .starts_with("events[0].body.fields: expected an object"));
  CHECK(error_of(
            R"({"type":"JobFieldsUpdated","cluster":"c","job":"1","body":{"fields":{"a":1}}})") ==
        "events[0].body.fields.a: expected a string");
  CHECK(
      error_of(
          R"({"type":"DependencyDeclared","cluster":"c","job":"1","body":{"kind":"whenever","targets":["2"]}})")
          .starts_with("events[0].body.kind: expected AFTER_OK"));
  CHECK(
      error_of(
          R"({"type":"DependencyDeclared","cluster":"c","job":"1","body":{"kind":"afterok","targets":[]}})")
          .starts_with("events[0].body.kind"));
  CHECK(
      error_of(
          R"({"type":"DependencyDeclared","cluster":"c","job":"1","body":{"kind":"after_ok","targets":[]}})") ==
      "events[0].body.targets: a dependency needs at least one target");
  CHECK(
      error_of(
          R"({"type":"DependencyDeclared","cluster":"c","job":"1","body":{"kind":"after_ok","targets":["2",3]}})") ==
      "events[0].body.targets[1]: expected a job key string");
  std::string many = "[";
  for (int i = 0; i < 257; ++i) {
    many += std::string(i ? "," : "") + R"({"type":"JobSubmitted","cluster":"c","job":")" +
            std::to_string(i) + R"(","body":{}})";
  }
  CHECK(error_of(many + "]").find("1 to 256 events") != std::string::npos);
}
