#include "tools/serve/api_router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "events/assert.h"
#include "events/limits.h"
#include "events/time_format.h"
#include "ingest/api/event_request.h"
#include "projections/arrays_projection.h"
#include "projections/deps_evaluation.h"
#include "projections/job_history.h"
#include "projections/jobs_projection.h"
#include "replay/as_of.h"
#include "replay/audit.h"
#include "tools/commands/query_support.h"
#include "tools/event_json.h"
#include "tools/job_filter.h"
#include "tools/projection_json.h"
#include "tools/raw_record_json.h"
#include "tools/serve/cluster_overview.h"
#include "tools/serve/etag.h"
#include "tools/serve/request_target.h"
#include "tools/serve/wait_times.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;
using Answer = ApiRouter::Answer;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Answer ok_answer(uint64_t seq, json body) {
  body["seq"] = seq;
  return Answer{200, seq, dump(body)};
}

unsigned http_status_of(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kLimitExceeded:
      return 413;
    case Status::Code::kConflict:
      return 409;
    case Status::Code::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

Answer error_answer(unsigned status, const std::string& message) {
  return Answer{status, 0, dump(json{{"error", message}})};
}

http::Response json_response(unsigned status, const std::string& message) {
  http::Response response;
  response.status = status;
  response.body = dump(json{{"error", message}});
  return response;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The job `cluster`/`job` names: its exact key, else the one short form it stands for.
Result<projections::JobView> find_job(const EventLog& log, const std::string& cluster,
                                      const std::string& job) {
  projections::StoredState jobs(log, std::string(projections::JobsProjection::kName));
  auto view = projections::read_job(jobs, cluster, job);
  if (!view.ok()) return view.status();
  if (view->has_value()) return std::move(**view);
  auto ref = resolve_job(log, job, cluster);
  if (!ref.ok()) return ref.status();
  view = projections::read_job(jobs, ref->cluster, ref->job);
  if (!view.ok()) return view.status();
  if (!view->has_value()) return Status::not_found("no job " + job + " in cluster " + cluster);
  return std::move(**view);
}

// The jobs filters of a listing: the words `jobs --state --user --array --since` take.
Result<JobFilter> job_filter_of(const RequestTarget& t) {
  return parse_job_filter(
      {std::string(t.param("state").value_or("")), std::string(t.param("user").value_or("")),
       std::string(t.param("array").value_or("")), std::string(t.param("since").value_or(""))});
}

struct Route {
  const EventLog& log;
  uint64_t applied_seq;
  const RequestTarget& target;
  const ApiOptions& options;
  const Caller& caller;
};

Result<uint64_t> page_limit_of(const Route& r) {
  return number_param(r.target, "limit", r.options.page_items_default, 1, r.options.page_items_max);
}

Result<Answer> jobs_list(const Route& r) {
  const RequestTarget& t = r.target;
  JT_RETURN_IF_ERROR(
      check_params(t, {"state", "user", "cluster", "array", "since", "limit", "after"}));
  auto filter = job_filter_of(t);
  if (!filter.ok()) return filter.status();
  auto limit = page_limit_of(r);
  if (!limit.ok()) return limit.status();
  // The cursor is the last job of the previous page, "cluster/job"; pages follow key order.
  std::string after_key;
  if (auto after = t.param("after")) {
    const size_t slash = after->find('/');
    if (slash == std::string_view::npos)
      return Status::invalid_argument("after: expected CLUSTER/JOB");
    after_key = projections::job_state_key(after->substr(0, slash), after->substr(slash + 1));
  }
  projections::StoredState jobs(r.log, std::string(projections::JobsProjection::kName));
  json list = json::array();
  json next = nullptr;
  Status s = projections::for_each_job(
      jobs, t.param("cluster").value_or(""), [&](const projections::JobView& v) {
        if (!after_key.empty() && projections::job_state_key(v.cluster, v.job) <= after_key) {
          return true;
        }
        if (!filter->matches(v) || !r.caller.sees_user(v.user)) return true;
        if (list.size() == *limit) {
          next = list.back()["cluster"].get<std::string>() + "/" +
                 list.back()["job"].get<std::string>();
          return false;
        }
        list.push_back(job_view_json(v));
        return true;
      });
  JT_RETURN_IF_ERROR(s);
  return ok_answer(r.applied_seq, json{{"jobs", std::move(list)}, {"next", next}});
}

Result<Answer> job_one(const Route& r, const std::string& cluster, const std::string& job,
                       const std::string& part) {
  JT_RETURN_IF_ERROR(check_params(r.target, {}));
  auto view = find_job(r.log, cluster, job);
  if (!view.ok()) return view.status();
  // Another user's job does not exist for this caller (its existence is not told either).
  if (!r.caller.sees_user(view->user))
    return Status::not_found("no job " + job + " in cluster " + cluster);
  if (part.empty()) return ok_answer(view->last_seq, job_view_json(*view));
  if (part == "deps") {
    auto report = projections::evaluate_stored_deps(r.log, view->cluster, view->job);
    if (!report.ok()) return report.status();
    json body = deps_report_json(*report);
    return ok_answer(report->seq, std::move(body));
  }
  if (part == "records") {
    auto records = read_raw_records(r.log, view->cluster, view->job);
    if (!records.ok()) return records.status();
    json list = json::array();
    for (const auto& record : *records) list.push_back(raw_record_json(record));
    return ok_answer(view->last_seq,
                     json{{"cluster", view->cluster}, {"job", view->job}, {"records", list}});
  }
  auto history = projections::read_history(r.log, view->cluster, view->job);
  if (!history.ok()) return history.status();
  json body{{"cluster", view->cluster}, {"job", view->job}};
  if (part == "history") {
    json list = json::array();
    for (const auto& e : *history) list.push_back(history_entry_json(e, r.log));
    body["history"] = std::move(list);
    return ok_answer(view->last_seq, std::move(body));
  }
  JT_ASSERT(part == "audit");
  auto facts = replay::audit_job(r.log, *history);
  if (!facts.ok()) return facts.status();
  json list = json::array();
  for (const auto& f : *facts) list.push_back(audited_fact_json(f));
  body["audit"] = std::move(list);
  return ok_answer(view->last_seq, std::move(body));
}

Result<Answer> array_one(const Route& r, const std::string& cluster, const std::string& id) {
  JT_RETURN_IF_ERROR(check_params(r.target, {"tasks"}));
  projections::StoredState arrays(r.log, std::string(projections::ArraysProjection::kName));
  auto counts = projections::read_array(arrays, cluster, id);
  if (!counts.ok()) return counts.status();
  if (!counts->has_value() || !r.caller.sees_user((*counts)->user)) {
    return Status::not_found("no array " + id + " in cluster " + cluster);
  }
  const bool with_tasks = r.target.param("tasks").value_or("") == "true";
  std::vector<projections::ArrayTask> tasks;
  if (with_tasks) {
    JT_RETURN_IF_ERROR(projections::for_each_array_task(arrays, cluster, (*counts)->array,
                                                        [&](const projections::ArrayTask& task) {
                                                          tasks.push_back(task);
                                                          return true;
                                                        }));
  }
  return ok_answer((*counts)->last_seq, array_counts_json(**counts, with_tasks ? &tasks : nullptr));
}

// GET /api/arrays[?cluster=C][&limit=N][&after=CLUSTER/ARRAY]: every array's counts, in key
// order, paged like the jobs.
Result<Answer> arrays_list(const Route& r) {
  JT_RETURN_IF_ERROR(check_params(r.target, {"cluster", "limit", "after"}));
  auto limit = page_limit_of(r);
  if (!limit.ok()) return limit.status();
  std::string after_cluster, after_array;
  if (auto after = r.target.param("after")) {
    const size_t slash = after->find('/');
    if (slash == std::string_view::npos)
      return Status::invalid_argument("after: expected CLUSTER/ARRAY");
    after_cluster = after->substr(0, slash);
    after_array = after->substr(slash + 1);
  }
  // Key order is (cluster, array) by length-prefixed bytes, the order job_state_key gives.
  const std::string after_key =
      after_cluster.empty() ? "" : projections::job_state_key(after_cluster, after_array);
  projections::StoredState arrays(r.log, std::string(projections::ArraysProjection::kName));
  json list = json::array();
  json next = nullptr;
  Status s = projections::for_each_array(
      arrays, r.target.param("cluster").value_or(""), [&](const projections::ArrayCounts& a) {
        if (!after_key.empty() && projections::job_state_key(a.cluster, a.array) <= after_key) {
          return true;
        }
        if (!r.caller.sees_user(a.user)) return true;
        if (list.size() == *limit) {
          next = list.back()["cluster"].get<std::string>() + "/" +
                 list.back()["array"].get<std::string>();
          return false;
        }
        list.push_back(array_counts_json(a, nullptr));
        return true;
      });
  JT_RETURN_IF_ERROR(s);
  return ok_answer(r.applied_seq, json{{"arrays", std::move(list)}, {"next", next}});
}

// A body from one of the summary routes (cluster_overview.h, wait_times.h), at the applied seq.
Result<Answer> summary_answer(const Route& r, Result<json> body) {
  if (!body.ok()) return body.status();
  return ok_answer(r.applied_seq, std::move(body).value());
}

Result<Answer> events_list(const Route& r) {
  JT_RETURN_IF_ERROR(check_params(r.target, {"from", "limit"}));
  auto from = number_param(r.target, "from", 1, 1, UINT64_MAX);
  if (!from.ok()) return from.status();
  auto limit = page_limit_of(r);
  if (!limit.ok()) return limit.status();
  std::vector<uint64_t> seqs;
  for (uint64_t seq = *from; seq <= r.applied_seq && seqs.size() < *limit; ++seq) {
    seqs.push_back(seq);
  }
  json list = json::array();
  if (!seqs.empty()) {
    auto events = r.log.read_many(seqs);
    if (!events.ok()) return events.status();
    for (const StoredEvent& stored : *events) {
      auto view = stored.view();
      if (!view.ok()) return view.status();
      list.push_back(event_to_json(*view));
    }
  }
  const uint64_t next_from = seqs.empty() ? *from : seqs.back() + 1;
  return ok_answer(r.applied_seq, json{{"events", std::move(list)}, {"next_from", next_from}});
}

}  // namespace

namespace {

Result<Answer> as_of_jobs(const Route& r, const replay::AsOf& as_of, json body) {
  const RequestTarget& t = r.target;
  auto filter = job_filter_of(t);
  if (!filter.ok()) return filter.status();
  auto limit = page_limit_of(r);
  if (!limit.ok()) return limit.status();
  auto state = replay::jobs_as_of(r.log, as_of, nullptr);
  if (!state.ok()) return state.status();
  json list = json::array();
  bool more = false;
  JT_RETURN_IF_ERROR(projections::for_each_job(*state, t.param("cluster").value_or(""),
                                               [&](const projections::JobView& v) {
                                                 if (!filter->matches(v)) return true;
                                                 if (list.size() == *limit) {
                                                   more = true;
                                                   return false;
                                                 }
                                                 list.push_back(job_view_json(v));
                                                 return true;
                                               }));
  body["jobs"] = std::move(list);
  body["truncated"] = more;
  return ok_answer(r.applied_seq, std::move(body));
}

// GET /api/as-of?t=TIME&what=jobs|array|history [&id=ARRAY] [&job=JOB] [&cluster=C]
// [&observed=true] and, for jobs, the jobs filters and limit: `jobtrail as-of` over HTTP.
Result<Answer> as_of_query(const Route& r) {
  const RequestTarget& t = r.target;
  JT_RETURN_IF_ERROR(check_params(t, {"t", "what", "id", "job", "cluster", "observed", "state",
                                      "user", "array", "since", "limit"}));
  auto time_text = t.param("t");
  if (!time_text) return Status::invalid_argument("t is required (ISO 8601 or epoch seconds)");
  auto time = parse_time_us(*time_text);
  if (!time.ok()) return Status::invalid_argument("t: " + time.status().message());
  const std::string what(t.param("what").value_or(""));
  const std::string cluster(t.param("cluster").value_or(""));
  const replay::AsOf as_of{*time, t.param("observed").value_or("") == "true"};
  json body{{"t", format_iso8601_us(*time)}, {"what", what}, {"observed", as_of.observed}};
  if (what == "jobs") return as_of_jobs(r, as_of, std::move(body));
  if (what == "array") {
    auto id = t.param("id");
    if (!id) return Status::invalid_argument("what=array needs id=ARRAY");
    projections::StoredState arrays(r.log, std::string(projections::ArraysProjection::kName));
    auto now = resolve_array(r.log, arrays, *id, cluster);
    if (!now.ok()) return now.status();
    auto then = replay::array_as_of(arrays, now->cluster, now->array, as_of);
    if (!then.ok()) return then.status();
    projections::ArrayCounts empty;
    empty.cluster = now->cluster;
    empty.array = now->array;
    body["array"] = array_counts_json(then->has_value() ? **then : empty, nullptr);
    return ok_answer(r.applied_seq, std::move(body));
  }
  if (what == "history") {
    auto job = t.param("job");
    if (!job) return Status::invalid_argument("what=history needs job=JOB");
    auto ref = resolve_job(r.log, *job, cluster);
    if (!ref.ok()) return ref.status();
    auto entries = replay::history_as_of(r.log, ref->cluster, ref->job, as_of);
    if (!entries.ok()) return entries.status();
    json list = json::array();
    for (const auto& e : *entries) list.push_back(history_entry_json(e, r.log));
    body["cluster"] = ref->cluster;
    body["job"] = ref->job;
    body["history"] = std::move(list);
    return ok_answer(r.applied_seq, std::move(body));
  }
  return Status::invalid_argument("what must be jobs, array or history");
}

// GET /api/usage?by=user|account|partition|day [&from=T] [&to=T] [&cluster=C]: `usage --json`
// in "usage". A caller who sees only their own jobs gets only their own row, by user.
Result<Answer> usage_query(const Route& r) {
  const RequestTarget& t = r.target;
  JT_RETURN_IF_ERROR(check_params(t, {"by", "from", "to", "cluster"}));
  const std::string by_name(t.param("by").value_or("user"));
  const auto by = projections::usage_by_from_name(by_name);
  if (!by) return Status::invalid_argument("by must be user, account, partition or day");
  if (!r.caller.sees_all && *by != projections::UsageBy::kUser) {
    return error_answer(403, "usage by " + by_name + " is for admins and token holders");
  }
  projections::UsageQuery query;
  query.by = *by;
  query.cluster = t.param("cluster").value_or("");
  for (auto [name, field] : {std::pair{"from", &query.from_us}, std::pair{"to", &query.to_us}}) {
    if (auto text = t.param(name)) {
      auto time = parse_time_us(*text);
      if (!time.ok())
        return Status::invalid_argument(std::string(name) + ": " + time.status().message());
      *field = *time;
    }
  }
  projections::StoredState state(r.log, std::string(projections::UsageProjection::kName));
  auto rows = projections::read_usage(state, query);
  if (!rows.ok()) return rows.status();
  std::vector<projections::UsageRow> visible;
  for (auto& row : *rows) {
    if (r.caller.sees_all || r.caller.sees_user(row.key)) visible.push_back(std::move(row));
  }
  const std::string key_name = by_name == "queue" ? "partition" : by_name;
  return ok_answer(r.applied_seq,
                   json{{"usage", usage_rows_json(visible, key_name, !query.cluster.empty())}});
}

Result<Answer> route(const Route& r) {
  const auto& s = r.target.segments;
  if (s.size() < 2 || s[0] != "api") return Status::not_found("no such route");
  if (s[1] == "jobs") {
    if (s.size() == 2) return jobs_list(r);
    if (s.size() == 4) return job_one(r, s[2], s[3], "");
    if (s.size() == 5 &&
        (s[4] == "history" || s[4] == "audit" || s[4] == "records" || s[4] == "deps"))
      return job_one(r, s[2], s[3], s[4]);
  }
  if (s[1] == "arrays" && s.size() == 4) return array_one(r, s[2], s[3]);
  if (s[1] == "arrays" && s.size() == 2) return arrays_list(r);
  if (s[1] == "clusters" && s.size() == 2)
    return summary_answer(r, cluster_overview(r.log, r.caller, r.target));
  if (s[1] == "wait-times" && s.size() == 2)
    return summary_answer(r, wait_times(r.log, r.caller, r.target));
  if (s[1] == "usage" && s.size() == 2) return usage_query(r);
  const bool whole_log = (s[1] == "events" || s[1] == "as-of") && s.size() == 2;
  if (whole_log && !r.caller.sees_all) {
    return error_answer(403, "the whole log is for admins and token holders; ask for your jobs");
  }
  if (s[1] == "events" && s.size() == 2) return events_list(r);
  if (s[1] == "as-of" && s.size() == 2) return as_of_query(r);
  return Status::not_found("no such route");
}

}  // namespace

ApiRouter::ApiRouter(Ledger& ledger, EventStream& stream, ApiOptions options)
    : ledger_(ledger), stream_(stream), options_(options), started_at_us_(now_us()) {
  JT_ASSERT(options_.page_items_default <= options_.page_items_max);
  JT_ASSERT(options_.page_items_max <= limits::batch_events_max);
}

ApiRouter::~ApiRouter() {
  join_worker();
}

ApiRouter::Answer ApiRouter::compute(const http::Request& request, const Caller& caller,
                                     uint64_t applied_seq) const {
  auto target = parse_request_target(request.target);
  if (!target.ok()) return error_answer(400, target.status().message());
  const Route r{ledger_.log(), applied_seq, *target, options_, caller};
  Result<Answer> answer = route(r);
  if (answer.ok()) return std::move(answer).value();
  const unsigned status = http_status_of(answer.status());
  if (status >= 500)
    spdlog::error("{} {}: {}", request.method, request.target, answer.status().to_string());
  return error_answer(status, answer.status().message());
}

http::Response ApiRouter::handle(const http::Request& request) {
  const bool is_write = request.method == "POST";
  const Caller caller = identify_caller(request, options_.access, is_write);
  if (caller.refused_status != 0) {
    http::Response refused = json_response(caller.refused_status, caller.refused_reason);
    if (caller.refused_status == 401) refused.headers.emplace_back("WWW-Authenticate", "Bearer");
    return refused;
  }
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (is_write && (path == "/api/events" || path == "/api/events/")) return post_events(request);
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response refused =
        json_response(405, "method " + request.method + " is not allowed here");
    refused.headers.emplace_back("Allow", "GET, HEAD (and POST on /api/events)");
    return refused;
  }
  if (path == "/api/stream") {
    if (!caller.sees_all)
      return json_response(403, "the live stream is for admins and token holders");
    return stream(request);
  }
  return read(request, caller);
}

