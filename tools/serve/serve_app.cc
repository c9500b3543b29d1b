#include "tools/serve/serve_app.h"

#include "tools/serve/web_assets.h"

namespace jobtrail::tools {

ServeApp::~ServeApp() {
  // A worker still replaying posts its answer to the (stopped) loop: let it finish first.
  if (router_) router_->join_worker();
}

Result<std::unique_ptr<ServeApp>> ServeApp::open(const std::string& db_dir,
                                                 const ServeAppOptions& options) {
  std::unique_ptr<ServeApp> app(new ServeApp());
  auto ledger = Ledger::open(db_dir, options.log);
  if (!ledger.ok()) return ledger.status();
  app->ledger_ = std::move(ledger).value();
  app->stream_ = std::make_unique<EventStream>(app->ledger_->log(), options.stream);
  app->router_ = std::make_unique<ApiRouter>(*app->ledger_, *app->stream_, options.api);
  EventStream* stream = app->stream_.get();
  app->ledger_->set_listener(
      [stream](uint64_t first_seq, uint64_t last_seq) { stream->publish(first_seq, last_seq); });
  ApiRouter* router = app->router_.get();
  auto server =
      http::HttpServer::open(options.server, [router](http::Request&& request, auto respond) {
        // The web page's files ("/", "/static/...") hold no data: they are served to anyone.
        const std::string_view target = request.target;
        if (is_web_asset_path(target.substr(0, target.find('?'))))
          return respond(web_asset_response(request));
        router->handle(std::move(request), std::move(respond));
      });
  if (!server.ok()) return server.status();
  app->server_ = std::move(server).value();
  http::HttpServer* http_server = app->server_.get();
  router->set_loop_poster(
      [http_server](std::function<void()> fn) { http_server->post(std::move(fn)); });
  return app;
}

std::future<Result<AppendResult>> ServeApp::append(AppendBatch batch) {
  auto promise = std::make_shared<std::promise<Result<AppendResult>>>();
  auto future = promise->get_future();
  server_->post(
      [this, promise, batch = std::move(batch)] { promise->set_value(ledger_->append(batch)); });
  return future;
}

}  // namespace jobtrail::tools
