// Who may read and write through serve (tools/serve/access.h), over real sockets: the bearer
// token, --public-read, POST /api/events with its idempotency, and the unix socket's per-user
// view (a child process that becomes another user asks).
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tools/serve/serve_fixture.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::testing;
using fb::JobState;
using nlohmann::json;

const std::string kToken = "s3cret-token";
const std::pair<std::string, std::string> kBearer{"Authorization", "Bearer " + kToken};
const std::pair<std::string, std::string> kJson{"Content-Type", "application/json"};

tools::ServeAppOptions with_token(bool public_read = false) {
  tools::ServeAppOptions options;
  options.api.access.token = kToken;
  options.api.access.public_read = public_read;
  return options;
}

std::optional<HttpReply> post(uint16_t port, const std::string& body,
                              std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpConnection connection(port);
  if (!connection.send_request("POST", "/api/events", headers, body)) return std::nullopt;
  return connection.read_reply();
}

const std::string kSubmit =
    R"({"type":"JobSubmitted","cluster":"c","job":"77","effective_at":1700000000,
        "body":{"user":"alice","name":"posted"}})";

}  // namespace

TEST_CASE("TCP reads need the token unless --public-read; a wrong token is refused",
          "[serve][access]") {
  ServeFixture f(with_token());
  f.append(f.submit("c", "1", "alice", 100));
  auto anonymous = http_get(f.port(), "/api/jobs/c/1");
  CHECK(anonymous->status == 401);
  CHECK(anonymous->headers["www-authenticate"] == "Bearer");
  CHECK(body_json(anonymous)["error"].get<std::string>().find("token") != std::string::npos);
  CHECK(http_get(f.port(), "/api/jobs/c/1", {kBearer})->status == 200);
  CHECK(http_get(f.port(), "/api/jobs/c/1", {{"Authorization", "Bearer wrong"}})->status == 401);
  CHECK(http_get(f.port(), "/api/stream")->status == 401);

  ServeFixture open(with_token(/*public_read=*/true));
  open.append(open.submit("c", "1", "alice", 100));
  CHECK(http_get(open.port(), "/api/jobs/c/1")->status == 200);
  CHECK(http_get(open.port(), "/api/jobs/c/1", {{"Authorization", "Bearer wrong"}})->status == 401);
  // Reading is public; writing still needs the token.
  CHECK(post(open.port(), kSubmit, {kJson})->status == 401);
}

TEST_CASE("POST /api/events appends, feeds the API and the stream, and a retry appends nothing",
          "[serve][access][post]") {
  ServeFixture f(with_token());
  f.append(f.submit("c", "1", "alice", 100));
  HttpConnection stream(f.port());
  REQUIRE(stream.send_request("GET", "/api/stream", {kBearer}));
  REQUIRE(stream.read_until("event: caught-up"));

  auto created = post(f.port(), kSubmit, {kBearer, kJson, {"Idempotency-Key", "req-1"}});
  json c = body_json(created);
  CHECK(created->status == 201);
  CHECK(c["appended"] == 1);
  CHECK(c["seqs"] == json::array({2}));
  CHECK(c["seq"] == 2);
  json job = body_json(http_get(f.port(), "/api/jobs/c/77", {kBearer}));
  CHECK(job["user"] == "alice");
  CHECK(job["seq"] == 2);
  REQUIRE(stream.read_until("id: 2\n"));
  CHECK(stream.received().find("\"source_kind\":\"HTTP_API\"") != std::string::npos);

  // The same request again (a client retrying after a lost answer): nothing new.
  auto retried = post(f.port(), kSubmit, {kBearer, kJson, {"Idempotency-Key", "req-1"}});
  json r = body_json(retried);
  CHECK(retried->status == 200);
  CHECK(r["appended"] == 0);
  CHECK(r["duplicates"] == 1);
  CHECK(r["seqs"] == json::array({2}));
  CHECK(body_json(http_get(f.port(), "/api/events", {kBearer}))["events"].size() == 2);
  // Without a key each POST is its own request.
  CHECK(body_json(post(f.port(), kSubmit, {kBearer, kJson}))["seqs"] == json::array({3}));
}

