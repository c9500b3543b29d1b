// JOBCOMP: SLURM's jobcomp/filetxt completion records, one job per line:
//
//   record := field (' ' field)*
//   field  := Key '=' value          Key: letters; a value runs to the next " Key=" (so a job
//                                    Name may hold spaces)
//   JobId=1670440[.host] UserId=samuel(500) GroupId=vlsci(506) Account=... Name=... JobState=...
//   Partition=... TimeLimit=00:10:00 RunTime=00:00:12 StartTime=... EndTime=... SubmitTime=...
//   EligibleTime=... ProcCnt=1 NodeList=bruce001 MinMemoryCPU=2G [ExitCode=0:0]
//
// A record is read into the shape of a sacct row and becomes the same events (submission,
// start, end; see sacct_importer.h), with source kind JOBCOMP. Some sites' logs append the
// controller's host to the job id ("1670440.bruce-m"); that suffix is dropped from the job key
// so the record names the same job as sacct does.
#pragma once

#include <string>
#include <string_view>

#include "events/event_log.h"
#include "ingest/line_import.h"
#include "ingest/slurm/sacct_parser.h"

namespace jobtrail::ingest::slurm {

// Pure: one record. An unknown key is kept in `fields`; a malformed value is an error.
Result<SacctRecord> parse_jobcomp_record(std::string_view line, const TimeZone& zone);

struct JobcompImportOptions {
  std::string time_zone;  // IANA name; empty: this machine's zone
  LineImportOptions line;
};

Result<LineImportStats> import_jobcomp(EventLog& log, const std::string& path,
                                       const JobcompImportOptions& options);

}  // namespace jobtrail::ingest::slurm
