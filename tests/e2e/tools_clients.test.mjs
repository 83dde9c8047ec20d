// Client tools end to end: the official SDK client → halopsa-mcp → a standalone sandbox tenant.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup, textOf } from "./tools_helpers.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.mark(); });

test("search_clients finds by text and pages with Halo's pageinate/page_no/page_size", async () => {
  const r = await t.ok("search_clients", { search: "acme" });
  assert.deepEqual(r.items.map((c) => c.id).sort(), [1, 2]);
  assert.equal(r.total, 2);
  assert.equal(r.has_more, false);
  const req = (await t.upstream()).find((q) => q.path === "/api/Client");
  assert.equal(req.query.pageinate, "true");
  assert.equal(req.query.page_no, "1");
  assert.equal(req.query.search, "acme");
  assert.equal(req.query.includeinactive, "false");

  const p1 = await t.ok("search_clients", { page_size: 10 });
  assert.equal(p1.items.length, 10);
  assert.equal(p1.total, 36);
  assert.equal(p1.has_more, true);
  const p4 = await t.ok("search_clients", { page_size: 10, page: 4 });
  assert.equal(p4.items.length, 6);
  assert.equal(p4.has_more, false);
  assert.ok(!p1.items.some((c) => p4.items.find((d) => d.id === c.id)), "pages do not overlap");
  // Compact records: curated fields only, more on request.
  assert.equal(p1.items[0].notes, undefined);
  const withNotes = await t.ok("search_clients", { search: "Kestrel", fields: ["notes"] });
  assert.match(withNotes.items[0].notes, /chamber of commerce/);
});

test("search_clients filters by status, TopLevel name, billing parent and client type", async () => {
  const inactive = await t.ok("search_clients", { status: "inactive" });
  assert.deepEqual(inactive.items.map((c) => c.id).sort((a, b) => a - b), [23, 24, 25, 26]);
  const all = await t.ok("search_clients", { status: "all", page_size: 100 });
  assert.equal(all.total, 40);
  const projects = await t.ok("search_clients", { toplevel: "Projects & Ad-hoc", page_size: 100 });
  assert.ok(projects.items.every((c) => c.toplevel_id === 2));
  assert.ok(projects.items.some((c) => c.id === 22));
  const billed = await t.ok("search_clients", { billing_parent: "Northwind Holdings Ltd" });
  assert.deepEqual(billed.items.map((c) => c.id).sort((a, b) => a - b), [11, 12]);
  assert.match(billed.note, /client-side/);
  const prospects = await t.ok("search_clients", { client_type: "prospect" });
  assert.deepEqual(prospects.items.map((c) => c.id).sort((a, b) => a - b), [2, 34]);
  const r = await t.call("search_clients", { client_type: "Prospect" });
  assert.match(textOf(r), /\| Id \| Name \|/, "lists are rendered as a Markdown table");
});

test("search_clients rejects bad arguments before any request", async () => {
  assert.match(await t.fails("search_clients", { page_size: 500 }), /page_size/);
  assert.match(await t.fails("search_clients", { serch: "acme" }), /did you mean "search"/);
  assert.match(await t.fails("search_clients", { status: "closed" }), /status/);
  assert.match(await t.fails("search_clients", { fields: ["emailaddress"] }), /fields: "emailaddress" is not a HaloPSA client field/);
  assert.match(await t.fails("search_clients", { client_type: "Reseller" }), /client_type: no client type named "Reseller".*list_client_types/s);
  assert.equal((await t.upstream()).filter((r) => r.path === "/api/Client" && r.query.search).length, 0);
});

test("get_client returns sites, contacts with counts and the billing hierarchy; names resolve", async () => {
  const r = await t.ok("get_client", { client: "acme corp" });
  assert.equal(r.client.id, 1);
  assert.equal(r.sites.total, 2);
  assert.deepEqual(r.sites.items.map((s) => s.id).sort(), [101, 102]);
  assert.ok(r.contacts.total >= 4);
  assert.equal(r.toplevel.name, "Managed Services");
  assert.equal(r.billing_parent, null);
  const capped = await t.ok("get_client", { client: 1, related_limit: 1 });
  assert.equal(capped.contacts.items.length, 1);
  assert.equal(capped.contacts.total, r.contacts.total);
  const group = await t.ok("get_client", { client: "Harbour Health Group" });
  assert.deepEqual(group.billed_clients.map((c) => c.id).sort(), [8, 9]);
  const child = await t.ok("get_client", { client: 8 });
  assert.deepEqual(child.billing_parent, { id: 7, name: "Harbour Health Group" });
});

