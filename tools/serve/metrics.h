// Metrics: `GET /metrics`, in the Prometheus text exposition format 0.0.4
// (Content-Type: text/plain; version=0.0.4). Every family has HELP and TYPE lines; names end
// in their unit.
//
//   jobtrail_log_head_seq                          gauge    the log's last seq
//   jobtrail_events_total{type}                    counter  events in the log by type
//   jobtrail_quarantined_rows_total{format}        counter  lines quarantined, by source format
//   jobtrail_cluster_newest_fact_age_seconds{cluster}  gauge  now - newest observed_at of its
//                                                            events (ingest lag per cluster)
//   jobtrail_source_up{source,cluster,reported_by} gauge    1/0: reported_by="serve" for the
//                                                            sources serve runs, "log" for the
//                                                            latest SourceStatus in the log
//   jobtrail_source_last_success_age_seconds{source,cluster}  gauge  since the source's last
//                                                            good poll (-1: never)
//   jobtrail_source_restarts_total{source}         counter  restarts after failures (process)
//   jobtrail_projection_lag_events{projection}     gauge    head seq - applied seq
//   jobtrail_http_requests_total{route,code}       counter  requests by route PATTERN
//   jobtrail_http_request_duration_seconds{route}  histogram  until the answer was handed over
//   jobtrail_http_connections_accepted_total, _refused_total, jobtrail_http_rejected_total
//
// Where counters come from: events by type and the source statuses from the log_counts
// projection (so they survive restarts and a scrape reads a few keys, never the log); the
// quarantined rows are counted once when serve opens (one pass over the quarantine, which
// holds only the lines that failed) and then as batches bring more; HTTP figures are this
// process's own. Labels have bounded values: routes are patterns (unknown ones are "other"),
// formats are capped at quarantine_formats_max.
//
// Threading: the loop thread only (source health comes from SourceRunner::health()).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "events/event_log.h"
#include "tools/http/http_server.h"
#include "tools/serve/ledger.h"
#include "tools/serve/source_runner.h"

namespace jobtrail::projections {
struct LogCounts;
}  // namespace jobtrail::projections

namespace jobtrail::tools {

class Exposition;  // metrics.cc: the text being written

inline constexpr size_t quarantine_formats_max = 64;
inline constexpr size_t http_routes_max = 64;
// Latency buckets, seconds (upper bounds; +Inf is implied).
inline constexpr std::array<double, 14> http_duration_buckets_s = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

// The route pattern a request target falls under ("/api/jobs/{cluster}/{job}/history"), the
// query left out; "other" when it names no known route.
std::string route_pattern(std::string_view target);

// The format a quarantined record's source names: its text up to the first '/' or ' '.
std::string quarantine_format(std::string_view source);

class Metrics {
 public:
  // `sources` may be null (no sources configured).
  Metrics(const Ledger& ledger, const SourceRunner* sources) : ledger_(ledger), sources_(sources) {}

  // Counts the quarantine as it is now (once, when serve opens).
  Status load();
  // A batch the ledger appended.
  void note_batch(const AppendBatch& batch);
  void note_request(const std::string& route, unsigned status, double seconds);

  // The exposition text.
  Result<std::string> render(const http::ServerCounters& server) const;

 private:
  struct Histogram {
    std::array<uint64_t, http_duration_buckets_s.size()> buckets{};  // not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  void count_quarantined(std::string_view source, uint64_t rows);
  void render_sources(Exposition& e, const projections::LogCounts& counts, int64_t now) const;
  void render_http(Exposition& e, const http::ServerCounters& server) const;

  const Ledger& ledger_;
  const SourceRunner* sources_;
  std::map<std::string, uint64_t> quarantined_;                    // by format
  std::map<std::pair<std::string, unsigned>, uint64_t> requests_;  // by route, code
  std::map<std::string, Histogram> durations_;                     // by route
};

}  // namespace jobtrail::tools
