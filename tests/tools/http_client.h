// Test helper: a tiny blocking HTTP/1.1 client over a POSIX socket on 127.0.0.1, enough to
// send requests (well-formed or not) and read answers and server-sent events. Every read has
// a timeout, so a test never hangs on a server that does not answer. Test code only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jobtrail::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool has(const std::string& name) const { return headers.count(name) > 0; }
};

class HttpConnection {
 public:
  // `receive_buffer_bytes` > 0 shrinks the socket's receive buffer (a slow client).
  explicit HttpConnection(uint16_t port, int receive_timeout_ms = 10'000,
                          int receive_buffer_bytes = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer_bytes > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    }
    timeval tv{receive_timeout_ms / 1000, (receive_timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  // Over a unix socket instead of TCP.
  HttpConnection(const std::string& unix_path, int receive_timeout_ms) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    timeval tv{receive_timeout_ms / 1000, (receive_timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (unix_path.size() >= sizeof addr.sun_path) return;
    std::copy(unix_path.begin(), unix_path.end(), addr.sun_path);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~HttpConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const { return connected_; }

  bool send_raw(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  bool send_request(const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& body = "") {
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST") {
      request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "\r\n" + body;
    return send_raw(request);
  }

  // One answer (status, headers, a Content-Length body); nullopt on timeout or close.
  std::optional<HttpReply> read_reply() {
    size_t header_end = std::string::npos;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive()) return std::nullopt;
    }
    HttpReply reply;
    const std::string head = pending_.substr(0, header_end);
    pending_.erase(0, header_end + 4);
    size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    reply.status = std::atoi(status_line.c_str() + 9);
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line =
          head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      reply.headers[name] = line.substr(value_start);
    }
    if (reply.has("content-length")) {
      const size_t length = std::stoul(reply.headers["content-length"]);
      while (pending_.size() < length) {
        if (!receive()) return std::nullopt;
      }
      reply.body = pending_.substr(0, length);
      pending_.erase(0, length);
    }
    return reply;
  }

  // Reads until `text` appears in what was received (kept in received()), the peer closes, or
  // `wait_ms` passes. True when the text was seen.
  bool read_until(const std::string& text, int wait_ms = 10'000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (pending_.find(text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline || !receive()) return false;
    }
    return true;
  }

  // Reads until the peer closes (true) or the receive timeout passes (false).
  bool read_to_close() {
    while (receive()) {
    }
    return peer_closed_;
  }

  const std::string& received() const { return pending_; }
  void clear_received() { pending_.clear(); }

 private:
  bool receive() {
    char buffer[16384];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) peer_closed_ = true;
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool peer_closed_ = false;
  std::string pending_;
};

// One request on a fresh connection.
inline std::optional<HttpReply> http_get(
    uint16_t port, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  HttpConnection connection(port);
  if (!connection.connected() || !connection.send_request("GET", target, headers)) {
    return std::nullopt;
  }
  return connection.read_reply();
}

}  // namespace jobtrail::testing
