#include "tools/serve/serve_app.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "tools/serve/web_assets.h"

namespace jobtrail::tools {

namespace {
constexpr auto kAppendWaitSlice = std::chrono::milliseconds(50);
}  // namespace

ServeApp::~ServeApp() {
  if (sources_) sources_->stop();
  // A worker still replaying posts its answer to the (stopped) loop: let it finish first.
  if (router_) router_->join_worker();
}

Result<std::unique_ptr<ServeApp>> ServeApp::open(const std::string& db_dir,
                                                 const ServeAppOptions& options) {
  JT_RETURN_IF_ERROR(validate_sources(options.sources));
  const uint32_t keep_alive_ms = options.stream.keep_alive_ms;
  if (keep_alive_ms != 0 &&
      (keep_alive_ms < stream_keep_alive_ms_min || keep_alive_ms > stream_keep_alive_ms_max)) {
    return Status::invalid_argument("the stream keep-alive period must be 0 (off) or " +
                                    std::to_string(stream_keep_alive_ms_min) + " to " +
                                    std::to_string(stream_keep_alive_ms_max) + " ms");
  }
  std::unique_ptr<ServeApp> app(new ServeApp());
  app->access_ = options.api.access;
  auto ledger = Ledger::open(db_dir, options.log);
  if (!ledger.ok()) return ledger.status();
  app->ledger_ = std::move(ledger).value();
  app->stream_ = std::make_unique<EventStream>(app->ledger_->log(), options.stream);
  app->router_ = std::make_unique<ApiRouter>(*app->ledger_, *app->stream_, options.api);
  EventStream* stream = app->stream_.get();
  app->ledger_->set_listener(
      [stream](uint64_t first_seq, uint64_t last_seq) { stream->publish(first_seq, last_seq); });
  ServeApp* self = app.get();
  app->sources_ = std::make_unique<SourceRunner>(
      app->ledger_->log(),
      [self](const AppendBatch& batch) { return self->append_and_wait(batch); }, options.sources);
  app->metrics_ = std::make_unique<Metrics>(*app->ledger_, app->sources_.get());
  JT_RETURN_IF_ERROR(app->metrics_->load());
  auto server =
      http::HttpServer::open(options.server, [self](http::Request&& request, auto respond) {
        self->handle(std::move(request), std::move(respond));
      });
  if (!server.ok()) return server.status();
  app->server_ = std::move(server).value();
  if (options.stream.keep_alive_ms != 0) {
    app->server_->every(options.stream.keep_alive_ms, [stream] { stream->keep_alive(); });
  }
  http::HttpServer* http_server = app->server_.get();
  app->router_->set_loop_poster(
      [http_server](std::function<void()> fn) { http_server->post(std::move(fn)); });
  return app;
}

void ServeApp::run() {
  sources_->start();
  server_->run();
  served_.store(true);
  sources_->stop();
}

void ServeApp::handle(http::Request&& request, std::function<void(http::Response&&)> respond) {
  const auto started = std::chrono::steady_clock::now();
  auto observed = [this, started, route = route_pattern(request.target),
                   respond = std::move(respond)](http::Response&& response) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics_->note_request(route, response.status, took.count());
    respond(std::move(response));
  };
  if (request.target == "/metrics" || request.target.starts_with("/metrics?")) {
    return observed(metrics_response(request));
  }
  // The web page's files ("/", "/static/...") hold no data: they are served to anyone.
  const std::string_view target = request.target;
  if (is_web_asset_path(target.substr(0, target.find('?')))) {
    return observed(web_asset_response(request));
  }
  router_->handle(std::move(request), std::move(observed));
}

// /metrics needs what any read needs (a TCP caller: the token, unless --public-read). It
// names no job and no user, so a unix-socket caller who sees only their own jobs may read it.
http::Response ServeApp::metrics_response(const http::Request& request) const {
  http::Response response;
  const Caller caller = identify_caller(request, access_, false);
  unsigned status = caller.refused_status;
  std::string error = caller.refused_reason;
  if (status == 0 && request.method != "GET" && request.method != "HEAD") {
    status = 405;
    error = "method " + request.method + " is not allowed here";
  }
  Result<std::string> text = status == 0 ? metrics_->render(server_->counters())
                                         : Result<std::string>(Status::invalid_argument(error));
  if (status == 0 && !text.ok()) {
    spdlog::error("GET /metrics: {}", text.status().to_string());
    status = 500;
    error = text.status().message();
  }
  if (status != 0) {
    response.status = status;
    response.body = nlohmann::json{{"error", error}}.dump();
    if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = std::move(text).value();
  return response;
}

std::future<Result<AppendResult>> ServeApp::append(AppendBatch batch) {
  auto promise = std::make_shared<std::promise<Result<AppendResult>>>();
  auto future = promise->get_future();
  server_->post([this, promise, batch = std::move(batch)] {
    auto appended = ledger_->append(batch);
    if (appended.ok()) metrics_->note_batch(batch);
    promise->set_value(std::move(appended));
  });
  return future;
}

Result<AppendResult> ServeApp::append_and_wait(const AppendBatch& batch) {
  auto future = append(batch);
  while (future.wait_for(kAppendWaitSlice) != std::future_status::ready) {
    if (served_.load()) return Status::unavailable("serve is stopping");
  }
  try {
    return future.get();
  } catch (const std::future_error&) {  // the loop went away with the batch unrun
    return Status::unavailable("serve is stopping");
  }
}

}  // namespace jobtrail::tools
