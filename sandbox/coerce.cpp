#include "sandbox/coerce.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "sandbox/time_util.h"
#include "util/text.h"

namespace sandbox {
namespace {

using nlohmann::json;

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

using util::lower;

const char* dotnet_type(openapi::Type t) {
  switch (t) {
    case openapi::Type::Int32: return "System.Int32";
    case openapi::Type::Int64: return "System.Int64";
    case openapi::Type::Number: return "System.Double";
    case openapi::Type::Boolean: return "System.Boolean";
    case openapi::Type::String: return "System.String";
    case openapi::Type::DateTime: return "System.DateTime";
    case openapi::Type::Array: return "System.Collections.Generic.List";
    case openapi::Type::Object: return "System.Object";
    case openapi::Type::Any: return "System.Object";
  }
  return "System.Object";
}

void fail(const openapi::Field& field, const json& value, const std::string& path, json& errors) {
  std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
  if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
  errors[path] = "Error converting value \"" + shown + "\" to type '" + dotnet_type(field.type) + "'.";
}

}  // namespace

std::optional<long long> json_to_int(const json& value) {
  if (value.is_number_integer()) return value.get<long long>();
  if (value.is_number_unsigned()) {
    const auto u = value.get<unsigned long long>();
    if (u > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) return std::nullopt;
    return static_cast<long long>(u);
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<long long>(d);
  }
  if (value.is_string()) {
    const std::string s = trim(value.get<std::string>());
    long long out = 0;
    const char* first = s.data();
    const char* last = s.data() + s.size();
    if (!s.empty() && *first == '+') ++first;
    auto [p, ec] = std::from_chars(first, last, out);
    if (ec == std::errc() && p == last && first != last) return out;
  }
  return std::nullopt;
}

std::optional<json> coerce_value(const openapi::Field& field, const json& value, const std::string& path,
                                 json& errors) {
  using openapi::Type;
  if (value.is_null()) {
    if (field.nullable || field.type == Type::Object || field.type == Type::Any) return json(nullptr);
    fail(field, value, path, errors);
    return std::nullopt;
  }
  switch (field.type) {
    case Type::Any: return value;
    case Type::Int32:
    case Type::Int64: {
      const auto v = json_to_int(value);
      if (!v || value.is_boolean() ||
          (field.type == Type::Int32 &&
           (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()))) {
        fail(field, value, path, errors);
        return std::nullopt;
      }
      return json(*v);
    }
    case Type::Number: {
      // Integral values stay integers: Halo types some ids as number (Site.client_id, Users.site_id).
      if (value.is_number_integer() || value.is_number_unsigned()) return value;
      if (auto i = json_to_int(value)) return json(*i);
      if (value.is_number_float()) return value;
      if (value.is_string()) {
        const std::string s = trim(value.get<std::string>());
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return json(d);
      }
      fail(field, value, path, errors);
      return std::nullopt;
    }
    case Type::Boolean: {
      if (value.is_boolean()) return value;
      if (value.is_number_integer() || value.is_number_unsigned()) return json(value.get<long long>() != 0);
      if (value.is_string()) {
        const std::string s = lower(trim(value.get<std::string>()));
        if (s == "true") return json(true);
        if (s == "false") return json(false);
      }
      fail(field, value, path, errors);
      return std::nullopt;
    }
    case Type::String: {
      std::string s;
      if (value.is_string()) s = value.get<std::string>();
      else if (value.is_boolean())
        s = value.get<bool>() ? "True" : "False";
      else if (value.is_number())
        s = value.dump();
      else {
        fail(field, value, path, errors);
        return std::nullopt;
      }
      if (field.max_length > 0 && s.size() > static_cast<std::size_t>(field.max_length)) {
        const auto dot = path.rfind('.');
        const std::string name = dot == std::string::npos ? path : path.substr(dot + 1);
        errors[path] = "The field " + name + " must be a string with a maximum length of " +
                       std::to_string(field.max_length) + ".";
        return std::nullopt;
      }
      return json(std::move(s));
    }
    case Type::DateTime: {
      if (value.is_string()) {
        if (trim(value.get<std::string>()).empty()) {
          if (field.nullable) return json(nullptr);
        } else if (auto iso = normalize_datetime(value.get<std::string>())) {
          return json(*iso);
        }
      }
      fail(field, value, path, errors);
      return std::nullopt;
    }
    case Type::Array: {
      if (!value.is_array()) {
        fail(field, value, path, errors);
        return std::nullopt;
      }
      const openapi::Schema* items = openapi::find_schema(field.ref);
      if (!items) return value;  // a schema outside the subset: kept as written
      json out = json::array();
      bool ok = true;
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        if (!value[i].is_object()) {
          errors[item_path] = "Expected an object.";
          ok = false;
          continue;
        }
        out.push_back(coerce_object(*items, value[i], item_path, errors));
      }
      if (!ok) return std::nullopt;
      return out;
    }
    case Type::Object: {
      if (!value.is_object()) {
        fail(field, value, path, errors);
        return std::nullopt;
      }
      const openapi::Schema* inner = openapi::find_schema(field.ref);
      if (!inner) return value;
      return coerce_object(*inner, value, path, errors);
    }
  }
  return value;
}

json coerce_object(const openapi::Schema& schema, const json& input, const std::string& path, json& errors,
                   const std::set<std::string>& skip) {
  json out = json::object();
  for (auto it = input.begin(); it != input.end(); ++it) {
    const std::string& key = it.key();
    if (key.empty() || key[0] == '_' || skip.count(key)) continue;
    const auto field = schema.find(key);
    if (field == schema.end()) continue;  // like .NET model binding: unknown members are ignored
    const std::string field_path = path.empty() ? key : path + "." + key;
    if (auto v = coerce_value(field->second, it.value(), field_path, errors)) out[key] = std::move(*v);
  }
  return out;
}

}  // namespace sandbox
