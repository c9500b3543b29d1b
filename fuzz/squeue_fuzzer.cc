// libFuzzer target: the squeue parser, with Open OnDemand's long format (\x1F-separated,
// repaired when a name holds the separator) and with an aligned -o format.
#include <cstdint>
#include <string_view>

#include "ingest/slurm/squeue_parser.h"

using namespace jobtrail::ingest::slurm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const SqueueParser ood = *SqueueParser::create(kOodSqueueFormat, TimeZone::utc());
  static const SqueueParser aligned =
      *SqueueParser::create("%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R", TimeZone::utc());
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    (void)ood.parse_line(line);
    (void)aligned.parse_line(line);
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return 0;
}
