// The HTTP server's plain types: what a handler sees of a request and what it answers. No
// Beast here, so code that routes and renders (tools/serve/) compiles without it; only
// tools/http/*.cc include Beast.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jobtrail::http {

// Every bound the server puts on a client (TigerBeetle: a limit on everything).
struct Limits {
  // Open connections (TCP and unix together); one more is accepted and closed at once.
  uint32_t connections_max = 512;
  // The request line and headers together; beyond it: 431.
  uint32_t header_bytes_max = 8 * 1024;
  // A request body; a Content-Length above it is answered 413 before the body is read.
  uint64_t body_bytes_max = 1024 * 1024;
  // From a request's first byte to its last: a client that trickles bytes is cut off.
  uint32_t read_timeout_ms = 10'000;
  // A kept-alive connection with no request in flight is closed after this long.
  uint32_t idle_timeout_ms = 30'000;
  // One write (an answer, or a stream chunk) that the client does not take in this long.
  uint32_t write_timeout_ms = 10'000;
  // The kernel send buffer of a stream connection: with it bounded, a client that stops
  // reading fills it quickly and its own queue then says it is too slow (tools/serve/).
  uint32_t stream_send_buffer_bytes = 64 * 1024;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent ("/api/jobs?state=RUNNING")
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  bool unix_socket = false;  // came over the unix socket (peer_uid is then set)
  uint32_t peer_uid = UINT32_MAX;

  // The first header with this (lower-case) name, or empty.
  std::string_view header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
};

// A server-sent event stream: the session pulls bytes when the client has taken the last
// ones, so a source never has more than one chunk in flight. All calls come on the loop.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // The next bytes to send (at most about `bytes_max`), or empty when nothing is ready; the
  // source then calls the waker once something is. `*last`: close after these bytes.
  virtual std::string next(size_t bytes_max, bool* last) = 0;
  // The session's waker (call it on the loop thread); set once before the first next().
  virtual void set_waker(std::function<void()> wake) = 0;
  // The connection is gone (client closed, write timeout): no more calls follow.
  virtual void closed() = 0;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"ETag", "\"42\""}
  std::string body;
  // Set: an SSE answer (text/event-stream); body is ignored and the connection stays on it.
  std::shared_ptr<StreamSource> stream;
};

// Called on the loop thread for every request; answers through `respond` (at most once, on
// the loop thread, now or later).
using Handler = std::function<void(Request&& request, std::function<void(Response&&)> respond)>;

}  // namespace jobtrail::http
