// Access: who may read and write what through `serve`.
//
//  - Writes (POST) need the bearer token from --token-file, over TCP and the unix socket
//    alike; with no token configured, writes are refused.
//  - TCP reads need the same token, unless serve was started with --public-read: on a shared
//    login node every local user can reach 127.0.0.1.
//  - The unix socket learns the caller's uid from the kernel (SO_PEERCRED). A user sees their
//    own jobs and arrays only; root, the uid serve runs as, the --admin-uid list and a caller
//    with the token see everything. The whole log (events, stream, as-of) is for those only.
//  - A wrong token is refused outright (401), whatever else would have allowed the request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/status.h"
#include "tools/http/http_types.h"

namespace jobtrail::tools {

struct AccessOptions {
  std::string token;  // empty: none configured
  bool public_read = false;
  std::vector<uint32_t> admin_uids;
};

struct Caller {
  unsigned refused_status = 0;  // 401/403 when the request is refused before routing
  std::string refused_reason;
  bool may_write = false;
  bool sees_all = false;
  // When !sees_all: the names a job's user field may have to be this caller's (the login
  // name and the uid in decimal, as SWF traces write users).
  std::vector<std::string> user_names;

  bool sees_user(const std::string& user) const;
};

Caller identify_caller(const http::Request& request, const AccessOptions& options, bool is_write);

// The token in a --token-file: the file's content with surrounding whitespace trimmed.
// Invalid argument when the file cannot be read or holds only whitespace.
Result<std::string> read_token_file(const std::string& path);

}  // namespace jobtrail::tools
