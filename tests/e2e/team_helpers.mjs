// Helpers for the team server (`--http --auth halo`, docs/team-server.md): the official SDK client's OAuth support
// (an OAuthClientProvider on StreamableHTTPClientTransport), and the person's browser, scripted: follow the
// server's redirect to HaloPSA (the sandbox), post its login form, follow HaloPSA's redirect to the server's
// callback, and read the code the server sends to the client's redirect URI.
import assert from "node:assert/strict";
import net from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { startHttp, binary } from "./harness.mjs";

// A fixed test key (32 bytes, hex): the server seals HaloPSA tokens with it. The secrets test looks for it.
export const TEST_KEY = "5f0c8e3a9b7d2c41e6f8a0b3d5c7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0";

export const AGENTS = {
  sarah: { username: "sarah.jones", password: "sandbox-sarah", id: "11", name: "Sarah Jones" },
  rory: { username: "rory.reader", password: "sandbox-rory", id: "13", name: "Rory Reader" },
};

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// `halopsa-mcp --http --auth halo` against `sandbox` (a standalone sandbox, as a real tenant), or the embedded one.
export async function startTeamServer({ sandbox = null, args = [], env = {} } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const tenant = sandbox
    ? { HALOPSA_BASE_URL: sandbox.url, HALOPSA_TENANT: "sandbox", HALOPSA_AGENT_CLIENT_ID: "halopsa-sandbox-agents",
        HALOPSA_MCP_KEY: TEST_KEY }
    : {};
  const server = await startHttp({
    commandArgs: ["--http", "--auth", "halo", "--port", String(port), "--public-url", base, ...args],
    env: { ...tenant, ...env },
  });
  return server;
}

// What an MCP client keeps between runs, in memory; `scope`, when given, is what its authorization request asks for.
export class MemoryProvider {
  constructor({ scope, name = "e2e team client" } = {}) {
    this.scope = scope;
    this.name = name;
    this.authorizationUrl = null;
    this._tokens = undefined;
    this._client = undefined;
    this._verifier = undefined;
  }
  get redirectUrl() {
    return "http://127.0.0.1:1/callback";  // never served: the scripted browser stops at it and reads the code
  }
  get clientMetadata() {
    return {
      client_name: this.name,
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      ...(this.scope ? { scope: this.scope } : {}),
    };
  }
  clientInformation() { return this._client; }
  saveClientInformation(info) { this._client = info; }
  tokens() { return this._tokens; }
  saveTokens(tokens) { this._tokens = tokens; }
  // The SDK asks for every scope the server lists (SEP-835); a client whose user grants less asks for less.
  redirectToAuthorization(url) {
    this.authorizationUrl = new URL(url);
    if (this.scope) this.authorizationUrl.searchParams.set("scope", this.scope);
  }
  saveCodeVerifier(verifier) { this._verifier = verifier; }
  codeVerifier() { return this._verifier; }
}

function hiddenInputs(html) {
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  }
  return fields;
}

// The person's browser from the server's /authorize to the client's redirect URI. Returns what arrived there
// ({code, state, error}) and the URLs it passed through.
export async function browserSignIn(authorizationUrl, agent) {
  const seen = {};
  let res = await fetch(authorizationUrl, { redirect: "manual" });
  assert.equal(res.status, 302, `the server's /authorize redirects to HaloPSA: ${res.status} ${await res.text()}`);
  seen.halo = new URL(res.headers.get("location"));
  res = await fetch(seen.halo);
  const page = await res.text();
  assert.equal(res.status, 200, `HaloPSA's login page: ${page.slice(0, 300)}`);
  const action = new URL(page.match(/<form method="post" action="([^"]+)"/)[1], seen.halo);
  res = await fetch(action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...hiddenInputs(page), username: agent.username, password: agent.password }),
    redirect: "manual",
  });
  assert.equal(res.status, 302, `HaloPSA accepts the login: ${res.status} ${(await res.text()).slice(0, 300)}`);
  seen.callback = new URL(res.headers.get("location"));
  res = await fetch(seen.callback, { redirect: "manual" });
  assert.equal(res.status, 302, `the server's callback redirects to the client: ${res.status} ${await res.text()}`);
  seen.client = new URL(res.headers.get("location"));
  const q = seen.client.searchParams;
  return { code: q.get("code"), state: q.get("state"), error: q.get("error"), seen };
}

// The SDK's whole flow: a 401 with discovery, registration, the authorization request (PKCE), the browser, the
// token exchange (finishAuth), then a connected client. Returns the client, its provider and what was seen.
export async function signInClient(server, agent, { scope, provider = new MemoryProvider({ scope }) } = {}) {
  const url = new URL(server.url);
  const first = new Client({ name: "e2e-team", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  await assert.rejects(first.connect(transport), UnauthorizedError, "an unauthenticated connect asks for sign-in");
  assert.ok(provider.authorizationUrl, "the SDK was sent to the authorization endpoint");
  const signIn = await browserSignIn(provider.authorizationUrl, agent);
  assert.equal(signIn.error, null, `no error at the client's redirect URI: ${signIn.seen.client}`);
  await transport.finishAuth(signIn.code);
  const client = new Client({ name: "e2e-team", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return { client, provider, signIn, close: () => client.close() };
}

// An agent's own HaloPSA tokens straight from the sandbox's authorization-code flow, no MCP server in between (what a
// client must never be able to use against the server). Returns the token answer and the code used.
export async function haloAgentTokens(sandbox, agent) {
  const { createHash, randomBytes } = await import("node:crypto");
  const verifier = randomBytes(32).toString("base64url");
  const redirect = "http://127.0.0.1:1/direct";
  const request = {
    response_type: "code", client_id: "halopsa-sandbox-agents", redirect_uri: redirect, scope: "all offline_access",
    state: "direct", code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256", tenant: "sandbox",
  };
  const login = await fetch(sandbox.url + "/auth/authorize", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...request, username: agent.username, password: agent.password }),
    redirect: "manual",
  });
  assert.equal(login.status, 302, await login.text());
  const code = new URL(login.headers.get("location")).searchParams.get("code");
  const res = await fetch(sandbox.url + "/auth/token?tenant=sandbox", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: "halopsa-sandbox-agents", code,
      redirect_uri: redirect, code_verifier: verifier }),
  });
  assert.equal(res.status, 200);
  return { ...(await res.json()), code, verifier };
}

// The server's authorization server metadata (RFC 8414).
export async function serverMetadata(server) {
  const res = await fetch(server.base + "/.well-known/oauth-authorization-server");
  assert.equal(res.status, 200);
  return res.json();
}

export { binary };
