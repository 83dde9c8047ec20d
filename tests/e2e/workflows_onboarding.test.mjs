// onboard_client and onboard_contact end to end: SDK client → halopsa-mcp → a standalone sandbox with fault injection.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup, textOf } from "./tools_helpers.mjs";
import { callWithProgress } from "./harness.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.sandbox.clearFaults(); await t.mark(); });

const input = {
  name: "Meadowlark Consulting Ltd",
  client_type: "Customer",
  account_manager_id: 2,
  billing_parent: 7,
  website: "https://meadowlark.example.co.uk",
  site: { name: "Head Office", address: { line1: "1 Lark Lane", line3: "Leeds", postcode: "LS1 4AB" }, phonenumber: "0113 496 0000", country_code: "gb" },
  contact: { first_name: "Mia", surname: "Lark", email: "mia.lark@meadowlark.example.co.uk", job_title: "Director" },
};

const byStep = (r) => Object.fromEntries(r.steps.map((s) => [s.step, s]));
const clientsNamed = async (name) => (await t.ok("search_clients", { search: name, status: "all" })).items.filter((c) => c.name === name);

test("onboard_client dry run returns every request it would send and writes nothing", async () => {
  const r = await t.ok("onboard_client", { ...input, dry_run: true });
  assert.equal(r.dry_run, true);
  assert.equal(r.complete, false);
  const s = byStep(r);
  assert.deepEqual(Object.keys(s), ["client", "main site", "primary contact", "site main contact", "client main site"]);
  for (const step of r.steps) assert.equal(step.status, "planned");
  assert.equal(s.client.request.path, "/api/Client");
  assert.equal(s.client.request.body[0].name, "Meadowlark Consulting Ltd");
  assert.equal(s.client.request.body[0].customertype, 1);
  assert.equal(s.client.request.body[0].client_to_invoice, 7);
  assert.equal(s.client.request.body[0].accountmanagertech, 2);
  assert.equal(s["main site"].request.body[0].delivery_address.postcode, "LS1 4AB");
  assert.equal(s["main site"].request.body[0].country_code, "GB");
  assert.equal(s["primary contact"].request.body[0].emailaddress, "mia.lark@meadowlark.example.co.uk");
  assert.equal(s["primary contact"].request.body[0].ismaincontact, true);
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(await t.writes(), [], "a dry run sends no write");
});

test("onboard_client dry run reports an existing client of that name and an e-mail in use elsewhere", async () => {
  const r = await t.ok("onboard_client", { name: "ACME corp.", contact: { name: "Jane Doe", email: "JANE.DOE@acme.com" }, dry_run: true });
  const kinds = r.conflicts.map((c) => c.kind);
  assert.ok(kinds.includes("client_exists"), JSON.stringify(r.conflicts));
  assert.equal(byStep(r).client.status, "existing");
  assert.ok([1, 2].includes(byStep(r).client.id));
  // jane.doe@acme.com is on contacts at both Acme clients: the one not chosen is "elsewhere".
  assert.ok(kinds.includes("email_in_use_elsewhere"), JSON.stringify(r.conflicts));
  assert.equal(byStep(r)["primary contact"].status, "existing");
  assert.deepEqual(await t.writes(), []);
});

test("onboard_client creates client, main site, primary contact and main_site_id, with progress, then is idempotent", async () => {
  const { result: res, progress } = await callWithProgress(t.mcp, { name: "onboard_client", arguments: input });
  assert.ok(!res.isError, textOf(res));
  const r = res.structuredContent;
  assert.equal(r.complete, true);
  for (const step of r.steps) assert.equal(step.status, "created", JSON.stringify(step));
  assert.ok(progress.length >= 4, `progress per step, got ${progress.length}`);
  assert.ok(r.checklist.some((c) => /contract/i.test(c)));
  assert.ok(r.checklist.some((c) => /asset/i.test(c)));

  const client = await t.ok("get_client", { client: r.client_id });
  assert.equal(client.client.main_site_id, r.site_id);
  assert.equal(client.client.client_to_invoice, 7);
  assert.equal(client.contacts.items[0].id, r.contact_id);
  assert.equal(client.contacts.items[0].site_id, r.site_id);
  const site = client.sites.items.find((s) => s.id === r.site_id);
  assert.equal(site.maincontact_id, r.contact_id);

  await t.mark();
  const again = await t.ok("onboard_client", input);
  assert.equal(again.complete, true);
  for (const step of again.steps) assert.equal(step.status, "existing", JSON.stringify(step));
  assert.equal(again.client_id, r.client_id);
  assert.equal(again.contact_id, r.contact_id);
  assert.deepEqual(await t.writes(), [], "a repeated call writes nothing");
  assert.equal((await clientsNamed(input.name)).length, 1);
});

