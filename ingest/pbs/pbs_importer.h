// PBS importer: accounting records (pbs_parser.h) into events, through ingest/line_import.
//
// A job's life is told by several records (Q, then S, then E; a log may begin mid-life, and
// xdmod-style extracts hold only E records), and most of them repeat what the earlier ones
// said: an S record repeats the ctime, an E record the ctime and start. So each record yields
// the FACTS it carries, and a fact's dedup identity names the job and the fact, not the record:
//
//   fact        event                                   effective at              ordinal
//   submitted   JobSubmitted PENDING                    ctime (Torque Q: its      0
//               (Q; S/E/... carrying ctime)             record time)
//   attributes  JobFieldsUpdated user/group/account/    start (else the record    1
//               partition(queue)/name (S, E)            time)
//   started     JobStateChanged ->RUNNING, nodes, cpus  start (S: else record     2
//               (S; E carrying start)                   time)
//   ended       JobStateChanged ->end state             end (E: else record time) 3
//               E: see below; D: CANCELLED (deleted,    D, A: record time
//               reason names the requestor); A: FAILED
//               (aborted by the server)
//   requeued    JobStateChanged RUNNING->REQUEUED (R)   record time               4
//
//   identity := "pbs/" cluster "/" job "/" fact "/" epoch seconds
//
// The same fact told again (the E record's start, a re-read of the file, a second copy of the
// log) is a duplicate and is not appended; the first record to tell it is its provenance. A
// Torque Q record's time equals the job's ctime only when --tz names the server's zone; with
// a wrong zone the submissions (and a D with its E) do not meet and `audit` shows a repeated
// submission: the hint to fix --tz.
//
// How an E record ended (Exit_status):
//   absent        ENDED (the record does not say)
//   0             COMPLETED
//   1..256        FAILED, exit_code = status
//   > 256         killed by signal (status - 256), exit_code 0: TIMEOUT when the walltime used
//                 reached the limit, else CANCELLED (PBS kills a job for qdel, preemption,
//                 a resource limit; the script's own death by signal is 128 + n, FAILED)
//   < 0           FAILED: a PBS JOB_EXEC_* launch failure code (exit_code stays -1, unknown;
//                 raw_state keeps the code)
// raw_state is "<type> Exit_status=<n>" (or the type letter alone). L (licence) lines,
// reservations (B K k U Y F), C, T, M and unknown letters yield no transition.
#pragma once

#include <string>
#include <vector>

#include "events/event_log.h"
#include "ingest/line_import.h"
#include "ingest/pbs/pbs_parser.h"

namespace jobtrail::ingest::pbs {

// The transitions of one record, as described above.
Status pbs_transition_events(const PbsRecord& record, const RecordContext& context,
                             EventBuilder& builder, std::vector<BuiltEvent>* out);

// What the raw record of `record` keeps beside its bytes (ingest/raw_records.h): the job (none
// for a licence line or a reservation), user, account (else group), queue, CPUs, GPUs, times.
RawRecordFacts pbs_raw_record_facts(const PbsRecord& record);

// The end state an E record's Exit_status means (see the table above), and the signal.
struct PbsEnd {
  fb::JobState state = fb::JobState::ENDED;
  int32_t exit_code = -1;
  int32_t signal = 0;
};
PbsEnd pbs_end_state(const PbsRecord& record);

// PBS accounting lines as a LineFormat (shared by import and the tailer).
class PbsLineFormat final : public LineFormat {
 public:
  explicit PbsLineFormat(TimeZone zone) : zone_(std::move(zone)) {}
  std::string_view name() const override { return "pbs"; }
  size_t events_per_record_max() const override { return 6; }
  Result<bool> parse(std::string_view line) override;
  Status record_events(const RecordContext& context, EventBuilder& builder,
                       std::vector<BuiltEvent>* out) override;
  ClusterRegisteredFields cluster_registration(const std::string& cluster) const override {
    return ClusterRegisteredFields{cluster, "pbs", zone_.name(), ""};
  }
  std::optional<RawRecordFacts> raw_record_facts() const override;

 private:
  TimeZone zone_;
  PbsRecord record_;
};

struct PbsImportOptions {
  std::string time_zone;  // IANA zone of the server's local times; empty: UTC
  LineImportOptions line;
};

// A file, or every regular file of a directory in name order (daily files YYYYMMDD sort by
// date). Each file is its own source (content identity), so re-imports append nothing.
Result<LineImportStats> import_pbs(EventLog& log, const std::string& path,
                                   const PbsImportOptions& options);

}  // namespace jobtrail::ingest::pbs
