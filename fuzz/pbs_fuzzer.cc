// libFuzzer target: the PBS accounting parser and its value parsers. The input is one line;
// an accepted record must keep it byte-exact, and its CPU counts must add up.
#include <cstdint>
#include <string_view>

#include "events/assert.h"
#include "ingest/pbs/pbs_parser.h"

using namespace jobtrail::ingest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  static const TimeZone melbourne = *TimeZone::locate("Australia/Melbourne");
  static const TimeZone utc = TimeZone::utc();
  for (const TimeZone* zone : {&melbourne, &utc}) {
    auto parsed = pbs::parse_pbs_line(line, *zone);
    if (parsed.ok() && parsed->has_value()) {
      JT_ASSERT((*parsed)->raw == line);
      if ((*parsed)->job) JT_ASSERT(!(*parsed)->id.empty());
    }
  }
  (void)pbs::parse_exec_host(line);
  (void)pbs::parse_exec_vnode(line);
  (void)pbs::parse_pbs_size_bytes(line);
  (void)pbs::parse_pbs_duration_s(line);
  (void)pbs::parse_pbs_time_us(line, TimeZone::utc());
  return 0;
}
