// One function per body type, dispatched on the union type with no default, so that -Wswitch
// names this file when an event type is added to the schema.
#include "tools/event_json.h"

#include <nlohmann/json.hpp>

#include "events/event_builder.h"
#include "events/time_format.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;

void put(json& j, const char* key, const flatbuffers::String* s) {
  if (s != nullptr && s->size() > 0) j[key] = std::string(s->data(), s->size());
}

json job_key_json(const fb::JobKey* key) {
  json j;
  j["text"] = std::string(sv(key->text()));
  j["kind"] = fb::EnumNameJobKeyKind(key->kind());
  j["id"] = key->id();
  if (key->kind() == fb::JobKeyKind::ARRAY_TASK || key->kind() == fb::JobKeyKind::HET_COMPONENT) {
    j["index"] = key->index();
  }
  if (key->ranges() != nullptr) {
    json ranges = json::array();
    for (const fb::TaskRange* r : *key->ranges()) {
      ranges.push_back({{"first", r->first()}, {"last", r->last()}, {"step", r->step()}});
    }
    j["ranges"] = ranges;
  }
  if (key->max_running() != 0) j["max_running"] = key->max_running();
  put(j, "server", key->server());
  return j;
}

json provenance_json(const fb::Provenance* p) {
  json j;
  j["source_kind"] = fb::EnumNameSourceKind(p->source_kind());
  put(j, "origin", p->origin());
  put(j, "command", p->command());
  if (p->offset() >= 0) j["offset"] = p->offset();
  if (p->line() >= 0) j["line"] = p->line();
  if (p->poll_id() != 0) j["poll_id"] = p->poll_id();
  j["ordinal"] = p->ordinal();
  put(j, "identity", p->identity());
  return j;
}

json body_json(const fb::ClusterRegistered* b) {
  json j;
  put(j, "name", b->name());
  put(j, "scheduler", b->scheduler());
  put(j, "time_zone", b->time_zone());
  put(j, "description", b->description());
  return j;
}

json body_json(const fb::JobSubmitted* b) {
  json j;
  put(j, "user", b->user());
  put(j, "group", b->group());
  put(j, "account", b->account());
  put(j, "partition", b->partition());
  put(j, "qos", b->qos());
  put(j, "name", b->name());
  put(j, "work_dir", b->work_dir());
  j["submit_at"] = format_iso8601_us(b->submit_at_us());
  if (b->cpus_requested() != 0) j["cpus_requested"] = b->cpus_requested();
  if (b->nodes_requested() != 0) j["nodes_requested"] = b->nodes_requested();
  if (b->memory_requested_bytes() != 0) j["memory_requested_bytes"] = b->memory_requested_bytes();
  if (b->time_limit_s() >= 0) j["time_limit_s"] = b->time_limit_s();
  j["state"] = job_state_name(b->state());
  put(j, "raw_state", b->raw_state());
  if (b->array_parent() != nullptr) j["array_parent"] = std::string(sv(b->array_parent()->text()));
  return j;
}

json body_json(const fb::ArrayDeclared* b) {
  json j;
  put(j, "name", b->name());
  put(j, "user", b->user());
  if (b->tasks() != nullptr) {
    json tasks = json::array();
    for (const fb::TaskRange* r : *b->tasks()) {
      tasks.push_back({{"first", r->first()}, {"last", r->last()}, {"step", r->step()}});
    }
    j["tasks"] = tasks;
  }
  if (b->max_running() != 0) j["max_running"] = b->max_running();
  j["submit_at"] = format_iso8601_us(b->submit_at_us());
  put(j, "script", b->script());
  return j;
}

json body_json(const fb::JobStateChanged* b) {
  json j;
  j["from"] = job_state_name(b->from());
  j["to"] = job_state_name(b->to());
  put(j, "raw_state", b->raw_state());
  put(j, "reason", b->reason());
  if (b->exit_code() >= 0) j["exit_code"] = b->exit_code();
  if (b->signal() != 0) j["signal"] = b->signal();
  put(j, "nodes", b->nodes());
  if (b->cpus() != 0) j["cpus"] = b->cpus();
  return j;
}

