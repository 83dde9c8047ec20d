// The official SDK client over Streamable HTTP and over legacy HTTP+SSE, the MCP Inspector CLI over both,
// isolation between sessions, and graceful shutdown on SIGTERM.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { startHttp, connectHttp, textOf, node22, repoRoot } from "./harness.mjs";

const run = promisify(execFile);
const inspectorCli = path.join(repoRoot, "tests", "e2e", "node_modules", "@modelcontextprotocol", "inspector", "cli", "build", "cli.js");

// Answers elicitation requests with `answer`, once `gate` (a promise the test resolves) has settled; `seen`
// records them. Tests hold the answer until the event they need has happened, instead of sleeping.
function answerElicitation(client, answer, { gate, onRequest } = {}) {
  const seen = [];
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    seen.push(req.params);
    onRequest?.(req.params);
    if (gate) await gate;
    return answer;
  });
  return seen;
}

function gate() {
  let open;
  const promise = new Promise((r) => (open = r));
  return { promise, open };
}

for (const kind of ["streamable", "sse"]) {
  describe(`SDK client over ${kind === "sse" ? "legacy HTTP+SSE" : "Streamable HTTP"}`, () => {
    let server;
    let conn;
    before(async () => {
      server = await startHttp();
      conn = await connectHttp(server, { kind, capabilities: { elicitation: {} } });
    });
    after(async () => {
      await conn?.close();
      await server?.stop();
    });

    test("initialize negotiated the server's identity and capabilities", () => {
      assert.equal(conn.client.getServerVersion().name, "halopsa-mcp");
      assert.ok(conn.client.getServerCapabilities().tools);
      assert.match(conn.client.getInstructions() ?? "", /sandbox/i);
    });

    test("tools/list returns every tool with schemas and annotations", async () => {
      const { tools } = await conn.client.listTools();
      const names = tools.map((t) => t.name);
      for (const n of ["halopsa_status", "search_clients", "get_client", "delete_contact"]) assert.ok(names.includes(n), n);
      for (const t of tools) {
        assert.equal(t.inputSchema.type, "object", t.name);
        assert.ok(t.description, t.name);
        assert.ok(t.annotations, t.name);
      }
    });

    test("tools/call returns structured content validated by the SDK", async () => {
      const status = await conn.client.callTool({ name: "halopsa_status", arguments: {} });
      assert.equal(status.isError, undefined);
      assert.equal(status.structuredContent.backend, "sandbox");
      const clients = await conn.client.callTool({ name: "search_clients", arguments: { page_size: 5 } });
      assert.ok(clients.structuredContent.items.length > 0);
      assert.ok(textOf(clients).length > 0);
    });

    test("a bad argument is an isError result the model can act on; an unknown tool is -32602", async () => {
      const bad = await conn.client.callTool({ name: "search_clients", arguments: { page_size: "lots" } });
      assert.equal(bad.isError, true);
      assert.match(textOf(bad), /page_size/);
      await assert.rejects(conn.client.callTool({ name: "no_such_tool", arguments: {} }), (e) => e.code === -32602);
    });

    test("a destructive call asks the user through elicitation and acts on the answer", async () => {
      const found = await conn.client.callTool({ name: "search_contacts", arguments: { page_size: 1 } });
      const contact = found.structuredContent.items[0];
      const seen = answerElicitation(conn.client, { action: "accept", content: { confirm: true } });
      const result = await conn.client.callTool({ name: "delete_contact", arguments: { contact_id: contact.id } });
      assert.equal(seen.length, 1);
      assert.equal(result.isError, undefined, textOf(result));
      assert.equal(result.structuredContent.deleted, true);
      const gone = await conn.client.callTool({ name: "get_contact", arguments: { contact_id: contact.id } });
      assert.equal(gone.isError, true);
    });

    test("ping", async () => {
      assert.deepEqual(await conn.client.ping(), {});
    });
  });
}

describe("isolation and shutdown", () => {
  test("a slow call in one session never delays another session", { timeout: 30000 }, async () => {
    const server = await startHttp();
    const slow = await connectHttp(server, { capabilities: { elicitation: {} } });
    const fast = await connectHttp(server);
    try {
      const found = await slow.client.callTool({ name: "search_contacts", arguments: { page_size: 1 } });
      let asked;
      const askedNow = new Promise((r) => (asked = r));
      const user = gate();  // session A's user answers only when the test says so
      answerElicitation(slow.client, { action: "decline" }, { gate: user.promise, onRequest: () => asked() });
      let slowDone = false;
      const slowCall = slow.client.callTool({ name: "delete_contact", arguments: { contact_id: found.structuredContent.items[0].id } })
        .finally(() => (slowDone = true));
      await askedNow; // session A is now waiting on its user, and stays waiting until the gate opens
      // Session B's calls all complete while A still waits: were B queued behind A, they could not (the test would
      // time out). Measured by order, not by milliseconds.
      for (let i = 0; i < 5; i++) {
        const r = await fast.client.callTool({ name: "search_clients", arguments: { page_size: 2 } });
        assert.equal(r.isError, undefined);
      }
      assert.equal(slowDone, false, "session A's call is still waiting on its user");
      user.open();
      const slowResult = await slowCall;
      assert.match(textOf(slowResult), /declined/);
    } finally {
      await slow.close();
      await fast.close();
      await server.stop();
    }
  });

  test("SIGTERM lets a call in flight finish, then the server exits 0", async () => {
    const server = await startHttp();
    const conn = await connectHttp(server, { capabilities: { elicitation: {} } });
    const found = await conn.client.callTool({ name: "search_contacts", arguments: { page_size: 1 } });
    let asked;
    const askedNow = new Promise((r) => (asked = r));
    const user = gate();
    answerElicitation(conn.client, { action: "accept", content: { confirm: true } }, { gate: user.promise, onRequest: () => asked() });
    const call = conn.client.callTool({ name: "delete_contact", arguments: { contact_id: found.structuredContent.items[0].id } });
    await askedNow;
    server.child.kill("SIGTERM");
    // The user answers once the server has begun shutting down (it says so on stderr), so the call is in flight
    // through the shutdown whatever the machine's speed. Bounded wait on that line.
    for (let i = 0; i < 400 && !/shutting down/.test(server.stderr()); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(server.stderr(), /shutting down/);
    user.open();
    const result = await call;
    assert.equal(result.structuredContent.deleted, true, textOf(result));
    const { code } = await server.exited;
    assert.equal(code, 0);
    assert.match(server.stderr(), /shutting down/);
    await conn.close().catch(() => {});
  });
});

describe("MCP Inspector CLI", () => {
  let server;
  before(async () => {
    server = await startHttp();
  });
  after(async () => server?.stop());

  for (const [transport, suffix] of [["http", "/mcp"], ["sse", "/sse"]]) {
    test(`lists and calls tools over ${transport}`, async () => {
      const target = server.base + suffix;
      const list = await run(node22, [inspectorCli, "--cli", target, "--transport", transport, "--method", "tools/list"], { timeout: 30000 });
      const tools = JSON.parse(list.stdout).tools.map((t) => t.name);
      assert.ok(tools.includes("search_clients"));
      const callOut = await run(node22, [inspectorCli, "--cli", target, "--transport", transport, "--method", "tools/call",
        "--tool-name", "search_clients", "--tool-arg", "page_size=2"], { timeout: 30000 });
      const result = JSON.parse(callOut.stdout);
      assert.equal(result.isError, undefined);
      assert.ok(result.structuredContent.items.length > 0);
    });
  }
});