test("an ambiguous or unknown client name returns candidates instead of guessing", async () => {
  const text = await t.fails("get_client", { client: "Acme" });
  assert.match(text, /matches 2 clients/);
  assert.match(text, /1: Acme Corp/);
  assert.match(text, /2: ACME Corporation/);
  const none = await t.fails("get_client", { client: "Brightwater Logisticz" });
  assert.match(none, /no client named "Brightwater Logisticz"/);
  assert.match(none, /Did you mean "Brightwater Logistics"/);
  assert.match(await t.fails("get_client", { client: 999 }), /not found/i);
  assert.match(await t.fails("get_client", { client: 0 }), /client/);
});

test("create_client sends one array body with Halo's field names", async () => {
  const r = await t.ok("create_client", {
    name: "  Denver Dynamics  ", website: "https://denverdyn.com", account_manager_id: 2, client_type: "Prospect",
    toplevel: "Managed Services", billing_parent: "Northwind Holdings Ltd", accounts_email: "ap@denverdyn.com",
    colour: "#112233", payment_terms: 30, custom_fields: { "Contract tier": "Gold" }, trading_name: "DD",
    extra: { excludefrominvoicesync: true },
  });
  assert.equal(r.written, true);
  assert.equal(r.record.name, "Denver Dynamics");
  assert.ok(r.record.id > 40);
  const [post] = await t.writes();
  assert.equal(post.method, "POST");
  assert.equal(post.path, "/api/Client");
  assert.deepEqual(post.body, [{
    name: "Denver Dynamics", website: "https://denverdyn.com", accountmanagertech: 2, customertype: 2, toplevel_id: 1,
    client_to_invoice: 10, accountsemailaddress: "ap@denverdyn.com", colour: "#112233", paymentterms: 30,
    customfields: [{ id: 101, value: "Gold" }], trading_name: "DD", excludefrominvoicesync: true,
  }]);
  assert.deepEqual(r.request, { method: "POST", path: "/api/Client", body: post.body });
  const back = await t.ok("get_client", { client: r.record.id });
  assert.equal(back.billing_parent.id, 10);
  assert.equal(back.client.customertype, 2);
});

