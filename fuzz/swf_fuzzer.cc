// libFuzzer target: the SWF parser over every line of the input (header lines change the
// parser's state, so a whole trace excerpt is one input).
#include <cstdint>
#include <string_view>

#include "ingest/swf/swf_parser.h"

using namespace jobtrail::ingest::swf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SwfParser parser;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    (void)parser.parse_line(text.substr(0, newline));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return 0;
}
