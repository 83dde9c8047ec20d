// Issue 19, the team server (`--http --auth halo`, docs/team-server.md): MCP users sign in through the official SDK
// client's OAuth support as their own HaloPSA agents (the sandbox's authorization-code flow), and every HaloPSA
// request their tools make runs as that agent: the sandbox's request log names the agent, HaloPSA's refusals reach
// the user as such, and a read-only grant sees and may call only read tools.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { startSandbox, startHttp, textOf, rawPost, initializeBody } from "./harness.mjs";
import {
  AGENTS, TEST_KEY, freePort, haloAgentTokens, serverMetadata, signInClient, startTeamServer,
} from "./team_helpers.mjs";

let sandbox, server, dir, auditPath;
before(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(path.join(os.tmpdir(), "team-server-"));
  auditPath = path.join(dir, "audit.jsonl");
  server = await startTeamServer({ sandbox, args: ["--audit-log", auditPath] });
});
after(async () => {
  await server?.stop();
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const apiRequests = async (since) =>
  (await sandbox.requests(since)).requests.filter((r) => r.path.toLowerCase().startsWith("/api/"));
const mark = async () => (await sandbox.requests(0)).next;
const call = async (client, name, args = {}) => client.callTool({ name, arguments: args });

test("the SDK signs in from the 401: discovery, registration, PKCE through HaloPSA, then tools run as that agent", async () => {
  // The 401 names the protected resource metadata, which names this server as the authorization server.
  const bare = await rawPost(server, initializeBody());
  assert.equal(bare.status, 401);
  const challenge = bare.headers.get("www-authenticate");
  assert.match(challenge, /^Bearer .*resource_metadata="[^"]+"/);

  const sarah = await signInClient(server, AGENTS.sarah);
  try {
    const asked = sarah.provider.authorizationUrl;
    assert.equal(asked.searchParams.get("code_challenge_method"), "S256");
    assert.equal(asked.searchParams.get("resource"), server.url, "the resource indicator names this server's /mcp");
    assert.ok(sarah.provider.clientInformation()?.client_id, "the SDK registered itself dynamically");
    // HaloPSA's leg: the sandbox's authorize endpoint, the native application, this server's callback, its own PKCE.
    const halo = sarah.signIn.seen.halo;
    assert.equal(halo.origin + halo.pathname, sandbox.url + "/auth/authorize");
    assert.equal(halo.searchParams.get("client_id"), "halopsa-sandbox-agents");
    assert.equal(halo.searchParams.get("redirect_uri"), server.base + "/oauth/callback");
    assert.equal(halo.searchParams.get("code_challenge_method"), "S256");
    assert.notEqual(halo.searchParams.get("code_challenge"), asked.searchParams.get("code_challenge"),
      "the server runs its own PKCE leg with HaloPSA");
    assert.match(halo.searchParams.get("scope"), /offline_access/);

    const status = await call(sarah.client, "halopsa_status");
    assert.equal(status.isError, undefined, textOf(status));
    assert.deepEqual(status.structuredContent.caller, {
      agent_id: "11", agent_name: "Sarah Jones", scopes: ["halopsa:read", "halopsa:write"],
    });
    assert.match(textOf(status), /Signed in as HaloPSA agent Sarah Jones \(id 11\)/);

    const since = await mark();
    const updated = await call(sarah.client, "update_client", { client: 1, notes: "changed by Sarah" });
    assert.equal(updated.isError, undefined, textOf(updated));
    const writes = (await apiRequests(since)).filter((r) => r.method === "POST");
    assert.equal(writes.length, 1, JSON.stringify(writes));
    assert.deepEqual(writes[0].agent, { id: 11, name: "Sarah Jones" }, "HaloPSA saw the write as Sarah");
    for (const r of await apiRequests(since)) assert.deepEqual(r.agent, { id: 11, name: "Sarah Jones" }, `${r.method} ${r.path}`);
  } finally {
    await sarah.close();
  }
});

test("two agents at once: each write is Halo's agent's, and the read-only agent's write is refused clearly", async () => {
  const [sarah, rory] = await Promise.all([signInClient(server, AGENTS.sarah), signInClient(server, AGENTS.rory)]);
  try {
    const before = (await call(rory.client, "get_client", { client: 2, fields: ["notes"] })).structuredContent;
    const since = await mark();
    const [bySarah, byRory] = await Promise.all([
      call(sarah.client, "update_client", { client: 1, notes: "Sarah was here" }),
      call(rory.client, "update_client", { client: 2, notes: "Rory was here" }),
    ]);
    assert.equal(bySarah.isError, undefined, textOf(bySarah));
    assert.equal(byRory.isError, true);
    assert.match(textOf(byRory), /^HaloPSA refused: agent Rory Reader may not edit clients/);
    assert.match(textOf(byRory), /Nothing was written/);
    assert.doesNotMatch(textOf(byRory), /updated|saved/i);

    const posts = (await apiRequests(since)).filter((r) => r.method === "POST");
    const bySarahPosts = posts.filter((r) => r.agent?.id === 11);
    const byRoryPosts = posts.filter((r) => r.agent?.id === 13);
    assert.equal(bySarahPosts.length, 1, JSON.stringify(posts));
    assert.equal(bySarahPosts[0].status, 201);  // HaloPSA answers a saved POST with 201
    assert.equal(bySarahPosts[0].body[0].id, 1);
    assert.equal(byRoryPosts.length, 1, "Rory's refused write was sent once, as Rory, not retried");
    assert.equal(byRoryPosts[0].status, 403);
    assert.equal(byRoryPosts[0].body[0].id, 2);

    const after = (await call(sarah.client, "get_client", { client: 2, fields: ["notes"] })).structuredContent;
    assert.notEqual(after.client.notes, "Rory was here", "client 2 is unchanged");
    assert.equal(after.client.notes ?? null, before.client.notes ?? null);
    const one = (await call(rory.client, "get_client", { client: 1, fields: ["notes"] })).structuredContent;
    assert.equal(one.client.notes, "Sarah was here", "Sarah's change is there, and Rory may read it");

    // Each caller is told who they are.
    const roryStatus = await call(rory.client, "halopsa_status");
    assert.equal(roryStatus.structuredContent.caller.agent_name, "Rory Reader");
    assert.equal(roryStatus.structuredContent.caller.agent_id, "13");
  } finally {
    await Promise.all([sarah.close(), rory.close()]);
  }
});

test("the audit log names the HaloPSA agent on every write", async () => {
  const sarah = await signInClient(server, AGENTS.sarah);
  try {
    const r = await call(sarah.client, "update_client", { client: 3, notes: "audited" });
    assert.equal(r.isError, undefined, textOf(r));
  } finally {
    await sarah.close();
  }
  const lines = readFileSync(auditPath, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const mine = lines.filter((l) => l.tool === "update_client" && JSON.stringify(l.arguments ?? {}).includes("audited"));
  assert.deepEqual(mine.map((l) => l.event), ["started", "finished"]);
  for (const l of mine) assert.deepEqual(l.agent, { id: "11", name: "Sarah Jones" }, JSON.stringify(l));
});

test("a read-only grant sees no write tools, and a write call is 403 insufficient_scope naming halopsa:write", async () => {
  const reader = await signInClient(server, AGENTS.sarah, { scope: "halopsa:read" });
  try {
    const { tools } = await reader.client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes("search_clients"), names.join(","));
    assert.ok(!names.includes("update_client"), "no write tool is listed");
    for (const t of tools) assert.equal(t.annotations?.readOnlyHint, true, `${t.name} is a read tool`);

    const since = await mark();
    const token = reader.provider.tokens().access_token;
    const init = await rawPost(server, initializeBody(), { authorization: `Bearer ${token}` });
    assert.equal(init.status, 200);
    const sid = init.headers.get("mcp-session-id");
    const headers = { authorization: `Bearer ${token}`, "mcp-protocol-version": "2025-11-25", ...(sid ? { "mcp-session-id": sid } : {}) };
    await rawPost(server, { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
    const res = await rawPost(server,
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "update_client", arguments: { client: 1, notes: "x" } } },
      headers);
    assert.equal(res.status, 403);
    const www = res.headers.get("www-authenticate");
    assert.match(www, /error="insufficient_scope"/);
    assert.match(www, /scope="[^"]*halopsa:write[^"]*"/);
    assert.deepEqual((await apiRequests(since)).filter((r) => r.method !== "GET"), [], "nothing was written");
  } finally {
    await reader.close();
  }
});

test("refresh gives a working token; revocation ends it", async () => {
  const sarah = await signInClient(server, AGENTS.sarah);
  try {
    const first = sarah.provider.tokens();
    assert.ok(first.refresh_token, "a refresh token was issued");
    const result = await auth(sarah.provider, { serverUrl: new URL(server.url) });  // tokens held: the SDK refreshes
    assert.equal(result, "AUTHORIZED");
    const second = sarah.provider.tokens();
    assert.notEqual(second.access_token, first.access_token);
    assert.notEqual(second.refresh_token, first.refresh_token, "refresh tokens rotate");
    const ok = await rawPost(server, initializeBody(), { authorization: `Bearer ${second.access_token}` });
    assert.equal(ok.status, 200);

    const meta = await serverMetadata(server);
    assert.ok(meta.revocation_endpoint, "the server names its revocation endpoint");
    const revoked = await fetch(meta.revocation_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: second.access_token, client_id: sarah.provider.clientInformation().client_id }),
    });
    assert.equal(revoked.status, 200);
    const gone = await rawPost(server, initializeBody(), { authorization: `Bearer ${second.access_token}` });
    assert.equal(gone.status, 401);
    assert.match(gone.headers.get("www-authenticate"), /invalid_token/);
  } finally {
    await sarah.close();
  }
});

