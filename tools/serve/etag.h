// Entity tags: the strong ETags serve puts on its answers and the If-None-Match test that
// turns a request for an unchanged answer into 304.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jobtrail::tools {

// The strong ETag of an answer as of log seq `seq`: "\"<seq>\"".
std::string etag_of(uint64_t seq);

// If-None-Match: "*" or a list of entity tags, any of which may be weak (W/"..."); true when
// one of them names `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace jobtrail::tools
