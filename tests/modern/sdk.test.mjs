// The official SDK v2 client speaks MCP 2026-07-28 to the server over stdio and Streamable HTTP: no initialize,
// per-request _meta, server/discover; and the same SDK in its auto and legacy modes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MODERN, connectHttp, connectV2, startHttp, textOf } from "./harness.mjs";

for (const kind of ["stdio", "http"]) {
  describe(`SDK v2, modern era, over ${kind}`, () => {
    let http;
    let conn;
    before(async () => {
      if (kind === "http") http = await startHttp({ env: { HALOPSA_LOG_LEVEL: "debug" } });
      conn = await connectV2({ http });
    });
    after(async () => {
      await conn?.close();
      await http?.stop();
    });

    test("connects without initialize, through server/discover", () => {
      assert.equal(conn.client.getProtocolEra(), "modern");
      assert.equal(conn.client.getNegotiatedProtocolVersion(), MODERN);
      const discovered = conn.client.getDiscoverResult();
      assert.ok(discovered.supportedVersions.includes(MODERN));
      assert.ok(discovered.supportedVersions.includes("2025-11-25"), "the legacy versions are listed too");
      assert.ok(discovered.capabilities.tools);
      assert.ok(discovered.capabilities.prompts);
      assert.ok(discovered.capabilities.resources);
      assert.equal(discovered.capabilities.logging, undefined, "logging is not offered to modern requests");
      assert.match(discovered.instructions, /HaloPSA/);
      assert.equal(conn.client.getServerVersion()?.name, "halopsa-mcp");
      assert.doesNotMatch(conn.stderr(), /initialized by/, "no legacy session was opened");
    });

    test("lists tools and pages through a search", async () => {
      const { tools } = await conn.client.listTools();
      const names = tools.map((t) => t.name);
      for (const name of ["search_clients", "create_client", "delete_contact", "data_quality_report"])
        assert.ok(names.includes(name), name);
      const first = await conn.client.callTool({ name: "search_clients", arguments: { page_size: 3, page: 1 } });
      const second = await conn.client.callTool({ name: "search_clients", arguments: { page_size: 3, page: 2 } });
      assert.equal(first.isError, undefined, textOf(first));
      assert.equal(first.structuredContent.items.length, 3);
      assert.equal(first.structuredContent.has_more, true);
      assert.equal(second.structuredContent.page, 2);
      const ids = new Set(first.structuredContent.items.map((c) => c.id));
      for (const c of second.structuredContent.items) assert.ok(!ids.has(c.id), "page 2 repeats page 1");
    });

    test("a write with dry_run shows the request and writes nothing", async () => {
      const name = `Modern Dry Run ${kind}`;
      const dry = await conn.client.callTool({ name: "create_client", arguments: { name, dry_run: true } });
      assert.equal(dry.isError, undefined, textOf(dry));
      assert.equal(dry.structuredContent.written, false);
      assert.match(textOf(dry), /DRY RUN/);
      const found = await conn.client.callTool({ name: "search_clients", arguments: { search: name } });
      assert.equal(found.structuredContent.items.length, 0, "nothing was created");
    });

    test("a bad argument is an isError result naming the field; an unknown tool is an error", async () => {
      const bad = await conn.client.callTool({ name: "search_clients", arguments: { page_size: "lots" } });
      assert.equal(bad.isError, true);
      assert.match(textOf(bad), /page_size/);
      await assert.rejects(conn.client.callTool({ name: "no_such_tool", arguments: {} }), /Unknown tool/);
    });

    test("a long tool reports progress on its own request", async () => {
      const seen = [];
      const result = await conn.client.callTool(
        { name: "data_quality_report", arguments: {} },
        { onprogress: (p) => seen.push(p) },
      );
      assert.equal(result.isError, undefined, textOf(result));
      assert.ok(seen.length >= 2, `progress notifications: ${seen.length}`);
      for (let i = 1; i < seen.length; ++i) assert.ok(seen[i].progress > seen[i - 1].progress);
    });

    test("prompts and resources", async () => {
      const { prompts } = await conn.client.listPrompts();
      assert.ok(prompts.some((p) => p.name === "client-health-check"));
      const prompt = await conn.client.getPrompt({ name: "client-health-check", arguments: { client: "Acme Corp" } });
      assert.match(JSON.stringify(prompt.messages), /Acme Corp/);
      const { resourceTemplates } = await conn.client.listResourceTemplates();
      assert.ok(resourceTemplates.some((t) => t.uriTemplate === "halopsa://clients/{id}"));
      const read = await conn.client.readResource({ uri: "halopsa://clients/1" });
      assert.match(read.contents[0].text, /Acme Corp/);
      await assert.rejects(conn.client.readResource({ uri: "halopsa://nothing/1" }), (e) => e.code === -32602);
    });
  });
}