test("HaloPSA rejecting an agent's token early (401): the server refreshes it with the agent's refresh token, once", async () => {
  const sarah = await signInClient(server, AGENTS.sarah);
  try {
    assert.equal((await call(sarah.client, "get_client", { client: 1 })).isError, undefined);
    await sandbox.fault({ expire_tokens: true });  // every access token HaloPSA issued stops working
    const since = await mark();
    const r = await call(sarah.client, "get_client", { client: 1 });
    assert.equal(r.isError, undefined, textOf(r));
    const seen = (await sandbox.requests(since)).requests;
    const refreshes = seen.filter((q) => q.path === "/auth/token" && q.body?.grant_type === "refresh_token");
    assert.equal(refreshes.length, 1, JSON.stringify(seen.map((q) => [q.method, q.path, q.status])));
    const gets = seen.filter((q) => q.path.startsWith("/api/Client"));
    assert.equal(gets[0].status, 401, "the old token was refused");
    assert.deepEqual(gets.slice(1).map((q) => q.status), gets.slice(1).map(() => 200), "then every request succeeded");
    assert.ok(gets.length >= 2);
    assert.deepEqual(gets[1].agent, { id: 11, name: "Sarah Jones" });
  } finally {
    await sandbox.clearFaults();
    await sarah.close();
  }
});