TEST_CASE("bad POSTs get a 4xx with a JSON message and append nothing", "[serve][access][post]") {
  tools::ServeAppOptions options = with_token();
  options.server.limits.body_bytes_max = 4096;
  ServeFixture f(options);
  struct Case {
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    int status;
  };
  const std::vector<Case> cases = {
      {kSubmit, {kJson}, 401},                                    // no token
      {kSubmit, {{"Authorization", "Bearer nope"}, kJson}, 401},  // wrong token
      {kSubmit, {kBearer}, 415},                                  // not JSON
      {"{oops", {kBearer, kJson}, 400},                           // bad JSON
      {R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{},"x":1})", {kBearer, kJson}, 400},
      {R"({"type":"JobSubmitted","cluster":"c","job":"1_[","body":{}})", {kBearer, kJson}, 400},
      {R"({"type":"JobSubmitted","cluster":"c","job":"1","body":{"cpus_requested":"8"}})",
       {kBearer, kJson},
       400},
      {kSubmit, {kBearer, kJson, {"Idempotency-Key", std::string(200, 'k')}}, 400},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    auto reply = post(f.port(), c.body, c.headers);
    REQUIRE(reply.has_value());
    CHECK(reply->status == c.status);
    CHECK(body_json(reply).contains("error"));
  }
  // Oversize: 413 from the Content-Length alone (the body is never sent).
  HttpConnection big(f.port());
  REQUIRE(big.send_raw("POST /api/events HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + kToken +
                       "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"));
  auto too_big = big.read_reply();
  REQUIRE(too_big.has_value());
  CHECK(too_big->status == 413);
  CHECK(body_json(http_get(f.port(), "/api/events", {kBearer}))["events"].empty());
  CHECK(post(f.port(), kSubmit, {kBearer, kJson})->status == 201);  // the server goes on
}

TEST_CASE("without a token configured, writes are refused", "[serve][access][post]") {
  ServeFixture f;  // public reads, no token
  auto reply = post(f.port(), kSubmit, {kJson});
  CHECK(reply->status == 403);
  CHECK(body_json(reply)["error"].get<std::string>().find("--token-file") != std::string::npos);
}

TEST_CASE("over the unix socket a user sees only their own jobs; root sees all",
          "[serve][access][unix]") {
  if (::getuid() != 0) {
    WARN("needs root to ask as another user; skipped");
    return;
  }
  TempDir socket_dir;
  tools::ServeAppOptions options = with_token();
  options.server.unix_socket_path = socket_dir / "serve.sock";
  ServeFixture f(options);
  f.append(f.submit("c", "1", "nobody", 100));
  f.append(f.submit("c", "2", "alice", 100));
  f.append(f.submit("c", "3", "65534", 100));  // SWF traces name users by number
  ::chmod(socket_dir.path().c_str(), 0755);

  HttpConnection as_root(options.server.unix_socket_path, 5000);
  REQUIRE(as_root.send_request("GET", "/api/jobs"));
  CHECK(body_json(as_root.read_reply())["jobs"].size() == 3);

  // A child becomes nobody (uid 65534) and asks; it reports the statuses and job counts.
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::string report;
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
      for (const char* target : {"/api/jobs", "/api/jobs/c/1", "/api/jobs/c/2", "/api/events",
                                 "/api/stream", "/api/clusters"}) {
        HttpConnection c(options.server.unix_socket_path, 5000);
        c.send_request("GET", target);
        auto reply = c.read_reply();
        report += std::to_string(reply ? reply->status : 0) + " ";
        if (reply && std::string(target) == "/api/jobs") {
          report += std::to_string(json::parse(reply->body)["jobs"].size()) + " ";
        }
        if (reply && std::string(target) == "/api/clusters") {
          report += json::parse(reply->body)["clusters"][0]["jobs"].dump() + " ";
        }
      }
    }
    (void)!::write(pipe_fds[1], report.data(), report.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buffer[256];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) report.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  // /api/jobs: 200 with jobs 1 and 3; job 1 200; alice's job 2 404; the whole log 403; the
  // overview counts jobs 1 and 3 only.
  CHECK(report == "200 2 200 404 403 403 200 2 ");
}
