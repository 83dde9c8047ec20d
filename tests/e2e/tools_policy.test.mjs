// The record tools as a whole: tools/list (names, annotations, schemas), read-only and toolset filters,
// confirmation by elicitation, and the halopsa:// record resources.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { setup, textOf } from "./tools_helpers.mjs";

const READ_TOOLS = ["search_clients", "get_client", "client_card", "get_client_hierarchy", "list_toplevels",
  "list_client_types", "search_agents", "search_sites", "search_contacts", "get_contact"];
const WRITE_TOOLS = ["create_client", "update_client", "set_client_active", "create_site", "update_site",
  "create_contact", "update_contact"];
const DELETE_TOOLS = ["delete_client", "delete_site", "delete_contact"];
const opened = [];
async function open(options) {
  const t = await setup(options);
  opened.push(t);
  return t;
}
after(async () => { for (const t of opened) await t.close(); });

test("every tool is listed with a title, description, schemas and correct annotations", async () => {
  const t = await open();
  const { tools } = await t.client.listTools();
  const byName = Object.fromEntries(tools.map((x) => [x.name, x]));
  for (const name of [...READ_TOOLS, ...WRITE_TOOLS, ...DELETE_TOOLS]) {
    const tool = byName[name];
    assert.ok(tool, `${name} is listed`);
    assert.ok(tool.title && tool.description.length > 60, `${name} has a title and a real description`);
    assert.equal(tool.inputSchema.type, "object");
    assert.equal(tool.inputSchema.additionalProperties, false, `${name} rejects unknown arguments`);
    assert.ok(tool.outputSchema, `${name} has an output schema`);
    for (const [prop, schema] of Object.entries(tool.inputSchema.properties ?? {}))
      assert.ok(schema.description, `${name}.${prop} is described`);
    assert.equal(tool.annotations.readOnlyHint, READ_TOOLS.includes(name), `${name} readOnlyHint`);
    if (!READ_TOOLS.includes(name))
      assert.equal(tool.annotations.destructiveHint, DELETE_TOOLS.includes(name), `${name} destructiveHint`);
  }
});

test("--read-only and HALOPSA_READ_ONLY=1 remove every write tool", async () => {
  for (const options of [{ args: ["--read-only"] }, { env: { HALOPSA_READ_ONLY: "1" } }]) {
    const t = await open(options);
    const names = (await t.client.listTools()).tools.map((x) => x.name);
    for (const name of READ_TOOLS) assert.ok(names.includes(name), `${name} stays`);
    for (const name of [...WRITE_TOOLS, ...DELETE_TOOLS]) assert.ok(!names.includes(name), `${name} is hidden`);
    await t.mark();
    // A hidden tool cannot be called either (JSON-RPC -32602, as for an unknown tool).
    await assert.rejects(t.call("create_client", { name: "Nope" }), /read-only/);
    assert.equal((await t.writes()).length, 0);
  }
});

test("--toolsets and --tools limit what is exposed", async () => {
  const sites = await open({ args: ["--toolsets", "sites"] });
  const names = (await sites.client.listTools()).tools.map((x) => x.name).sort();
  assert.deepEqual(names, ["create_site", "delete_site", "search_sites", "update_site"]);
  const some = await open({ args: ["--tools", "get_client,list_client_types"] });
  assert.deepEqual((await some.client.listTools()).tools.map((x) => x.name).sort(), ["get_client", "list_client_types"]);
  const clients = await open({ args: ["--toolsets", "clients,contacts"] });
  const c = (await clients.client.listTools()).tools.map((x) => x.name);
  assert.ok(c.includes("list_toplevels") && c.includes("get_client_hierarchy") && c.includes("get_contact"));
  assert.ok(!c.includes("search_sites"));
});

test("with elicitation the user confirms or declines deletes; confirm: true is not a bypass", async () => {
  const t = await open({ capabilities: { elicitation: {} } });
  let answer = { action: "decline" };
  const asked = [];
  t.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return answer;
  });
  const site = await t.ok("create_site", { client: 22, name: "Temp" });
  await t.mark();
  const declined = await t.fails("delete_site", { site_id: site.record.id, confirm: true });
  assert.match(declined, /declined/);
  assert.equal(asked.length, 1);
  assert.match(asked[0].message, /Temp/);
  assert.deepEqual(asked[0].requestedSchema.required, ["confirm"]);
  assert.equal(asked[0].requestedSchema.properties.confirm.type, "boolean");
  answer = { action: "accept", content: { confirm: false } };
  assert.match(await t.fails("delete_site", { site_id: site.record.id }), /did not tick/);
  answer = { action: "cancel" };
  assert.match(await t.fails("delete_site", { site_id: site.record.id }), /cancelled/);
  assert.equal((await t.writes()).length, 0);
  answer = { action: "accept", content: { confirm: true } };
  const done = await t.ok("delete_site", { site_id: site.record.id });
  assert.equal(done.deleted, true);
  assert.deepEqual((await t.writes()).map((w) => [w.method, w.path]), [["DELETE", `/api/Site/${site.record.id}`]]);
  // Deleting the now empty client the same way.
  const c = await t.ok("delete_client", { client: "Kestrel Ventures" });
  assert.equal(c.deleted, true);
});

