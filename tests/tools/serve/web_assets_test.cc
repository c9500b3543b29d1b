// The web page's files over real HTTP: served from the binary at "/" and "/static/NAME" with
// their content type, a content-hash ETag (304 on If-None-Match), no-cache; unknown names 404;
// public even when reads need a token (they hold no data), while the API still needs it.
#include "tools/serve/web_assets.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tools/serve/serve_fixture.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::testing;

std::string source_file(const std::string& relative) {
  std::ifstream in(std::string(JOBTRAIL_TEST_SOURCE_DIR) + "/../" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("GET / answers the page's index.html with its type, content ETag and no-cache",
          "[serve][web]") {
  ServeFixture f;
  auto reply = http_get(f.port(), "/");
  REQUIRE(reply.has_value());
  CHECK(reply->status == 200);
  CHECK(reply->headers["content-type"] == "text/html; charset=utf-8");
  CHECK(reply->headers["cache-control"] == "no-cache");
  CHECK(reply->headers["content-security-policy"].find("default-src 'none'") != std::string::npos);
  CHECK(reply->body == source_file("web/index.html"));
  const std::string etag = reply->headers["etag"];
  REQUIRE(etag.size() == 22);  // 20 hex digits of SHA-256, quoted
  CHECK(etag.front() == '"');

  auto again = http_get(f.port(), "/", {{"If-None-Match", etag}});
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(again->headers["etag"] == etag);
  CHECK(http_get(f.port(), "/", {{"If-None-Match", "\"0\""}})->status == 200);
}

TEST_CASE("every embedded file is served byte for byte under /static/ with its content type",
          "[serve][web]") {
  ServeFixture f;
  REQUIRE(tools::web_assets().size() >= 12);
  for (const char* name : {"app.js", "style.css", "sse.js", "favicon.svg"}) {
    auto reply = http_get(f.port(), std::string("/static/") + name);
    INFO(name);
    CHECK(reply->status == 200);
    CHECK(reply->body == source_file(std::string("web/") + name));
    CHECK(reply->headers["x-content-type-options"] == "nosniff");
  }
  CHECK(http_get(f.port(), "/static/app.js")->headers["content-type"] ==
        "text/javascript; charset=utf-8");
  CHECK(http_get(f.port(), "/static/style.css")->headers["content-type"] ==
        "text/css; charset=utf-8");
  // Chart.js comes from Debian's libjs-chart.js, compiled in at build time.
  auto chart = http_get(f.port(), "/static/chart.min.js");
  CHECK(chart->status == 200);
  CHECK(chart->body.find("Chart.js v3") != std::string::npos);
  CHECK(chart->body.size() > 100'000);
}

TEST_CASE("unknown static paths are 404 and writes to the page are 405, as JSON", "[serve][web]") {
  ServeFixture f;
  for (const char* path :
       {"/static/nope.js", "/static/", "/static/../README.md", "/static/app.js/x"}) {
    auto reply = http_get(f.port(), path);
    INFO(path);
    CHECK(reply->status == 404);
    CHECK(body_json(reply).contains("error"));
  }
  HttpConnection c(f.port());
  REQUIRE(c.send_request("POST", "/", {{"Content-Type", "text/plain"}}, "x"));
  auto post = c.read_reply();
  REQUIRE(post.has_value());
  CHECK(post->status == 405);
  CHECK(post->headers["allow"] == "GET, HEAD");
}

TEST_CASE("the page is public when reads need a token; the API it calls is not", "[serve][web]") {
  tools::ServeAppOptions options;
  options.api.access.token = "secret-token";
  ServeFixture f(options);
  CHECK(http_get(f.port(), "/")->status == 200);
  CHECK(http_get(f.port(), "/static/app.js")->status == 200);
  CHECK(http_get(f.port(), "/api/clusters")->status == 401);
  CHECK(http_get(f.port(), "/api/clusters", {{"Authorization", "Bearer secret-token"}})->status ==
        200);
}