test("extra is an allowlist: helpers, credentials, permissions, side records, actions and oversized text are refused", async () => {
  const refused = [
    ["update_client", { client: 2, extra: { _merge_client_into: 1 } }, /"_merge_client_into" cannot be written through extra \(write-only helper\)/],
    ["update_client", { client: 2, extra: { _dont_fire_automations: true } }, /write-only helper/],
    ["update_client", { client: 2, extra: { _apply_billingtemplate: true } }, /write-only helper/],
    ["update_client", { client: 2, extra: { allow_api_access: true } }, /"allow_api_access" cannot be written through extra \(credential\)/],
    ["update_client", { client: 2, extra: { api_access_clientsecret: "s3cr3t" } }, /\(credential\)/],
    ["update_client", { client: 2, extra: { allowall_tickettypes: true } }, /\(permission\)/],
    ["create_client", { name: "Side Effects Ltd", extra: { newclient_contactname: "Eve" } }, /"newclient_contactname" cannot be written through extra \(creates other records\)/],
    ["create_client", { name: "Side Effects Ltd", extra: { newclient_sendwelcomeemail: true } }, /\(starts an action\)/],
    ["update_client", { client: 2, extra: { popup_notes: [{ note: "x" }] } }, /"popup_notes" has its own argument.*use `add_popup_note`/],
    ["update_client", { client: 2, extra: { alastupdate: "2020-01-01T00:00:00Z" } }, /\(filled in by HaloPSA\)/],
    ["update_client", { client: 2, extra: { notes: "x".repeat(1_000_000) } }, /"notes" has its own argument.*use `notes`/],
    ["update_client", { client: 2, extra: { callhandlingnotes: "x".repeat(5000) } }, /extra.callhandlingnotes: at most 4000 bytes of text \(got 5000\)/],
    ["update_client", { client: 2, extra: { client_to_invoice: 2 } }, /use `billing_parent`/],
    ["update_site", { site_id: 101, extra: { newsite_contactname: "Eve" } }, /\(creates other records\)/],
    ["update_site", { site_id: 101, extra: { delivery_address: { line1: "x" } } }, /use `address`/],
    ["update_contact", { contact_id: 1001, extra: { new_password: "hunter2" } }, /"new_password" cannot be written through extra \(credential\)/],
    ["update_contact", { contact_id: 1001, extra: { login: "eve" } }, /\(credential\)/],
    ["update_contact", { contact_id: 1001, extra: { web_access_level: 2 } }, /\(permission\)/],
    ["update_contact", { contact_id: 1001, extra: { add_roles: [{ id: 1 }] } }, /\(permission\)/],
    ["update_contact", { contact_id: 1001, extra: { linked_agent_id: 1 } }, /\(permission\)/],
    ["update_contact", { contact_id: 1001, extra: { _anonymise: true } }, /write-only helper/],
    ["update_contact", { contact_id: 1001, extra: { _merge_user_into: 1002 } }, /write-only helper/],
    ["update_contact", { contact_id: 1001, extra: { _remove_licenses: true } }, /write-only helper/],
    ["update_contact", { contact_id: 1001, extra: { sendwelcomeemail: true } }, /\(starts an action\)/],
  ];
  for (const [tool, args, pattern] of refused) assert.match(await t.fails(tool, args), pattern, `${tool} ${Object.keys(args.extra)}`);
  // Custom-field ids are checked against HaloPSA's own definitions (FieldInfo), not passed through.
  assert.match(await t.fails("update_client", { client: 2, custom_fields: { "999": "x" } }),
               /custom_fields: client custom field id 999 does not exist on this tenant. Known client custom fields: 101 CFContractTier, 102 CFLegacyPSAId, 103 CFBillingCode/);
  assert.deepEqual(await t.writes(), [], "nothing was written");
  // A plain documented field still goes through.
  await t.ok("update_client", { client: 2, extra: { excludefrominvoicesync: true } });
  const [post] = await t.writes();
  assert.deepEqual(post.body, [{ id: 2, excludefrominvoicesync: true }]);
});

test("create_client validation names the field and what is expected", async () => {
  const cases = [
    [{ name: "   " }, /name: must not be empty/],
    [{ name: "x".repeat(256) }, /name/],
    [{}, /name/],
    [{ name: "A", website: "not a url" }, /website/],
    [{ name: "A", colour: "red" }, /colour/],
    [{ name: "A", accounts_email: "ap@@x" }, /accounts_email/],
    [{ name: "A", account_manager_id: 0 }, /account_manager_id/],
    [{ name: "A", custom_fields: { ContractTeir: "Gold" } }, /custom_fields: no client custom field named "ContractTeir".*Did you mean/s],
    [{ name: "A", extra: { trading_nam: "x" } }, /extra: "trading_nam" is not a HaloPSA client field. Did you mean "trading_name"/],
    [{ name: "A", extra: { excludefrominvoicesync: "yes" } }, /extra.excludefrominvoicesync: HaloPSA expects a boolean/],
    [{ name: "A", extra: { name: "B" } }, /extra: "name" has its own argument, which checks it: use `name`/],
    [{ name: "A", billing_parent: "Acme" }, /billing_parent: "Acme" matches 2 clients/],
    [{ name: "A", phonenumber: "1" }, /did you mean|unknown field/],
  ];
  for (const [args, pattern] of cases) assert.match(await t.fails("create_client", args), pattern, JSON.stringify(args));
  assert.equal((await t.writes()).length, 0, "nothing was written");
});

