#include "tools/http/load_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <utility>  // before Asio (Boost 1.74 + g++ 12 + C++20, see STACK.md)

#include "events/assert.h"

namespace jobtrail::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Bounds on what one answer may be (the bench's answers are a few KB).
constexpr size_t kAnswerBytesMax = 16 * 1024 * 1024;

class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  LoadConnection(asio::io_context& ioc, const LoadOptions& options, LoadResult& result,
                 uint64_t* issued)
      : socket_(ioc), options_(options), result_(result), issued_(issued) {}

  void start() {
    boost::system::error_code ec;
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), options_.port), ec);
    if (ec) {
      ++result_.errors;
      return;
    }
    socket_.set_option(tcp::no_delay(true), ec);
    next();
  }

 private:
  void next() {
    if (*issued_ >= options_.requests) return;
    ++*issued_;
    started_ = Clock::now();
    asio::async_write(socket_, asio::buffer(options_.request),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (ec) return self->fail();
                        self->read_head();
                      });
  }

  void read_head() {
    asio::async_read_until(socket_, asio::dynamic_buffer(in_, kAnswerBytesMax), "\r\n\r\n",
                           [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                             if (ec) return self->fail();
                             self->read_body(n);
                           });
  }

  void read_body(size_t head_bytes) {
    const std::string_view head(in_.data(), head_bytes);
    status_ = head.size() > 12 ? static_cast<unsigned>(std::atoi(in_.c_str() + 9)) : 0;
    size_t length = 0;
    if (size_t at = head.find("Content-Length: "); at != std::string_view::npos) {
      length = static_cast<size_t>(std::atoll(in_.c_str() + at + 16));
    }
    if (size_t at = head.find("ETag: "); at != std::string_view::npos) {
      const size_t end = head.find("\r\n", at);
      result_.last_etag = std::string(head.substr(at + 6, end - at - 6));
    }
    const size_t total = head_bytes + length;
    if (total > kAnswerBytesMax) return fail();
    if (in_.size() >= total) return done(total);
    asio::async_read(socket_, asio::dynamic_buffer(in_, kAnswerBytesMax),
                     asio::transfer_exactly(total - in_.size()),
                     [self = shared_from_this(), total](boost::system::error_code ec, size_t) {
                       if (ec) return self->fail();
                       self->done(total);
                     });
  }

  void done(size_t total) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
    result_.latencies_us.push_back(static_cast<uint32_t>(elapsed.count()));
    ++result_.statuses[status_];
    ++result_.answers;
    in_.erase(0, total);
    next();
  }

  void fail() {
    ++result_.errors;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  const LoadOptions& options_;
  LoadResult& result_;
  uint64_t* issued_;
  std::string in_;
  Clock::time_point started_;
  unsigned status_ = 0;
};

}  // namespace

Result<LoadResult> run_load(const LoadOptions& options) {
  if (options.connections == 0 || options.connections > 4096) {
    return Status::invalid_argument("connections: 1 to 4096");
  }
  JT_ASSERT(!options.request.empty());
  asio::io_context ioc{1};
  LoadResult result;
  result.latencies_us.reserve(options.requests);
  uint64_t issued = 0;
  const auto start = Clock::now();
  for (uint32_t i = 0; i < options.connections; ++i) {
    std::make_shared<LoadConnection>(ioc, options, result, &issued)->start();
  }
  ioc.run();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  JT_ASSERT(result.answers <= options.requests);
  return result;
}

}  // namespace jobtrail::http
