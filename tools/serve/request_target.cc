#include "tools/serve/request_target.h"

#include <algorithm>
#include <charconv>

namespace jobtrail::tools {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      if (i + 2 >= text.size()) return std::nullopt;  // "%" or "%A" at the end
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

std::optional<std::string_view> RequestTarget::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> RequestTarget::unknown_param(
    std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : params) {
    if (std::find(known.begin(), known.end(), key) == known.end()) return key;
  }
  return std::nullopt;
}

Result<RequestTarget> parse_request_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return Status::invalid_argument("request target must start with '/'");
  }
  RequestTarget out;
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  // Bounded by the path's length: each pass consumes one segment.
  for (size_t start = 1; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) {
      if (out.segments.size() == RequestTarget::segments_max) {
        return Status::invalid_argument("too many path segments");
      }
      auto segment = percent_decode(path.substr(start, slash - start), false);
      if (!segment) return Status::invalid_argument("bad percent-encoding in the path");
      out.segments.push_back(std::move(*segment));
    }
    start = slash + 1;
  }
  for (size_t start = 0; start < query.size();) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    if (out.params.size() == RequestTarget::params_max) {
      return Status::invalid_argument("too many query parameters");
    }
    const size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) return Status::invalid_argument("bad percent-encoding in the query");
    out.params.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

Result<uint64_t> number_param(const RequestTarget& t, std::string_view name, uint64_t fallback,
                              uint64_t min, uint64_t max) {
  auto text = t.param(name);
  if (!text) return fallback;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Status::invalid_argument(std::string(name) + "=" + std::string(*text) +
                                    ": expected a number from " + std::to_string(min) + " to " +
                                    std::to_string(max));
  }
  return value;
}

Status check_params(const RequestTarget& t, std::initializer_list<std::string_view> known) {
  if (auto unknown = t.unknown_param(known)) {
    return Status::invalid_argument("unknown parameter " + *unknown);
  }
  return Status();
}

}  // namespace jobtrail::tools