test("a HaloPSA token presented to the server directly is refused (no passthrough)", async () => {
  // An agent's own HaloPSA token, from the sandbox's flow without this server in between.
  const { access_token: haloToken } = await haloAgentTokens(sandbox, AGENTS.sarah);
  assert.ok(haloToken, "the sandbox issued Sarah a HaloPSA token");
  const since = await mark();
  const res = await rawPost(server, initializeBody(), { authorization: `Bearer ${haloToken}` });
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate"), /invalid_token/);
  assert.deepEqual(await apiRequests(since), [], "nothing reached HaloPSA");
});

test("on the embedded sandbox, --http --auth halo works out of the box and says its key is for this run", async () => {
  const port = await freePort();
  const demo = await startHttp({ commandArgs: ["--http", "--auth", "halo", "--port", String(port)] });
  try {
    assert.match(demo.stderr(), /random key was made for this run/);
    assert.equal(demo.base, `http://127.0.0.1:${port}`);
    const rory = await signInClient(demo, AGENTS.rory);
    const status = await call(rory.client, "halopsa_status");
    assert.equal(status.structuredContent.backend, "sandbox");
    assert.equal(status.structuredContent.caller.agent_name, "Rory Reader");
    await rory.close();
  } finally {
    await demo.stop();
  }
});

test("on a real tenant a missing or weak key, or no agent application, stops the server with what to set", async () => {
  const run = async (env) => {
    const port = await freePort();
    const { spawnSync } = await import("node:child_process");
    const { binary } = await import("./harness.mjs");
    return spawnSync(binary, ["--http", "--auth", "halo", "--port", String(port), "--public-url", `http://127.0.0.1:${port}`], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", HALOPSA_BASE_URL: sandbox.url, HALOPSA_TENANT: "sandbox", ...env },
      encoding: "utf8", timeout: 15000,
    });
  };
  const noKey = await run({ HALOPSA_AGENT_CLIENT_ID: "halopsa-sandbox-agents" });
  assert.equal(noKey.status, 2, noKey.stderr);
  assert.match(noKey.stderr, /HALOPSA_MCP_KEY/);
  const weak = await run({ HALOPSA_AGENT_CLIENT_ID: "halopsa-sandbox-agents", HALOPSA_MCP_KEY: "00".repeat(32) });
  assert.equal(weak.status, 2, weak.stderr);
  assert.doesNotMatch(weak.stderr, /0{64}/, "the key is not echoed");
  const noApp = await run({ HALOPSA_MCP_KEY: TEST_KEY });
  assert.equal(noApp.status, 2, noApp.stderr);
  assert.match(noApp.stderr, /HALOPSA_AGENT_CLIENT_ID/);
  assert.ok(!noApp.stderr.includes(TEST_KEY));
  const both = await run({ HALOPSA_AGENT_CLIENT_ID: "halopsa-sandbox-agents", HALOPSA_MCP_KEY: TEST_KEY, HALOPSA_MCP_TOKEN: "static-token-123456" });
  assert.equal(both.status, 2, both.stderr);
  assert.match(both.stderr, /exclude each other/);
});