test("one-line fields refuse line breaks and control characters; notes keep their line breaks", async () => {
  assert.match(await t.fails("create_client", { name: "Evil\r\nX-Injected: 1" }),
               /name: must be one line of plain text, but it contains a line break \(U\+000D\)/);
  assert.match(await t.fails("update_client", { client: 1, trading_name: "Acme\nCorp" }), /trading_name: must be one line/);
  assert.match(await t.fails("create_site", { client: 1, name: "Yard\u2029Gate" }), /name: must be one line.*U\+2029/);
  assert.match(await t.fails("create_contact", { client: 1, first_name: "Ann", surname: "Lee\u202e", email: "ann@x.example" }),
               /surname: must be one line.*bidirectional/);
  assert.match(await t.fails("onboard_client", { name: "Denver\nDental" }), /name: must be one line/);
  assert.deepEqual(await t.writes(), [], "nothing was written");
  const r = await t.ok("create_client", { name: "Multiline Notes Ltd", notes: "First line\nSecond line" });
  const saved = (await t.ok("get_client", { client: r.record.id, fields: ["notes"] })).client;
  assert.equal(saved.notes, "First line\nSecond line");
});

test("invisible characters, no-break spaces and fullwidth letters do not beat the duplicate guard", async () => {
  for (const name of ["Acme\u200BCorp", "Acme\u00A0Corp", "\uFF21\uFF23\uFF2D\uFF25 Corp", "ACME\uFEFF Corporation"]) {
    const r = await t.ok("create_client", { name });
    assert.equal(r.written, false, `${JSON.stringify(name)} was created as a new client`);
    assert.ok([1, 2].includes(r.record.id), JSON.stringify(r.record));
  }
  assert.match(await t.fails("create_client", { name: "\u200B\u2060" }), /name: (has no letter or digit|must not be empty)/);
  // create_client's guard uses the normaliser of onboard_client and find_duplicates: abbreviations meet.
  const intl = await t.ok("create_client", { name: "Kestrel Intl Freight" });
  assert.equal(intl.written, true);
  const guarded = await t.ok("create_client", { name: "Kestrel International Freight Ltd" });
  assert.equal(guarded.written, false);
  assert.equal(guarded.record.id, intl.record.id);
});

test("billing loops, a site's main contact from another client and an ambiguous numeric reference are refused", async () => {
  // 11 is billed by 10: making 10 billed by 11 would close a loop.
  assert.match(await t.fails("update_client", { client: 10, billing_parent: 11 }),
               /billing_parent: client 11 is itself invoiced through this client \(11 -> 10\)/);
  const other = (await t.ok("get_client", { client: 2 })).contacts.items[0];
  assert.ok(other, "client 2 has a contact");
  assert.match(await t.fails("update_site", { site_id: 101, main_contact_id: other.id }),
               new RegExp(`main_contact_id: contact ${other.id} .* belongs to .*not to this site's client 1`));
  assert.deepEqual(await t.writes(), [], "nothing was written");
  const twelve = await t.ok("create_client", { name: "12" });
  assert.match(await t.fails("update_client", { client: "12", notes: "x" }),
               new RegExp(`"12" is both the id of a client and the name of client ${twelve.record.id}`));
  await t.ok("update_client", { client: 12, notes: "by id" });
  await t.ok("update_client", { client: twelve.record.id, notes: "by the id of the client named 12" });
});

test("create_client duplicate guard returns the existing client unless allow_duplicate", async () => {
  const r = await t.ok("create_client", { name: "ACME Corp." });
  assert.equal(r.written, false);
  assert.ok([1, 2].includes(r.record.id));
  assert.match(r.warning, /same name already exists.*allow_duplicate/s);
  const carter = await t.ok("create_client", { name: "the carter group limited" });
  assert.ok([13, 14].includes(carter.record.id));
  assert.equal((await t.writes()).length, 0);
  const forced = await t.ok("create_client", { name: "ACME Corp.", allow_duplicate: true });
  assert.equal(forced.written, true);
  assert.ok(forced.record.id > 40);
  assert.equal((await t.writes()).length, 1);
});

