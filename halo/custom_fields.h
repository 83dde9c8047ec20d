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

// Field types (FieldInfo `type`, with `inputtype` refining text and dates), as orangutron/halo_custom_field_builder
// creates them through the API: 0 text (inputtype 1 integer, 2 money, 4 decimal, 5 URL, 6 password), 1 memo,
// 2 single selection, 3 multiple selection, 4 date (inputtype 1 date and time), 5 time, 6 checkbox, 10 rich text.
inline constexpr int kFieldText = 0, kFieldMemo = 1, kFieldSingleSelect = 2, kFieldMultiSelect = 3, kFieldDate = 4,
                     kFieldTime = 5, kFieldCheckbox = 6, kFieldRich = 10;

// [{id, name, label, mandatory, type (null when not given), inputtype}] for `type_id`, read once per client and remembered; an empty array when HaloPSA
// lists none or refuses the read (403/404: the application may lack the permission). Other failures throw.
nlohmann::json custom_field_definitions(Client& halo, int type_id);

}  // namespace halo
