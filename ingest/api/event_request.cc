#include "ingest/api/event_request.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "events/job_state.h"
#include "events/limits.h"
#include "events/time_format.h"

namespace jobtrail::ingest::api {

namespace {

using nlohmann::json;

// One JSON object of the request, with its path for messages ("events[0].body").
class Fields {
 public:
  Fields(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  Status is_object() const {
    return object_.is_object() ? Status() : fail("", "expected an object");
  }
  Status only(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : object_.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return fail(key, "unknown field");
      }
    }
    return Status();
  }
  const json* get(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  Status string(const char* key, std::string* out, bool required = false) const {
    const json* v = get(key);
    if (v == nullptr) return required ? fail(key, "required") : Status();
    if (!v->is_string()) return fail(key, "expected a string");
    *out = v->get<std::string>();
    if (out->size() > request_string_bytes_max) {
      return fail(key, "longer than " + std::to_string(request_string_bytes_max) + " bytes");
    }
    return Status();
  }
  template <typename T>
  Status integer(const char* key, T* out, int64_t min, uint64_t max) const {
    const json* v = get(key);
    if (v == nullptr) return Status();
    const std::string range =
        "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
    if (!v->is_number_integer()) return fail(key, range);
    if (v->is_number_unsigned()) {
      const uint64_t u = v->get<uint64_t>();
      if (u > max) return fail(key, range);
      *out = static_cast<T>(u);
      return Status();
    }
    const int64_t i = v->get<int64_t>();
    if (i < min || (i >= 0 && static_cast<uint64_t>(i) > max)) return fail(key, range);
    *out = static_cast<T>(i);
    return Status();
  }
  Status time(const char* key, int64_t* out_us) const {
    const json* v = get(key);
    if (v == nullptr) return Status();
    std::string text;
    if (v->is_string()) {
      text = v->get<std::string>();
    } else if (v->is_number_integer()) {
      text = std::to_string(v->get<int64_t>());
    } else {
      return fail(key, "expected an ISO 8601 time or epoch seconds");
    }
    auto parsed = parse_time_us(text);
    if (!parsed.ok()) return fail(key, parsed.status().message());
    *out_us = *parsed;
    return Status();
  }
  Status job_key(const json& v, const std::string& key, JobKey* out) const {
    if (!v.is_string()) return fail(key, "expected a job key string");
    const std::string text = v.get<std::string>();
    if (text.size() > limits::job_key_bytes_max) return fail(key, "job key too long");
    auto parsed = JobKey::parse(text);
    if (!parsed.ok()) return fail(key, "bad job key: " + parsed.status().message());
    *out = std::move(parsed).value();
    return Status();
  }
  Status fail(std::string_view key, const std::string& why) const {
    return Status::invalid_argument(path_ + (key.empty() ? "" : "." + std::string(key)) + ": " +
                                    why);
  }
  const std::string& path() const { return path_; }

 private:
  const json& object_;
  std::string path_;
};

Result<BuiltEvent> job_submitted(EventBuilder& builder, const EventHeaderFields& header,
                                 const Fields& body) {
  JT_RETURN_IF_ERROR(
      body.only({"user", "group", "account", "partition", "qos", "name", "work_dir", "raw_state",
                 "submit_at", "cpus_requested", "nodes_requested", "memory_requested_bytes",
                 "time_limit_s", "state", "array_parent"}));
  JobSubmittedFields f;
  for (auto [key, out] : {std::pair{"user", &f.user},
                          {"group", &f.group},
                          {"account", &f.account},
                          {"partition", &f.partition},
                          {"qos", &f.qos},
                          {"name", &f.name},
                          {"work_dir", &f.work_dir},
                          {"raw_state", &f.raw_state}}) {
    JT_RETURN_IF_ERROR(body.string(key, out));
  }
  f.submit_at_us = header.effective_at_us;
  JT_RETURN_IF_ERROR(body.time("submit_at", &f.submit_at_us));
  JT_RETURN_IF_ERROR(body.integer("cpus_requested", &f.cpus_requested, 0, UINT32_MAX));
  JT_RETURN_IF_ERROR(body.integer("nodes_requested", &f.nodes_requested, 0, UINT32_MAX));
  JT_RETURN_IF_ERROR(
      body.integer("memory_requested_bytes", &f.memory_requested_bytes, 0, INT64_MAX));
  JT_RETURN_IF_ERROR(body.integer("time_limit_s", &f.time_limit_s, -1, INT64_MAX));
  std::string state;
  JT_RETURN_IF_ERROR(body.string("state", &state));
  if (!state.empty()) {
    auto parsed = job_state_from_name(state);
    if (!parsed) return body.fail("state", "not a state (PENDING, RUNNING, ...)");
    f.state = *parsed;
  }
  if (const json* parent = body.get("array_parent")) {
    JobKey key;
    JT_RETURN_IF_ERROR(body.job_key(*parent, "array_parent", &key));
    f.array_parent = std::move(key);
  }
  return builder.job_submitted(header, f);
}

Result<BuiltEvent> job_fields_updated(EventBuilder& builder, const EventHeaderFields& header,
                                      const Fields& body) {
  JT_RETURN_IF_ERROR(body.only({"fields"}));
  const json* fields = body.get("fields");
  if (fields == nullptr || !fields->is_object() || fields->empty()) {
    return body.fail("fields", "expected an object of one or more name: string pairs");
  }
  if (fields->size() > request_fields_max) {
    return body.fail("fields", "more than " + std::to_string(request_fields_max) + " fields");
  }
  std::vector<FieldChangeFields> changes;
  const Fields named(*fields, body.path() + ".fields");
  for (const auto& [name, value] : fields->items()) {
    FieldChangeFields change;
    change.name = name;
    if (name.empty() || name.size() > 64) return named.fail(name, "a name of 1 to 64 bytes");
    JT_RETURN_IF_ERROR(named.string(name.c_str(), &change.value, true));
    changes.push_back(std::move(change));
  }
  return builder.job_fields_updated(header, changes);
}

Result<BuiltEvent> dependency_declared(EventBuilder& builder, const EventHeaderFields& header,
                                       const Fields& body) {
  JT_RETURN_IF_ERROR(body.only({"kind", "targets", "raw"}));
  DependencyDeclaredFields f;
  std::string kind;
  JT_RETURN_IF_ERROR(body.string("kind", &kind, true));
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  bool known = false;
  for (auto k : fb::EnumValuesDependencyKind()) {
    if (kind == fb::EnumNameDependencyKind(k)) {
      f.kind = k;
      known = true;
    }
  }
  if (!known) return body.fail("kind", "expected AFTER_OK, AFTER_ANY, AFTER_NOT_OK, ...");
  const json* targets = body.get("targets");
  if (targets == nullptr || !targets->is_array() || targets->size() > request_targets_max) {
    return body.fail("targets", "expected an array of at most " +
                                    std::to_string(request_targets_max) + " job keys");
  }
  if (targets->empty() && f.kind != fb::DependencyKind::SINGLETON) {
    return body.fail("targets", "a dependency needs at least one target");
  }
  for (size_t i = 0; i < targets->size(); ++i) {
    JobKey key;
    JT_RETURN_IF_ERROR(body.job_key((*targets)[i], "targets[" + std::to_string(i) + "]", &key));
    f.targets.push_back(std::move(key));
  }
  JT_RETURN_IF_ERROR(body.string("raw", &f.raw));
  return builder.dependency_declared(header, f);
}

Result<BuiltEvent> one_event(EventBuilder& builder, const json& event, size_t index,
                             const EventRequestContext& context) {
  const Fields top(event, "events[" + std::to_string(index) + "]");
  JT_RETURN_IF_ERROR(top.is_object());
  JT_RETURN_IF_ERROR(top.only({"type", "cluster", "job", "effective_at", "body"}));
  std::string type, job;
  EventHeaderFields header;
  JT_RETURN_IF_ERROR(top.string("type", &type, true));
  JT_RETURN_IF_ERROR(top.string("cluster", &header.cluster, true));
  if (header.cluster.empty() || header.cluster.size() > limits::cluster_name_bytes_max) {
    return top.fail("cluster",
                    "a name of 1 to " + std::to_string(limits::cluster_name_bytes_max) + " bytes");
  }
  const json* job_json = top.get("job");
  if (job_json == nullptr) return top.fail("job", "required");
  JobKey key;
  JT_RETURN_IF_ERROR(top.job_key(*job_json, "job", &key));
  header.job = std::move(key);
  header.observed_at_us = context.observed_at_us;
  header.effective_at_us = context.observed_at_us;
  header.effective_basis = fb::TimeBasis::OBSERVED;
  if (top.get("effective_at") != nullptr) {
    JT_RETURN_IF_ERROR(top.time("effective_at", &header.effective_at_us));
    header.effective_basis = fb::TimeBasis::REPORTED;
  }
  header.provenance.source_kind = fb::SourceKind::HTTP_API;
  header.provenance.origin = context.origin;
  header.provenance.identity = context.identity;
  header.provenance.ordinal = static_cast<uint32_t>(index);
  const json* body_json = top.get("body");
  if (body_json == nullptr) return top.fail("body", "required");
  const Fields body(*body_json, top.path() + ".body");
  JT_RETURN_IF_ERROR(body.is_object());
  if (type == "JobSubmitted") return job_submitted(builder, header, body);
  if (type == "JobFieldsUpdated") return job_fields_updated(builder, header, body);
  if (type == "DependencyDeclared") return dependency_declared(builder, header, body);
  return top.fail("type", "expected JobSubmitted, JobFieldsUpdated or DependencyDeclared");
}

}  // namespace

Result<std::vector<BuiltEvent>> parse_event_request(std::string_view json_text,
                                                    const EventRequestContext& context) {
  const json request = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return Status::invalid_argument("body is not valid JSON");
  const bool many = request.is_array();
  if (many && (request.empty() || request.size() > request_events_max)) {
    return Status::invalid_argument("expected 1 to " + std::to_string(request_events_max) +
                                    " events");
  }
  EventBuilder builder;
  std::vector<BuiltEvent> events;
  const size_t count = many ? request.size() : 1;
  for (size_t i = 0; i < count; ++i) {
    auto built = one_event(builder, many ? request[i] : request, i, context);
    if (!built.ok()) return built.status();
    events.push_back(std::move(built).value());
  }
  return events;
}

}  // namespace jobtrail::ingest::api