test("create_client duplicate guard finds the existing client beyond the first 100 that share its first word", async () => {
  // 150 clients named "Zenith A…" sort before "Zenith Zone Ltd": the duplicate is on the search's second page.
  const token = await (await fetch(t.sandbox.url + "/auth/token", {
    method: "POST",
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: "halopsa-sandbox", client_secret: "sandbox-secret", scope: "all", tenant: "sandbox" }),
  })).json();
  const post = (body) => fetch(t.sandbox.url + "/api/Client", {
    method: "POST",
    headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal((await post(Array.from({ length: 150 }, (_, i) => ({ name: `Zenith A${String(i).padStart(3, "0")}` })))).status, 201);  // Halo answers a POST with 201
  const original = await (await post([{ name: "Zenith Zone Ltd" }])).json();
  await t.mark();
  const r = await t.ok("create_client", { name: "ZENITH ZONE LIMITED" });
  assert.equal(r.written, false);
  assert.equal(r.record.name, "Zenith Zone Ltd");
  assert.equal(r.record.id, (Array.isArray(original) ? original[0] : original).id);
  assert.equal((await t.writes()).length, 0);
  const pages = (await t.upstream()).filter((q) => q.path === "/api/Client" && q.query.search === "zenith");
  assert.ok(pages.length >= 2, "the search walked past its first page");
});

test("create_client dry run returns the exact request and writes nothing", async () => {
  const r = await t.ok("create_client", { name: "Preview Ltd", is_vip: true, dry_run: true });
  assert.equal(r.dry_run, true);
  assert.equal(r.written, false);
  assert.equal(r.record, null);
  assert.deepEqual(r.request, { method: "POST", path: "/api/Client", body: [{ name: "Preview Ltd", is_vip: true }] });
  assert.equal((await t.writes()).length, 0);
  assert.equal((await t.ok("search_clients", { search: "Preview" })).total, 0);
});

test("update_client sends only the changed fields and returns a before/after diff", async () => {
  const r = await t.ok("update_client", { client: "Brightwater Logistics", website: "https://bwl.example", notes: "Moved" });
  assert.equal(r.written, true);
  const [post] = await t.writes();
  assert.deepEqual(post.body, [{ website: "https://bwl.example", notes: "Moved", id: 5 }]);
  assert.deepEqual(r.diff.find((d) => d.field === "website"), { field: "website", before: "https://brightwaterlogistics.com", after: "https://bwl.example" });
  assert.equal(r.record.website, "https://bwl.example");
  // Clearing the billing parent and custom fields by name.
  const c = await t.ok("update_client", { client: 8, billing_parent: null, custom_fields: { "contract tier": "Bronze" } });
  // "No billing parent" is sent as 0, Halo's stored value for none (a null may be ignored), and read back.
  assert.equal((await t.writes()).at(-1).body[0].client_to_invoice, 0);
  assert.equal(c.record.client_to_invoice, 0);
  assert.equal(c.not_applied, undefined);
  assert.equal((await t.ok("get_client", { client: 8 })).billing_parent, null);
  assert.ok(c.diff.some((d) => d.field === "customfields[101]" && d.before === null && d.after === "Bronze"));
  const tier = await t.ok("update_client", { client: 3, custom_fields: { "101": "Gold" } });
  assert.deepEqual(tier.diff, [{ field: "customfields[CFContractTier]", before: "Silver", after: "Gold" }]);
  assert.deepEqual((await t.writes()).at(-1).body, [{ id: 3, customfields: [{ id: 101, value: "Gold" }] }]);
});

test("update_client dry run shows the diff without writing; no-op and self-billing are refused", async () => {
  const r = await t.ok("update_client", { client: 3, tax_number: "GB1", dry_run: true });
  assert.equal(r.written, false);
  assert.deepEqual(r.diff, [{ field: "tax_number", before: null, after: "GB1" }]);
  assert.deepEqual(r.request, { method: "POST", path: "/api/Client", body: [{ tax_number: "GB1", id: 3 }] });
  const same = await t.ok("update_client", { client: 3, ref: "SUMD01" });
  assert.equal(same.written, false);
  assert.match(same.warning, /Nothing to change/);
  assert.match(await t.fails("update_client", { client: 7, billing_parent: 7 }), /own billing parent/);
  assert.match(await t.fails("update_client", { client: 7 }), /minimum|at least/i);
  assert.match(await t.fails("update_client", { client: 999, notes: "x" }), /not found/i);
  assert.equal((await t.writes()).length, 0);
});

