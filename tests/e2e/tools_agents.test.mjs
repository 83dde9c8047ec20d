// Agents by name: search_agents and every agent argument (account manager, technicians) taking an agent's name, end
// to end against a standalone sandbox whose agents are the shared seed (1 API User, 11 Sarah Jones, 12 Sarah Connor,
// 13 Rory Reader, 14 Tom Baker, disabled).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup } from "./tools_helpers.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.mark(); });

test("\"Make Sarah Jones the account manager of Acme\": one update_client call by name writes accountmanagertech 11", async () => {
  const r = await t.ok("update_client", {
    client: "Acme Corp", account_manager_id: "Sarah Jones", fields: ["accountmanagertech", "accountmanagertech_name"],
  });
  assert.equal(r.written, true);
  const writes = await t.writes();
  assert.equal(writes.length, 1, JSON.stringify(writes));
  assert.equal(writes[0].path, "/api/Client");
  assert.deepEqual(writes[0].body, [{ id: 1, accountmanagertech: 11 }]);
  // What HaloPSA saved, read back: the agent it now names.
  assert.equal(r.record.accountmanagertech, 11);
  assert.equal(r.record.accountmanagertech_name, "Sarah Jones");
  assert.deepEqual(r.diff.map((d) => [d.field, d.after]), [["accountmanagertech", 11]]);
});

test("an ambiguous agent name returns the candidates and writes nothing", async () => {
  const text = await t.fails("update_client", { client: "Acme Corp", account_manager_id: "Sarah" });
  assert.match(text, /account_manager_id: "Sarah" matches 2 agents; pass the id of the one you mean/);
  assert.match(text, /11: Sarah Jones/);
  assert.match(text, /12: Sarah Connor/);
  assert.deepEqual(await t.writes(), []);
});

test("an unknown agent name is refused with the nearest names; a disabled agent matches only by exact name, flagged", async () => {
  const unknown = await t.fails("update_client", { client: 1, primary_technician_id: "Sara Jones" });
  assert.match(unknown, /primary_technician_id: no agent named "Sara Jones"\. Did you mean "Sarah Jones"/);
  // "Tom" is only the disabled Tom Baker: a partial name never lands on someone who has left.
  assert.match(await t.fails("update_client", { client: 1, secondary_technician_id: "Tom" }), /no agent named "Tom"/);
  assert.deepEqual(await t.writes(), []);

  const r = await t.call("update_client", { client: 1, secondary_technician_id: "tom baker" });
  assert.ok(!r.isError, r.content?.[0]?.text);
  assert.deepEqual((await t.writes())[0].body, [{ id: 1, sectech: 14 }]);
  assert.match(r.structuredContent.warning, /secondary_technician_id: Tom Baker \(agent 14\) is an inactive agent/);
  assert.match(r.content[0].text, /NOTE: secondary_technician_id: Tom Baker \(agent 14\) is an inactive agent/);
});

test("agent ids are sent as given, without reading the agent list; the list is read once, whole, for many names", async () => {
  const fresh = await setup();  // a server that has not read the agent list yet
  try {
    await fresh.mark();
    await fresh.ok("update_client", { client: 1, account_manager_id: 12 });
    assert.deepEqual((await fresh.writes())[0].body, [{ id: 1, accountmanagertech: 12 }]);
    const reads = async () => (await fresh.upstream()).filter((r) => r.method === "GET" && r.path === "/api/Agent");
    assert.equal((await reads()).length, 0, "an id needs no look-up");

    await fresh.mark();
    const r = await fresh.ok("create_client", {
      name: "Harbour Dental", account_manager_id: "sarah connor", primary_technician_id: "Rory Reader",
      secondary_technician_id: "13", dry_run: true,
    });
    assert.deepEqual(r.request.body, [{ name: "Harbour Dental", accountmanagertech: 12, pritech: 13, sectech: 13 }]);
    await fresh.ok("onboard_client", { name: "Harbour Vets", account_manager_id: "Sarah Jones", dry_run: true });
    const [read, ...again] = await reads();
    assert.deepEqual(again, [], "the agent list is remembered with the other lookups");
    // Asked for whole: enabled and disabled agents and API-only ones, each said explicitly (the defaults differ).
    assert.deepEqual(
      { includeenabled: read.query.includeenabled, includedisabled: read.query.includedisabled,
        includeapiagents: read.query.includeapiagents },
      { includeenabled: "true", includedisabled: "true", includeapiagents: "true" });
    assert.deepEqual(await fresh.writes(), []);
  } finally {
    await fresh.close();
  }
});

test("onboard_client takes its account manager by name", async () => {
  const r = await t.ok("onboard_client", { name: "Lakeside Optics", account_manager_id: "Sarah Jones" });
  assert.equal(r.complete, true);
  const post = (await t.writes()).find((w) => w.path === "/api/Client" && w.body[0].name === "Lakeside Optics");
  assert.equal(post.body[0].accountmanagertech, 11);
  assert.ok(!r.checklist.includes("Assign an account manager."));
});

test("search_agents finds agents by name or e-mail; disabled ones only on request", async () => {
  const sarahs = await t.ok("search_agents", { search: "sarah" });
  assert.deepEqual(sarahs.items.map((a) => [a.id, a.name]).sort(), [[11, "Sarah Jones"], [12, "Sarah Connor"]]);
  assert.equal(sarahs.total, 2);
  const byMail = await t.ok("search_agents", { search: "rory.reader@" });
  assert.deepEqual(byMail.items.map((a) => a.id), [13]);
  const active = await t.ok("search_agents", {});
  assert.ok(!active.items.some((a) => a.name === "Tom Baker"), JSON.stringify(active.items));
  assert.deepEqual(active.items.find((a) => a.id === 1), {
    id: 1, name: "API User", email: "api.user@northwind-msp.example", inactive: false, api_only: true });
  const all = await t.ok("search_agents", { include_inactive: true });
  assert.deepEqual(all.items.find((a) => a.id === 14), {
    id: 14, name: "Tom Baker", email: "tom.baker@northwind-msp.example", inactive: true, api_only: false });
  assert.equal(all.total, 5);
});
