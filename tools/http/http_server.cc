// The Beast side of the server: one Session per connection, reading a request (header first,
// so an oversize Content-Length is refused before its body is read), handing it to the
// handler, writing the answer, and either reading the next request (keep-alive) or, for a
// stream, pulling chunks from its StreamSource as the client takes them.
//
// Timers: a connection waiting for a request's first byte has idle_timeout_ms; from that byte
// the whole request has read_timeout_ms; every write has write_timeout_ms. A stream waiting
// for events has no timer (the watch read below notices a client that goes away).
#include "tools/http/http_server.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <memory>
#include <optional>
#include <utility>  // before Asio (Boost 1.74 + g++ 12 + C++20, see STACK.md)
#include <vector>

#include "events/assert.h"

namespace jobtrail::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Bytes one stream write carries at most (a backlog is sent in chunks of this size).
constexpr size_t kStreamChunkBytesMax = 64 * 1024;

std::string json_error(std::string_view message) {
  std::string out = "{\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  out += "\"}";
  return out;
}

}  // namespace

bool split_listen_address(const std::string& listen, std::string* host, uint16_t* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  unsigned value = 0;
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || value > 65535) return false;
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  *port = static_cast<uint16_t>(value);
  return true;
}

class HttpServer::Impl {
 public:
  Impl(const ServerOptions& options, Handler handler)
      : options_(options), handler_(std::move(handler)), acceptor_(ioc_), signals_(ioc_) {}

  ServerOptions options_;
  Handler handler_;
  ServerCounters counters_;
  uint32_t connections_open_ = 0;  // declared before ioc_: sessions die with ioc_
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_;
  std::optional<asio::local::stream_protocol::acceptor> unix_acceptor_;
  asio::signal_set signals_;

  // A steady_timer that calls fn every period until the loop stops.
  struct Repeater {
    asio::steady_timer timer;
    std::chrono::milliseconds period;
    std::function<void()> fn;
    void arm() {
      timer.expires_after(period);
      timer.async_wait([this](beast::error_code ec) {
        if (ec) return;
        fn();
        arm();
      });
    }
  };
  std::vector<std::unique_ptr<Repeater>> repeaters_;  // after ioc_: destroyed before it

  template <class Protocol>
  void accept(asio::basic_socket_acceptor<Protocol>& acceptor);
};

namespace {

template <class Protocol>
class Session : public std::enable_shared_from_this<Session<Protocol>> {
 public:
  using Stream = beast::basic_stream<Protocol, asio::any_io_executor, beast::unlimited_rate_policy>;

  Session(typename Protocol::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    ++server_.connections_open_;
  }
  ~Session() {
    JT_ASSERT(server_.connections_open_ > 0);
    --server_.connections_open_;
    if (source_) source_->closed();
  }

  void start(bool unix_socket, uint32_t peer_uid) {
    unix_socket_ = unix_socket;
    peer_uid_ = peer_uid;
    wait_for_request();
  }

 private:
  const Limits& limits() const { return server_.options_.limits; }

  // Idle until the request's first byte (unless one is buffered already: pipelining).
  void wait_for_request() {
    if (buffer_.size() > 0) return read_header();
    stream_.expires_after(std::chrono::milliseconds(limits().idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(limits().header_bytes_max),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(limits().header_bytes_max);
    parser_->body_limit(limits().body_bytes_max);
    stream_.expires_after(std::chrono::milliseconds(limits().read_timeout_ms));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) {
          if (ec) return self->reject_read(ec);
          const auto length = self->parser_->content_length();
          if (length && *length > self->limits().body_bytes_max) {
            return self->reject(413, "request body of " + std::to_string(*length) +
                                         " bytes is over the limit of " +
                                         std::to_string(self->limits().body_bytes_max));
          }
          // A client that asks first (curl does above 1 KiB) is
          // told to go on.
          if (beast::iequals(self->parser_->get()[bhttp::field::expect], "100-continue")) {
            return self->send_continue();
          }
          self->read_body();
        });
  }

