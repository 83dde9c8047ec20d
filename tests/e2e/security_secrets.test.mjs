// Issue 8, secrets: a full run at debug level against a tenant (the standalone sandbox, secret "sandbox-secret"),
// through token refreshes, auth failures and upstream errors that echo the secret, never shows the client
// secret, an access token or the MCP bearer token in any log line, error, notification or tool result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startHttp, rawPost, rawSession } from "./harness.mjs";
import { spawnRaw } from "./raw.mjs";

const SECRET = "sandbox-secret";
const TOKEN_SHAPE = /[0-9a-f]{64}/i;

// The sandbox hands out tokens of one shape; the test learns it the way the server does, from /auth/token.
async function tokenShape(sandbox) {
  const res = await fetch(`${sandbox.url}/auth/token?tenant=sandbox`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=${SECRET}&scope=all`,
  });
  const { access_token } = await res.json();
  assert.match(access_token, new RegExp(`^${TOKEN_SHAPE.source}$`, "i"), "tokens are 64 hex characters");
  return access_token;
}

function assertClean(label, text, extra = []) {
  assert.ok(!text.includes(SECRET), `${label} contains the client secret`);
  const m = text.match(TOKEN_SHAPE);
  const line = m ? text.split("\n").find((l) => l.includes(m[0])) : "";
  assert.equal(m, null, `${label} contains something shaped like an access token: ${line.slice(0, 400)}`);
  for (const s of extra) assert.ok(!text.includes(s), `${label} contains ${s.slice(0, 6)}…`);
}

test("stdio at debug level: no secret or token in stderr, stdout, notifications or results", async () => {
  const sandbox = await startSandbox();
  await tokenShape(sandbox);
  const peer = spawnRaw({ env: { ...sandbox.env, HALOPSA_LOG_LEVEL: "debug" } });
  try {
    await peer.initialize();
    let id = 1;
    const call = (name, args = {}) => peer.request(id++, "tools/call", { name, arguments: args });
    await peer.request(id++, "logging/setLevel", { level: "debug" });
    await call("halopsa_status");
    await call("search_clients", { search: "Acme" });
    await call("get_contact", { contact_id: 1001 });
    await call("update_client", { client: 1, notes: "secret check" });
    await call("onboard_client", { name: "Secretive Ltd", site: { name: "HQ" }, contact: { name: "Sam Secret", email: "sam@secretive.example" } });
    // Token revoked: the server refreshes (the old and new token pass through its hands).
    await sandbox.fault({ expire_tokens: true });
    await call("search_contacts", { search: "Jane" });
    // The authorisation server fails with an HTML page, then answers again.
    await sandbox.fault({ expire_tokens: true });
    await sandbox.fault({ token_html_500: 3 });
    await call("get_client", { client: 1 });
    await sandbox.clearFaults();
    // Upstream errors that echo the secret must be scrubbed on their way to the model. (Echoing the server's own
    // token would need a sandbox fault that reflects the Authorization header; halo's unit tests cover that.)
    await sandbox.fault({ path_prefix: "/api/Client", method: "GET", status: 400, count: 4,
      body: JSON.stringify({ Message: `bad client_secret=${SECRET} for this tenant` }) });
    await call("search_clients", { search: "Echo" });
    await sandbox.fault({ path_prefix: "/api/Site", status: 500, count: 10,
      body: `<html>Server error; client_secret ${SECRET}</html>` });
    await call("search_sites", { search: "HQ" });
    await call("create_site", { client: 1, name: "Echo Site" });
    await sandbox.clearFaults();
    await call("halopsa_status");
    peer.send("{not json");
    await peer.waitFor((m) => m.error?.code === -32700);
    peer.child.stdin.end();
    await peer.exited;
    const stdout = peer.lines.join("\n");
    assert.ok(peer.lines.length > 12, "the run produced output");
    assert.match(peer.stderr(), / debug /, "the run logged at debug level");
    assertClean("stderr", peer.stderr());
    assertClean("stdout (results, errors, notifications)", stdout);
  } finally {
    await sandbox.stop();
  }
});

test("HTTP at debug level: the MCP bearer token and the HaloPSA secret stay out of logs and answers", async () => {
  const sandbox = await startSandbox();
  const bearer = "mcp-bearer-" + "k".repeat(40);
  const server = await startHttp({ env: { ...sandbox.env, HALOPSA_LOG_LEVEL: "debug", HALOPSA_MCP_TOKEN: bearer } });
  try {
    const auth = { authorization: `Bearer ${bearer}` };
    const wrong = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { authorization: `Bearer ${bearer}x` });
    assert.equal(wrong.status, 401);
    const bodies = [await wrong.text()];
    const sid = await rawSession(server, auth);
    for (const [i, name, args] of [[2, "halopsa_status", {}], [3, "search_clients", { search: "Acme" }],
      [4, "update_client", { client: 2, notes: "http secret check" }]]) {
      const res = await rawPost(server, { jsonrpc: "2.0", id: i, method: "tools/call", params: { name, arguments: args } },
        { ...auth, "mcp-session-id": sid });
      bodies.push(await res.text());
    }
    await sandbox.fault({ expire_tokens: true });
    const res = await rawPost(server, { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "get_client", arguments: { client: 1 } } },
      { ...auth, "mcp-session-id": sid });
    bodies.push(await res.text());
    assert.ok(bodies.some((b) => b.includes("Acme")), "the calls did run");
    await server.stop();
    assertClean("HTTP stderr", server.stderr(), [bearer]);
    assertClean("HTTP stdout", server.stdout(), [bearer]);
    assertClean("HTTP answers", bodies.join("\n"), [bearer]);
  } finally {
    await server.stop();
    await sandbox.stop();
  }
});

test("team server (--auth halo) at debug level: no HaloPSA or MCP token, code, verifier or key in logs, errors or results", async () => {
  const { AGENTS, TEST_KEY, startTeamServer, signInClient, haloAgentTokens } = await import("./team_helpers.mjs");
  const { auth } = await import("@modelcontextprotocol/sdk/client/auth.js");
  const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const sandbox = await startSandbox();
  const dir = mkdtempSync(path.join(os.tmpdir(), "team-secrets-"));
  const audit = path.join(dir, "audit.jsonl");
  // The sandbox's agent tokens have the shape its client-credentials tokens have; a direct one shows it.
  const direct = await haloAgentTokens(sandbox, AGENTS.sarah);
  assert.match(direct.access_token, new RegExp(`^${TOKEN_SHAPE.source}$`, "i"), "agent tokens are 64 hex characters");
  const server = await startTeamServer({ sandbox, args: ["--audit-log", audit], env: { HALOPSA_LOG_LEVEL: "debug" } });
  const secrets = [TEST_KEY, direct.access_token, direct.refresh_token, direct.code, direct.verifier].filter(Boolean);
  const results = [];
  try {
    const [sarah, rory] = await Promise.all([signInClient(server, AGENTS.sarah), signInClient(server, AGENTS.rory)]);
    for (const who of [sarah, rory]) {
      const t = who.provider.tokens();
      secrets.push(t.access_token, t.refresh_token, who.provider.codeVerifier(), who.signIn.code,
        who.signIn.seen.callback.searchParams.get("code"));
    }
    const c = async (who, name, args = {}) => results.push(JSON.stringify(await who.client.callTool({ name, arguments: args })));
    await c(sarah, "halopsa_status");
    await c(sarah, "update_client", { client: 1, notes: "team secret check" });
    await c(rory, "update_client", { client: 2, notes: "refused" });  // HaloPSA's 403, as Rory
    // HaloPSA revokes Sarah's token early: the server refreshes it with her refresh token and goes on.
    await sandbox.fault({ expire_tokens: true });
    await c(sarah, "search_clients", { search: "Acme" });
    await c(sarah, "search_sites", { search: "HQ" });
    await auth(sarah.provider, { serverUrl: new URL(server.url) });  // an MCP refresh
    secrets.push(sarah.provider.tokens().access_token, sarah.provider.tokens().refresh_token);
    const wrong = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { authorization: `Bearer ${direct.access_token}` });
    results.push(await wrong.text(), wrong.headers.get("www-authenticate") ?? "");
    assert.ok(results.some((r) => r.includes("Rory Reader")), "the calls did run");
    await Promise.all([sarah.close(), rory.close()]);
    await server.stop();
    const logs = server.stderr() + "\n" + server.stdout();
    assert.match(logs, / debug /, "the run logged at debug level");
    assertClean("team server logs", logs, secrets);
    assertClean("team server answers", results.join("\n"), secrets);
    assertClean("team audit log", readFileSync(audit, "utf8"), secrets);
  } finally {
    await server.stop();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
