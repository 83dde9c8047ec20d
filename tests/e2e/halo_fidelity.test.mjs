// Right on a real tenant (docs/halopsa-quirks.md): each belief the tools depend on is exercised against the sandbox
// set to the unkind side of its switch, so a tool cannot pass only because the sandbox is kind. Each test states the
// switches it needs; expected values are written out from the seed (sandbox/seed_book.cpp), not computed by the tools.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup, textOf } from "./tools_helpers.mjs";

const strict = {
  list_rows: "list", site_address_shape: "flat", client_type_lookup_id: 57, lookup_type_name: "Customer Type",
  first_site_becomes_main: false, null_clears_billing_parent: false, address_update_needs_id: true,
  client_search_scope: "wide", include_pair_defaults: "strict", post_answer: "object",
};

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.sandbox.setQuirks(strict); await t.mark(); });

test("site addresses are asked for with includeaddress=true and read flat or nested", async () => {
  for (const shape of ["flat", "nested"]) {
    await t.sandbox.setQuirks({ site_address_shape: shape });
    await t.mark();
    const leeds = await t.ok("search_sites", { city: "leeds", status: "all", page_size: 100 });
    assert.deepEqual(leeds.items.map((s) => s.id).sort(), [104, 105, 115], `city search, ${shape} rows`);
    assert.equal(leeds.items.find((s) => s.id === 104).delivery_address.line3, "Leeds");
    const lists = (await t.upstream()).filter((r) => r.path === "/api/Site");
    assert.ok(lists.length > 0);
    for (const r of lists) assert.equal(r.query.includeaddress, "true");
    assert.equal((await t.upstream()).filter((r) => /^\/api\/Site\/\d+$/.test(r.path)).length, 0,
                 "rows carried the address: no site was fetched one by one");
    // Every seeded site has an address: none is reported without one.
    const report = await t.ok("data_quality_report", {});
    assert.equal(report.findings.sites_without_address.count, 0, `${shape}: ${JSON.stringify(report.findings.sites_without_address)}`);
    const dupes = await t.ok("find_duplicates", { kind: "sites", refresh: true });
    assert.equal(dupes.note, undefined, "every site's address was compared");
  }
});

test("client list rows without main_site_id are not reported as lacking a main site", async () => {
  const report = await t.ok("data_quality_report", {});
  // The seed's active clients without a main site are exactly those with no site at all (22 Kestrel Ventures).
  assert.deepEqual(report.findings.clients_without_main_site.first.map((c) => c.id), [22]);
  assert.equal(report.findings.clients_without_main_site.count, 1);
  // 35 active clients have sites; 25 were fetched one by one to read main_site_id, the other 10 are not checked.
  assert.equal(report.not_checked.clients_without_main_site.count, 10);
  assert.equal((await t.upstream()).filter((r) => /^\/api\/Client\/\d+$/.test(r.path)).length, 25);
  const clients = await t.ok("find_duplicates", { kind: "clients", refresh: true });
  assert.match(clients.note, /client list rows carry no website, main_phonenumber, accountsemailaddress/);
  const listed = await t.call("search_clients", { search: "acme" });
  assert.doesNotMatch(textOf(listed), /Main site/, "no blank 'Main site' column when rows do not carry it");
});

