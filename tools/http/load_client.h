// LoadClient: a closed-loop HTTP/1.1 load generator for `jobtrail bench http`: a fixed number
// of keep-alive connections on one Asio loop (the calling thread), each sending its next
// request as soon as the previous answer is read, and timing every request.
//
// It reads answers by their Content-Length (what the server under test sends), so it is a
// measuring tool for jobtrail's own server, not a general client.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/status.h"

namespace jobtrail::http {

struct LoadOptions {
  uint16_t port = 0;            // on 127.0.0.1
  std::string request;          // the raw bytes of one request, sent again and again
  uint32_t connections = 16;    // requests in flight at once
  uint64_t requests = 100'000;  // answers to time, in total
};

struct LoadResult {
  uint64_t answers = 0;
  uint64_t errors = 0;  // connections that failed (each ends its share early)
  double seconds = 0;
  std::map<unsigned, uint64_t> statuses;
  std::vector<uint32_t> latencies_us;  // one per answer, in completion order
  std::string last_etag;               // the ETag of the last answer, if it had one
};

// Blocks until every request is answered (or its connection failed).
Result<LoadResult> run_load(const LoadOptions& options);

}  // namespace jobtrail::http
