// EventJson: the JSON rendering of a stored event (`jobtrail log --json`, later the HTTP API).
// Times are ISO 8601 UTC with 'Z'; empty fields are left out.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "events/event_view.h"

namespace jobtrail::tools {

nlohmann::json event_to_json(const EventView& view);

// One line for people: "12  2002-07-28T07:04:05Z  hpc2n 4  JobStateChanged PENDING->RUNNING".
std::string event_to_line(const EventView& view);

}  // namespace jobtrail::tools
