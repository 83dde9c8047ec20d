#include "halo/custom_fields.h"

#include <string>

#include "halo/client.h"
#include "halo/errors.h"
#include "halo/responses.h"

namespace halo {

using nlohmann::json;

json custom_field_definitions(Client& halo, int type_id) {
  return halo.remembered("field_info:" + std::to_string(type_id), [&]() -> json {
    json answer;
    try {
      answer = halo.get("FieldInfo", {{"typeid", std::to_string(type_id)}});
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::forbidden || e.kind() == ErrorKind::not_found) return json::array();
      throw;
    }
    json out = json::array();
    for (const auto& d : rows_of_answer(std::move(answer))) {  // a bare array is what integrations see
      if (!d.is_object() || !d.contains("id") || !d["id"].is_number()) continue;
      out.push_back(
          {{"id", d["id"].get<long long>()},
           {"name", d.contains("name") && d["name"].is_string() ? d["name"] : json("")},
           {"label", d.contains("label") && d["label"].is_string() ? d["label"] : json("")},
           {"mandatory", d.contains("mandatory") && d["mandatory"].is_boolean() && d["mandatory"].get<bool>()},
           {"type", d.contains("type") && d["type"].is_number_integer() ? d["type"] : json(nullptr)},
           {"inputtype", d.contains("inputtype") && d["inputtype"].is_number_integer() ? d["inputtype"] : json(0)}});
    }
    return out;
  });
}

}  // namespace halo