test("update_client stale-write protection: nothing is written when the record changed since", async () => {
  const { client } = await t.ok("get_client", { client: 4 });
  const stamp = client.alastupdate;
  await t.ok("update_client", { client: 4, notes: "changed by someone else" });
  await t.mark();
  const text = await t.fails("update_client", { client: 4, notes: "mine", if_unchanged_since: stamp });
  assert.match(text, /Not written: client 4 "Summit Legal LLP" changed at/);
  assert.match(text, /notes: "changed by someone else" → "mine"/);
  assert.equal((await t.writes()).length, 0);
  const fresh = (await t.ok("get_client", { client: 4 })).client.alastupdate;
  const ok = await t.ok("update_client", { client: 4, notes: "mine", if_unchanged_since: fresh });
  assert.equal(ok.written, true);
});

test("set_client_active deactivates and reactivates reversibly", async () => {
  const off = await t.ok("set_client_active", { client: "Bluebell Florists", active: false });
  assert.equal(off.written, true);
  assert.equal(off.record.inactive, true);
  const [post] = await t.writes();
  assert.deepEqual(post.body, [{ inactive: true, id: 21 }]);
  assert.ok((await t.ok("search_clients", { status: "inactive" })).items.some((c) => c.id === 21));
  const on = await t.ok("set_client_active", { client: 21, active: true });
  assert.equal(on.record.inactive, false);
  await t.mark();
  const dry = await t.ok("set_client_active", { client: 21, active: false, dry_run: true });
  assert.equal(dry.written, false);
  assert.deepEqual(dry.diff, [{ field: "inactive", before: false, after: true }]);
  // A dry run sends nothing that writes, whatever it reports.
  assert.deepEqual(await t.writes(), []);
  assert.equal((await t.ok("get_client", { client: 21 })).client.inactive, false);
});

test("delete_client refuses a client with sites or contacts and points to set_client_active", async () => {
  const text = await t.fails("delete_client", { client: 1, confirm: true });
  assert.match(text, /still has 2 site\(s\) and \d+ contact\(s\)/);
  assert.match(text, /set_client_active/);
  assert.equal((await t.writes()).length, 0);
});

test("delete_client without elicitation needs confirm: true; dry run sends nothing", async () => {
  const text = await t.fails("delete_client", { client: "Kestrel Ventures" });
  assert.match(text, /confirm: true/);
  const dry = await t.ok("delete_client", { client: 22, dry_run: true });
  assert.deepEqual(dry.request, { method: "DELETE", path: "/api/Client/22" });
  assert.equal(dry.deleted, false);
  assert.equal((await t.writes()).length, 0);
  const r = await t.ok("delete_client", { client: 22, confirm: true });
  assert.equal(r.deleted, true);
  const writes = await t.writes();
  assert.deepEqual(writes.map((w) => [w.method, w.path]), [["DELETE", "/api/Client/22"]]);
  assert.match(await t.fails("get_client", { client: 22 }), /not found/i);
});

test("get_client_hierarchy, list_toplevels and list_client_types", async () => {
  const h = await t.ok("get_client_hierarchy", { client: "Harbour Dental - Kingsway" });
  assert.deepEqual(h.billing_parent, { id: 7, name: "Harbour Health Group" });
  assert.deepEqual(h.billing_chain.map((c) => c.id), [7]);
  assert.equal(h.toplevel.name, "Managed Services");
  const g = await t.ok("get_client_hierarchy", { client: 10 });
  assert.deepEqual(g.billed_clients.map((c) => c.id).sort(), [11, 12]);
  assert.equal(g.billed_clients_complete, true);
  const tl = await t.ok("list_toplevels");
  assert.deepEqual(tl.items.map((x) => x.name).sort(), ["Managed Services", "Projects & Ad-hoc"]);
  const types = await t.ok("list_client_types");
  assert.deepEqual(types.items.map((x) => x.name), ["Customer", "Prospect", "Lead", "Partner", "Vendor", "Supplier"]);
  // The client-type table is found by name in the table of lookup types (11); its id is the sandbox's
  // client_type_lookup_id switch (57 strict, 33 kind), never assumed.
  const table = String((await t.sandbox.quirks()).client_type_lookup_id);
  assert.match(types.source, new RegExp(`lookup ${table}\\b`));
  const lookups = (await t.upstream()).filter((r) => r.path === "/api/Lookup").map((r) => r.query.lookupid);
  assert.ok(lookups.includes(table), JSON.stringify(lookups));
  assert.deepEqual(lookups.filter((id) => id !== table && id !== "11"), []);
});
