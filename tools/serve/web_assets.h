// WebAssets: the web page `serve` answers at "/" (web/: index.html, its scripts and styles, and
// Debian's Chart.js), compiled into the binary by web/embed.cmake, so the page needs nothing
// beside the binary and nothing from outside at run time.
//
//   GET /                -> index.html
//   GET /static/NAME     -> the embedded file NAME; any other name is 404
//
// Every answer has its Content-Type, a strong ETag from the content's SHA-256 (If-None-Match
// gets 304) and `Cache-Control: no-cache`: the browser keeps the file but asks again each time,
// so a new binary's page is never mixed with an old script (the 304 costs one round trip).
// The files hold no data: they are public whatever the read token says; the data they fetch
// goes through the API and its access rules (access.h).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "tools/http/http_types.h"

namespace jobtrail::tools {

struct WebAsset {
  std::string_view name;  // the file's base name: "index.html", "app.js"
  std::string_view content_type;
  std::string_view etag;  // quoted: "\"3f2a...\""
  std::string_view body;
};

// Every embedded file (defined in the generated web_assets_data.cc).
std::span<const WebAsset> web_assets();

// True for the paths the page owns ("/" and "/static/..."); the API has every other one.
bool is_web_asset_path(std::string_view path);

// The answer to a request for a page path: the file, 304, 404 for an unknown name, 405 for a
// method other than GET or HEAD.
http::Response web_asset_response(const http::Request& request);

}  // namespace jobtrail::tools
