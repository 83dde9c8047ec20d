// find_duplicates, merge_preview, offboard_client, data_quality_report and the prompts end to end against the
// sandbox's seeded book (see sandbox/seed_book.cpp for the planted duplicates and gaps).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { setup, textOf } from "./tools_helpers.mjs";
import { callWithProgress } from "./harness.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.sandbox.clearFaults(); await t.mark(); });

const ids = (g) => g.members.map((m) => m.id).sort((a, b) => a - b);
const hasGroup = (r, want) => r.groups.some((g) => want.every((id) => ids(g).includes(id)));

test("find_duplicates groups the seeded near-duplicate clients with reasons, not Summit Dental / Summit Legal", async () => {
  const { result: res, progress } = await callWithProgress(t.mcp, { name: "find_duplicates", arguments: { refresh: true } });
  assert.ok(!res.isError, textOf(res));
  const r = res.structuredContent;
  assert.equal(r.kind, "clients");
  assert.equal(r.scanned, 36, "active clients");
  assert.ok(hasGroup(r, [1, 2]), "Acme Corp / ACME Corporation");
  assert.ok(hasGroup(r, [5, 6]), "Brightwater typo");
  assert.ok(hasGroup(r, [13, 14]), "The Carter Group / Carter Group Ltd");
  assert.ok(!hasGroup(r, [3, 4]), "Summit Dental is not Summit Legal");
  const typo = r.groups.find((g) => ids(g).includes(5));
  assert.ok(typo.reasons.includes("names differ by one letter"), JSON.stringify(typo));
  for (let i = 1; i < r.groups.length; i++) assert.ok(r.groups[i - 1].score >= r.groups[i].score, "best first");
  assert.ok(progress.length >= 1, "progress while fetching");
  assert.equal(r.cached, false);
});

test("find_duplicates pages over groups and reuses the scan", async () => {
  const first = await t.ok("find_duplicates", { refresh: true, page_size: 1 });
  assert.equal(first.groups.length, 1);
  assert.ok(first.total >= 3);
  assert.equal(first.has_more, true);
  await t.mark();
  const second = await t.ok("find_duplicates", { page_size: 1, page: 2 });
  assert.equal(second.cached, true);
  assert.deepEqual(await t.upstream(), [], "the cached scan is regrouped without fetching again");
  assert.notDeepEqual(ids(second.groups[0]), ids(first.groups[0]));
  const big = await t.ok("find_duplicates", { page_size: 500 });
  assert.equal(big.has_more, false);
  const strict = await t.ok("find_duplicates", { threshold: 1 });
  assert.ok(strict.total < big.total, "a higher threshold keeps fewer groups");
});

test("find_duplicates for contacts finds the same e-mail at two clients, and for sites rejects bad input", async () => {
  const r = await t.ok("find_duplicates", { kind: "contacts", refresh: true });
  const jane = r.groups.find((g) => ids(g).includes(1001));
  assert.ok(jane && ids(jane).includes(1005), JSON.stringify(r.groups.slice(0, 3)));
  assert.ok(jane.reasons.includes("same e-mail address"));
  assert.ok(!hasGroup(r, [1007, 1012]), "two Helen Marshes at different clients are different people");
  const sites = await t.ok("find_duplicates", { kind: "sites", client: 1 });
  assert.equal(typeof sites.scanned, "number");
  const bad = await t.fails("find_duplicates", { kind: "tickets" });
  assert.match(bad, /kind/);
});

test("merge_preview picks the record to keep and shows the exact merge request, writing nothing", async () => {
  const r = await t.ok("merge_preview", { ids: [2, 1] });
  assert.equal(r.keep.id, 1, "Acme Corp has more sites, contacts and tickets");
  assert.equal(r.merges.length, 1);
  assert.deepEqual(r.merges[0].request, { method: "POST", path: "/api/Client", body: [{ id: 2, _merge_client_into: 1 }] });
  assert.equal(r.performed, false);
  const c = await t.ok("merge_preview", { kind: "contacts", ids: [1001, 1005] });
  assert.equal(c.merges[0].request.body[0]._merge_user_into, c.keep.id);
  assert.deepEqual(await t.writes(), []);
});

test("offboard_client previews open tickets, active contracts, sites, contacts and billed clients read-only", async () => {
  const r = await t.ok("offboard_client", { client: 10 });
  assert.equal(r.performed, false);
  assert.equal(r.impact.open_tickets.visible, true);
  assert.equal(typeof r.impact.open_tickets.count, "number");
  assert.equal(r.impact.active_contracts.visible, true);
  assert.deepEqual(r.impact.billed_clients.map((c) => c.id).sort((a, b) => a - b), [11, 12]);
  assert.ok(r.checklist.some((c) => /billing parent/.test(c)));
  assert.ok(r.checklist.some((c) => /assets/.test(c)));
  assert.deepEqual(await t.writes(), []);
  const tickets = (await t.upstream()).find((q) => q.path === "/api/Tickets");
  assert.equal(tickets.query.open_only, "true");
});