test("a failure half way is reported step by step and the next call resumes without duplicates", async () => {
  await t.sandbox.fault({ status: 400, count: 1, path_prefix: "/api/Users", method: "POST" });
  const res = await t.call("onboard_client", input);
  assert.ok(!res.isError, textOf(res));
  const r = res.structuredContent;
  assert.equal(r.complete, false);
  const s = byStep(r);
  assert.equal(s.client.status, "created");
  assert.equal(s["main site"].status, "created");
  assert.equal(s["primary contact"].status, "failed");
  assert.ok(s["primary contact"].error.length > 0);
  assert.equal(s["client main site"].status, "skipped");
  assert.match(textOf(res), /INCOMPLETE/);
  assert.match(textOf(res), /resume/);

  const resumed = await t.ok("onboard_client", input);
  const s2 = byStep(resumed);
  assert.equal(resumed.complete, true);
  assert.equal(s2.client.status, "existing");
  assert.equal(s2.client.id, s.client.id);
  assert.equal(s2["main site"].status, "existing");
  assert.equal(s2["main site"].id, s["main site"].id);
  assert.equal(s2["primary contact"].status, "created");
  // The sandbox (like Halo) may already have made the first site the main one: either way it ends up set.
  assert.ok(["created", "existing"].includes(s2["client main site"].status));
  assert.equal((await t.ok("get_client", { client: s.client.id })).client.main_site_id, s["main site"].id);
  assert.equal((await clientsNamed(input.name)).length, 1);
  const contacts = await t.ok("search_contacts", { email: input.contact.email, status: "all" });
  assert.equal(contacts.total, 1);
});

test("rollback: true deactivates what the failed run created, never deletes", async () => {
  await t.sandbox.fault({ status: 400, count: 1, path_prefix: "/api/Users", method: "POST" });
  const r = await t.ok("onboard_client", { ...input, rollback: true });
  assert.equal(r.complete, false);
  assert.equal(r.rolled_back, true);
  const s = byStep(r);
  assert.equal(s.client.status, "rolled_back");
  assert.equal(s["main site"].status, "rolled_back");
  const client = await t.ok("get_client", { client: s.client.id });
  assert.equal(client.client.inactive, true);
  assert.ok(!(await t.writes()).some((w) => w.method === "DELETE"));
});

test("a create whose response is lost is recovered, not repeated", async () => {
  await t.sandbox.fault({ drop_connections: true, apply_after_write: true, count: 1, path_prefix: "/api/Client", method: "POST" });
  const r = await t.ok("onboard_client", input);
  assert.equal(r.complete, true);
  assert.equal((await clientsNamed(input.name)).length, 1);
});

test("onboard_contact returns the existing contact by e-mail and reports matches at other clients", async () => {
  const r = await t.ok("onboard_contact", { client: 1, email: "Jane.Doe@acme.com", name: "Jane Doe" });
  assert.equal(r.status, "existing");
  assert.equal(r.contact.id, 1001);
  assert.ok(r.matches_elsewhere.some((m) => m.id === 1005));
  assert.deepEqual(await t.writes(), []);
});

