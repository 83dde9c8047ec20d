// Pop-up notes, read and added, and the client card (client_card, registered in toolbox.cpp).
#pragma once

#include <string>
#include <vector>

#include "tools/records.h"
#include "tools/writes.h"

namespace tools {

// {items: [{id, note, displaymodal?, startdate?, enddate?}]} from GET /api/PopupNote?<owner_field>=<id> (Halo's list of
// AreaPopup: the record's own pop-up notes rarely come with the record itself). Counts its request in `requests`.
// Throws halo::Error as the read does.
json read_popup_notes(halo::Client& halo, const char* owner_field, long long id, int& requests);

// add_popup_note on update_client / update_site / update_contact: POSTs the record's current notes plus the new one
// as its popup_notes (result.request, or an additional request when the update wrote fields), then checks the note
// is listed; a note HaloPSA does not list is reported in not_applied. Only the request on a dry run.
void add_popup_note(halo::Client& halo, WriteResult& result, Kind kind, long long id, const std::string& text,
                    bool dry_run);
// The result of an update whose only change is a pop-up note: the record as it is, nothing written yet.
WriteResult popup_only_result(Kind kind, const json& current, const std::vector<std::string>& fields, bool dry_run);

}  // namespace tools
