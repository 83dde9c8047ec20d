#pragma once
// HaloPSA's custom-field definitions (GET /api/FieldInfo?typeid=N): which custom fields a record kind has, by id,
// name and label, and which are mandatory. typeid 2 is clients and 3 sites (redanthrax/halopsa-node's mapping, used
// on real tenants); contacts' typeid is not known publicly, 4 is tried (docs/halopsa-quirks.md).
#include <nlohmann/json.hpp>
#include <string_view>

namespace halo {

class Client;

inline constexpr int kFieldInfoClients = 2;
inline constexpr int kFieldInfoSites = 3;
inline constexpr int kFieldInfoContacts = 4;  // unverified

// [{id, name, label, mandatory}] for `type_id`, read once per client and remembered; an empty array when HaloPSA
// lists none or refuses the read (403/404: the application may lack the permission). Other failures throw.
nlohmann::json custom_field_definitions(Client& halo, int type_id);

}  // namespace halo