test("onboard_contact creates on the client's main site, with the welcome e-mail when asked, once", async () => {
  const args = { client: "Summit Dental", first_name: "Nia", surname: "Owen", email: "nia.owen@summitdental.co.uk", send_welcome_email: true };
  const plan = await t.ok("onboard_contact", { ...args, dry_run: true });
  assert.equal(plan.status, "planned");
  assert.equal(plan.steps[0].request.body[0].sendwelcomeemail, true);
  assert.deepEqual(await t.writes(), []);
  const r = await t.ok("onboard_contact", args);
  assert.equal(r.status, "created");
  const client = await t.ok("get_client", { client: 3 });
  assert.equal(r.contact.site_id, client.client.main_site_id);
  const post = (await t.writes()).find((w) => w.path === "/api/Users");
  assert.equal(post.body[0].sendwelcomeemail, true);
  const again = await t.ok("onboard_contact", args);
  assert.equal(again.status, "existing");
  assert.equal(again.contact.id, r.contact.id);
});

test("onboard_contact refuses a site of another client, naming it", async () => {
  const text = await t.fails("onboard_contact", { client: 3, site_id: 101, name: "X Y" });
  assert.match(text, /site_id/);
});

// A tenant that makes a custom field mandatory on clients (CFBillingCode), sites (CFSiteCode) and contacts
// (CFEmployeeId): the sandbox's custom_fields "mandatory" setting. Its own server, because the definitions are read
// once per server and remembered.
describe("a tenant with mandatory custom fields on all three records", () => {
  let m;
  before(async () => { m = await setup(); });
  after(async () => { await m?.close(); });
  beforeEach(async () => {
    await m.reset();
    await m.sandbox.setQuirks({ custom_fields: "mandatory" });
    await m.mark();
  });
  const onboarding = {
    name: "Juniper Physio Ltd",
    site: { name: "Clinic", address: { line1: "4 Elm Row", postcode: "EH7 4AA" } },
    contact: { first_name: "Ola", surname: "Berg", email: "ola.berg@juniperphysio.example" },
  };

  test("the dry run names the missing mandatory fields of each record, and the run refuses before sending", async () => {
    const plan = await m.ok("onboard_client", { ...onboarding, dry_run: true });
    const s = byStep(plan);
    assert.match(s.client.missing_custom_fields, /^CFBillingCode \("Billing code"\), text$/);
    assert.match(s["main site"].missing_custom_fields, /^CFSiteCode \("Site code"\), text$/);
    assert.match(s["primary contact"].missing_custom_fields, /^CFEmployeeId \("Employee id"\), text$/);
    const text = textOf(await m.call("onboard_client", { ...onboarding, dry_run: true }));
    assert.match(text, /- client: planned would send POST \/api\/Client .* MISSING mandatory custom fields: CFBillingCode/);
    assert.match(text, /- main site: planned .* MISSING mandatory custom fields: CFSiteCode .*site\.custom_fields/);
    assert.match(text, /- primary contact: planned .* MISSING mandatory custom fields: CFEmployeeId .*contact\.custom_fields/);

    const refused = await m.fails("onboard_client", onboarding);
    assert.match(refused, /Not onboarded: this tenant makes custom fields mandatory that are missing\. client: CFBillingCode .*; site: CFSiteCode .*; contact: CFEmployeeId .*Nothing was sent/);
    assert.deepEqual(await m.writes(), []);
  });

  test("onboarding succeeds when they are given (by name or label), and HaloPSA receives them on each record", async () => {
    const args = {
      ...onboarding,
      custom_fields: { CFBillingCode: "JP-01" },
      site: { ...onboarding.site, custom_fields: { "Site code": "EH7" } },
      contact: { ...onboarding.contact, custom_fields: { CFEmployeeId: "E-9", CFStartDate: "2027-01-04" } },
    };
    const plan = await m.ok("onboard_client", { ...args, dry_run: true });
    for (const step of plan.steps) assert.equal(step.missing_custom_fields, undefined, JSON.stringify(step));
    const r = await m.ok("onboard_client", args);
    assert.equal(r.complete, true, JSON.stringify(r.steps));
    const posts = Object.fromEntries((await m.writes()).filter((w) => !w.body[0].id).map((w) => [w.path, w.body[0].customfields]));
    assert.deepEqual(posts, {
      "/api/Client": [{ id: 103, value: "JP-01" }],
      "/api/Site": [{ id: 203, value: "EH7" }],
      "/api/Users": [{ id: 301, value: "E-9" }, { id: 302, value: "2027-01-04" }],
    });
  });

  test("onboard_contact names the missing field on a dry run and creates once it is given", async () => {
    const args = { client: "Summit Dental", first_name: "Rae", surname: "Moss", email: "rae.moss@summitdental.co.uk" };
    const plan = await m.call("onboard_contact", { ...args, dry_run: true });
    assert.ok(!plan.isError, textOf(plan));
    assert.match(plan.structuredContent.steps[0].missing_custom_fields, /CFEmployeeId/);
    assert.match(textOf(plan), /MISSING mandatory custom fields: CFEmployeeId \("Employee id"\), text/);
    assert.match(await m.fails("onboard_contact", args), /contact custom fields mandatory and they are missing: CFEmployeeId.*Nothing was sent/);
    assert.deepEqual(await m.writes(), []);
    const r = await m.ok("onboard_contact", { ...args, custom_fields: { "Employee id": "E-12" } });
    assert.equal(r.status, "created");
    assert.deepEqual((await m.writes())[0].body[0].customfields, [{ id: 301, value: "E-12" }]);
  });

  test("create_client's dry run lists the required custom fields; a create without them is refused before sending", async () => {
    const plan = await m.call("create_client", { name: "Pinewood Farms", dry_run: true });
    assert.deepEqual(plan.structuredContent.required_custom_fields,
      [{ id: 103, name: "CFBillingCode", label: "Billing code", type: "text", given: false }]);
    assert.match(textOf(plan), /requires these custom fields on a new client: CFBillingCode .* MISSING: CFBillingCode/);
    assert.match(await m.fails("create_client", { name: "Pinewood Farms" }),
      /Not created: this tenant makes these client custom fields mandatory and they are missing: CFBillingCode \("Billing code"\), text\..*Nothing was sent/);
    assert.deepEqual(await m.writes(), []);
    const made = await m.ok("create_client", { name: "Pinewood Farms", custom_fields: { "billing code": "PF-7" } });
    assert.equal(made.written, true);
    assert.deepEqual(made.required_custom_fields[0].given, true);
  });

  test("an unknown custom field name or a value of the wrong type is refused before any write", async () => {
    const unknown = await m.fails("onboard_client", {
      ...onboarding, custom_fields: { CFBillingCode: "X" }, site: { ...onboarding.site, custom_fields: { CFSiteCod: "EH7" } } });
    assert.match(unknown, /custom_fields: no site custom field named "CFSiteCod"\. Did you mean "CFSiteCode"/);
    const wrongType = await m.fails("onboard_contact", {
      client: 3, name: "Rae Moss", custom_fields: { CFEmployeeId: "E-1", "Start date": "next week" } });
    assert.match(wrongType, /custom_fields\.Start date: CFStartDate \("Start date"\) is a date \(YYYY-MM-DD\) field in HaloPSA; "next week" does not fit it/);
    assert.deepEqual(await m.writes(), []);
  });
});

