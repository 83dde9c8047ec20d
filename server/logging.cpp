#include "server/logging.h"

#include <stdexcept>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mcp {

void setup_logging(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; only accept "off" when asked for.
  if (parsed == spdlog::level::off && level != "off")
    throw std::invalid_argument("unknown log level \"" + level +
                                "\": use trace, debug, info, warn, error, critical or off");
  spdlog::drop("halopsa-mcp");
  auto logger = spdlog::stderr_logger_mt("halopsa-mcp");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

}  // namespace mcp
