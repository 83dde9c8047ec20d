#!/usr/bin/env python3
"""Writes the client/site/contact tool schemas (schemas/<tool>.input.json, <tool>.output.json).

The JSON files are what the server embeds; this script is their source, so shared pieces (a client reference,
paging, dry_run...) read the same in every tool. Edit here, run `python3 schemas/generate_record_schemas.py`,
and commit both. Field names on the Halo side must match halo/openapi_fields.cpp (Halo's OpenAPI).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
# Which argument writes which Halo field: the table tools/records.cpp reads too.
with open(os.path.join(HERE, "record_fields.json")) as f:
    RECORD_FIELDS = json.load(f)
def hf(kind, argument):
    """ "(Halo field x)" for the argument, from record_fields.json (KeyError if the table lacks it). """
    pairs = RECORD_FIELDS[kind]["fields"] + RECORD_FIELDS[kind]["dedicated"]
    return "(Halo field " + dict((a, h) for a, h in reversed(pairs))[argument] + ")"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

CLIENT_REF = {
    "type": ["integer", "string"], "minimum": 1, "minLength": 1, "maxLength": 255,
    "description": "The client: its numeric id, or its name. A name must match one client (an exact, "
                   "case-insensitive match wins); an ambiguous name returns the candidates with their ids.",
}
def ref(desc):
    return dict(CLIENT_REF, description=desc + " " + CLIENT_REF["description"])
def id_(desc):
    return {"type": "integer", "minimum": 1, "description": desc}
def agent(desc):
    return {"type": ["integer", "string"], "minimum": 1, "minLength": 1, "maxLength": 255,
            "description": desc + " The agent's id or name, e.g. \"Sarah Jones\"; an ambiguous name returns the "
                           "candidates (search_agents lists agents)."}
def s(desc, **kw):
    return dict({"type": "string", "description": desc}, **kw)
def b(desc):
    return {"type": "boolean", "description": desc}

DRY_RUN = b("true: return exactly what would be sent to HaloPSA (and for updates a field-by-field before/after "
            "diff) without writing anything.")
FIELDS = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 64}, "maxItems": 40, "uniqueItems": True,
          "description": "More fields to include in each returned record, by HaloPSA field name (e.g. \"notes\", "
                         "\"tax_number\", \"customfields\"). The default is a compact curated set."}
PAGE = {"type": "integer", "minimum": 1, "default": 1, "description": "Page number, from 1."}
PAGE_SIZE = {"type": "integer", "minimum": 1, "maximum": 100, "default": 25,
             "description": "Records per page (at most 100, HaloPSA's cap)."}
STATUS = {"type": "string", "enum": ["active", "inactive", "all"], "default": "active",
          "description": "Which records: active only (default), inactive only, or all."}
STALE = s("Optional stale-write guard: the record's last-change stamp as you read it (alastupdate for clients, "
          "slastupdate for sites, ulastupdate for contacts). If the record changed since, nothing is written and "
          "the error shows its current values.", minLength=10, maxLength=40)
CUSTOM = {"type": "object", "minProperties": 1, "maxProperties": 50,
          "additionalProperties": {"type": ["string", "number", "integer", "boolean", "null"]},
          "description": "Custom field values keyed by the field's name, label or numeric id, e.g. "
                         "{\"CFContractTier\": \"Gold\"}. Sent as HaloPSA customfields [{id, value}]; an unknown "
                         "name is rejected with the nearest real ones."}
def extra(schema):
    return {"type": "object", "minProperties": 1, "maxProperties": 50,
            "description": "Any other HaloPSA field by its Halo name (OpenAPI schema " + schema + "), for fields "
                           "without a dedicated argument. Unknown names are rejected with the nearest real one."}
CONFIRM = b("Only for clients without elicitation support: true once the user has explicitly agreed to this "
            "permanent deletion. Clients that support elicitation are asked directly instead.")
ALLOW_DUP = b("true: create even though a record with the same normalised name (clients) or e-mail (contacts) "
              "already exists. Default false: the existing record is returned with a warning instead.")
COLOUR = s("Colour used for the client in HaloPSA, as #RRGGBB " + hf("client", "colour") + ".", pattern="^#[0-9A-Fa-f]{6}$")
ADDRESS_PROPS = {k: s(d, maxLength=255) for k, d in [
    ("line1", "Street address (line 1)."), ("line2", "Street address (line 2), e.g. district."),
    ("line3", "Town or city, by HaloPSA convention."), ("line4", "County, state or region, by convention.")]}
ADDRESS_PROPS["postcode"] = s("Postal / ZIP code.", maxLength=32)
ADD_POPUP = s("A pop-up note HaloPSA shows agents when they open this record or log a ticket for it, e.g. \"Call "
              "accounts before any chargeable work\". Added to the existing notes (Halo field popup_notes; an extra "
              "request, read back).", minLength=1, maxLength=4000)
CREDIT_STOP = b("true: put on credit stop (account stopped); false: lift it. Halo field stopped, an integer: "
                "true sends 1, false 0; any non-zero value read back counts as stopped.")
def address(desc):
    return {"type": "object", "properties": ADDRESS_PROPS, "additionalProperties": False, "minProperties": 1,
            "description": desc}

CLIENT_FIELDS = {
    "name": s("Client (company) name, up to 255 characters; surrounding spaces are trimmed.", minLength=1, maxLength=255),
    "trading_name": s("Trading name, if different from the legal name.", maxLength=255),
    "ref": s("Short reference code for the client " + hf("client", "ref") + ", e.g. ACME01.", maxLength=64),
    "website": s("Website URL, e.g. https://www.acme.com.", format="uri", maxLength=255),
    "colour": COLOUR,
    "notes": s("Free-text notes about the client.", maxLength=20000),
    "is_vip": b("Mark the client as VIP."),
    "tax_number": s("Tax / VAT number " + hf("client", "tax_number") + ".", maxLength=64),
    "payment_terms": {"type": "integer", "minimum": 0, "maximum": 3650,
                      "description": "Payment terms " + hf("client", "payment_terms") + "."},
    "accounts_email": s("Billing e-mail address " + hf("client", "accounts_email") + ".", format="email", maxLength=255),
    "account_manager_id": agent("Account manager " + hf("client", "account_manager_id") + "."),
    "primary_technician_id": agent("Primary technician " + hf("client", "primary_technician_id") + "."),
    "secondary_technician_id": agent("Secondary technician " + hf("client", "secondary_technician_id") + "."),
    "client_type": {"type": ["integer", "string"], "minimum": 1, "minLength": 1, "maxLength": 100,
                    "description": "Client type by name (e.g. Customer, Prospect, Lead, Partner, Vendor: whatever "
                                   "list_client_types shows) or lookup id " + hf("client", "client_type") + "."},
    "toplevel": {"type": ["integer", "string"], "minimum": 1, "minLength": 1, "maxLength": 255,
                 "description": "TopLevel grouping by name or id " + hf("client", "toplevel") + ". A grouping, not a "
                                "parent client; see list_toplevels."},
    "billing_parent": ref("The client that invoices this one " + hf("client", "billing_parent") + "."),
    "credit_stop": CREDIT_STOP,
    "custom_fields": CUSTOM,
    "extra": extra("Area"),
}
SITE_FIELDS = {
    "name": s("Site name, e.g. \"Denver Office\"; up to 255 characters.", minLength=1, maxLength=255),
    "address": address("The site's street address, sent as HaloPSA delivery_address. On update, only the lines "
                        "given change; the others are kept."),
    "invoice_address": address("Invoice address if different (HaloPSA invoice_address); on update, only the lines "
                                "given change."),
    "invoice_address_is_delivery": b("true: invoices go to the street address (address) and invoice_address is not "
                                     "used " + hf("site", "invoice_address_is_delivery") + "."),
    "phonenumber": s("Main phone number of the site.", maxLength=64),
    "email_domain": s("E-mail domain of people at this site, e.g. acme.com " + hf("site", "email_domain") + ".",
                      maxLength=255, pattern="^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$"),
    "timezone": s("Windows time zone name, e.g. \"GMT Standard Time\", \"Mountain Standard Time\".", maxLength=100),
    "country_code": s("ISO 3166-1 alpha-2 country code, e.g. GB, US.", pattern="^[A-Za-z]{2}$"),
    "notes": s("Free-text notes about the site.", maxLength=20000),
    "is_invoice_site": b("This site receives the client's invoices " + hf("site", "is_invoice_site") + "."),
    "main_contact_id": id_("Contact id of the site's main contact " + hf("site", "main_contact_id") + "."),
    "credit_stop": CREDIT_STOP,
    "make_main_site": b("true: also make this the client's main site (sets the client's main_site_id). Default: "
                        "true when the client has no main site yet, else false."),
    "custom_fields": CUSTOM,
    "extra": extra("Site"),
}
CONTACT_FIELDS = {
    "name": s("Full display name. Optional when first_name/surname are given (Halo builds it).", minLength=1, maxLength=255),
    "first_name": s("First name " + hf("contact", "first_name") + ".", minLength=1, maxLength=255),
    "surname": s("Surname / last name.", minLength=1, maxLength=255),
    "job_title": s("Job title, e.g. \"Office Manager\" " + hf("contact", "job_title") + ".", maxLength=255),
    "email": s("E-mail address " + hf("contact", "email") + ".", format="email", maxLength=255),
    "secondary_email": s("Second e-mail address " + hf("contact", "secondary_email") + ".", format="email", maxLength=255),
    "phonenumber": s("Phone number.", maxLength=64),
    "mobilenumber": s("Mobile number.", maxLength=64),
    "is_important": b("Flag as an important contact " + hf("contact", "is_important") + "."),
    "notes": s("Free-text notes about the contact.", maxLength=20000),
    "make_site_main_contact": b("true: also make this contact the main contact of their site (sets the site's "
                                "maincontact_id)."),
    "custom_fields": CUSTOM,
    "extra": extra("Users"),
}

def obj(props, required=(), **kw):
    o = {"$schema": DIALECT, "type": "object", "properties": props, "additionalProperties": False}
    if required:
        o["required"] = list(required)
    o.update(kw)
    return o

def record(kind, halo_schema):
    return {"type": "object", "description": "A HaloPSA " + kind + " with Halo's field names (schema " + halo_schema + ")",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}, "required": ["id", "name"]}

REC = {"client": record("client", "Area"), "site": record("site", "Site"), "contact": record("contact", "Users")}

def list_out(kind):
    return {"$schema": DIALECT, "type": "object", "properties": {
        "items": {"type": "array", "items": REC[kind]},
        "total": {"type": "integer", "minimum": 0, "description": "Matching records in all pages"},
        "page": {"type": "integer", "minimum": 1}, "page_size": {"type": "integer", "minimum": 1},
        "has_more": {"type": "boolean", "description": "true: call again with page + 1 for more"},
        "note": {"type": "string", "description": "How client-side filters were applied"}},
        "required": ["items", "total", "page", "page_size", "has_more"]}

REQUEST = {"type": "object", "description": "An HTTP request to the HaloPSA API",
           "properties": {"method": {"type": "string"}, "path": {"type": "string"}, "body": {}},
           "required": ["method", "path"]}

REQUIRED_CF = {"type": "array", "description": "The custom fields this tenant makes mandatory on a new record, and "
               "whether the call gave them", "items": {"type": "object", "properties": {
                   "id": {"type": "integer"}, "name": {"type": "string"}, "label": {"type": "string"},
                   "type": {"type": "string"}, "given": {"type": "boolean"}},
                   "required": ["id", "name", "label", "type", "given"]}}

def write_out(kind, create=False):
    rec = dict(REC[kind]); rec["type"] = ["object", "null"]
    out = {"$schema": DIALECT, "type": "object", "properties": {
        "record": rec,
        "dry_run": {"type": "boolean"},
        "written": {"type": "boolean", "description": "Whether anything was written"},
        "request": dict(REQUEST, description="The exact request sent (or, on a dry run, that would be sent)"),
        "additional_requests": {"type": "array", "items": REQUEST},
        "diff": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "before": {}, "after": {}}, "required": ["field", "before", "after"]}},
        "not_applied": NOT_APPLIED,
        "warning": {"type": "string"}},
        "required": ["record", "dry_run", "written", "request"]}
    if create:
        out["properties"]["required_custom_fields"] = REQUIRED_CF
    return out

# What HaloPSA saved differently from what was sent, read back after the write.
NOT_APPLIED = {"type": "array", "description": "Fields HaloPSA saved with another value than the one sent (read back "
               "after the write); empty or absent when every value took",
               "items": {"type": "object", "properties": {"field": {"type": "string"}, "sent": {}, "saved": {}},
                         "required": ["field", "sent", "saved"]}}

def delete_out(kind):
    return {"$schema": DIALECT, "type": "object", "properties": {
        "deleted": {"type": "boolean"}, "dry_run": {"type": "boolean"}, "record": REC[kind],
        "request": REQUEST}, "required": ["deleted", "dry_run", "record", "request"]}

REF_SUMMARY = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
               "required": ["id", "name"]}

CREDIT_STOP_OUT = {"type": "boolean", "description": "On credit stop: Halo's stopped is non-zero"}
COUNT = {"type": ["integer", "null"], "minimum": 0, "description": "null: HaloPSA did not report it"}
def part(props, desc):
    """One part of the card: permitted false (HaloPSA answered 403) carries a note instead of data; error when the
    read failed otherwise."""
    return {"type": "object", "description": desc + ". permitted: false means not permitted (403), not empty.",
            "properties": dict(props, permitted={"type": "boolean"}, note={"type": "string"}, error={"type": "string"}),
            "required": ["permitted"]}
POPUPS = part({"items": {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "integer"}, "note": {"type": "string"}, "displaymodal": {"type": "boolean"},
    "startdate": {"type": "string"}, "enddate": {"type": "string"}}, "required": ["id", "note"]}}},
    "Pop-up notes HaloPSA shows agents on this record (GET PopupNote)")

def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}

tools = {}
tools["search_clients"] = (obj({
    "search": s("Text HaloPSA looks for in clients: the name, and on many tenants other fields too (reference, "
                "trading name...), so a hit is not always a name match.", minLength=1, maxLength=100),
    "status": STATUS,
    "toplevel": CLIENT_FIELDS["toplevel"],
    "billing_parent": ref("Only clients invoiced by this client (client_to_invoice; filtered client-side)."),
    "client_type": dict(CLIENT_FIELDS["client_type"], description="Only clients of this type, by name or id "
                        "(filtered client-side)."),
    "page": PAGE, "page_size": PAGE_SIZE, "fields": FIELDS}), list_out("client"))
tools["get_client"] = (obj({
    "client": CLIENT_REF,
    "related_limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20,
                      "description": "At most this many sites and contacts listed (counts are always complete)."},
    "fields": FIELDS}, ["client"]), {"$schema": DIALECT, "type": "object", "properties": {
        "client": REC["client"],
        "sites": {"type": "object", "properties": {"items": {"type": "array", "items": REC["site"]},
                  "total": {"type": "integer"}}, "required": ["items", "total"]},
        "contacts": {"type": "object", "properties": {"items": {"type": "array", "items": REC["contact"]},
                     "total": {"type": "integer"}}, "required": ["items", "total"]},
        "billing_parent": REF_SUMMARY,
        "billed_clients": {"type": "array", "items": REF_SUMMARY},
        "billed_clients_complete": {"type": "boolean"},
        "toplevel": REF_SUMMARY,
        "credit_stop": CREDIT_STOP_OUT,
        "popup_notes": POPUPS},
        "required": ["client", "sites", "contacts", "billing_parent", "billed_clients", "billed_clients_complete", "toplevel",
                     "credit_stop", "popup_notes"]})
tools["client_card"] = (obj({"client": CLIENT_REF}, ["client"]), {"$schema": DIALECT, "type": "object", "properties": {
    "client": REC["client"],
    "credit_stop": CREDIT_STOP_OUT,
    "popup_notes": POPUPS,
    "tickets": part({"open": COUNT, "on_hold": COUNT}, "Ticket counts from HaloPSA's client list (showcounts)"),
    "contracts": part({"items": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "ref": {"type": ["string", "null"]}, "start_date": {"type": ["string", "null"]},
        "end_date": {"type": ["string", "null"]}, "status": {"type": ["string", "null"]}}, "required": ["id", "ref", "end_date"]}},
        "count": {"type": "integer", "minimum": 0}}, "Active contracts (ClientContract)"),
    "main_site": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                  "required": ["id", "name"], "description": "null: no main site set"},
    "main_contact": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                     "required": ["id", "name"], "description": "The main site's main contact; null: none set"},
    "main_site_note": {"type": "string", "description": "Why the main site and contact could not be read"},
    "requests": {"type": "integer", "minimum": 1, "description": "HaloPSA requests this card cost"}},
    "required": ["client", "credit_stop", "popup_notes", "tickets", "contracts", "main_site", "main_contact", "requests"]})
tools["create_client"] = (obj(dict(CLIENT_FIELDS, allow_duplicate=ALLOW_DUP, dry_run=DRY_RUN, fields=FIELDS), ["name"]),
                          write_out("client", create=True))
upd = dict(CLIENT_FIELDS)
upd["billing_parent"] = dict(ref("The client that invoices this one (client_to_invoice); null to remove."),
                             type=["integer", "string", "null"])
upd["main_site_id"] = id_("Make this site (one of the client's) its main site " + hf("client", "main_site_id") + ".")
upd["add_popup_note"] = ADD_POPUP
tools["update_client"] = (obj(dict({"client": CLIENT_REF}, **upd, if_unchanged_since=STALE, dry_run=DRY_RUN, fields=FIELDS),
                              ["client"], minProperties=2), write_out("client"))
tools["set_client_active"] = (obj({"client": CLIENT_REF,
    "active": b("false: deactivate the client (hidden from active lists, history kept); true: reactivate it."),
    "if_unchanged_since": STALE, "dry_run": DRY_RUN, "fields": FIELDS}, ["client", "active"]), write_out("client"))
tools["get_client_hierarchy"] = (obj({"client": CLIENT_REF}, ["client"]), {"$schema": DIALECT, "type": "object", "properties": {
    "client": REF_SUMMARY, "billing_parent": REF_SUMMARY,
    "billing_chain": {"type": "array", "items": REF_SUMMARY, "description": "Parent, its parent, … upwards"},
    "billed_clients": {"type": "array", "items": REF_SUMMARY}, "billed_clients_complete": {"type": "boolean"},
    "toplevel": REF_SUMMARY}, "required": ["client", "billing_parent", "billing_chain", "billed_clients",
                                           "billed_clients_complete", "toplevel"]})
tools["list_toplevels"] = (obj({"search": s("Text to find in TopLevel names.", minLength=1, maxLength=100)}),
    {"$schema": DIALECT, "type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"},
                  "name": {"type": "string"}, "notes": {"type": ["string", "null"]}}, "required": ["id", "name"]}},
        "total": {"type": "integer"}}, "required": ["items", "total"]})
tools["list_client_types"] = (obj({}), {"$schema": DIALECT, "type": "object", "properties": {
    "items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"},
              "name": {"type": "string"}}, "required": ["id", "name"]}},
    "source": {"type": "string", "description": "Where the types came from"}}, "required": ["items", "source"]})

tools["search_agents"] = (obj({
    "search": s("Text to find in agent names or e-mail addresses, case-insensitive.", minLength=1, maxLength=100),
    "include_inactive": b("true: also list disabled agents (default false).")}),
    {"$schema": DIALECT, "type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
            "inactive": {"type": "boolean"}, "api_only": {"type": "boolean", "description": "An API-only login"}},
            "required": ["id", "name", "email", "inactive", "api_only"]}},
        "total": {"type": "integer"}}, "required": ["items", "total"]})

tools["search_sites"] = (obj({
    "client": ref("Only this client's sites."),
    "search": s("Text to find in site names (HaloPSA search).", minLength=1, maxLength=100),
    "city": s("Only sites whose address (any line or postcode) contains this text, case-insensitive. Filtered "
              "client-side over at most 1000 sites.", minLength=1, maxLength=100),
    "without_main_contact": b("true: only sites that have no main contact (filtered client-side over at most 1000 sites)."),
    "status": STATUS, "page": PAGE, "page_size": PAGE_SIZE, "fields": FIELDS}), list_out("site"))
tools["create_site"] = (obj(dict({"client": ref("The client the site belongs to.")}, **SITE_FIELDS, dry_run=DRY_RUN, fields=FIELDS),
                            ["client", "name"]), write_out("site", create=True))
tools["update_site"] = (obj(dict({"site_id": id_("The site to change.")}, **SITE_FIELDS,
    inactive=b("true: deactivate the site; false: reactivate it."), add_popup_note=ADD_POPUP, if_unchanged_since=STALE, dry_run=DRY_RUN,
    fields=FIELDS), ["site_id"], minProperties=2), write_out("site"))
tools["delete_site"] = (obj({"site_id": id_("The site to delete."), "confirm": CONFIRM, "dry_run": DRY_RUN},
                            ["site_id"]), delete_out("site"))

tools["search_contacts"] = (obj({
    "client": ref("Only this client's contacts."),
    "site_id": id_("Only contacts on this site."),
    "search": s("Text to find in contact names or e-mail addresses (HaloPSA search).", minLength=1, maxLength=100),
    "email": s("Only contacts with exactly this e-mail address (case-insensitive).", format="email", maxLength=255),
    "status": STATUS, "page": PAGE, "page_size": PAGE_SIZE, "fields": FIELDS}), list_out("contact"))
tools["get_contact"] = (obj({"contact_id": id_("The contact's id."), "fields": FIELDS}, ["contact_id"]),
                        {"$schema": DIALECT, "type": "object", "properties": {"contact": REC["contact"],
                         "popup_notes": {"type": "array", "items": {"type": "string"},
                                         "description": "The contact's pop-up notes (asked for with includepopups)"}},
                         "required": ["contact", "popup_notes"]})
tools["create_contact"] = (obj(dict({
    "client": ref("The contact's client; the contact goes on its main site unless site_id is given."),
    "site_id": id_("The site the contact belongs to (defaults to the client's main site).")},
    **CONTACT_FIELDS, allow_duplicate=ALLOW_DUP, dry_run=DRY_RUN, fields=FIELDS),
    anyOf=[{"required": ["client"]}, {"required": ["site_id"]}]), write_out("contact", create=True))
tools["create_contact"][0]["allOf"] = [{"anyOf": [{"required": ["name"]}, {"required": ["first_name"]}, {"required": ["surname"]}]}]
tools["update_contact"] = (obj(dict({"contact_id": id_("The contact to change."),
    "site_id": id_("Move the contact to this site.")}, **CONTACT_FIELDS,
    inactive=b("true: deactivate the contact; false: reactivate."), add_popup_note=ADD_POPUP,
    if_unchanged_since=STALE, dry_run=DRY_RUN,
    fields=FIELDS), ["contact_id"], minProperties=2), write_out("contact"))
tools["delete_contact"] = (obj({"contact_id": id_("The contact to delete."), "confirm": CONFIRM, "dry_run": DRY_RUN},
                               ["contact_id"]), delete_out("contact"))
tools["delete_client"] = (obj({"client": CLIENT_REF, "confirm": CONFIRM, "dry_run": DRY_RUN}, ["client"]),
                          delete_out("client"))

for name, (inp, out) in tools.items():
    for suffix, schema in (("input", inp), ("output", out)):
        with open(os.path.join(HERE, f"{name}.{suffix}.json"), "w") as f:
            json.dump(schema, f, indent=1, ensure_ascii=False)
            f.write("\n")
print(f"wrote {2 * len(tools)} files")
