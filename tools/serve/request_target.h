// RequestTarget: an HTTP request target ("/api/jobs/hpc2n/4?state=RUNNING&limit=10") split
// into percent-decoded path segments and query parameters.
//
//   target  := path [ "?" query ]
//   path    := ( "/" segment )*          segment: percent-encoded bytes, no "/"
//   query   := param ( "&" param )*      param := name [ "=" value ], '+' is a space
// At most segments_max segments and params_max parameters; more, or a bad %XX, is an error.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/status.h"

namespace jobtrail::tools {

struct RequestTarget {
  static constexpr size_t segments_max = 16;
  static constexpr size_t params_max = 32;

  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> params;

  // The first value of `name`, if given.
  std::optional<std::string_view> param(std::string_view name) const;
  // The first parameter whose name is not in `known`, or nullopt.
  std::optional<std::string> unknown_param(std::initializer_list<std::string_view> known) const;
};

Result<RequestTarget> parse_request_target(std::string_view target);

// Parameter `name` as a decimal number in [min, max]; `fallback` when absent; invalid argument
// (naming the parameter and the range) otherwise.
Result<uint64_t> number_param(const RequestTarget& t, std::string_view name, uint64_t fallback,
                              uint64_t min, uint64_t max);
// Invalid argument naming the first parameter not in `known`.
Status check_params(const RequestTarget& t, std::initializer_list<std::string_view> known);

// "%5B" -> "[", and '+' -> ' ' when `plus_is_space`; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace jobtrail::tools
