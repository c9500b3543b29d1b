// libFuzzer target: the sacct parser. The first line is tried as a header (sacct -p/-P); the
// other lines are parsed with that header's fields, or with xdmod's --format list.
#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/slurm/sacct_parser.h"

using namespace jobtrail::ingest::slurm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const SacctParser xdmod = *SacctParser::create(
      "jobid,jobidraw,cluster,partition,qos,account,group,gid,user,uid,"
      "submit,eligible,start,end,elapsed,exitcode,state,nnodes,ncpus,"
      "reqcpus,reqmem,reqtres,alloctres,timelimit,nodelist,jobname",
      TimeZone::utc());
  const std::string_view first = text.substr(0, text.find('\n'));
  auto from_header = SacctParser::from_header(first, TimeZone::utc());
  const SacctParser& parser = from_header.ok() ? *from_header : xdmod;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    (void)parser.parse_line(text.substr(0, newline));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return 0;
}
