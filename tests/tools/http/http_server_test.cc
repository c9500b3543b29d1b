// The HTTP server's limits over real sockets: oversize bodies and headers, malformed requests,
// idle and read time limits, the connection bound, keep-alive. A trivial handler stands in for
// the API (the routes have their own tests in tests/tools/serve/).
#include "tools/http/http_server.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tools/http_client.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::testing;

class EchoServer {
 public:
  explicit EchoServer(http::Limits limits = {}) {
    http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.limits = limits;
    auto server = http::HttpServer::open(options, [this](http::Request&& request, auto respond) {
      ++handled_;
      http::Response response;
      response.body = "{\"method\":\"" + request.method +
                      "\",\"bytes\":" + std::to_string(request.body.size()) + "}";
      respond(std::move(response));
    });
    REQUIRE(server.ok());
    server_ = std::move(server).value();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~EchoServer() {
    server_->stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  int handled() const { return handled_.load(); }

 private:
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  std::atomic<int> handled_{0};
};

}  // namespace

TEST_CASE("keep-alive serves several requests on one connection", "[http]") {
  EchoServer server;
  HttpConnection connection(server.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(connection.send_request("POST", "/x", {}, "abc"));
    auto reply = connection.read_reply();
    REQUIRE(reply.has_value());
    CHECK(reply->status == 200);
    CHECK(reply->body == "{\"method\":\"POST\",\"bytes\":3}");
  }
  CHECK(server.handled() == 3);
}

TEST_CASE("an oversize Content-Length is answered 413 before the body is sent", "[http]") {
  http::Limits limits;
  limits.body_bytes_max = 1000;
  EchoServer server(limits);
  HttpConnection connection(server.port());
  // Headers only: the body is never sent, so an answer proves it was not waited for.
  REQUIRE(connection.send_raw("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n"));
  auto reply = connection.read_reply();
  REQUIRE(reply.has_value());
  CHECK(reply->status == 413);
  CHECK(reply->body.find("\"error\"") != std::string::npos);
  CHECK(connection.read_to_close());
  CHECK(server.handled() == 0);
  // A body within the limit is served.
  HttpConnection fine(server.port());
  REQUIRE(fine.send_request("POST", "/x", {}, std::string(1000, 'a')));
  CHECK(fine.read_reply()->status == 200);
}

TEST_CASE("a chunked body growing past the limit is 413", "[http]") {
  http::Limits limits;
  limits.body_bytes_max = 100;
  EchoServer server(limits);
  HttpConnection connection(server.port());
  REQUIRE(
      connection.send_raw("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "80\r\n" +
                          std::string(128, 'a') + "\r\n0\r\n\r\n"));
  auto reply = connection.read_reply();
  REQUIRE(reply.has_value());
  CHECK(reply->status == 413);
}

TEST_CASE("oversize headers get 431 and malformed requests 400, and the server goes on", "[http]") {
  http::Limits limits;
  limits.header_bytes_max = 1024;
  EchoServer server(limits);
  {
    HttpConnection big(server.port());
    REQUIRE(big.send_raw("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'b') +
                         "\r\n\r\n"));
    auto reply = big.read_reply();
    REQUIRE(reply.has_value());
    CHECK(reply->status == 431);
  }
  for (const std::string& garbage :
       {std::string("garbage\r\n\r\n"), std::string("GET /x HTTP/9.9\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nContent-Length: zz\r\n\r\n")}) {
    HttpConnection bad(server.port());
    REQUIRE(bad.send_raw(garbage));
    auto reply = bad.read_reply();
    INFO(garbage);
    REQUIRE(reply.has_value());
    CHECK(reply->status == 400);
    CHECK(reply->body.find("\"error\"") != std::string::npos);
  }
  CHECK(server.handled() == 0);
  CHECK(http_get(server.port(), "/x")->status == 200);
}

TEST_CASE("idle and trickling connections are closed after their time limits", "[http]") {
  http::Limits limits;
  limits.idle_timeout_ms = 200;
  limits.read_timeout_ms = 300;
  EchoServer server(limits);
  HttpConnection idle(server.port(), 5000);
  const auto start = std::chrono::steady_clock::now();
  CHECK(idle.read_to_close());
  HttpConnection trickle(server.port(), 5000);
  REQUIRE(trickle.send_raw("GET /x HTTP/1.1\r\nHo"));
  CHECK(trickle.read_to_close());
  // Both were closed by the server, well before the client's own 5 s receive timeout.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  CHECK(server.handled() == 0);
}

TEST_CASE("connections beyond connections_max are closed at once; freed slots are reused",
          "[http]") {
  http::Limits limits;
  limits.connections_max = 2;
  EchoServer server(limits);
  auto a = std::make_unique<HttpConnection>(server.port());
  HttpConnection b(server.port());
  REQUIRE(a->send_request("GET", "/x"));
  REQUIRE(a->read_reply().has_value());
  REQUIRE(b.send_request("GET", "/x"));
  REQUIRE(b.read_reply().has_value());
  HttpConnection third(server.port(), 2000);
  third.send_request("GET", "/x");
  CHECK(!third.read_reply().has_value());
  a.reset();  // frees a slot once the server sees the close
  bool served = false;
  // Bounded: 50 tries, 20 ms apart.
  for (int i = 0; i < 50 && !served; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    HttpConnection next(server.port(), 2000);
    served = next.send_request("GET", "/x") && next.read_reply().has_value();
  }
  CHECK(served);
}

TEST_CASE("Expect: 100-continue is answered before the body is sent", "[http]") {
  EchoServer server;
  HttpConnection connection(server.port());
  REQUIRE(connection.send_raw(
      "POST /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  REQUIRE(connection.read_until("HTTP/1.1 100 Continue\r\n\r\n", 5000));
  connection.clear_received();
  REQUIRE(connection.send_raw("hello"));
  auto reply = connection.read_reply();
  REQUIRE(reply.has_value());
  CHECK(reply->status == 200);
  CHECK(reply->body == "{\"method\":\"POST\",\"bytes\":5}");
}