http::Response ApiRouter::read(const http::Request& request, const Caller& caller) {
  if (cache_seq_ != ledger_.applied_seq() || cache_.size() >= options_.cache_entries_max) {
    cache_.clear();
    cache_seq_ = ledger_.applied_seq();
  }
  // A user of the unix socket sees their own jobs only: their answers are cached apart.
  std::string key =
      (caller.sees_all ? std::string("*") : caller.user_names.front()) + " " + request.target;
  Answer computed;
  const Answer* answer = nullptr;
  if (auto cached = cache_.find(key); cached != cache_.end()) {
    answer = &cached->second;
  } else {
    computed = compute(request, caller, ledger_.applied_seq());
    const bool cacheable =
        computed.status == 200 && computed.body.size() <= options_.cache_body_bytes_max;
    answer =
        cacheable ? &cache_.emplace(std::move(key), std::move(computed)).first->second : &computed;
  }
  return response_of(*answer, request);
}

http::Response ApiRouter::response_of(const Answer& answer, const http::Request& request) {
  http::Response response;
  response.status = answer.status;
  if (answer.status == 200) {
    std::string etag = etag_of(answer.seq);
    const bool not_modified = etag_matches(request.header("if-none-match"), etag);
    response.headers.emplace_back("ETag", std::move(etag));
    if (not_modified) {
      response.status = 304;
      return response;
    }
  }
  response.body = answer.body;
  return response;
}

