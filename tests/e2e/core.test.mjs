// The protocol core over stdio, driven by the official SDK client and by a raw peer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, startSandbox, textOf } from "./harness.mjs";
import { spawnRaw } from "./raw.mjs";

test("the SDK client initializes, lists tools and calls halopsa_status on the sandbox", async () => {
  const { client, close, stderr } = await connect();
  try {
    const info = client.getServerVersion();
    assert.equal(info.name, "halopsa-mcp");
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.match(client.getInstructions() ?? "", /SANDBOX MODE/);
    const { tools } = await client.listTools();
    const status = tools.find((t) => t.name === "halopsa_status");
    assert.ok(status, "halopsa_status is listed");
    assert.equal(status.annotations.readOnlyHint, true);
    const result = await client.callTool({ name: "halopsa_status", arguments: {} });
    assert.equal(result.isError, undefined);
    assert.equal(result.structuredContent.backend, "sandbox");
    assert.equal(result.structuredContent.reachable, true);
    assert.match(textOf(result), /SANDBOX/);
    assert.match(stderr(), /SANDBOX MODE/);
  } finally {
    await close();
  }
});

test("a tool call with unknown arguments is an isError result naming the field", async () => {
  const { client, close } = await connect();
  try {
    const result = await client.callTool({ name: "halopsa_status", arguments: { verbose: true } });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /verbose/);
    // The server keeps serving.
    assert.deepEqual(await client.ping(), {});
  } finally {
    await close();
  }
});

test("an unknown tool is a -32602 protocol error", async () => {
  const { client, close } = await connect();
  try {
    await assert.rejects(client.callTool({ name: "no_such_tool", arguments: {} }), (e) => e.code === -32602);
  } finally {
    await close();
  }
});

test("every stdout line is a JSON-RPC message, even at debug log level", async () => {
  const peer = spawnRaw({ env: { HALOPSA_LOG_LEVEL: "debug" } });
  await peer.initialize();
  await peer.request(1, "tools/list");
  await peer.request(2, "tools/call", { name: "halopsa_status", arguments: {} });
  peer.send("this is not json");
  await peer.waitFor((m) => m.error?.code === -32700);
  peer.child.stdin.end();
  await peer.exited;
  assert.ok(peer.lines.length >= 4);
  for (const line of peer.lines) {
    const m = JSON.parse(line);
    assert.equal(m.jsonrpc, "2.0", line);
  }
  assert.match(peer.stderr(), /debug/, "debug logs went to stderr");
});

test("framing and lifecycle errors per JSON-RPC and MCP", async () => {
  const peer = spawnRaw();
  try {
    assert.equal((await peer.request(1, "server/discover")).error.code, -32601, "unknown method before initialize");
    assert.deepEqual((await peer.request(2, "ping")).result, {}, "ping before initialize");
    assert.equal((await peer.request(3, "tools/list")).error.code, -32600, "tools/list before initialize");
    assert.equal((await peer.request(4, "initialize", { capabilities: {} })).error.code, -32602, "missing version");
    const init = await peer.request(5, "initialize", { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name: "x", version: "1" } });
    assert.equal(init.result.protocolVersion, "2024-11-05");
    assert.equal((await peer.request(6, "initialize", { protocolVersion: "2025-11-25", capabilities: {} })).error.code, -32600, "second initialize");
    peer.send("{broken");
    assert.equal((await peer.waitFor((m) => m.error?.code === -32700)).id, null);
    peer.send({ jsonrpc: "2.0", id: 7 });
    assert.equal((await peer.response(7)).error.code, -32600);
    peer.send([{ jsonrpc: "2.0", id: 8, method: "ping" }]);
    const batchError = await peer.waitFor((m) => m.error?.code === -32600 && m.id === null);
    assert.match(batchError.error.message, /2025-03-26/);
    assert.equal((await peer.request("str-id", "ping")).id, "str-id");
  } finally {
    peer.child.kill();
  }
});

test("a 2025-03-26 session accepts batches", async () => {
  const peer = spawnRaw();
  try {
    await peer.initialize("2025-03-26");
    peer.send([{ jsonrpc: "2.0", id: 1, method: "ping" }, { jsonrpc: "2.0", id: 2, method: "tools/list" }]);
    const batch = await peer.waitFor((m) => Array.isArray(m));
    assert.deepEqual(batch.map((r) => r.id).sort(), [1, 2]);
  } finally {
    peer.child.kill();
  }
});