test("halopsa:// resource templates read clients, sites and contacts", async () => {
  const t = await open();
  const { resourceTemplates } = await t.client.listResourceTemplates();
  assert.deepEqual(resourceTemplates.map((r) => r.uriTemplate).sort(),
    ["halopsa://clients/{id}", "halopsa://contacts/{id}", "halopsa://sites/{id}"]);
  for (const [uri, name] of [["halopsa://clients/1", "Acme Corp"], ["halopsa://sites/102", "Warehouse"], ["halopsa://contacts/1001", "Jane Doe"]]) {
    const r = await t.client.readResource({ uri });
    assert.equal(r.contents[0].uri, uri);
    assert.equal(r.contents[0].mimeType, "application/json");
    assert.equal(JSON.parse(r.contents[0].text).name, name);
  }
  await assert.rejects(t.client.readResource({ uri: "halopsa://clients/9999" }), /not found/i);
  await assert.rejects(t.client.readResource({ uri: "halopsa://clients/abc" }), /positive integer/);
});

test("an upstream failure becomes a readable error result", async () => {
  const t = await open();
  await t.sandbox.fault({ path_prefix: "/api/Client", method: "POST", status: 400,
    body: JSON.stringify({ "[0].name": "Custom field Region is mandatory." }), count: 1 });
  const text = await t.fails("create_client", { name: "Faulty Fabrications" });
  assert.match(text, /HaloPSA rejected the request/);
  assert.match(text, /Region is mandatory/);
  await t.sandbox.clearFaults();
  assert.equal((await t.ok("search_clients", { search: "Faulty" })).total, 0);
});

test("a create whose response is lost is recovered, not repeated", async () => {
  const t = await open();
  await t.mark();
  await t.sandbox.fault({ path_prefix: "/api/Client", method: "POST", status: 502, apply_after_write: true, count: 1 });
  const r = await t.ok("create_client", { name: "Lost Reply Labs" });
  assert.equal(r.written, true);
  assert.equal(r.record.name, "Lost Reply Labs");
  assert.equal((await t.writes()).length, 1, "the POST was not repeated");
  assert.equal((await t.ok("search_clients", { search: "Lost Reply" })).total, 1);
  assert.ok(textOf(await t.call("get_client", { client: r.record.id })));
});

// The policy governs every surface, not only tools/call: a resource, template, prompt or completion that stands
// for a switched-off tool is not listed, and using it is refused with the reason before anything reaches HaloPSA.
test("--toolsets, --tools and --read-only hide the resources, prompts and completions of switched-off tools", async () => {
  const sites = await open({ args: ["--toolsets", "sites"] });
  const { resourceTemplates } = await sites.client.listResourceTemplates();
  assert.deepEqual(resourceTemplates.map((r) => r.uriTemplate), ["halopsa://sites/{id}"]);
  assert.deepEqual((await sites.client.listPrompts()).prompts.map((p) => p.name), []);
  await sites.mark();
  await assert.rejects(sites.client.readResource({ uri: "halopsa://clients/1" }),
    /halopsa:\/\/clients\/1 is not available on this server: it needs the tool get_client, which is switched off: its toolset "clients" is not in --toolsets/);
  await assert.rejects(sites.client.readResource({ uri: "halopsa://contacts/1001" }), /needs the tool get_contact/);
  await assert.rejects(sites.client.complete({ ref: { type: "ref/resource", uri: "halopsa://clients/{id}" },
    argument: { name: "id", value: "Ac" } }), /halopsa:\/\/clients\/\{id\} is not available.*get_client/);
  await assert.rejects(sites.client.getPrompt({ name: "client-health-check", arguments: {} }),
    /prompt client-health-check is not available.*data_quality_report/);
  await assert.rejects(sites.client.complete({ ref: { type: "ref/prompt", name: "onboard-new-client" },
    argument: { name: "client", value: "Ac" } }), /onboard-new-client is not available.*onboard_client/);
  await assert.rejects(sites.client.subscribeResource({ uri: "halopsa://clients/1" }), /needs the tool get_client/);
  assert.deepEqual(await sites.upstream(), [], "nothing reached HaloPSA");
  // What stays on still works and reaches HaloPSA.
  const site = await sites.client.readResource({ uri: "halopsa://sites/101" });
  assert.equal(JSON.parse(site.contents[0].text).id, 101);

  const some = await open({ args: ["--tools", "get_client"] });
  assert.deepEqual((await some.client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate),
    ["halopsa://clients/{id}"]);
  await assert.rejects(some.client.readResource({ uri: "halopsa://sites/101" }), /it is not in the --tools list/);

  const readOnly = await open({ args: ["--read-only"] });
  assert.deepEqual((await readOnly.client.listPrompts()).prompts.map((p) => p.name).sort(),
    ["clean-up-duplicates", "client-health-check"]);
  await assert.rejects(readOnly.client.getPrompt({ name: "onboard-new-client", arguments: { client: "X" } }),
    /onboard_client, which is switched off: the server runs read-only/);
});