test("onboard_client's site takes an invoice address and the invoice flags, written on the site and read back", async () => {
  const r = await t.ok("onboard_client", {
    name: "Ledger & Lamp Ltd",
    site: {
      name: "Head Office", address: { line1: "2 Mill Row", line3: "York", postcode: "YO1 7AB" },
      invoice_address: { line1: "Finance, 9 Quay Side", line3: "Hull", postcode: "HU1 1AA" }, is_invoice_site: true,
      invoice_address_is_delivery: false,
    },
  });
  assert.equal(r.complete, true, JSON.stringify(r.steps));
  const siteWrite = (await t.writes()).find((w) => w.path === "/api/Site");
  assert.deepEqual(siteWrite.body[0].invoice_address, { line1: "Finance, 9 Quay Side", line3: "Hull", postcode: "HU1 1AA" });
  assert.equal(siteWrite.body[0].isinvoicesite, true);
  assert.equal(siteWrite.body[0].invoice_address_isdelivery, false);
  // Read back as HaloPSA holds it: the site record itself.
  const read = await t.client.readResource({ uri: `halopsa://sites/${r.site_id}` });
  const site = JSON.parse(read.contents[0].text);
  assert.equal(site.invoice_address.postcode, "HU1 1AA");
  assert.equal(site.isinvoicesite, true);
  assert.equal(site.invoice_address_isdelivery, false);
});
