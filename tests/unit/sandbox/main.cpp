#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

// The sandbox logs each start at info level; keep test output to failures.
static const bool kQuietLogs = (spdlog::set_level(spdlog::level::warn), true);