test("client types come from the lookup-types table, wherever the tenant keeps them", async () => {
  for (const [quirks, source] of [
    [{ client_type_lookup_id: 57, lookup_type_name: "Customer Type" }, /lookup 57 \("Customer Type"\), from the table of lookup types/],
    [{ client_type_lookup_id: 33, lookup_type_name: "Client Types" }, /lookup 33 \("Client Types"\)/],
  ]) {
    const own = await setup();  // a fresh server and tenant: the table is learnt once per process
    await own.sandbox.setQuirks({ ...strict, ...quirks });
    try {
      const types = await own.ok("list_client_types", {});
      assert.deepEqual(types.items.map((x) => x.name), ["Customer", "Prospect", "Lead", "Partner", "Vendor", "Supplier"]);
      assert.match(types.source, source);
      const prospects = await own.ok("search_clients", { client_type: "Prospect" });
      assert.deepEqual(prospects.items.map((c) => c.id).sort((a, b) => a - b), [2, 34]);
    } finally {
      await own.close();
    }
  }
  // A table under a name nobody recognises: names cannot be resolved, the error says what to set.
  const lost = await setup();
  await lost.sandbox.setQuirks({ ...strict, client_type_lookup_id: 91, lookup_type_name: "Kundentyp" });
  try {
    assert.match(await lost.fails("create_client", { name: "Typed Ltd", client_type: "Prospect" }),
                 /client_type: the names of this tenant's client types are unknown.*HALOPSA_CLIENT_TYPE_LOOKUP_ID/s);
  } finally {
    await lost.close();
  }
  const configured = await setup({ env: { HALOPSA_CLIENT_TYPE_LOOKUP_ID: "91" } });
  await configured.sandbox.setQuirks({ ...strict, client_type_lookup_id: 91, lookup_type_name: "Kundentyp" });
  try {
    assert.match((await configured.ok("list_client_types", {})).source, /lookup 91, from HALOPSA_CLIENT_TYPE_LOOKUP_ID/);
  } finally {
    await configured.close();
  }
});

test("429 without Retry-After: the wait told is the window's, and nothing is retried into a full window", async () => {
  const own = await setup();  // its own server: the budget it learns from Halo's message lasts for the process
  try {
    await own.sandbox.setQuirks({ ...strict, rate_limit: { limit: 3, window_seconds: 600 }, rate_limit_retry_after: false,
                                  rate_limit_body: "json" });
    await own.mark();
    const text = await own.fails("get_client", { client: 1 });
    assert.match(text, /Rate Limit Reached - 3 Requests per rolling 10 minute window/);
    const seconds = Number(text.match(/try again in (\d+) seconds/)[1]);
    assert.ok(seconds >= 590 && seconds <= 600, `told to wait ${seconds} s`);
    assert.equal((await own.upstream()).length, 4, "three served, one refused, no retries");
    // The budget it learnt holds every later call back without spending a request.
    assert.match(await own.fails("search_clients", {}), /try again in \d+ seconds/);
    assert.equal((await own.upstream()).length, 4);
  } finally {
    await own.close();
  }
});

test("writes set what they depend on and report what HaloPSA saved", async () => {
  // A new client's first site is made its main site by the tool, not left to HaloPSA.
  const client = await t.ok("create_client", { name: "Fidelity Freight Ltd" });
  const site = await t.ok("create_site", { client: client.record.id, name: "Depot", address: { line1: "1 Quay St", line3: "Hull" } });
  assert.ok(site.additional_requests.some((r) => r.body[0].main_site_id === site.record.id));
  assert.equal((await t.ok("get_client", { client: client.record.id, fields: ["main_site_id"] })).client.main_site_id, site.record.id);
  const contact = await t.ok("create_contact", { client: client.record.id, first_name: "Ann", surname: "Lee", email: "ann.lee@fidelity.example" });
  assert.equal(contact.record.site_id, site.record.id);
  // Clearing a billing parent takes (0 is sent, not a null HaloPSA may ignore).
  const cleared = await t.ok("update_client", { client: 11, billing_parent: null });
  assert.equal(cleared.not_applied, undefined);
  assert.equal((await t.ok("get_client", { client: 11 })).billing_parent, null);
  // A site address update carries the address record's id, so HaloPSA applies it.
  const moved = await t.ok("update_site", { site_id: 104, address: { line1: "2 Park Row" } });
  assert.equal(moved.not_applied, undefined);
  assert.equal(moved.record.delivery_address.line1, "2 Park Row");
  assert.ok(Number.isInteger((await t.writes()).at(-1).body[0].delivery_address.id));
});

test("a search hit is not a name match", async () => {
  // "NWH01" is client 11's reference, in no client's name: the wide search finds it, the tools must not take it.
  assert.match(await t.fails("update_client", { client: "NWH01", notes: "x" }), /client: no client named "NWH01"/);
  const completion = await t.client.complete({ ref: { type: "ref/prompt", name: "client-health-check" },
                                               argument: { name: "client", value: "NWH01" } });
  assert.deepEqual(completion.completion.values, []);
  assert.deepEqual(await t.writes(), []);
});

test("onboarding resumes on the records it made: its look-ups send includeactive and includeinactive together", async () => {
  // HaloPSA documents the pair but not what a missing one means; the strict sandbox counts a missing one as false.
  const args = { name: "Resume Robotics Ltd", site: { name: "Works", address: { line1: "1 Mill Rd", line3: "Derby" } },
                 contact: { first_name: "Rita", surname: "Moss", email: "rita.moss@resume.example" } };
  await t.sandbox.fault({ status: 400, count: 1, path_prefix: "/api/Users", method: "POST",
                          body: "{\"[0].emailaddress\":\"The mail server is not reachable.\"}", content_type: "application/json" });
  const first = await t.call("onboard_client", args);
  assert.match(textOf(first), /failed/i);
  await t.sandbox.clearFaults();
  const second = await t.ok("onboard_client", args);
  const client = second.client?.id ?? second.steps.find((s) => s.step === "client").id;
  const card = await t.ok("get_client", { client });
  assert.deepEqual(card.sites.items.map((s) => s.name), ["Works"], "the second run reused the site");
  assert.deepEqual(card.contacts.items.map((c) => c.name), ["Rita Moss"]);
  const lists = (await t.upstream()).filter((r) => r.method === "GET" && /^\/api\/(Site|Users|Client)$/.test(r.path));
  assert.ok(lists.length > 0);
  for (const r of lists) assert.ok("includeactive" in r.query && "includeinactive" in r.query, JSON.stringify(r));
});
