// Issue 8, fault drills: the sandbox's fault injection plays HaloPSA misbehaving (429 storms, 5xx bursts, slow
// answers, revoked tokens, dropped connections, the tenant dying mid-onboarding). For each drill: what the user is
// told, and proof from HaloPSA's own data that it ends consistent (no duplicate, no orphan, nothing half-done
// that the result does not report).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { binary, connect, textOf } from "./harness.mjs";
import { setup } from "./tools_helpers.mjs";

const opened = [];
after(async () => { for (const t of opened) await t.close(); });
async function open(env = {}) {
  const t = await setup({ env: { HALOPSA_MAX_RATE_WAIT_SECONDS: "4", ...env } });
  opened.push(t);
  return t;
}
// Every client, site and contact (inactive ones too) named so, read straight from the sandbox with a token of our own.
async function upstream(sandboxUrl) {
  const res = await fetch(`${sandboxUrl}/auth/token?tenant=sandbox`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret&scope=all",
  });
  const { access_token } = await res.json();
  const get = async (p) => (await fetch(`${sandboxUrl}/api/${p}`, { headers: { authorization: `Bearer ${access_token}` } })).json();
  return {
    clients: async (name) => (await get(`Client?search=${encodeURIComponent(name)}&includeactive=true&includeinactive=true&count=1000`)).clients.filter((c) => c.name === name),
    sites: async (clientId) => (await get(`Site?client_id=${clientId}&includeactive=true&includeinactive=true&count=1000`)).sites,
    contacts: async (clientId) => (await get(`Users?client_id=${clientId}&includeactive=true&includeinactive=true&count=1000`)).users,
    client: (id) => get(`Client/${id}`),
  };
}
const createPosts = async (t) => (await t.writes()).filter((w) => w.method === "POST" && /\/api\/client$/i.test(w.path));

test("429 storm: the user is told HaloPSA is rate limiting and to retry later; nothing is created", async () => {
  const t = await open();
  await t.mark();
  await t.sandbox.fault({ status: 429, count: 1000, retry_after: 1, path_prefix: "/api/Client", method: "POST" });
  const r = await t.call("create_client", { name: "Storm Ltd" });
  assert.equal(r.isError, true);
  assert.match(textOf(r), /rate limit/i);
  assert.match(textOf(r), /try again in 1 second/);
  await t.sandbox.clearFaults();
  const halo = await upstream(t.sandbox.url);
  assert.equal((await halo.clients("Storm Ltd")).length, 0);
  // A short storm is ridden out: one client, created once.
  await t.sandbox.fault({ status: 429, count: 2, retry_after: 1, path_prefix: "/api/Client", method: "POST" });
  const ok = await t.ok("create_client", { name: "Storm Ltd" });
  assert.equal((await halo.clients("Storm Ltd")).length, 1);
  assert.equal(ok.record.name, "Storm Ltd");
});

test("5xx burst on a create: never repeated blindly; a create that landed before the error is found, not duplicated", async () => {
  const t = await open();
  const halo = await upstream(t.sandbox.url);
  // Burst before the write: the create fails visibly and nothing exists.
  await t.sandbox.fault({ status: 503, count: 20, path_prefix: "/api/Client", method: "POST" });
  const failed = await t.call("create_client", { name: "Burst Before Ltd" });
  await t.sandbox.clearFaults();
  assert.equal(failed.isError, true);
  assert.match(textOf(failed), /answered 503/);
  assert.match(textOf(failed), /did not find the record, so it did not land/, "the user learns nothing was created");
  assert.equal((await halo.clients("Burst Before Ltd")).length, 0);
  // The write commits, then the answer is a 500: the server must find the record instead of creating it twice.
  await t.mark();
  await t.sandbox.fault({ status: 500, count: 1, path_prefix: "/api/Client", method: "POST", apply_after_write: true });
  const r = await t.call("create_client", { name: "Burst After Ltd" });
  await t.sandbox.clearFaults();
  const rows = await halo.clients("Burst After Ltd");
  assert.equal(rows.length, 1, "exactly one client");
  assert.equal((await createPosts(t)).length, 1, "the create was sent once");
  assert.ok(!r.isError, textOf(r));
  assert.equal(r.structuredContent.record.id, rows[0].id, "the result names the record that landed");
});

test("5xx after an update landed: the retry is harmless and the result matches HaloPSA", async () => {
  const t = await open();
  const halo = await upstream(t.sandbox.url);
  await t.sandbox.fault({ status: 502, count: 1, path_prefix: "/api/Client", method: "POST", apply_after_write: true });
  const r = await t.call("update_client", { client: 3, notes: "after a 502" });
  await t.sandbox.clearFaults();
  const now = await halo.client(3);
  assert.ok(!r.isError, textOf(r));
  assert.equal(now.notes, "after a 502");
  assert.deepEqual(r.structuredContent.diff.map((d) => d.field), ["notes"]);
});