test("offboard_client degrades a 403 on Tickets and ClientContract to 'not visible'", async () => {
  await t.sandbox.fault({ status: 403, count: 10, path_prefix: "/api/Tickets" });
  await t.sandbox.fault({ status: 403, count: 10, path_prefix: "/api/ClientContract" });
  const r = await t.ok("offboard_client", { client: 1 });
  assert.equal(r.impact.open_tickets.visible, false);
  assert.match(r.impact.open_tickets.note, /not visible with this API application's permissions/i);
  assert.equal(r.impact.active_contracts.visible, false);
  assert.ok(r.checklist.some((c) => /not visible/.test(c)));
});

test("offboard_client needs confirmation, then deactivates with a dated note and never deletes", async () => {
  const unconfirmed = await t.ok("offboard_client", { client: 3, apply: true, deactivate_contacts: true });
  assert.equal(unconfirmed.performed, false);
  assert.deepEqual(await t.writes(), []);
  const r = await t.ok("offboard_client", { client: 3, apply: true, confirm: true, deactivate_contacts: true, reason: "moved to in-house IT" });
  assert.equal(r.performed, true);
  assert.ok(r.steps.length > 0 && r.steps.every((s) => s.status === "created"), JSON.stringify(r.steps));
  const client = await t.ok("get_client", { client: 3, fields: ["notes"] });
  assert.equal(client.client.inactive, true);
  assert.match(client.client.notes, /\[\d{4}-\d{2}-\d{2}\] Off-boarded: moved to in-house IT/);
  const contacts = await t.ok("search_contacts", { client: 3 });
  assert.equal(contacts.total, 0, "its contacts are inactive");
  assert.ok(!(await t.writes()).some((w) => w.method === "DELETE"));
});

test("data_quality_report finds the seeded gaps with counts and first records", async () => {
  const { result: res, progress } = await callWithProgress(t.mcp, { name: "data_quality_report", arguments: { sample: 3 } });
  assert.ok(!res.isError, textOf(res));
  const f = res.structuredContent.findings;
  assert.ok(f.clients_without_sites.first.some((c) => c.id === 22), "Kestrel Ventures has no sites");
  // The seed's active clients without an active contact: Bluebell Florists and Kestrel Ventures.
  assert.deepEqual(f.clients_without_contacts.first.map((c) => c.id), [21, 22]);
  assert.equal(f.clients_without_contacts.count, 2);
  assert.ok(f.contacts_with_invalid_email.first.some((c) => c.id === 1042));
  assert.ok(f.email_at_several_clients.first.some((e) => e.emailaddress === "jane.doe@acme.com"));
  assert.ok(f.inactive_clients_with_active_contacts.first.some((c) => c.id === 24));
  assert.ok(f.likely_duplicate_clients.count >= 3);
  for (const finding of Object.values(f)) assert.ok(finding.first.length <= 3, "bounded output");
  assert.ok(progress.length >= 2);
});

test("prompts are listed, render with their arguments and complete client names", async () => {
  const { prompts } = await t.client.listPrompts();
  const names = prompts.map((p) => p.name);
  for (const n of ["onboard-new-client", "offboard-client", "clean-up-duplicates", "client-health-check"]) assert.ok(names.includes(n), n);
  const got = await t.client.getPrompt({ name: "offboard-client", arguments: { client: "Acme Corp", reason: "price" } });
  assert.match(got.messages[0].content.text, /Acme Corp/);
  assert.match(got.messages[0].content.text, /offboard_client/);
  const done = await t.client.complete({ ref: { type: "ref/prompt", name: "client-health-check" }, argument: { name: "client", value: "Summ" } });
  assert.ok(done.completion.values.includes("Summit Dental"), JSON.stringify(done.completion));
});

test("offboard_client asks the user through elicitation when the client supports it", async () => {
  const e = await setup({ capabilities: { elicitation: {} } });
  try {
    let asked = 0;
    e.client.setRequestHandler(ElicitRequestSchema, async () => { asked++; return { action: "decline" }; });
    const declined = await e.fails("offboard_client", { client: 5, apply: true });
    assert.match(declined, /declined/);
    assert.equal(asked, 1);
    e.client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { confirm: true } }));
    const r = await e.ok("offboard_client", { client: 5, apply: true });
    assert.equal(r.performed, true);
  } finally {
    await e.close();
  }
});
