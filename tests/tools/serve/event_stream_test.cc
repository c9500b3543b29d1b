// GET /api/stream over real HTTP: the backlog from a seq, the caught-up marker, live events,
// resuming with Last-Event-ID, and a client too slow to keep up being dropped.
#include <catch2/catch.hpp>
#include <regex>

#include "tools/serve/serve_fixture.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::testing;
using fb::JobState;

// The ids of the events frames in `text`, in order.
std::vector<uint64_t> frame_ids(const std::string& text) {
  std::vector<uint64_t> ids;
  static const std::regex id_line("(^|\n)id: ([0-9]+)\n");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), id_line);
       it != std::sregex_iterator(); ++it) {
    ids.push_back(std::stoull((*it)[2].str()));
  }
  return ids;
}

std::string marker(uint64_t head) {
  return "event: caught-up\ndata: {\"id\":-1,\"seq\":" + std::to_string(head) + "}\n\n";
}

std::vector<uint64_t> range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t seq = first; seq <= last; ++seq) out.push_back(seq);
  return out;
}

}  // namespace

TEST_CASE("the stream sends the backlog, the caught-up marker, then live events",
          "[serve][stream]") {
  ServeFixture f;
  f.append(f.submit("c", "1", "alice", 100));
  f.append(f.submit("c", "2", "alice", 100));
  const uint64_t head = f.append(f.change("c", "1", JobState::PENDING, JobState::RUNNING, 200));
  REQUIRE(head == 3);

  HttpConnection stream(f.port());
  REQUIRE(stream.send_request("GET", "/api/stream?from=2"));
  REQUIRE(stream.read_until(marker(head)));
  const std::string backlog = stream.received();
  CHECK(backlog.starts_with("HTTP/1.1 200"));
  CHECK(backlog.find("Content-Type: text/event-stream") != std::string::npos);
  CHECK(frame_ids(backlog) == std::vector<uint64_t>{2, 3});
  CHECK(backlog.find("\"type\":\"JobStateChanged\"") != std::string::npos);
  // The marker follows the backlog's last event.
  CHECK(backlog.find(marker(head)) > backlog.find("id: 3\n"));

  const uint64_t live = f.append(f.change("c", "2", JobState::PENDING, JobState::RUNNING, 300));
  REQUIRE(stream.read_until("id: " + std::to_string(live) + "\n"));
  CHECK(frame_ids(stream.received()) == std::vector<uint64_t>{2, 3, 4});

  SECTION("without from, only live events follow the marker") {
    HttpConnection live_only(f.port());
    REQUIRE(live_only.send_request("GET", "/api/stream"));
    REQUIRE(live_only.read_until(marker(live)));
    CHECK(frame_ids(live_only.received()).empty());
    const uint64_t next = f.append(f.submit("c", "9", "bob", 400));
    REQUIRE(live_only.read_until("id: " + std::to_string(next) + "\n"));
    CHECK(frame_ids(live_only.received()) == std::vector<uint64_t>{next});
  }
}

TEST_CASE("Last-Event-ID resumes the stream after that event, nothing lost or doubled",
          "[serve][stream]") {
  ServeFixture f;
  for (int i = 1; i <= 5; ++i) f.append(f.submit("c", std::to_string(i), "alice", 100 + i));
  {
    HttpConnection first(f.port());
    REQUIRE(first.send_request("GET", "/api/stream?from=1"));
    REQUIRE(first.read_until(marker(5)));
    CHECK(frame_ids(first.received()) == range(1, 5));
  }  // the client goes away after event 5; events 6-7 happen meanwhile
  f.append(f.submit("c", "6", "alice", 200));
  f.append(f.submit("c", "7", "alice", 201));
  HttpConnection again(f.port());
  // Last-Event-ID wins over from (an EventSource keeps its original URL when it reconnects).
  REQUIRE(again.send_request("GET", "/api/stream?from=1", {{"Last-Event-ID", "5"}}));
  REQUIRE(again.read_until(marker(7)));
  CHECK(frame_ids(again.received()) == std::vector<uint64_t>{6, 7});
  const uint64_t live = f.append(f.submit("c", "8", "alice", 202));
  REQUIRE(again.read_until("id: 8\n"));
  CHECK(live == 8);
  CHECK(frame_ids(again.received()) == std::vector<uint64_t>{6, 7, 8});
  CHECK(http_get(f.port(), "/api/stream", {{"Last-Event-ID", "abc"}})->status == 400);
}

