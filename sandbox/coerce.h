// Reading written records the way Halo's JSON model binder does: known fields are converted to their schema type
// (numbers from numeric strings, booleans from "true"/"false", primitives to strings), unknown names are dropped
// silently, and conversion failures are reported per model path ("[0].toplevel_id"), all at once.
#pragma once

#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "halo/openapi_fields.h"

namespace sandbox {

// The record schemas live with the HaloPSA client (halo/openapi_fields.h): one table for the tools and the sandbox.
namespace openapi = halo::openapi;

// The converted value; nullopt after recording errors[path]. A JSON null for an object-typed field means "remove it"
// (the schema does not allow null there).
std::optional<nlohmann::json> coerce_value(const openapi::Field& field, const nlohmann::json& value,
                                           const std::string& path, nlohmann::json& errors);

// The fields of `input` the schema knows, converted; "_"-prefixed write-only helpers (_merge_client_into,
// _dont_fire_automations, ...) and the names in `skip` are dropped. Errors go to errors[path + "." + name].
nlohmann::json coerce_object(const openapi::Schema& schema, const nlohmann::json& input, const std::string& path,
                             nlohmann::json& errors, const std::set<std::string>& skip = {});

// Integer from a JSON integer, an integral float or a numeric string; nullopt otherwise.
std::optional<long long> json_to_int(const nlohmann::json& value);

}  // namespace sandbox
