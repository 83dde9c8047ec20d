// Timestamps as the sandbox writes them: ISO 8601 UTC with milliseconds ("2024-05-01T09:30:00.000Z"), the
// date-time format the OpenAPI declares for datecreated / alastupdate / slastupdate / ulastupdate.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sandbox {

std::string format_iso(std::chrono::system_clock::time_point when);
std::string now_iso();

// Parses the date-time spellings clients send ("2024-05-01", "2024-05-01T09:30", "2024-05-01 09:30:00.5",
// "...Z", "...+02:00") and returns it in the sandbox's own format, converted to UTC. A bare date means the start of
// that day, or its last millisecond when end_of_day is set (inclusive "to" filters). nullopt when unparseable.
std::optional<std::string> normalize_datetime(std::string_view text, bool end_of_day = false);

}  // namespace sandbox
