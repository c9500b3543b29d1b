#include "ingest/slurm/poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <set>

#include "events/assert.h"
#include "events/time_format.h"
#include "ingest/quarantine.h"
#include "ingest/slurm/departed_job.h"
#include "ingest/slurm/poll_state.h"
#include "ingest/slurm/sacct_importer.h"
#include "ingest/slurm/squeue_importer.h"
#include "ingest/slurm/squeue_parser.h"

namespace jobtrail::ingest::slurm {

namespace asio = boost::asio;

#define JT_CO_RETURN_IF_ERROR(expr)  \
  do {                               \
    ::jobtrail::Status _st = (expr); \
    if (!_st.ok()) co_return _st;    \
  } while (0)

namespace {

using JobRows = std::map<std::string, std::vector<SacctRecord>>;

class Poller {
 public:
  Poller(EventLog& log, const PollerOptions& options, TimeZone zone)
      : log_(log), options_(options), zone_(std::move(zone)) {}

  Status load() {
    auto stored = log_.checkpoint(checkpoint_key(options_.cluster));
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return Status();
    auto decoded = decode_poll_state(**stored);
    if (!decoded.ok()) return decoded.status();
    state_ = std::move(decoded).value();
    return Status();
  }

  asio::awaitable<Status> poll(PollReport& report) {
    report = PollReport{};
    report.poll = ++state_.polls;
    const int64_t observed_us = now_us();
    auto squeue = co_await run("squeue", squeue_argv(options_.site), report);
    if (!squeue) {
      report.squeue_ok = false;
      JT_CO_RETURN_IF_ERROR(commit_state(observed_us, report));
      co_return Status();
    }
    report.squeue_ok = true;
    if (options_.backfill_since_us != 0 && !state_.backfilled) {
      const int64_t seconds = (observed_us - options_.backfill_since_us) / 1'000'000 + 1;
      state_.backfilled = co_await import_window(seconds, "backfill", observed_us, report);
    }
    JT_CO_RETURN_IF_ERROR(import_snapshot(squeue->out, observed_us, report));
    note_departed(snapshot_keys(squeue->out), report);
    JT_CO_RETURN_IF_ERROR(co_await look_up_awaiting(observed_us, report));
    if (state_.last_success_us != 0 && report.sacct_ok) {
      const int64_t seconds = (observed_us - state_.last_success_us) / 1'000'000 + window_margin_s;
      co_await import_window(seconds, "catch-up", observed_us, report);
    }
    state_.last_success_us = observed_us;
    report.awaiting = state_.awaiting.size();
    JT_CO_RETURN_IF_ERROR(commit_state(observed_us, report));
    co_return Status();
  }

 private:
  // Runs one command of `source`; its outcome when it succeeded. A failure (or a recovery)
  // that changes the source's health becomes a SourceStatus in this poll's last append.
  asio::awaitable<std::optional<CommandOutcome>> run(const std::string& source,
                                                     Result<std::vector<std::string>> argv,
                                                     PollReport& report) {
    if (!argv.ok()) {
      note_health(source, false, argv.status().message(), "", report);
      co_return std::nullopt;
    }
    CommandOutcome outcome = co_await run_command(*argv, options_.limits);
    note_health(source, outcome.ok(), outcome.ok() ? "" : outcome.failure(), display_command(*argv),
                report);
    if (!outcome.ok()) co_return std::nullopt;
    co_return outcome;
  }

  void note_health(const std::string& source, bool up, const std::string& error,
                   const std::string& command, PollReport& report) {
    if (!up) {
      if (report.error.empty()) report.error = source + ": " + error;
      if (source == "sacct") report.sacct_ok = false;
    }
    SourceHealth& health = state_.health[source];
    if (health.known && health.up == up) return;  // only changes are news
    if (up) {
      spdlog::info("poll {}: {} {}", options_.cluster, source,
                   health.known ? "answers again" : "answers");
    } else {
      spdlog::warn("poll {}: {} is down: {}", options_.cluster, source, error);
    }
    health = SourceHealth{true, up, error};
    status_changes_.push_back(SourceStatusFields{source, error, command, up});
  }

