#include "tools/serve/access.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "events/status.h"

namespace jobtrail::tools {

namespace {

// Compares in a time that does not depend on where the strings differ.
bool same_secret(std::string_view given, std::string_view secret) {
  if (secret.empty() || given.size() != secret.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < secret.size(); ++i) diff |= given[i] ^ secret[i];
  return diff == 0;
}

std::string login_name(uint32_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  char buffer[4096];
  if (getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) != 0 || found == nullptr) return {};
  return entry.pw_name;
}

}  // namespace

bool Caller::sees_user(const std::string& user) const {
  return sees_all || std::find(user_names.begin(), user_names.end(), user) != user_names.end();
}

Caller identify_caller(const http::Request& request, const AccessOptions& options, bool is_write) {
  Caller caller;
  const std::string_view authorization = request.header("authorization");
  const bool has_token = !authorization.empty();
  const bool token_ok = has_token && authorization.starts_with("Bearer ") &&
                        same_secret(authorization.substr(7), options.token);
  if (has_token && !token_ok) {
    caller.refused_status = 401;
    caller.refused_reason = "the bearer token is not the one serve was given";
    return caller;
  }
  caller.may_write = token_ok;
  if (is_write && !token_ok) {
    caller.refused_status = options.token.empty() ? 403 : 401;
    caller.refused_reason = options.token.empty()
                                ? "writes are disabled: serve was started without --token-file"
                                : "writes need Authorization: Bearer <token>";
    return caller;
  }
  if (!request.unix_socket) {
    if (!token_ok && !options.public_read) {
      caller.refused_status = 401;
      caller.refused_reason =
          "reads over TCP need Authorization: Bearer <token> (or serve --public-read)";
      return caller;
    }
    caller.sees_all = true;
    return caller;
  }
  const uint32_t uid = request.peer_uid;
  const auto& admins = options.admin_uids;
  caller.sees_all = token_ok || uid == 0 || uid == ::getuid() ||
                    std::find(admins.begin(), admins.end(), uid) != admins.end();
  if (!caller.sees_all) {
    caller.user_names.push_back(std::to_string(uid));
    if (std::string name = login_name(uid); !name.empty()) caller.user_names.push_back(name);
  }
  return caller;
}

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument("--token-file " + path + ": cannot be read");
  std::ostringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  constexpr const char* kSpace = " \t\r\n\v\f";
  const size_t first = token.find_first_not_of(kSpace);
  if (first == std::string::npos) {
    return Status::invalid_argument("--token-file " + path + ": holds no token");
  }
  token = token.substr(first, token.find_last_not_of(kSpace) - first + 1);
  if (token.size() > 4096) return Status::invalid_argument("--token-file: token too long");
  return token;
}

}  // namespace jobtrail::tools
