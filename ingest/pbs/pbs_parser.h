// PBS accounting records (PBS Pro, OpenPBS, Torque): one line in, one PbsRecord out. Pure: no
// I/O (the zone's rules come through TimeZone), nothing throws.
//
//   line      := time ';' type ';' id ';' body
//   time      := MM '/' DD '/' YYYY ' ' hh ':' mm ':' ss    server-local time, no zone
//   type      := one ASCII letter   Q queued, S started, E ended, D deleted, A aborted,
//                                   R rerun, C checkpointed, T restarted, M moved, L licence,
//                                   B K k U Y F reservations; any other letter is kept raw
//   id        := job key (events/job_key.h: "942337.tango-m.vpac.org", "2994.pbs", "6",
//                "3073070.[hostname_1]", "123[4].srv", "123[].srv") for job records;
//                reservation ids ("R123.srv") and L's "license" are kept as text
//   body      := attribute (' '+ attribute)* ' '*   (Torque ends S records with a space)
//              | free text                          (L: "floating license hour:0 day:0 ...")
//   attribute := name '=' value     name := [A-Za-z_][A-Za-z0-9_.]*  ("resources_used.mem")
//   value     := '"' any* '"' | "'" any* "'"   (quotes dropped: "'{}'" is "{}")
//              | text up to the next " name="  (so an unquoted value may hold spaces)
//
// Values the record's users need are converted (errors name the attribute):
//   ctime qtime etime start end   epoch seconds
//   Exit_status                   int; > 256 is "killed by signal (status - 256)" (Torque and
//                                 PBS Pro); < 0 is a PBS JOB_EXEC_* launch failure code
//   sizes (mem, vmem, pmem ...)   number ['.' frac] [unit], unit := b|kb|mb|gb|tb|pb|w|kw|mw|gw
//                                 or k|m|g|t|p (case-insensitive, binary multiples, w = 8 bytes)
//   durations (walltime, cput)    [[hh ':'] mm ':'] ss     (hours may exceed 24: "144:00:00")
//   exec_host                     slot ('+' slot)*, slot := host '/' cpus
//                                 cpus := n | n '*' count | n '-' m | list of those by ','
//                                 "n/0+n/1" = 2 on n, "c1/0*13" = 13 on c1, "c1/0-3" = 4 on c1
//   exec_vnode                    chunk ('+' chunk)*, chunk := '(' vnode ('+' vnode)* ')'
//                                 vnode := name (':' res '=' value)*   (ncpus, ngpus, mem)
//   Resource_List.nodes           N[:ppn=P][:gpus=G][:feature]...  ('+' between node groups)
//
// CPUs of a job (`ncpus`), first of: resources_used.ncpus, exec_vnode's ncpus, exec_host's
// CPU count, the nodes spec (N x ppn), Resource_List.ncpus. Torque writes Resource_List.ncpus=1
// beside nodes=1:ppn=4 and exec_host listing 4 CPUs, so what the job was given comes first.
// A zero (anonymised "host/0*0") does not count as known. GPUs (`ngpus`), first of:
// resources_used.ngpus, Resource_List.ngpus, exec_vnode's ngpus, Resource_List.gpus/gpu, the
// nodes spec's gpus (N x gpus).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/job_key.h"
#include "events/status.h"
#include "ingest/time_zone.h"

namespace jobtrail::ingest::pbs {

// Attributes one record may hold (a real E record has about 30).
inline constexpr std::size_t record_attributes_max = 512;
// exec_host slots / exec_vnode vnodes one record may list.
inline constexpr std::size_t exec_slots_max = 1 << 16;

struct Attribute {
  std::string name;
  std::string value;  // quotes removed
};

// CPUs (and, from exec_vnode, GPUs and memory) one host or vnode was given.
struct HostShare {
  std::string host;
  uint32_t ncpus = 0;
  uint32_t ngpus = 0;
  uint64_t mem_bytes = 0;
};

struct PbsRecord {
  std::string raw;                    // the line exactly as read, without its '\n'
  char type = 0;                      // 'Q', 'S', 'E', ... as written
  std::string time_text;              // "04/01/2010 23:51:42", as written
  int64_t time_us = 0;                // time_text read in the configured zone
  std::string id;                     // the id field as written
  std::optional<JobKey> job;          // set when the id is a job key (always for job record types)
  std::vector<Attribute> attributes;  // in order; empty for free-text bodies
  std::string text;                   // the body when it is not attributes (L lines), else empty

  // The essentials, when the record says them.
  std::string user, group, account, project, queue, job_name, owner, requestor;
  std::optional<int64_t> ctime_s, qtime_s, etime_s, start_s, end_s;
  std::optional<int32_t> exit_status;
  std::optional<uint32_t> ncpus, ngpus, nodect, run_count;
  std::optional<uint64_t> mem_requested_bytes, mem_used_bytes, vmem_used_bytes;
  std::optional<int64_t> walltime_limit_s, walltime_used_s, cput_used_s;
  std::vector<HostShare> exec_host;   // per host, in order of first appearance
  std::vector<HostShare> exec_vnode;  // per vnode, as listed

  const std::string* attribute(std::string_view name) const;  // first with that name
  bool is_job_record() const;  // Q S E D A R C T M: the id must be a job key
};

// True for the record types whose id is a job (see is_job_record).
bool is_job_record_type(char type);

// Parses one line (without '\n'). Blank lines and ';' comment lines (header noise) are not
// records: std::nullopt. Anything else that does not follow the grammar is an error whose
// message says what was wrong where.
Result<std::optional<PbsRecord>> parse_pbs_line(std::string_view line, const TimeZone& zone);

// Value parsers, exposed for tests.
Result<uint64_t> parse_pbs_size_bytes(std::string_view text);  // "15240kb", "12.27M"
Result<int64_t> parse_pbs_duration_s(std::string_view text);   // "144:00:00", "3600"
Result<std::vector<HostShare>> parse_exec_host(std::string_view text);
Result<std::vector<HostShare>> parse_exec_vnode(std::string_view text);
Result<int64_t> parse_pbs_time_us(std::string_view text, const TimeZone& zone);

}  // namespace jobtrail::ingest::pbs
