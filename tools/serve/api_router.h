// ApiRouter: the read API of `serve` (GET /api/...), answered from the ledger's projections at
// the seq they have applied.
//
// Every JSON answer carries `seq` in its body and as a strong ETag ("\"<seq>\""): for one job
// or one array, the seq of the last event that touched it (its ETag changes only when it
// does); for lists and queries, the applied seq (any change can alter them). A request whose
// If-None-Match names the current ETag gets 304 with no body. Unknown routes, methods and
// parameters, and bad values, get a 4xx with {"error": "..."}.
//
// POST /api/events appends what applications say about their jobs (ingest/api/
// event_request.h has the grammar); access.h says who may read and write.
//
// Answers are cached by request target (and the caller's scope) while the applied seq stays the
// same: the cache is exact (no TTL), because nothing an answer reflects can change without a new
// seq.
//
// Threading: the loop thread only, like the ledger.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <unordered_map>

#include "tools/http/http_types.h"
#include "tools/serve/access.h"
#include "tools/serve/event_stream.h"
#include "tools/serve/ledger.h"

namespace jobtrail::tools {

struct ApiOptions {
  uint32_t page_items_default = 100;  // jobs, events and as-of lists
  uint32_t page_items_max = 1000;
  size_t cache_entries_max = 4096;           // the cache is emptied when it is full
  size_t cache_body_bytes_max = 256 * 1024;  // larger answers are not cached
  AccessOptions access;
};

class ApiRouter {
 public:
  ApiRouter(Ledger& ledger, EventStream& stream, ApiOptions options);

  ~ApiRouter();

  // The answer to `request`, computed on the calling (loop) thread.
  http::Response handle(const http::Request& request);
  // The same, except that a request replaying the whole log (as-of ... jobs) is computed on a
  // worker thread, one at a time (another meanwhile gets 503), so the loop never stalls on
  // it; `respond` is called on the loop through the poster either way.
  void handle(http::Request request, std::function<void(http::Response&&)> respond);
  // How the worker hands its answer back to the loop (HttpServer::post).
  void set_loop_poster(std::function<void(std::function<void()>)> post) { post_ = std::move(post); }
  // Waits for a running worker (before the server and ledger go away).
  void join_worker();

  // One computed answer: its status, the seq its ETag names, its body.
  struct Answer {
    unsigned status = 200;
    uint64_t seq = 0;
    std::string body;
  };

 private:
  Answer compute(const http::Request& request, const Caller& caller, uint64_t applied_seq) const;
  static http::Response response_of(const Answer& answer, const http::Request& request);
  static bool replays_log(const http::Request& request);
  http::Response read(const http::Request& request, const Caller& caller);
  http::Response stream(const http::Request& request);
  http::Response post_events(const http::Request& request);

  Ledger& ledger_;
  EventStream& stream_;
  ApiOptions options_;
  uint64_t posts_ = 0;  // numbers the identities of POSTs without an Idempotency-Key
  int64_t started_at_us_ = 0;
  std::function<void(std::function<void()>)> post_;
  std::thread worker_;
  bool worker_busy_ = false;  // loop thread only
  uint64_t cache_seq_ = 0;    // the applied seq every cached answer was computed at
  std::unordered_map<std::string, Answer> cache_;
};

}  // namespace jobtrail::tools
