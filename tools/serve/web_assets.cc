#include "tools/serve/web_assets.h"

#include <nlohmann/json.hpp>

#include "events/assert.h"
#include "tools/serve/etag.h"

namespace jobtrail::tools {

namespace {

constexpr std::string_view kStaticPrefix = "/static/";

// The page may talk to its own origin only: no outside script, style, font or connection.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

http::Response error_response(unsigned status, const std::string& message) {
  http::Response response;
  response.status = status;
  response.body = nlohmann::json{{"error", message}}.dump();
  return response;
}

const WebAsset* find_asset(std::string_view name) {
  for (const WebAsset& asset : web_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace

bool is_web_asset_path(std::string_view path) {
  return path == "/" || path == "/index.html" || path.starts_with(kStaticPrefix);
}

http::Response web_asset_response(const http::Request& request) {
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  JT_ASSERT(is_web_asset_path(path));
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response refused = error_response(405, "method " + request.method + " is not allowed");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  const std::string_view name =
      path.starts_with(kStaticPrefix) ? path.substr(kStaticPrefix.size()) : "index.html";
  const WebAsset* asset = find_asset(name);
  if (asset == nullptr) return error_response(404, "no such file: " + std::string(path));
  JT_ASSERT(!asset->etag.empty());
  http::Response response;
  response.content_type = std::string(asset->content_type);
  response.headers.emplace_back("ETag", std::string(asset->etag));
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (name == "index.html") {
    response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (etag_matches(request.header("if-none-match"), asset->etag)) {
    response.status = 304;
    return response;
  }
  response.body = std::string(asset->body);
  return response;
}

}  // namespace jobtrail::tools
