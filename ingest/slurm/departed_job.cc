#include "ingest/slurm/departed_job.h"

#include "ingest/slurm/sacct_importer.h"

namespace jobtrail::ingest::slurm {

namespace {

enum Ordinal : uint32_t { kStarted = 0, kEnded = 1 };

// A job in `state` is pending again, as far as a new run's `from` goes.
bool pending_again(fb::JobState state) {
  return state == fb::JobState::PENDING || state == fb::JobState::REQUEUED ||
         state == fb::JobState::REQUEUE_HOLD;
}

class RunWriter {
 public:
  RunWriter(const RecordContext& context, EventBuilder& builder, std::vector<BuiltEvent>* out)
      : context_(context), builder_(builder), out_(out) {}

  Status start(const SacctRecord& r, fb::JobState from) {
    JobStateChangedFields f;
    f.from = from;
    f.to = fb::JobState::RUNNING;
    f.raw_state = "RUNNING";
    f.nodes = r.node_list;
    f.cpus = r.ncpus.value_or(0);
    return add(builder_.job_state_changed(header(r, kStarted, *r.start.epoch_us), f));
  }

  Status end(const SacctRecord& r, fb::JobState from) {
    JobStateChangedFields f;
    f.from = from;
    f.to = r.state.state;
    f.raw_state = r.state.raw;
    if (r.exit_code) {
      f.exit_code = static_cast<int32_t>(r.exit_code->status);
      f.signal = static_cast<int32_t>(r.exit_code->signal);
    }
    return add(builder_.job_state_changed(header(r, kEnded, *r.end.epoch_us), f));
  }

 private:
  EventHeaderFields header(const SacctRecord& r, uint32_t ordinal, int64_t at_us) {
    RecordContext c = context_;
    const int64_t run_us = accounting_record_ran(r) ? *r.start.epoch_us : *r.end.epoch_us;
    c.identity =
        "slurm-poll/" + c.cluster + "/" + r.job_key.format() + "/run/" + std::to_string(run_us);
    return record_event_header(c, fb::SourceKind::SACCT, "sacct", r.job_key, ordinal, at_us,
                               fb::TimeBasis::REPORTED);
  }

  Status add(Result<BuiltEvent> built) {
    if (!built.ok()) return built.status();
    out_->push_back(std::move(built).value());
    return Status();
  }

  const RecordContext& context_;
  EventBuilder& builder_;
  std::vector<BuiltEvent>* out_;
};

}  // namespace

Result<bool> departed_job_events(const KnownJob& known, const std::vector<SacctRecord>& runs,
                                 const RecordContext& context, EventBuilder& builder,
                                 std::vector<BuiltEvent>* out) {
  RunWriter writer(context, builder, out);
  fb::JobState state = known.state;
  for (const SacctRecord& r : runs) {
    const bool ran = accounting_record_ran(r);
    const int64_t start_us = ran ? *r.start.epoch_us : 0;
    if (ran && known.start_at_us != 0 && start_us < known.start_at_us) continue;  // history
    const bool known_run = ran && start_us == known.start_at_us;
    if (known_run && pending_again(state)) continue;  // squeue saw this run end (a requeue)
    if (ran && !known_run) {
      JT_RETURN_IF_ERROR(writer.start(r, pending_again(state) ? fb::JobState::PENDING : state));
      state = fb::JobState::RUNNING;
    }
    if (accounting_record_ends_run(r)) {
      JT_RETURN_IF_ERROR(writer.end(r, state));
      state = r.state.state;
    }
  }
  return !runs.empty() && is_terminal(runs.back().state.state) &&
         accounting_record_ends_run(runs.back());
}

}  // namespace jobtrail::ingest::slurm