json body_json(const fb::JobFieldsUpdated* b) {
  json fields = json::object();
  if (b->fields() != nullptr) {
    for (const fb::FieldChange* f : *b->fields()) {
      fields[std::string(sv(f->name()))] = std::string(sv(f->value()));
    }
  }
  return json{{"fields", fields}};
}

json body_json(const fb::AccountingRecorded* b) {
  json j;
  j["format"] = fb::EnumNameRecordFormat(b->format());
  j["dictionary_id"] = b->dictionary_id();
  j["raw_bytes"] = b->raw_bytes();
  j["compressed_bytes"] = b->compressed() == nullptr ? 0 : b->compressed()->size();
  put(j, "user", b->user());
  put(j, "account", b->account());
  put(j, "partition", b->partition());
  if (b->cpus() != 0) j["cpus"] = b->cpus();
  if (b->gpus() != 0) j["gpus"] = b->gpus();
  if (b->start_at_us() != 0) j["start_at"] = format_iso8601_us(b->start_at_us());
  if (b->end_at_us() != 0) j["end_at"] = format_iso8601_us(b->end_at_us());
  return j;
}

json body_json(const fb::DependencyDeclared* b) {
  json j;
  j["kind"] = fb::EnumNameDependencyKind(b->kind());
  json targets = json::array();
  if (b->targets() != nullptr) {
    for (const fb::JobKey* k : *b->targets()) targets.push_back(std::string(sv(k->text())));
  }
  j["targets"] = targets;
  put(j, "raw", b->raw());
  if (b->part() != 0) j["part"] = b->part();
  if (b->any_of()) j["any_of"] = true;
  put(j, "target_cluster", b->target_cluster());
  return j;
}

json body_json(const fb::SourceStatus* b) {
  json j;
  put(j, "source", b->source());
  j["reachable"] = b->reachable();
  put(j, "error", b->error());
  put(j, "command", b->command());
  return j;
}

json any_body_json(const EventView& v) {
  switch (v.type()) {
    case fb::Body::NONE:
      return json::object();
    case fb::Body::ClusterRegistered:
      return body_json(v.as<fb::ClusterRegistered>());
    case fb::Body::JobSubmitted:
      return body_json(v.as<fb::JobSubmitted>());
    case fb::Body::ArrayDeclared:
      return body_json(v.as<fb::ArrayDeclared>());
    case fb::Body::JobStateChanged:
      return body_json(v.as<fb::JobStateChanged>());
    case fb::Body::JobFieldsUpdated:
      return body_json(v.as<fb::JobFieldsUpdated>());
    case fb::Body::AccountingRecorded:
      return body_json(v.as<fb::AccountingRecorded>());
    case fb::Body::DependencyDeclared:
      return body_json(v.as<fb::DependencyDeclared>());
    case fb::Body::SourceStatus:
      return body_json(v.as<fb::SourceStatus>());
  }
  return json::object();
}

}  // namespace

json event_to_json(const EventView& view) {
  const fb::EventHeader& h = view.header();
  json j;
  j["seq"] = view.seq();
  j["type"] = std::string(view.type_name());
  j["schema_version"] = h.schema_version();
  j["cluster"] = std::string(view.cluster());
  if (h.job() != nullptr) {
    j["job"] = std::string(view.job_text());
    j["job_key"] = job_key_json(h.job());
  }
  j["observed_at"] = format_iso8601_us(h.observed_at_us());
  j["effective_at"] = format_iso8601_us(h.effective_at_us());
  j["effective_basis"] = fb::EnumNameTimeBasis(h.effective_basis());
  j["provenance"] = provenance_json(h.provenance());
  j["body"] = any_body_json(view);
  return j;
}

std::string event_to_line(const EventView& view) {
  std::string line = std::to_string(view.seq()) + "  " + format_iso8601_us(view.effective_at_us()) +
                     "  " + std::string(view.cluster());
  if (!view.job_text().empty()) line += " " + std::string(view.job_text());
  line += "  " + std::string(view.type_name());
  if (const auto* change = view.as<fb::JobStateChanged>()) {
    line += std::string(" ") + job_state_name(change->from()) + "->" + job_state_name(change->to());
  }
  return line;
}

}  // namespace jobtrail::tools
