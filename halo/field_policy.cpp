#include "halo/field_policy.h"

#include <algorithm>

#include "halo/openapi_fields.h"

namespace halo::openapi {

namespace {

using enum Refused;

// Field names from Halo's OpenAPI (tests/data/halopsa-openapi-subset.json); the test suite checks that each one is
// a field of its schema. Halo documents none of them beyond the name, so the class is read from the name.
const std::vector<Listed> kListed = {
    // Client (Area): credentials and keys.
    {"Area", "allow_api_access", credential},
    {"Area", "api_access_clientid", credential},
    {"Area", "api_access_clientsecret", credential},
    {"Area", "thirdpartynhdapiclientid", credential},
    {"Area", "new_thirdpartynhdapiclientsecret", credential},
    {"Area", "thirdpartynhdapiurl", credential},
    {"Area", "thirdpartynhdauthurl", credential},
    {"Area", "thirdpartynhdtenant", credential},
    {"Area", "teamviewerpassword", credential},
    {"Area", "new_servicenowkey", credential},
    {"Area", "servicenow_username", credential},
    {"Area", "new_servicenow_webhooksecret", credential},
    {"Area", "new_jirakey", credential},
    {"Area", "jira_username", credential},
    {"Area", "twilio_subaccount_authtoken", credential},
    {"Area", "stripe_customer_id", credential},
    {"Area", "stripe_payment_method_id", credential},
    // Client: who may see or use what.
    {"Area", "allowall_tickettypes", permission},
    {"Area", "allowed_tickettypes", permission},
    {"Area", "allowall_category1", permission},
    {"Area", "allowall_category2", permission},
    {"Area", "allowall_category3", permission},
    {"Area", "allowall_category4", permission},
    {"Area", "allowed_category1", permission},
    {"Area", "allowed_category2", permission},
    {"Area", "allowed_category3", permission},
    {"Area", "allowed_category4", permission},
    {"Area", "all_organisations_allowed", permission},
    {"Area", "allowed_organisations", permission},
    {"Area", "allowallchargerates", permission},
    {"Area", "chargerates", permission},
    {"Area", "overriding_rates", permission},
    {"Area", "service_access", permission},
    {"Area", "service_subscriptions", permission},
    // Client: other records made or rewritten with it.
    {"Area", "newclient_sitename", creates},
    {"Area", "newclient_phonenumber", creates},
    {"Area", "newclient_domain", creates},
    {"Area", "newclient_timezone", creates},
    {"Area", "newclient_contactname", creates},
    {"Area", "newclient_contactemail", creates},
    {"Area", "newclient_contacttitle", creates},
    {"Area", "newclient_web_access_level", creates},
    {"Area", "newclient_delivery_address", creates},
    {"Area", "newclient_countrycode", creates},
    {"Area", "newclient_regioncode", creates},
    {"Area", "newclient_siteguid", creates},
    {"Area", "site_update", creates},
    {"Area", "areaitems", creates},
    {"Area", "billingplans", creates},
    {"Area", "popup_notes", creates},
    {"Area", "new_external_link", creates},
    {"Area", "new_categories", creates},
    {"Area", "import_azure_tenant", creates},
    {"Area", "azure_tenants", creates},
    {"Area", "import_address", creates},
    {"Area", "import_notes", creates},
    {"Area", "faqlists", creates},
    {"Area", "kbentries", creates},
    {"Area", "prepayhistory", creates},
    {"Area", "periods", creates},
    {"Area", "attachments", creates},
    // Client: actions.
    {"Area", "newclient_sendwelcomeemail", action},
    {"Area", "create_jira_webhook", action},
    {"Area", "update_licences", action},
    {"Area", "test_jira", action},
    {"Area", "test_servicenow", action},
    // Site.
    {"Site", "teamviewerpassword", credential},
    {"Site", "newsite_contactname", creates},
    {"Site", "newsite_contactemail", creates},
    {"Site", "newsite_contacttitle", creates},
    {"Site", "newsite_web_access_level", creates},
    {"Site", "sitecontacts", creates},
    {"Site", "stockbins", creates},
    {"Site", "popup_notes", creates},
    {"Site", "new_external_link", creates},
    {"Site", "faqlists", creates},
    {"Site", "newsite_sendwelcomeemail", action},
    // Contact (Users): logins and credentials.
    {"Users", "login", credential},
    {"Users", "new_password", credential},
    {"Users", "samaccountname", credential},
    {"Users", "azureoid", credential},
    {"Users", "useadlogin", credential},
    {"Users", "emailconfirmed", credential},
    {"Users", "locked", credential},
    {"Users", "question1", credential},
    {"Users", "question2", credential},
    {"Users", "question3", credential},
    {"Users", "question4", credential},
    {"Users", "question5", credential},
    {"Users", "encmethod", credential},
    // Contact: portal access, roles, approvals, links to agents and other users.
    {"Users", "web_access_level", permission},
    {"Users", "roles", permission},
    {"Users", "add_roles", permission},
    {"Users", "azure_roleid", permission},
    {"Users", "no_manager_roleid", permission},
    {"Users", "device_access_level", permission},
    {"Users", "cancreateuser", permission},
    {"Users", "canaccesscatalog", permission},
    {"Users", "cataloglevel", permission},
    {"Users", "canaccessinvoices", permission},
    {"Users", "canviewcontracts", permission},
    {"Users", "canviewopps", permission},
    {"Users", "caneditwebdetails", permission},
    {"Users", "canadd", permission},
    {"Users", "allowviewsitedocs", permission},
    {"Users", "allowviewclientdocs", permission},
    {"Users", "viewallcleared", permission},
    {"Users", "showmeonly", permission},
    {"Users", "showrecentonly", permission},
    {"Users", "ischangeapprover", permission},
    {"Users", "ischangeapprover2", permission},
    {"Users", "ispoapprover", permission},
    {"Users", "isheadofdept", permission},
    {"Users", "linked_agent_id", permission},
    {"Users", "linked_user_id", permission},
    {"Users", "linked_sites", permission},
    {"Users", "delegation_activated", permission},
    {"Users", "delegation_user_id", permission},
    {"Users", "delegation_start", permission},
    {"Users", "delegation_end", permission},
    {"Users", "delegation_timebased", permission},
    {"Users", "memberof", permission},
    {"Users", "claims", permission},
    // Contact: other records made or rewritten with it.
    {"Users", "new_site_name", creates},
    {"Users", "addresses", creates},
    {"Users", "primary_address", creates},
    {"Users", "assets", creates},
    {"Users", "usercompany", creates},
    {"Users", "new_external_link", creates},
    {"Users", "popup_notes", creates},
    {"Users", "departments", creates},
    {"Users", "attachments", creates},
    // Contact: actions.
    {"Users", "sendwelcomeemail", action},
    {"Users", "resetpassword", action},
    {"Users", "welcomeemail_template_id", action},
};

// Halo-computed fields every record kind shares by name.
bool is_derived(std::string_view field) {
  // clang-format off
  static const std::vector<std::string_view> exact = {
      "id", "alastupdate", "slastupdate", "ulastupdate", "datecreated", "open_ticket_count", "onhold_ticket_count",
      "total_ticket_count", "opened_thismonth_count", "opps_ticket_count", "client_name", "site_name",
      "toplevel_name", "main_site_name", "maincontact_name", "client_to_invoice_name", "use", "key", "table"};
  // clang-format on
  return std::find(exact.begin(), exact.end(), field) != exact.end();
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

const char* refused_name(Refused why) {
  switch (why) {
    case helper: return "write-only helper";
    case credential: return "credential";
    case permission: return "permission";
    case creates: return "creates other records";
    case action: return "starts an action";
    case derived: return "filled in by HaloPSA";
  }
  return "refused";
}

const std::vector<Listed>& listed_refusals() { return kListed; }

std::optional<Refusal> refusal(std::string_view schema, std::string_view field) {
  if (!field.empty() && field.front() == '_')
    return Refusal{helper,
                   "it is one of Halo's write-only helpers, which make HaloPSA act (merge, anonymise, import, "
                   "reassign, skip automations) instead of storing a value; no tool sends them"};
  for (const auto& l : kListed) {
    if (schema != l.schema || field != l.field) continue;
    switch (l.why) {
      case credential: return Refusal{credential, "it sets a login, password, key or secret"};
      case permission: return Refusal{permission, "it grants access or a role, or links the record to an agent"};
      case creates: return Refusal{creates, "it creates or rewrites other records"};
      case action: return Refusal{action, "it makes HaloPSA send an e-mail, reset a password or start an integration"};
      default: break;
    }
  }
  // Names no table lists yet but that plainly hold a secret.
  if (contains(field, "password") || contains(field, "secret") || contains(field, "authtoken") ||
      contains(field, "apikey"))
    return Refusal{credential, "it sets a login, password, key or secret"};
  if (is_derived(field)) return Refusal{derived, "HaloPSA fills it in itself"};
  // Lists and objects on a record are other records (sites, contacts, notes, rates, links, addresses...).
  if (const Schema* s = find_schema(schema))
    if (auto it = s->find(std::string(field));
        it != s->end() && (it->second.type == Type::Array || it->second.type == Type::Object))
      return Refusal{creates,
                     "it holds other records (a list or an object), which a generic write must not create or rewrite"};
  return std::nullopt;
}

}  // namespace halo::openapi
