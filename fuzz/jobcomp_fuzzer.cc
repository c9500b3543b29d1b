// libFuzzer target: SLURM jobcomp/filetxt records (one per line).
#include <cstdint>
#include <string_view>

#include "ingest/slurm/jobcomp_importer.h"

using namespace jobtrail::ingest::slurm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const TimeZone melbourne = *TimeZone::locate("Australia/Melbourne");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    (void)parse_jobcomp_record(text.substr(0, newline), melbourne);
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return 0;
}