  Status import_snapshot(std::string output, int64_t observed_us, PollReport& report) {
    SqueueImportOptions o;
    o.format = std::string(kPollSqueueFormat);
    o.time_zone = options_.time_zone;
    o.line.cluster = options_.cluster;
    o.line.observed_at_us = observed_us;
    o.known = options_.known;
    o.line.sink = options_.sink;
    auto stats = import_squeue_captured(log_, origin("squeue"), std::move(output), o);
    if (!stats.ok()) return stats.status();
    report.events_appended += stats->events_appended;
    report.jobs_in_squeue = stats->records;
    return options_.catch_up();
  }

  // The keys of the snapshot's jobs, sorted; remainders left out (see the header).
  std::vector<std::string> snapshot_keys(std::string_view output) const {
    std::vector<std::string> keys;
    auto parser = SqueueParser::create(kPollSqueueFormat, zone_);
    if (!parser.ok()) return keys;
    for (size_t at = 0; at < output.size();) {
      size_t end = output.find('\n', at);
      if (end == std::string_view::npos) end = output.size();
      auto line = parser->parse_line(output.substr(at, end - at));
      at = end + 1;
      if (!line.ok()) continue;  // quarantined by the import
      if (const auto* r = std::get_if<SqueueRecord>(&*line)) {
        if (r->job_key.kind != JobKey::Kind::kArrayRemainder) keys.push_back(r->job_key.format());
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }

  void note_departed(std::vector<std::string> now, PollReport& report) {
    std::vector<std::string> departed;
    std::set_difference(state_.seen.begin(), state_.seen.end(), now.begin(), now.end(),
                        std::back_inserter(departed));
    for (std::string& job : departed) {
      if (state_.awaiting.size() >= poll_awaiting_jobs_max) {
        spdlog::warn("poll {}: {} jobs await sacct already; {} is not followed", options_.cluster,
                     poll_awaiting_jobs_max, job);
        continue;
      }
      state_.awaiting.emplace(std::move(job), 0);
      ++report.departed;
    }
    if (now.size() > poll_seen_jobs_max) now.resize(poll_seen_jobs_max);
    state_.seen = std::move(now);
  }

  bool due(uint32_t lookups) const {
    return lookups < lookups_fast_max || state_.polls % lookups_slow_every == 0;
  }

  // The awaiting jobs to look up in this poll, at most one poll's budget, dropping those the
  // ledger already knows have ended (or does not know at all).
  Result<std::vector<std::pair<std::string, KnownJob>>> due_jobs() {
    std::vector<std::pair<std::string, KnownJob>> jobs;
    const size_t budget = size_t{sacct_calls_per_poll_max} * sacct_ids_per_call_max;
    for (auto it = state_.awaiting.begin(); it != state_.awaiting.end() && jobs.size() < budget;) {
      auto known = options_.known(options_.cluster, it->first);
      if (!known.ok()) return known.status();
      if (!known->has_value() || is_terminal((*known)->state) || !validate_job_id(it->first).ok()) {
        it = state_.awaiting.erase(it);
        continue;
      }
      if (due(it->second)) jobs.emplace_back(it->first, std::move(**known));
      ++it;
    }
    return jobs;
  }

  asio::awaitable<Status> look_up_awaiting(int64_t observed_us, PollReport& report) {
    auto jobs = due_jobs();
    if (!jobs.ok()) co_return jobs.status();
    for (size_t first = 0; first < jobs->size(); first += sacct_ids_per_call_max) {
      const size_t last = std::min(jobs->size(), first + sacct_ids_per_call_max);
      std::vector<std::string> ids;
      for (size_t i = first; i < last; ++i) ids.push_back((*jobs)[i].first);
      auto sacct = co_await run("sacct", sacct_jobs_argv(options_.site, ids), report);
      if (!sacct) co_return Status();  // sacct is down: look them up at a later poll
      JobRows rows;
      AppendBatch batch;
      parse_sacct(sacct->out, observed_us, rows, batch);
      for (size_t i = first; i < last; ++i) {
        JT_CO_RETURN_IF_ERROR(
            resolve((*jobs)[i].first, (*jobs)[i].second, rows, observed_us, batch, report));
      }
      JT_CO_RETURN_IF_ERROR(append(batch, report));
    }
    co_return Status();
  }

  void parse_sacct(std::string_view output, int64_t observed_us, JobRows& rows,
                   AppendBatch& batch) const {
    auto parser = SacctParser::create(kPollSacctFields, zone_);
    JT_ASSERT(parser.ok());
    QuarantineReporter quarantine("sacct lookup " + origin("sacct"), &batch, observed_us);
    int64_t number = 0;
    for (size_t at = 0; at < output.size();) {
      size_t end = output.find('\n', at);
      if (end == std::string_view::npos) end = output.size();
      const std::string_view text = output.substr(at, end - at);
      auto line = parser->parse_line(text);
      ++number;
      if (!line.ok()) {
        quarantine.report(at, number, text, text.size(), line.status());
      } else if (auto* r = std::get_if<SacctRecord>(&*line); r != nullptr && !r->is_step) {
        rows[r->job_key.format()].push_back(std::move(*r));
      }
      at = end + 1;
    }
  }

  Status resolve(const std::string& job, const KnownJob& known, const JobRows& rows,
                 int64_t observed_us, AppendBatch& batch, PollReport& report) {
    auto found = rows.find(job);
    static const std::vector<SacctRecord> kNone;
    RecordContext context{options_.cluster, "", origin("sacct"), -1, -1, observed_us};
    auto ended = departed_job_events(known, found == rows.end() ? kNone : found->second, context,
                                     builder_, &batch.events);
    if (!ended.ok()) return ended.status();
    uint32_t& lookups = state_.awaiting[job];
    if (*ended) {
      state_.awaiting.erase(job);
      ++report.resolved;
    } else if (++lookups >= lookups_max) {
      spdlog::warn(
          "poll {}: sacct has said nothing final about job {} after {} lookups; no "
          "longer followed (its end is not guessed)",
          options_.cluster, job, lookups);
      state_.awaiting.erase(job);
    }
    return Status();
  }

  // sacct over the last `seconds`: jobs the ledger does not know. True when sacct answered.
  asio::awaitable<bool> import_window(int64_t seconds, const char* why, int64_t observed_us,
                                      PollReport& report) {
    auto sacct = co_await run("sacct", sacct_window_argv(options_.site, seconds), report);
    if (!sacct) co_return false;
    SacctImportOptions o;
    o.format = std::string(kPollSacctFields);
    o.time_zone = options_.time_zone;
    o.line.cluster = options_.cluster;
    o.line.observed_at_us = observed_us;
    o.skip_known = options_.known;
    o.line.sink = options_.sink;
    auto stats = import_sacct_captured(log_, origin("sacct") + " " + why, std::move(sacct->out), o);
    if (stats.ok()) {
      report.events_appended += stats->events_appended;
      if (Status s = options_.catch_up(); !s.ok()) stats = s;
    }
    if (!stats.ok()) {
      spdlog::error("poll {}: sacct {}: {}", options_.cluster, why, stats.status().to_string());
      co_return false;
    }
    co_return true;
  }

  Status commit_state(int64_t observed_us, PollReport& report) {
    AppendBatch batch;
    for (const SourceStatusFields& change : status_changes_) {
      EventHeaderFields h;
      h.observed_at_us = h.effective_at_us = observed_us;
      h.effective_basis = fb::TimeBasis::OBSERVED;
      h.cluster = options_.cluster;
      h.provenance.source_kind = fb::SourceKind::JOBTRAIL;
      h.provenance.origin = origin(change.source);
      h.provenance.command = change.command.empty() ? "poll" : change.command;
      h.provenance.poll_id = state_.polls;
      h.provenance.identity = "slurm-poll/" + options_.cluster + "/status/" + change.source + "/" +
                              std::to_string(observed_us);
      auto built = builder_.source_status(h, change);
      if (!built.ok()) return built.status();
      batch.events.push_back(std::move(built).value());
    }
    status_changes_.clear();
    batch.checkpoints.push_back(
        SourceCheckpoint{checkpoint_key(options_.cluster), encode_poll_state(state_)});
    return append(batch, report);
  }

  Status append(const AppendBatch& batch, PollReport& report) {
    if (batch.empty()) return Status();
    auto appended = append_through(log_, options_.sink, batch);
    if (!appended.ok()) return appended.status();
    report.events_appended += appended->appended;
    return options_.catch_up();
  }

  std::string origin(const std::string& command) const {
    return command +
           (options_.site.ssh_host.empty() ? " (local)" : " on " + options_.site.ssh_host);
  }

  EventLog& log_;
  const PollerOptions& options_;
  TimeZone zone_;
  PollState state_;
  EventBuilder builder_;
  std::vector<SourceStatusFields> status_changes_;
};

uint64_t backoff_ms(const PollerOptions& o, uint32_t failures) {
  uint64_t wait = std::max(o.interval_ms, poll_interval_ms_min);
  for (uint32_t i = 0; i < failures && wait < o.backoff_max_ms; ++i) wait *= 2;
  return std::min<uint64_t>(wait, std::max(o.backoff_max_ms, o.interval_ms));
}

asio::awaitable<Status> poll_loop(Poller& poller, const PollerOptions& options,
                                  const std::function<void(const PollReport&)>& on_poll,
                                  asio::steady_timer& wait, const bool& stopping) {
  uint32_t failures = 0;
  auto stop_asked = [&] { return stopping || (options.should_stop && options.should_stop()); };
  for (uint64_t n = 0; !stop_asked() && (options.polls_max == 0 || n < options.polls_max); ++n) {
    PollReport report;
    JT_CO_RETURN_IF_ERROR(co_await poller.poll(report));
    failures = report.squeue_ok && report.sacct_ok ? 0 : failures + 1;
    report.backoff_ms = backoff_ms(options, failures);
    if (on_poll) on_poll(report);
    if (options.polls_max != 0 && n + 1 >= options.polls_max) break;
    // In slices, so that should_stop is seen soon (a signal cancels the timer at once).
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(report.backoff_ms);
    while (!stop_asked() && std::chrono::steady_clock::now() < until) {
      wait.expires_after(std::min<std::chrono::steady_clock::duration>(
          until - std::chrono::steady_clock::now(), std::chrono::milliseconds(poll_stop_check_ms)));
      boost::system::error_code ec;
      co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  co_return Status();
}

}  // namespace

Status run_poller(EventLog& log, const PollerOptions& options,
                  const std::function<void(const PollReport&)>& on_poll) {
  if (options.cluster.empty()) return Status::invalid_argument("--cluster must not be empty");
  if (!options.known || !options.catch_up) {
    return Status::invalid_argument("the poller needs a known-job lookup and a catch-up");
  }
  JT_RETURN_IF_ERROR(validate_site(options.site));
  auto zone = TimeZone::named_or_local(options.time_zone);
  if (!zone.ok()) return zone.status();
  Poller poller(log, options, std::move(zone).value());
  JT_RETURN_IF_ERROR(poller.load());

  asio::io_context io;
  asio::steady_timer wait(io);
  bool stopping = false;
  asio::signal_set signals(io);
  if (options.handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
  }
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("poll {}: signal {}, stopping after this poll", options.cluster, signal);
    stopping = true;
    wait.cancel();
  });
  Status result;
  asio::co_spawn(io, poll_loop(poller, options, on_poll, wait, stopping),
                 [&](std::exception_ptr error, Status status) {
                   result = std::move(status);
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       result = Status::unavailable(std::string("poller: ") + e.what());
                     }
                   }
                   signals.cancel();
                 });
  io.run();
  return result;
}

}  // namespace jobtrail::ingest::slurm