describe("confirmation follows each request's own capabilities (modern era, HTTP)", () => {
  let http;
  before(async () => {
    http = await startHttp();
  });
  after(async () => http?.stop());

  let made = 0;
  // A fresh contact (sandbox contacts with tickets cannot be deleted).
  const someContact = async (client) => {
    const r = await client.callTool({
      name: "create_contact",
      arguments: { client: 1, first_name: "Temp", surname: `Modern ${++made}`, email: `temp${made}@example.com` },
    });
    assert.equal(r.isError, undefined, textOf(r));
    return r.structuredContent.record.id;
  };

  test("a client that declares elicitation is asked (input_required, then the retry) and the delete happens", async () => {
    const asked = [];
    const conn = await connectV2({
      http,
      capabilities: { elicitation: { form: {} } },
      onElicit: async (request) => {
        asked.push(request.params);
        return { action: "accept", content: { confirm: true } };
      },
    });
    try {
      const id = await someContact(conn.client);
      const result = await conn.client.callTool({ name: "delete_contact", arguments: { contact_id: id } });
      assert.equal(result.isError, undefined, textOf(result));
      assert.equal(asked.length, 1);
      assert.match(asked[0].message, /Permanently delete/);
      const gone = await conn.client.callTool({ name: "get_contact", arguments: { contact_id: id } });
      assert.equal(gone.isError, true, "the contact was deleted");
    } finally {
      await conn.close();
    }
  });

  test("a declined confirmation deletes nothing", async () => {
    const conn = await connectV2({
      http,
      capabilities: { elicitation: { form: {} } },
      onElicit: async () => ({ action: "decline" }),
    });
    try {
      const id = await someContact(conn.client);
      const result = await conn.client.callTool({ name: "delete_contact", arguments: { contact_id: id } });
      assert.match(textOf(result), /Not deleted: the user declined/);
      const still = await conn.client.callTool({ name: "get_contact", arguments: { contact_id: id } });
      assert.equal(still.isError, undefined, textOf(still));
    } finally {
      await conn.close();
    }
  });

  test("a client without elicitation needs confirm: true", async () => {
    const conn = await connectV2({ http });
    try {
      const id = await someContact(conn.client);
      const refused = await conn.client.callTool({ name: "delete_contact", arguments: { contact_id: id } });
      assert.match(textOf(refused), /confirm: true/);
      const done = await conn.client.callTool({ name: "delete_contact", arguments: { contact_id: id, confirm: true } });
      assert.equal(done.isError, undefined, textOf(done));
    } finally {
      await conn.close();
    }
  });
});

describe("the SDK's auto and legacy modes", () => {
  test("auto over stdio probes with server/discover and stays modern", async () => {
    const conn = await connectV2({ era: "auto" });
    try {
      assert.equal(conn.client.getProtocolEra(), "modern");
      const r = await conn.client.callTool({ name: "halopsa_status", arguments: {} });
      assert.equal(r.isError, undefined, textOf(r));
    } finally {
      await conn.close();
    }
  });

  test("legacy mode over stdio opens a 2025-11-25 session with initialize", async () => {
    const conn = await connectV2({ era: "legacy" });
    try {
      assert.equal(conn.client.getProtocolEra(), "legacy");
      assert.equal(conn.client.getNegotiatedProtocolVersion(), "2025-11-25");
      const r = await conn.client.callTool({ name: "search_clients", arguments: { page_size: 2 } });
      assert.equal(r.structuredContent.items.length, 2);
      assert.match(conn.stderr(), /initialized by modern-e2e/);
    } finally {
      await conn.close();
    }
  });

  test("modern, auto, legacy-mode v2 and SDK 1.x clients share one HTTP server side by side", async () => {
    const http = await startHttp({ env: { HALOPSA_LOG_LEVEL: "debug" } });
    const clients = [];
    try {
      clients.push(await connectV2({ http, era: "modern", name: "v2-modern" }));
      clients.push(await connectV2({ http, era: "auto", name: "v2-auto" }));
      clients.push(await connectV2({ http, era: "legacy", name: "v2-legacy" }));
      clients.push(await connectHttp(http, { name: "sdk1-legacy" }));
      assert.equal(clients[0].client.getProtocolEra(), "modern");
      assert.equal(clients[1].client.getProtocolEra(), "modern");
      assert.equal(clients[2].client.getProtocolEra(), "legacy");
      // Interleaved calls from every client, concurrently.
      const results = await Promise.all(
        clients.flatMap(({ client }, i) => [
          client.callTool({ name: "search_clients", arguments: { page_size: 2, page: i + 1 } }),
          client.callTool({ name: "halopsa_status", arguments: {} }),
        ]),
      );
      for (const r of results) assert.equal(r.isError, undefined, textOf(r));
      assert.deepEqual(results[0].structuredContent.items, (await clients[3].client.callTool({
        name: "search_clients", arguments: { page_size: 2, page: 1 } })).structuredContent.items);
      // Only the two legacy clients opened sessions.
      assert.equal((http.stderr().match(/initialized by/g) ?? []).length, 2, http.stderr());
    } finally {
      for (const c of clients) await c.close();
      await http.stop();
    }
  });
});
