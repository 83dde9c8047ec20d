// onboard_client and onboard_contact end to end: SDK client → halopsa-mcp → a standalone sandbox with fault injection.
import { test, before, after, beforeEach } from "node:test";
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