test("slow HaloPSA: answers 1.5 s late are waited for, and progress is the same as without latency", async () => {
  const t = await open();
  await t.sandbox.fault({ latency_ms: 1500 });
  const started = Date.now();
  const c = await t.ok("create_client", { name: "Slowpoke Ltd" });
  assert.ok(Date.now() - started >= 1400);
  await t.sandbox.clearFaults();
  assert.equal((await (await upstream(t.sandbox.url)).clients("Slowpoke Ltd")).length, 1);
  assert.equal(c.record.name, "Slowpoke Ltd");
});

test("slower than the read timeout: the user is told there was no answer, and nothing was written", async () => {
  const t = await open({ HALOPSA_READ_TIMEOUT_MS: "1000" });
  await t.ok("search_clients", { search: "Acme" });  // the token is held, so the slow request is the duplicate check
  await t.mark();
  await t.sandbox.fault({ latency_ms: 2500 });
  const r = await t.call("create_client", { name: "Timeout Ltd" });
  assert.equal(r.isError, true);
  assert.match(textOf(r), /no complete answer .*read timed out/);
  assert.match(textOf(r), /halopsa_status/);
  // The sandbox logs a request once its latency is over, so a write the server sent may not be in the log yet.
  // Every request the server had not had an answer to when it returned was sent at least the read timeout (1 s)
  // before that; a request of ours sent after it, under the same latency, is logged after all of them. Its answer
  // comes after its log entry, so once it is answered the log holds everything the call sent.
  const sentinel = await fetch(`${t.sandbox.url}/api/authinfo?sentinel=after-result`);
  assert.equal(sentinel.status, 200);
  const log = (await t.sandbox.requests(0)).requests;
  const sentinelSeq = log.find((q) => q.query.sentinel === "after-result")?.seq;
  assert.ok(sentinelSeq, "the sandbox logged our request");
  assert.ok(log.some((q) => /^\/api\/client$/i.test(q.path) && q.method === "GET" && q.seq < sentinelSeq),
    "the duplicate check that timed out is logged before it");
  await t.sandbox.clearFaults();
  assert.deepEqual(await t.writes(), []);
  assert.equal((await (await upstream(t.sandbox.url)).clients("Timeout Ltd")).length, 0);
});

test("a create slower than the read timeout: found once it lands, never sent twice (found by the soak run)", async () => {
  const t = await open({ HALOPSA_READ_TIMEOUT_MS: "1000" });
  const halo = await upstream(t.sandbox.url);
  await t.mark();
  // HaloPSA takes 1.6 s over the POST: the server stops reading at 1 s, the client exists at 1.6 s.
  await t.sandbox.fault({ delay_ms: 1600, method: "POST", path_prefix: "/api/Client" });
  const made = await t.ok("create_client", { name: "Slow Landing Ltd" });
  const found = await halo.clients("Slow Landing Ltd");
  assert.equal(found.length, 1);
  assert.equal(made.record.id, found[0].id);
  assert.equal((await createPosts(t)).length, 1, "the create was sent once");
});

test("token revocation: the server fetches a new token and the call succeeds; a dead auth server is a clear error", async () => {
  const t = await open();
  await t.ok("search_clients", { search: "Acme" });
  await t.sandbox.fault({ expire_tokens: true });
  const c = await t.ok("update_client", { client: 4, notes: "after revocation" });
  assert.equal(c.written, true);
  await t.sandbox.fault({ expire_tokens: true });
  await t.sandbox.fault({ token_html_500: 100 });
  const r = await t.call("create_client", { name: "No Auth Ltd" });
  assert.equal(r.isError, true);
  assert.match(textOf(r), /auth|token|credential/i);
  assert.ok(!textOf(r).includes("sandbox-secret"));
  await t.sandbox.clearFaults();
  assert.equal((await (await upstream(t.sandbox.url)).clients("No Auth Ltd")).length, 0);
});

test("connection resets: before the write the create is repeated once; after it, the landed record is found", async () => {
  const t = await open();
  const halo = await upstream(t.sandbox.url);
  await t.sandbox.fault({ drop_connections: true, count: 1, path_prefix: "/api/Client", method: "POST" });
  const a = await t.call("create_client", { name: "Reset Before Ltd" });
  await t.sandbox.clearFaults();
  assert.ok(!a.isError, textOf(a));
  assert.equal((await halo.clients("Reset Before Ltd")).length, 1);
  await t.sandbox.fault({ drop_connections: true, count: 1, path_prefix: "/api/Client", method: "POST", apply_after_write: true });
  const b = await t.call("create_client", { name: "Reset After Ltd" });
  await t.sandbox.clearFaults();
  const rows = await halo.clients("Reset After Ltd");
  assert.equal(rows.length, 1, "one client, not two");
  assert.ok(!b.isError, textOf(b));
  assert.equal(b.structuredContent.record.id, rows[0].id);
});

