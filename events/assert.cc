#include "events/assert.h"

#include <cstdio>
#include <cstdlib>

namespace jobtrail {

// Plain stdio, not spdlog: an assertion may fire while the logger itself is broken.
void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "jobtrail: assertion failed: %s (%s:%d)\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace jobtrail