bool ApiRouter::replays_log(const http::Request& request) {
  if (request.method != "GET" || !request.target.starts_with("/api/as-of?")) return false;
  auto target = parse_request_target(request.target);
  return target.ok() && target->param("what").value_or("") == "jobs";
}

void ApiRouter::handle(http::Request request, std::function<void(http::Response&&)> respond) {
  if (!replays_log(request) || !post_) return respond(handle(request));
  const Caller caller = identify_caller(request, options_.access, false);
  if (!caller.sees_all || caller.refused_status != 0) return respond(handle(request));
  if (worker_busy_) {
    return respond(json_response(503, "an as-of replay of the whole log is running; retry soon"));
  }
  join_worker();  // the previous one has answered (worker_busy_ is false): this returns at once
  worker_busy_ = true;
  // The replay reads only the log (immutable events and its head), which is safe beside the
  // loop's appends; the answer goes back to the loop, where the session lives.
  worker_ = std::thread([this, request = std::move(request), caller, respond = std::move(respond),
                         applied = ledger_.applied_seq()]() mutable {
    Answer answer = compute(request, caller, applied);
    post_([this, answer = std::move(answer), request = std::move(request),
           respond = std::move(respond)]() mutable {
      worker_busy_ = false;
      respond(response_of(answer, request));
    });
  });
}