  void send_continue() {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(std::chrono::milliseconds(limits().write_timeout_ms));
    asio::async_write(
        stream_, asio::buffer(kContinue),
        [self = this->shared_from_this()](beast::error_code ec, size_t) {
          if (ec) return self->close();
          self->stream_.expires_after(std::chrono::milliseconds(self->limits().read_timeout_ms));
          self->read_body();
        });
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->reject_read(ec);
                        self->dispatch();
                      });
  }

  // A read that failed: a closed or timed-out connection just closes; bad requests get a 4xx.
  void reject_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec == bhttp::error::header_limit) {
      return reject(431, "request header is over the limit of " +
                             std::to_string(limits().header_bytes_max) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      return reject(413, "request body is over the limit of " +
                             std::to_string(limits().body_bytes_max) + " bytes");
    }
    reject(400, "malformed request: " + ec.message());
  }

  void reject(unsigned status, const std::string& message) {
    ++server_.counters_.requests_rejected;
    Response response;
    response.status = status;
    response.body = json_error(message);
    write_response(std::move(response), /*keep_alive=*/false, /*head=*/false);
  }

  void dispatch() {
    ++server_.counters_.requests;
    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.unix_socket = unix_socket_;
    request.peer_uid = peer_uid_;
    const bool keep_alive = message.keep_alive();
    const bool head = message.method() == bhttp::verb::head;
    // The callback owns the session until it answers: nothing else does while a handler
    // works on a request later (no read or write is pending meanwhile).
    server_.handler_(std::move(request),
                     [self = this->shared_from_this(), keep_alive, head](Response&& response) {
                       self->answer(std::move(response), keep_alive, head);
                     });
  }

  void answer(Response&& response, bool keep_alive, bool head) {
    if (answered_) return;
    answered_ = true;
    if (response.stream) return start_stream(std::move(response));
    write_response(std::move(response), keep_alive, head);
  }

  void write_response(Response&& response, bool keep_alive, bool head) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(11);
    out->result(response.status);
    out->set(bhttp::field::server, "jobtrail");
    const bool not_modified = response.status == 304;
    if (!not_modified) out->set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) out->set(name, value);
    out->body() = std::move(response.body);
    out->keep_alive(keep_alive);
    out->prepare_payload();
    // A 304 has no body, and its Content-Length would have to be the 200's: leave it out.
    if (not_modified) out->erase(bhttp::field::content_length);
    if (head) out->body().clear();  // Content-Length still says what GET would send
    stream_.expires_after(std::chrono::milliseconds(limits().write_timeout_ms));
    bhttp::async_write(
        stream_, *out,
        [self = this->shared_from_this(), out, keep_alive](beast::error_code ec, size_t) {
          if (ec || !keep_alive) return self->close();
          self->answered_ = false;
          self->wait_for_request();
        });
  }

  // ---- Server-sent events: headers, then chunks pulled from the source.
  void start_stream(Response&& response) {
    source_ = std::move(response.stream);
    beast::error_code ignored;
    stream_.socket().set_option(
        asio::socket_base::send_buffer_size(static_cast<int>(limits().stream_send_buffer_bytes)),
        ignored);
    std::string head = "HTTP/1.1 " + std::to_string(response.status) +
                       " OK\r\nServer: jobtrail\r\nContent-Type: text/event-stream\r\n"
                       "Cache-Control: no-cache\r\nConnection: close\r\n";
    for (auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
    head += "\r\n";
    std::weak_ptr<Session> weak = this->shared_from_this();
    auto executor = stream_.get_executor();
    source_->set_waker([weak, executor] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->pump();
      });
    });
    watch_for_close();
    write_chunk(std::move(head), false);
  }

  // The client sends nothing on a stream: a read that completes means it went away.
  void watch_for_close() {
    stream_.socket().async_read_some(
        asio::buffer(watch_byte_),
        [self = this->shared_from_this()](beast::error_code, size_t) { self->close(); });
  }

  void pump() {
    if (writing_ || closed_) return;
    bool last = false;
    std::string chunk = source_->next(kStreamChunkBytesMax, &last);
    if (chunk.empty() && !last) return;  // the waker calls again
    write_chunk(std::move(chunk), last);
  }

  void write_chunk(std::string chunk, bool last) {
    writing_ = true;
    chunk_ = std::move(chunk);
    stream_.expires_after(std::chrono::milliseconds(limits().write_timeout_ms));
    asio::async_write(stream_, asio::buffer(chunk_),
                      [self = this->shared_from_this(), last](beast::error_code ec, size_t) {
                        self->writing_ = false;
                        if (ec || last) return self->close();
                        self->pump();
                      });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    if (source_) {
      source_->closed();
      source_.reset();
    }
  }

  Stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool unix_socket_ = false;
  uint32_t peer_uid_ = UINT32_MAX;
  bool answered_ = false;
  bool closed_ = false;
  // Stream mode.
  std::shared_ptr<StreamSource> source_;
  std::string chunk_;
  bool writing_ = false;
  char watch_byte_[1] = {0};
};

