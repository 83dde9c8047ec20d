#include "tools/toolbox.h"

#include "tools/common.h"

namespace tools {

void register_all(mcp::McpServer& server, const Backend& backend) {
  server.tools.set_error_translator(translate_error);
  register_status_tools(server, backend);
  register_client_tools(server, backend);
  register_client_card(server, backend);
  register_lookup_tools(server, backend);
  register_site_tools(server, backend);
  register_contact_tools(server, backend);
  register_record_resources(server, backend);
  register_workflow_tools(server, backend);
  register_prompts(server, backend);
}

std::string instructions(const Backend& backend) {
  std::string text =
      "This server manages an MSP's customer book in HaloPSA: clients (customers), their sites (locations) and "
      "contacts (end users), client types, TopLevel groupings and billing hierarchy.\n"
      "How the pieces fit: a client has sites; contacts belong to a site (and through it to the client); a client's "
      "main site is its main_site_id. toplevel_id is a TopLevel grouping, not a parent client; the billing parent is "
      "client_to_invoice.\n"
      "Start with halopsa_status if anything fails, to see which tenant is connected and whether it answers.";
  if (backend.kind == "sandbox")
    text +=
        "\nSANDBOX MODE: no HaloPSA tenant is configured; every tool works on an embedded demo tenant with "
        "made-up data. Say so to the user before presenting results as real.";
  return text;
}

}  // namespace tools
