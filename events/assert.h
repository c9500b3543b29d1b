// JT_ASSERT: an invariant check that stays on in release builds.
//
// Assertions catch programmer errors (TigerBeetle's rule: the only correct way to handle
// corrupt code is to crash). Operator-input errors are never assertions: a malformed line is
// quarantined, a bad argument is a Status.
#pragma once

namespace jobtrail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line);
}

#define JT_ASSERT(cond)                                                \
  do {                                                                 \
    if (!(cond)) ::jobtrail::assert_failed(#cond, __FILE__, __LINE__); \
  } while (0)