// A standalone sandbox on a database file, on a fixed port once chosen, that can be killed and restarted.
async function fileSandbox(db, port = 0) {
  const child = spawn(binary, ["sandbox", "--port", String(port), "--db", db], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("sandbox did not start: " + stderr)), 10000);
    child.stderr.on("data", (c) => {
      stderr += c;
      const m = stderr.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`sandbox exited ${code}: ${stderr}`)); });
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const control = (method, route, body) => fetch(url + route, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) }).then((r) => r.json());
  return { url, port: Number(new URL(url).port), child, exited, control };
}

test("the tenant killed mid-onboarding: the user is told what was done, and a re-run completes without duplicates", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "halopsa-drill-"));
  const db = path.join(dir, "sandbox.db");
  let sandbox = await fileSandbox(db);
  const env = { HALOPSA_BASE_URL: sandbox.url, HALOPSA_CLIENT_ID: "halopsa-sandbox", HALOPSA_CLIENT_SECRET: "sandbox-secret",
    HALOPSA_TENANT: "sandbox", HALOPSA_MAX_RATE_WAIT_SECONDS: "2", HALOPSA_CONNECT_TIMEOUT_MS: "1000" };
  const mcp = await connect({ env });
  try {
    const args = { name: "Phoenix Rising Ltd", site: { name: "Phoenix HQ" }, contact: { name: "Pat Phoenix", email: "pat@phoenix.example" } };
    await sandbox.control("POST", "/_sandbox/faults", { latency_ms: 700 });
    const pending = mcp.client.callTool({ name: "onboard_client", arguments: args });
    // Kill -9 the tenant as soon as the client's create has been answered, before the site and contact.
    for (let i = 0; i < 200; i++) {
      const log = await sandbox.control("GET", "/_sandbox/requests?since=0");
      if (log.requests.some((r) => r.method === "POST" && /\/api\/client$/i.test(r.path) && r.status >= 200 && r.status < 300)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    sandbox.child.kill("SIGKILL");
    await sandbox.exited;
    const first = await pending;
    // Told plainly: incomplete, which step failed and why, what was created, and that a re-run finishes it.
    const told = textOf(first);
    assert.match(told, /^INCOMPLETE onboarding of "Phoenix Rising Ltd": main site: HaloPSA unreachable/);
    assert.match(told, /call onboard_client again with the same input to resume/);
    assert.equal(first.structuredContent.complete, false);
    assert.deepEqual(first.structuredContent.steps.map((s) => [s.step, s.status]), [
      ["client", "created"], ["main site", "failed"], ["primary contact", "skipped"], ["site main contact", "skipped"],
      ["client main site", "skipped"]]);

    // The tenant comes back on the same data and port.
    sandbox = await fileSandbox(db, sandbox.port);
    const halo = await upstream(sandbox.url);
    const clients = await halo.clients("Phoenix Rising Ltd");
    assert.equal(clients.length, 1, "the client created before the crash exists once");
    // What exists is exactly what the first result reported as created: the client, no site, no contact.
    assert.equal(first.structuredContent.steps[0].id, clients[0].id);
    assert.deepEqual((await halo.sites(clients[0].id)).map((s) => s.name), []);
    assert.deepEqual((await halo.contacts(clients[0].id)).map((c) => c.name), []);

    const second = await mcp.client.callTool({ name: "onboard_client", arguments: args });
    assert.ok(!second.isError, textOf(second));
    assert.equal(second.structuredContent.complete, true);
    assert.equal(second.structuredContent.client_id, clients[0].id);
    assert.equal(second.structuredContent.steps.find((s) => /client/.test(s.step)).status, "existing");
    assert.equal((await halo.clients("Phoenix Rising Ltd")).length, 1, "no duplicate client");
    const sites = (await halo.sites(clients[0].id)).filter((s) => s.name === "Phoenix HQ");
    assert.equal(sites.length, 1, "one site");
    const contacts = (await halo.contacts(clients[0].id)).filter((c) => c.name === "Pat Phoenix");
    assert.equal(contacts.length, 1, "one contact");
    assert.equal(contacts[0].site_id, sites[0].id, "the contact is on the client's site, not orphaned");
  } finally {
    await mcp.close();
    sandbox.child.kill("SIGTERM");
    await sandbox.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
