// What every HaloPSA tool shares: turning upstream failures into results a model can act on.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "halo/errors.h"
#include "server/tool.h"

namespace tools {

// The text a model reads for a HaloPSA failure: what happened and what to do next.
std::string explain(const halo::Error& error);

// The text of the isError result for what a handler threw: a halo::Error explained, an InputError as it is; nullopt
// for anything else (an internal error). Installed once in the tool registry by register_all().
std::optional<std::string> translate_error(const std::exception& error);

}  // namespace tools