uint32_t peer_uid_of(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return UINT32_MAX;
  return credentials.uid;
}

}  // namespace

template <class Protocol>
void HttpServer::Impl::accept(asio::basic_socket_acceptor<Protocol>& acceptor) {
  acceptor.async_accept([this, &acceptor](beast::error_code ec, typename Protocol::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      if (connections_open_ >= options_.limits.connections_max) {
        ++counters_.connections_refused;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        ++counters_.connections_accepted;
        constexpr bool kUnix = std::is_same_v<Protocol, asio::local::stream_protocol>;
        const uint32_t uid = kUnix ? peer_uid_of(socket.native_handle()) : UINT32_MAX;
        if constexpr (!kUnix) {
          beast::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
        }
        std::make_shared<Session<Protocol>>(std::move(socket), *this)->start(kUnix, uid);
      }
    }
    if (ec) {
      // Out of file descriptors (or the like): accepting again at once would spin; wait a
      // little, so the connections that hold them can finish.
      auto timer = std::make_shared<asio::steady_timer>(ioc_, std::chrono::milliseconds(50));
      timer->async_wait([this, &acceptor, timer](beast::error_code) { accept(acceptor); });
      return;
    }
    accept(acceptor);  // bounded by connections_max above; the loop runs until stop()
  });
}

namespace {

template <class Protocol>
bool listen_on(asio::basic_socket_acceptor<Protocol>& acceptor,
               const typename Protocol::endpoint& endpoint, bool reuse_address,
               beast::error_code& ec) {
  acceptor.open(endpoint.protocol(), ec);
  if (!ec && reuse_address) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  return !ec;
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::open(const ServerOptions& options,
                                                     Handler handler) {
  JT_ASSERT(handler != nullptr);
  std::string host;
  uint16_t port = 0;
  if (!split_listen_address(options.listen, &host, &port)) {
    return Status::invalid_argument("--listen " + options.listen + ": expected HOST:PORT");
  }
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::invalid_argument("--listen " + options.listen + ": " + ec.message());
  if (!listen_on(impl->acceptor_, tcp::endpoint(address, port), true, ec)) {
    return Status::unavailable("listen on " + options.listen + ": " + ec.message());
  }
  if (!options.unix_socket_path.empty()) {
    ::unlink(options.unix_socket_path.c_str());  // a stale socket file from a previous run
    auto& unix_acceptor = impl->unix_acceptor_.emplace(impl->ioc_);
    if (!listen_on(unix_acceptor, asio::local::stream_protocol::endpoint(options.unix_socket_path),
                   false, ec)) {
      return Status::unavailable("listen on " + options.unix_socket_path + ": " + ec.message());
    }
    // Every local user may connect: the kernel tells who each one is (SO_PEERCRED).
    ::chmod(options.unix_socket_path.c_str(), 0666);
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  return impl_->acceptor_.local_endpoint().port();
}

void HttpServer::run() {
  impl_->accept(impl_->acceptor_);
  if (impl_->unix_acceptor_) impl_->accept(*impl_->unix_acceptor_);
  if (impl_->options_.stop_on_signals) {
    impl_->signals_.add(SIGINT);
    impl_->signals_.add(SIGTERM);
    impl_->signals_.async_wait([this](beast::error_code ec, int) {
      if (!ec) impl_->ioc_.stop();
    });
  }
  impl_->ioc_.run();
}

void HttpServer::stop() {
  asio::post(impl_->ioc_, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor_.close(ignored);
    if (impl->unix_acceptor_) impl->unix_acceptor_->close(ignored);
    impl->ioc_.stop();
  });
}

void HttpServer::post(std::function<void()> fn) {
  asio::post(impl_->ioc_, std::move(fn));
}

void HttpServer::every(uint32_t period_ms, std::function<void()> fn) {
  JT_ASSERT(period_ms > 0);
  auto& repeater = *impl_->repeaters_.emplace_back(new Impl::Repeater{
      asio::steady_timer(impl_->ioc_), std::chrono::milliseconds(period_ms), std::move(fn)});
  repeater.arm();
}

ServerCounters HttpServer::counters() const {
  return impl_->counters_;
}

}  // namespace jobtrail::http