void ApiRouter::join_worker() {
  if (worker_.joinable()) worker_.join();
}

// GET /api/stream?from=SEQ; a Last-Event-ID header (a reconnecting EventSource) resumes after
// the last event the client got and wins over `from`. Neither: live events only.
http::Response ApiRouter::stream(const http::Request& request) {
  http::Response response;
  auto target = parse_request_target(request.target);
  Status bad = target.ok() ? check_params(*target, {"from"}) : target.status();
  uint64_t from_seq = ledger_.applied_seq() + 1;
  if (bad.ok()) {
    auto from = number_param(*target, "from", from_seq, 1, UINT64_MAX);
    if (from.ok()) from_seq = *from;
    bad = from.status();
  }
  if (bad.ok() && !request.header("last-event-id").empty()) {
    const std::string_view last = request.header("last-event-id");
    uint64_t seq = 0;
    auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), seq);
    if (ec != std::errc() || end != last.data() + last.size() || seq == UINT64_MAX) {
      bad = Status::invalid_argument("Last-Event-ID must be a seq");
    }
    from_seq = seq + 1;
  }
  if (!bad.ok()) return json_response(400, bad.message());
  response.stream = stream_.subscribe(from_seq);
  return response;
}

// POST /api/events: ingest/api/event_request.h says what is accepted. The Idempotency-Key
// names the request: the same key again appends nothing and answers the seqs it got first.
http::Response ApiRouter::post_events(const http::Request& request) {
  if (!request.header("content-type").starts_with("application/json")) {
    return json_response(415, "Content-Type must be application/json");
  }
  ingest::api::EventRequestContext context;
  context.observed_at_us = now_us();
  context.origin = request.unix_socket ? "unix uid " + std::to_string(request.peer_uid) : "tcp";
  const std::string_view key = request.header("idempotency-key");
  if (!key.empty()) {
    const bool printable = key.size() <= 128 && std::all_of(key.begin(), key.end(), [](char c) {
                             return c > ' ' && c < 127;
                           });
    if (!printable) return json_response(400, "Idempotency-Key: 1 to 128 visible characters");
    context.identity = "api/key/" + std::string(key);
  } else {
    context.identity = "api/" + std::to_string(started_at_us_) + "/" + std::to_string(++posts_);
  }
  auto events = ingest::api::parse_event_request(request.body, context);
  if (!events.ok())
    return json_response(http_status_of(events.status()), events.status().message());
  AppendBatch batch;
  batch.events = std::move(events).value();
  auto appended = ledger_.append(batch);
  if (!appended.ok()) {
    spdlog::error("POST /api/events: {}", appended.status().to_string());
    return json_response(http_status_of(appended.status()), appended.status().message());
  }
  http::Response response;
  response.status = appended->appended > 0 ? 201 : 200;
  response.body = dump(json{{"seq", ledger_.applied_seq()},
                            {"seqs", appended->seqs},
                            {"appended", appended->appended},
                            {"duplicates", appended->duplicates}});
  return response;
}

}  // namespace jobtrail::tools
