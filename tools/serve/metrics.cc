#include "tools/serve/metrics.h"

#include <charconv>
#include <vector>

#include "events/time_format.h"
#include "projections/log_counts_projection.h"
#include "projections/state_source.h"

namespace jobtrail::tools {

namespace {

std::string number(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

// A label value: backslash, double quote and newline escaped.
std::string escaped(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

using Labels = std::vector<std::pair<std::string_view, std::string>>;

}  // namespace

class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name, const Labels& labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) out_ += ',';
        out_ += labels[i].first;
        out_ += "=\"";
        out_ += escaped(labels[i].second);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += number(value);
    out_ += '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

namespace {

double age_seconds(int64_t now_us, int64_t then_us) {
  return then_us == 0 ? -1.0 : static_cast<double>(now_us - then_us) / 1e6;
}

}  // namespace

std::string route_pattern(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  std::vector<std::string_view> s;
  for (size_t at = 1; at <= path.size() && s.size() <= 6;) {  // "/a/b" -> a, b
    size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > at) s.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  if (path.empty() || path[0] != '/') return "other";
  if (s.empty()) return "/";
  if (s[0] == "static" && s.size() == 2) return "/static/{file}";
  if (s[0] != "api") return s.size() == 1 ? (s[0] == "metrics" ? "/metrics" : "/{file}") : "other";
  if (s.size() == 2) {
    static constexpr std::string_view kLists[] = {"jobs",     "usage",    "events",
                                                  "as-of",    "stream",   "arrays",
                                                  "overview", "clusters", "wait-times"};
    for (std::string_view name : kLists) {
      if (s[1] == name) return "/api/" + std::string(name);
    }
    return "other";
  }
  if (s[1] == "arrays" && s.size() == 4) return "/api/arrays/{cluster}/{id}";
  if (s[1] != "jobs" || s.size() < 4 || s.size() > 5) return "other";
  if (s.size() == 4) return "/api/jobs/{cluster}/{job}";
  for (std::string_view sub : {"history", "audit", "records", "deps"}) {
    if (s[4] == sub) return "/api/jobs/{cluster}/{job}/" + std::string(sub);
  }
  return "other";
}

std::string quarantine_format(std::string_view source) {
  return std::string(source.substr(0, source.find_first_of("/ ")));
}

Status Metrics::load() {
  return ledger_.log().for_each_quarantined([this](const QuarantineRecord& record) {
    count_quarantined(record.source, 1);
    return true;
  });
}

void Metrics::count_quarantined(std::string_view source, uint64_t rows) {
  std::string format = quarantine_format(source);
  if (quarantined_.size() >= quarantine_formats_max && !quarantined_.contains(format)) {
    format = "other";
  }
  quarantined_[format] += rows;
}

void Metrics::note_batch(const AppendBatch& batch) {
  for (const QuarantineRecord& record : batch.quarantined) count_quarantined(record.source, 1);
}

void Metrics::note_request(const std::string& route, unsigned status, double seconds) {
  if (durations_.size() >= http_routes_max && !durations_.contains(route)) return;
  ++requests_[{route, status}];
  Histogram& h = durations_[route];
  for (size_t i = 0; i < http_duration_buckets_s.size(); ++i) {
    if (seconds <= http_duration_buckets_s[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

Result<std::string> Metrics::render(const http::ServerCounters& server) const {
  const EventLog& log = ledger_.log();
  projections::StoredState state(log, std::string(projections::LogCountsProjection::kName));
  auto counts = projections::read_log_counts(state);
  if (!counts.ok()) return counts.status();
  const int64_t now = now_us();
  const uint64_t head = log.head();
  Exposition e;
  e.family("jobtrail_log_head_seq", "gauge", "The seq of the last event in the log.");
  e.sample("jobtrail_log_head_seq", {}, static_cast<double>(head));
  e.family("jobtrail_events_total", "counter", "Events in the log, by type.");
  for (const auto& [type, count] : counts->events_by_type) {
    e.sample("jobtrail_events_total", {{"type", type}}, static_cast<double>(count));
  }
  e.family("jobtrail_quarantined_rows_total", "counter",
           "Source lines that did not parse, by source format.");
  for (const auto& [format, rows] : quarantined_) {
    e.sample("jobtrail_quarantined_rows_total", {{"format", format}}, static_cast<double>(rows));
  }
  e.family("jobtrail_cluster_newest_fact_age_seconds", "gauge",
           "Seconds since the newest event of a cluster was observed.");
  for (const auto& [cluster, observed_us] : counts->newest_observed_us) {
    e.sample("jobtrail_cluster_newest_fact_age_seconds", {{"cluster", cluster}},
             age_seconds(now, observed_us));
  }
  render_sources(e, *counts, now);
  e.family("jobtrail_projection_lag_events", "gauge",
           "Events in the log a projection has not applied yet.");
  for (const projections::ProjectionState& p : ledger_.projection_states()) {
    e.sample("jobtrail_projection_lag_events", {{"projection", p.name}},
             static_cast<double>(head - std::min(head, p.applied_seq)));
  }
  render_http(e, server);
  return e.take();
}

void Metrics::render_sources(Exposition& e, const projections::LogCounts& counts,
                             int64_t now) const {
  std::vector<SourceHealthView> health;
  if (sources_ != nullptr) health = sources_->health();
  e.family("jobtrail_source_up", "gauge",
           "1 when a source answered at its last attempt (reported_by serve: a source serve "
           "runs; log: the latest SourceStatus event).");
  for (const SourceHealthView& h : health) {
    e.sample("jobtrail_source_up",
             {{"source", h.name}, {"cluster", h.cluster}, {"reported_by", "serve"}}, h.up ? 1 : 0);
  }
  for (const projections::SourceStatusView& s : counts.source_status) {
    e.sample("jobtrail_source_up",
             {{"source", s.source}, {"cluster", s.cluster}, {"reported_by", "log"}},
             s.reachable ? 1 : 0);
  }
  e.family("jobtrail_source_last_success_age_seconds", "gauge",
           "Seconds since a source serve runs last polled successfully (-1: never).");
  for (const SourceHealthView& h : health) {
    e.sample("jobtrail_source_last_success_age_seconds",
             {{"source", h.name}, {"cluster", h.cluster}}, age_seconds(now, h.last_success_us));
  }
  e.family("jobtrail_source_restarts_total", "counter",
           "Times a source serve runs was started again after it failed.");
  for (const SourceHealthView& h : health) {
    e.sample("jobtrail_source_restarts_total", {{"source", h.name}},
             static_cast<double>(h.restarts));
  }
}

void Metrics::render_http(Exposition& e, const http::ServerCounters& server) const {
  e.family("jobtrail_http_requests_total", "counter", "HTTP requests, by route pattern and code.");
  for (const auto& [key, count] : requests_) {
    e.sample("jobtrail_http_requests_total",
             {{"route", key.first}, {"code", std::to_string(key.second)}},
             static_cast<double>(count));
  }
  e.family("jobtrail_http_request_duration_seconds", "histogram",
           "Seconds from a request's arrival at the handler to its answer, by route pattern.");
  for (const auto& [route, h] : durations_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h.buckets.size(); ++i) {
      cumulative += h.buckets[i];
      e.sample("jobtrail_http_request_duration_seconds_bucket",
               {{"route", route}, {"le", number(http_duration_buckets_s[i])}},
               static_cast<double>(cumulative));
    }
    e.sample("jobtrail_http_request_duration_seconds_bucket", {{"route", route}, {"le", "+Inf"}},
             static_cast<double>(h.count));
    e.sample("jobtrail_http_request_duration_seconds_sum", {{"route", route}}, h.sum);
    e.sample("jobtrail_http_request_duration_seconds_count", {{"route", route}},
             static_cast<double>(h.count));
  }
  e.family("jobtrail_http_connections_accepted_total", "counter", "Connections accepted.");
  e.sample("jobtrail_http_connections_accepted_total", {},
           static_cast<double>(server.connections_accepted));
  e.family("jobtrail_http_connections_refused_total", "counter",
           "Connections closed at once: over the connection limit.");
  e.sample("jobtrail_http_connections_refused_total", {},
           static_cast<double>(server.connections_refused));
  e.family("jobtrail_http_rejected_total", "counter",
           "Requests the server answered 4xx itself (limits, bad syntax).");
  e.sample("jobtrail_http_rejected_total", {}, static_cast<double>(server.requests_rejected));
}
}  // namespace jobtrail::tools
