#include "tools/serve/wait_times.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "events/assert.h"
#include "events/time_format.h"
#include "projections/jobs_projection.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;

struct Bucket {
  const char* label;
  int64_t lt_s;  // -1: no upper bound
};

// Wait buckets a scheduler admin reads at a glance: minutes, hours, days.
constexpr Bucket kBuckets[] = {{"< 1 min", 60},      {"1-10 min", 600}, {"10-60 min", 3600},
                               {"1-4 h", 4 * 3600},  {"4-12 h", 43200}, {"12-24 h", 86400},
                               {"1-3 d", 3 * 86400}, {"3-7 d", 604800}, {"> 7 d", -1}};

// Nearest-rank percentile of sorted `v` (not empty).
int64_t percentile(const std::vector<int64_t>& v, double p) {
  JT_ASSERT(!v.empty());
  size_t rank = static_cast<size_t>(p * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

json summary_json(std::vector<int64_t>& waits) {
  std::sort(waits.begin(), waits.end());
  if (waits.empty()) {
    return json{{"count", 0},       {"mean_s", nullptr}, {"p50_s", nullptr},
                {"p90_s", nullptr}, {"p99_s", nullptr},  {"max_s", nullptr}};
  }
  double sum = 0;
  for (int64_t w : waits) sum += static_cast<double>(w);
  return json{{"count", waits.size()},
              {"mean_s", sum / static_cast<double>(waits.size())},
              {"p50_s", percentile(waits, 0.50)},
              {"p90_s", percentile(waits, 0.90)},
              {"p99_s", percentile(waits, 0.99)},
              {"max_s", waits.back()}};
}

// How many of the sorted waits fall in each bucket.
json buckets_json(const std::vector<int64_t>& sorted) {
  json buckets = json::array();
  size_t at = 0;
  for (const Bucket& b : kBuckets) {
    const auto end_it =
        b.lt_s < 0 ? sorted.end() : std::lower_bound(sorted.begin(), sorted.end(), b.lt_s);
    const size_t end = static_cast<size_t>(end_it - sorted.begin());
    buckets.push_back({{"label", b.label},
                       {"lt_s", b.lt_s < 0 ? json(nullptr) : json(b.lt_s)},
                       {"count", end - at}});
    at = end;
  }
  JT_ASSERT(at == sorted.size());
  return buckets;
}

Result<std::string> parse_group_by(std::string_view by) {
  if (by.empty() || by == "partition" || by == "user" || by == "account" || by == "day") {
    return std::string(by);
  }
  return Status::invalid_argument("by must be partition, user, account or day");
}

std::string group_key(const std::string& by, const projections::JobView& v) {
  if (by == "partition") return v.partition;
  if (by == "user") return v.user;
  if (by == "account") return v.account;
  JT_ASSERT(by == "day");
  return format_iso8601_us(v.submit_at_us).substr(0, 10);
}

}  // namespace

Result<json> wait_times(const EventLog& log, const Caller& caller, const RequestTarget& target) {
  JT_RETURN_IF_ERROR(check_params(target, {"cluster", "since", "by", "limit"}));
  auto by = parse_group_by(target.param("by").value_or(""));
  if (!by.ok()) return by.status();
  auto limit = number_param(target, "limit", wait_groups_default, 1, wait_groups_max);
  if (!limit.ok()) return limit.status();
  int64_t since_us = INT64_MIN;
  if (auto text = target.param("since")) {
    auto t = parse_time_us(*text);
    if (!t.ok()) return Status::invalid_argument("since: " + t.status().message());
    since_us = *t;
  }
  std::vector<int64_t> all;
  std::map<std::string, std::vector<int64_t>> groups;
  uint64_t pending = 0;
  bool truncated = false;
  projections::StoredState jobs(log, std::string(projections::JobsProjection::kName));
  JT_RETURN_IF_ERROR(projections::for_each_job(
      jobs, target.param("cluster").value_or(""), [&](const projections::JobView& v) {
        if (!caller.sees_user(v.user) || v.submit_at_us == 0 || v.submit_at_us < since_us) {
          return true;
        }
        if (v.state == fb::JobState::PENDING) ++pending;
        if (v.start_at_us == 0 || v.start_at_us < v.submit_at_us) return true;
        if (all.size() == wait_samples_max) {
          truncated = true;
          return false;
        }
        const int64_t wait_s = (v.start_at_us - v.submit_at_us) / 1'000'000;
        all.push_back(wait_s);
        if (!by->empty()) groups[group_key(*by, v)].push_back(wait_s);
        return true;
      }));
  std::vector<int64_t> sorted = std::move(all);
  std::sort(sorted.begin(), sorted.end());
  json buckets = buckets_json(sorted);
  json body = summary_json(sorted);
  body["pending"] = pending;
  body["buckets"] = std::move(buckets);
  body["by"] = by->empty() ? json(nullptr) : json(*by);
  // Largest groups first (by day: the latest days, in date order).
  std::vector<std::pair<std::string, std::vector<int64_t>>> ordered(groups.begin(), groups.end());
  if (*by != "day") {
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      return a.second.size() > b.second.size();
    });
  }
  const bool groups_truncated = ordered.size() > *limit;
  if (groups_truncated) {
    if (*by == "day") {
      ordered.erase(ordered.begin(), ordered.end() - static_cast<std::ptrdiff_t>(*limit));
    } else {
      ordered.resize(*limit);
    }
  }
  json list = json::array();
  for (auto& [key, waits] : ordered) {
    json g = summary_json(waits);
    g.erase("p99_s");
    g["key"] = key;
    list.push_back(std::move(g));
  }
  body["groups"] = std::move(list);
  body["groups_truncated"] = groups_truncated;
  body["samples_truncated"] = truncated;
  return body;
}

}  // namespace jobtrail::tools