test("a slow call does not block ping; a cancelled call is never answered", async () => {
  const sandbox = await startSandbox();
  const peer = spawnRaw({ env: sandbox.env });
  try {
    await peer.initialize();
    await peer.request(1, "tools/call", { name: "halopsa_status", arguments: {} }); // token fetched
    await sandbox.fault({ latency_ms: 800 });
    peer.send({ jsonrpc: "2.0", id: "slow", method: "tools/call", params: { name: "halopsa_status", arguments: {} } });
    peer.send({ jsonrpc: "2.0", id: "cancel-me", method: "tools/call", params: { name: "halopsa_status", arguments: {} } });
    peer.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "cancel-me", reason: "test" } });
    peer.send({ jsonrpc: "2.0", id: "fast", method: "ping" });
    await peer.response("fast");
    const order = () => peer.lines.map((l) => JSON.parse(l).id);
    assert.ok(!order().includes("slow"), "ping answered before the slow call finished");
    const slow = await peer.response("slow", 10000);
    assert.equal(slow.result.structuredContent.reachable, true);
    await sandbox.clearFaults();
    // Whether "cancel-me" was answered is only known once its handler is done, and the server shows that: a
    // handler decides to send or drop its reply, sends it if any, and only then frees its id (server/session.cpp
    // Session::run), and a new call with the same id is refused with -32600 "already in flight" until then. So once
    // a probe reusing the id is accepted (answered with anything else), any reply to the cancelled call is already
    // on stdout ahead of the probe's answer: one write to the same pipe, in order. The probe names an unknown tool,
    // so its answer (-32602) cannot pass for the cancelled call's result. The loop is bounded; the assertions do not
    // depend on how long the handler takes.
    const cancelReplies = () => peer.lines.map((l) => JSON.parse(l)).filter((m) => m.id === "cancel-me");
    let probe;
    for (let attempt = 0; attempt < 200 && !probe; attempt++) {
      const seen = cancelReplies().length;
      peer.send({ jsonrpc: "2.0", id: "cancel-me", method: "tools/call", params: { name: "no_such_tool", arguments: {} } });
      await peer.waitFor(() => cancelReplies().length > seen);
      const answer = cancelReplies()[seen];
      if (answer.error?.code === -32600 && /already in flight/.test(answer.error.message)) {
        await new Promise((r) => setTimeout(r, 25));  // the cancelled handler still holds the id
        continue;
      }
      probe = answer;
    }
    assert.ok(probe, "the cancelled call's id was freed within 200 probes");
    assert.equal(probe.error?.code, -32602, `the first other reply with id cancel-me is the probe's: ${JSON.stringify(probe)}`);
    const answered = cancelReplies().filter((m) => m.result !== undefined);
    assert.deepEqual(answered, [], "no reply to a cancelled request");
    assert.deepEqual((await peer.request("after", "ping")).result, {});
  } finally {
    peer.child.kill();
    await sandbox.stop();
  }
});

test("stdin EOF ends the server promptly with exit code 0", async () => {
  const peer = spawnRaw();
  await peer.initialize();
  const started = Date.now();
  peer.child.stdin.end();
  const { code } = await peer.exited;
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 1000, `exited after ${Date.now() - started} ms`);
});

test("SIGTERM ends the server with exit code 0", async () => {
  const peer = spawnRaw();
  await peer.initialize();
  peer.child.kill("SIGTERM");
  const { code } = await peer.exited;
  assert.equal(code, 0);
});

test("--read-only hides write tools; --tools limits the list", async () => {
  const ro = await connect({ args: ["--read-only"] });
  try {
    const { tools } = await ro.client.listTools();
    assert.ok(tools.length > 0);
    for (const t of tools) assert.equal(t.annotations.readOnlyHint, true, `${t.name} is read-only`);
  } finally {
    await ro.close();
  }
  const only = await connect({ args: ["--tools", "halopsa_status"] });
  try {
    const { tools } = await only.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["halopsa_status"]);
  } finally {
    await only.close();
  }
});

test("a half-configured tenant is a start-up error naming what is missing", async () => {
  const peer = spawnRaw({ env: { HALOPSA_BASE_URL: "https://acme.halopsa.com", HALOPSA_CLIENT_ID: "abc" } });
  const { code } = await peer.exited;
  assert.notEqual(code, 0);
  assert.match(peer.stderr(), /HALOPSA_CLIENT_SECRET/);
  assert.equal(peer.lines.length, 0, "nothing on stdout");
});