TEST_CASE("a client that stops reading is dropped with a final message and resumes losslessly",
          "[serve][stream][slow]") {
  tools::ServeAppOptions options;
  options.stream.queue_events_max = 64;
  ServeFixture f(options);
  f.append(f.submit("c", "1", "alice", 100));
  // A small receive buffer, and the server's bounded send buffer: the client's queue fills
  // after a few hundred KB it does not read.
  HttpConnection slow(f.port(), 10'000, 4096);
  REQUIRE(slow.send_request("GET", "/api/stream"));
  REQUIRE(slow.read_until(marker(1)));
  slow.clear_received();
  uint64_t head = 1;
  // 4000 events of ~700 bytes each, 10 at a time (the server writes between appends): far
  // beyond the socket buffers and the 64-event queue.
  for (int batch = 0; batch < 400; ++batch) head = f.append(f.many("c", 1000 + batch * 10, 10));
  REQUIRE(
      slow.read_to_close());  // the server sends what was in flight, then the message, then closes
  const std::string got = slow.received();
  const size_t dropped = got.find("event: dropped\ndata: {");
  REQUIRE(dropped != std::string::npos);
  CHECK(got.find("client too slow") != std::string::npos);
  CHECK(got.size() - dropped < 400);  // the message is the last thing sent
  const std::vector<uint64_t> ids = frame_ids(got);
  REQUIRE(!ids.empty());
  CHECK(ids == range(2, ids.back()));
  CHECK(ids.back() < head);

  // Reconnecting with the last id received gets the rest, exactly.
  HttpConnection resumed(f.port());
  REQUIRE(
      resumed.send_request("GET", "/api/stream", {{"Last-Event-ID", std::to_string(ids.back())}}));
  REQUIRE(resumed.read_until(marker(head), 20'000));
  CHECK(frame_ids(resumed.received()) == range(ids.back() + 1, head));
}

TEST_CASE("an idle live stream gets a keep-alive comment every period; events still follow",
          "[serve][stream][keep-alive]") {
  tools::ServeAppOptions options;
  options.stream.keep_alive_ms = 150;
  ServeFixture f(options);
  const uint64_t head = f.append(f.submit("c", "1", "alice", 100));
  HttpConnection stream(f.port());
  REQUIRE(stream.send_request("GET", "/api/stream"));
  REQUIRE(stream.read_until(marker(head)));
  // Bounded: a comment within two periods of idleness (and a few more for a loaded machine).
  REQUIRE(stream.read_until(marker(head) + ": keep-alive\n\n", 3000));
  REQUIRE(stream.read_until(": keep-alive\n\n: keep-alive\n\n", 3000));
  const uint64_t next = f.append(f.submit("c", "2", "bob", 200));
  REQUIRE(stream.read_until("id: " + std::to_string(next) + "\n"));
  CHECK(frame_ids(stream.received()) == std::vector<uint64_t>{next});

  SECTION("keep_alive_ms 0 sends none") {
    tools::ServeAppOptions quiet;
    quiet.stream.keep_alive_ms = 0;
    ServeFixture g(quiet);
    HttpConnection silent(g.port(), 600);
    REQUIRE(silent.send_request("GET", "/api/stream"));
    REQUIRE(silent.read_until(marker(0)));
    CHECK_FALSE(silent.read_until(": keep-alive", 600));
  }
}
