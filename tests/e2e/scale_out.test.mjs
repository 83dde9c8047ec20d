// Three replicas behind nginx, sharing state in one redis-server, against one standalone sandbox that counts what
// it receives (docs/deployment.md): the rate budget holds over all replicas, the duplicate guards hold across
// them, a replica killed under load loses only its calls in flight, a Redis outage refuses writes until it is
// back, and a team server's sign-in on one replica serves on all. Skipped, saying why, when redis-server or nginx
// is not installed (scripts/setup.sh --with-test-tools installs both).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { connectHttp, initializeBody, rawPost, startHttp, startSandbox, textOf } from "./harness.mjs";
import { freePort, health, nginxBinary, redisBinary, startNginx, startRedis, startReplicas, tempDir } from "./cluster.mjs";
import { AGENTS, TEST_KEY, signInClient } from "./team_helpers.mjs";

const missing = [!redisBinary && "redis-server", !nginxBinary && "nginx"].filter(Boolean);
const skip = missing.length ? `${missing.join(" and ")} not installed (scripts/setup.sh --with-test-tools installs them)` : false;

let sandbox, redis, dir;
const running = [];  // replicas and balancers to stop at the end

before(async () => {
  if (skip) return;
  dir = tempDir("scale-out-");
  sandbox = await startSandbox();
  redis = await startRedis(dir);
});

after(async () => {
  for (const p of running.reverse()) await p.stop();
  await redis?.stop();
  await sandbox?.stop();
});

async function cluster({ db, stateless = true, env = {} }) {
  const replicas = await startReplicas({ sandbox, redisUrl: redis.url(db), stateless, env });
  running.push(...replicas);
  const lb = await startNginx(tempDir("scale-out-nginx-"), replicas.map((r) => new URL(r.url).port));
  running.push(lb);
  return { replicas, lb };
}

async function call(endpoint, name, args) {
  const c = await connectHttp(endpoint);
  try {
    return await c.client.callTool({ name, arguments: args });
  } finally {
    await c.close();
  }
}

const apiRequests = (log) => log.requests.filter((r) => r.path.startsWith("/api/"));

test("64 sessions through nginx: no call fails, and the sandbox never sees more than the budget in a window", { skip }, async () => {
  // The sandbox refuses (429) the 31st /api request in any 10 s; the replicas share a budget of 30 per 11 s (a
  // second of margin for the time a request takes from the budget to the sandbox). Three replicas each keeping
  // their own budget of 30 would send up to 90 in a window.
  await sandbox.setQuirks({ rate_limit: { limit: 30, window_seconds: 10 } });
  const { lb } = await cluster({
    db: 0,
    env: { HALOPSA_RATE_LIMIT: "30", HALOPSA_RATE_WINDOW_SECONDS: "11", HALOPSA_MAX_RATE_WAIT_SECONDS: "120" },
  });
  const mark = (await sandbox.requests()).next;
  try {
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) =>
      call(lb, "search_clients", { search: i % 2 ? "acme" : "denver" })));
    const failed = results.filter((r) => r.isError);
    assert.equal(failed.length, 0, failed.map(textOf).join("\n"));
    const sent = apiRequests(await sandbox.requests(mark));
    assert.ok(sent.length >= 64, `every call reached HaloPSA: ${sent.length} requests`);
    assert.deepEqual(sent.filter((r) => r.status === 429), [], "the sandbox refused requests: the budget was exceeded");
  } finally {
    await sandbox.setQuirks({ rate_limit: { limit: 0, window_seconds: 300 } });
  }
});

test("stateful sessions through nginx stay on their replica; a write on one replica notifies a subscriber on another", { skip }, async () => {
  const { lb } = await cluster({ db: 1, stateless: false });
  const a = await connectHttp(lb);
  const b = await connectHttp(lb);
  try {
    // Round robin placed the two sessions on different replicas; the session id says which.
    const replicaOf = (c) => c.transport.sessionId.split(".")[0];
    assert.match(replicaOf(a), /^replica\d$/);
    assert.notEqual(replicaOf(a), replicaOf(b));
    const heard = new Promise((resolve) =>
      a.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri)));
    await a.client.subscribeResource({ uri: "halopsa://clients/3" });
    for (let i = 0; i < 5; ++i) assert.ok(!(await a.client.callTool({ name: "get_client", arguments: { client: 3 } })).isError);
    const r = await b.client.callTool({ name: "update_client", arguments: { client: 3, notes: "changed on another replica" } });
    assert.ok(!r.isError, textOf(r));
    assert.equal(await heard, "halopsa://clients/3");
  } finally {
    await a.close();
    await b.close();
  }
});

test("the same client onboarded at the same moment through three replicas: one client, one site, one contact", { skip }, async () => {
  const { replicas } = await cluster({ db: 2 });
  const name = "Denver Dental Partners";
  const input = { name, site: { name: "Main Office" }, contact: { name: "Dana Reyes", email: "dana@denverdental.example" } };
  const results = await Promise.all(replicas.map((r) => call(r, "onboard_client", input)));
  for (const r of results) assert.ok(!r.isError, textOf(r));
  const clientIds = new Set(results.map((r) => r.structuredContent.client_id));
  assert.equal(clientIds.size, 1, `client ids ${[...clientIds]}`);
  const created = results.map((r) => r.structuredContent.steps.find((s) => s.step === "client").status).sort();
  assert.deepEqual(created, ["created", "existing", "existing"]);

  const clients = await call(replicas[0], "search_clients", { search: "Denver Dental", status: "all" });
  assert.equal(clients.structuredContent.items.filter((c) => c.name === name).length, 1);
  const clientId = [...clientIds][0];
  const sites = await call(replicas[1], "search_sites", { client: clientId, status: "all" });
  assert.equal(sites.structuredContent.items.length, 1, JSON.stringify(sites.structuredContent.items));
  const contacts = await call(replicas[2], "search_contacts", { email: "dana@denverdental.example", status: "all" });
  assert.equal(contacts.structuredContent.items.length, 1, JSON.stringify(contacts.structuredContent.items));
});

// Creates contacts with unique e-mails through `endpoint` until `stop()`; each call records when it started and
// ended (relative to events, not time), and how it went.
function writeLoad(endpoint, clientId, tag, workers = 6) {
  const calls = [];
  let stopped = false;
  let n = 0;
  const worker = async () => {
    while (!stopped) {
      const email = `${tag}-${n++}@load.example`;
      const entry = { email, phase: load.phase, done: false };
      calls.push(entry);
      try {
        const r = await call(endpoint, "create_contact", { client: clientId, name: `Load ${email}`, email });
        entry.ok = !r.isError;
        entry.text = textOf(r);
      } catch (e) {
        entry.ok = false;
        entry.text = String(e);
      }
      entry.endPhase = load.phase;
      entry.done = true;
    }
  };
  const load = { phase: "before", calls };
  const running = Array.from({ length: workers }, worker);
  load.stop = async () => {
    stopped = true;
    await Promise.all(running);
  };
  load.waitFor = async (count) => {
    while (calls.filter((c) => c.done).length < count) await new Promise((r) => setTimeout(r, 20));
  };
  return load;
}

async function contactsWithEmail(endpoint, email) {
  const r = await call(endpoint, "search_contacts", { email, status: "all" });
  assert.ok(!r.isError, textOf(r));
  return r.structuredContent.items.length;
}

test("a replica killed with SIGKILL under load (stateless): only its calls in flight fail, each reported write exists once", { skip }, async () => {
  const { replicas, lb } = await cluster({ db: 3 });
  const load = writeLoad(lb, 1, "kill");
  await load.waitFor(12);
  load.phase = "killed";
  await replicas[1].stop("SIGKILL");
  await load.waitFor(load.calls.filter((c) => c.done).length + 24);
  load.phase = "after";
  await load.waitFor(load.calls.filter((c) => c.done).length + 12);
  await load.stop();

  const failed = load.calls.filter((c) => !c.ok);
  // A call that failed was running when the replica died: it started before the kill and ended after it.
  for (const c of failed) {
    assert.equal(c.phase, "before", `a call started after the kill failed: ${c.text}`);
    assert.notEqual(c.endPhase, "before", `a call failed before the kill: ${c.text}`);
  }
  assert.ok(load.calls.filter((c) => c.ok && c.phase !== "before").length >= 24, "calls after the kill succeeded");
  for (const c of load.calls.filter((c) => c.ok)) assert.equal(await contactsWithEmail(replicas[0], c.email), 1, c.email);
});

test("Redis stopped under load: writes refused with the clear error, reads go on, service back without a restart", { skip }, async () => {
  const { replicas, lb } = await cluster({ db: 4 });
  const reads = [];
  let reading = true;
  const reader = (async () => {
    while (reading) reads.push(await call(lb, "search_clients", { search: "acme" }));
  })();
  const before = writeLoad(lb, 2, "redis-before", 3);
  await before.waitFor(6);
  await before.stop();

  await redis.stop();
  for (const r of replicas) {
    const h = await health(r);
    assert.equal(h.status, "degraded");
    assert.equal(h.shared_state.redis, "down");
    assert.equal(h.shared_state.rate_budget.mode, "per-replica share");
  }
  const mark = (await sandbox.requests()).next;
  const down = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    call(lb, "create_contact", { client: 2, name: `Down ${i}`, email: `redis-down-${i}@load.example` })));
  for (const r of down) {
    assert.ok(r.isError, "a write ran without its cross-replica guard");
    assert.match(textOf(r), /writes are paused because the shared state store \(Redis at 127\.0\.0\.1:\d+\/4\)/);
    assert.match(textOf(r), /nothing was sent to HaloPSA/);
  }
  assert.deepEqual(apiRequests(await sandbox.requests(mark)).filter((q) => q.method !== "GET"), []);
  for (let i = 0; i < 3; ++i) {
    const r = await call(lb, "search_clients", { search: "acme" });
    assert.ok(!r.isError && r.structuredContent.items.length > 0, "a read while Redis is away: " + textOf(r));
  }

  await redis.start();
  // Back without a restart of the replicas: each finds Redis again by itself (its /healthz says so), then writes go on.
  for (const r of replicas) {
    for (let i = 0; (await health(r)).shared_state.redis !== "up"; ++i) {
      assert.ok(i < 100, "a replica did not reconnect to Redis");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const after = writeLoad(lb, 2, "redis-after", 3);
  await after.waitFor(6);
  await after.stop();
  reading = false;
  await reader;

  const failedReads = reads.filter((r) => r.isError);
  assert.equal(failedReads.length, 0, failedReads.map(textOf).join("\n"));
  for (const c of [...before.calls, ...after.calls]) {
    assert.ok(c.ok, c.text);
    assert.equal(await contactsWithEmail(replicas[0], c.email), 1, c.email);
  }
  for (let i = 0; i < 6; ++i) assert.equal(await contactsWithEmail(replicas[0], `redis-down-${i}@load.example`), 0);
  for (const r of replicas) assert.equal((await health(r)).shared_state.redis, "up");
});

test("a sign-in finished through the balancer serves on every replica; a refresh and a revocation hold across them", { skip }, async () => {
  // The team server on three replicas: one public address (nginx), one key, one OAuth store in Redis. The SDK's
  // sign-in goes through nginx round robin, so its registration, /authorize, HaloPSA's return to /oauth/callback and
  // the token exchange land on different replicas: with a store per replica the callback would find no sign-in.
  const lbPort = await freePort();
  const publicUrl = `http://127.0.0.1:${lbPort}`;
  const replicas = await startReplicas({
    sandbox, redisUrl: redis.url(7),
    args: ["--auth", "halo", "--public-url", publicUrl],
    // Each replica's own store would be in its memory: with --redis it must not be used at all.
    env: { HALOPSA_AGENT_CLIENT_ID: "halopsa-sandbox-agents", HALOPSA_MCP_KEY: TEST_KEY, HALOPSA_MCP_OAUTH_DB: ":memory:" },
  });
  running.push(...replicas);
  const lb = await startNginx(tempDir("scale-out-nginx-"), replicas.map((r) => new URL(r.url).port), { port: lbPort });
  running.push(lb);

  const sarah = await signInClient(lb, AGENTS.sarah);
  const token = sarah.provider.tokens();
  await sarah.close();
  const asSarah = { authorization: `Bearer ${token.access_token}` };
  // The token, issued by whichever replica answered /token, opens a session on each replica directly.
  for (const replica of replicas) {
    const c = await connectHttp(replica, { headers: asSarah });
    try {
      const status = await c.client.callTool({ name: "halopsa_status", arguments: {} });
      assert.equal(status.structuredContent.caller.agent_name, "Sarah Jones", `${replica.url}: ${textOf(status)}`);
    } finally {
      await c.close();
    }
  }

  // HaloPSA refuses Sarah's agent token everywhere at once: the replicas that see the 401 refresh it once between
  // them (the sandbox rotates refresh tokens and revokes the family when one is used twice), and every call works.
  await sandbox.fault({ expire_tokens: true });
  const mark = (await sandbox.requests()).next;
  try {
    const results = await Promise.all(replicas.map(async (replica, i) => {
      const c = await connectHttp(replica, { headers: asSarah });
      try {
        return await c.client.callTool({ name: "update_client", arguments: { client: 4, notes: `via replica ${i + 1}` } });
      } finally {
        await c.close();
      }
    }));
    for (const r of results) assert.equal(r.isError, undefined, textOf(r));
    const seen = (await sandbox.requests(mark)).requests;
    const refreshes = seen.filter((q) => q.path === "/auth/token" && q.body?.grant_type === "refresh_token");
    assert.equal(refreshes.length, 1, JSON.stringify(seen.map((q) => [q.method, q.path, q.status])));
    const writes = seen.filter((q) => q.method === "POST" && q.path.startsWith("/api/"));
    assert.equal(writes.length, 3);
    for (const w of writes) assert.deepEqual(w.agent, { id: 11, name: "Sarah Jones" }, "HaloPSA saw Sarah write");
  } finally {
    await sandbox.clearFaults();
  }

  // Revoked through the balancer (any replica): no replica accepts the token any more.
  const revoked = await fetch(`${publicUrl}/revoke`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: token.refresh_token, client_id: sarah.provider.clientInformation().client_id }),
  });
  assert.equal(revoked.status, 200);
  for (const replica of replicas) {
    const res = await rawPost(replica, initializeBody(), asSarah);
    assert.equal(res.status, 401, replica.url);
  }

  // Redis away: a token cannot be checked, which is a 503 to retry, not a 401 that would send users to sign in again.
  const other = await signInClient(lb, AGENTS.sarah);
  const live = { authorization: `Bearer ${other.provider.tokens().access_token}` };
  await other.close();
  await redis.stop();
  try {
    const res = await rawPost(replicas[0], initializeBody(), live);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "2");
    assert.match(await res.text(), /cannot be checked right now.*retry/);
    const tokenRes = await fetch(`${replicas[1].base}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "anything", client_id: "anyone" }),
    });
    assert.equal(tokenRes.status, 503);
    assert.equal((await tokenRes.json()).error, "temporarily_unavailable");
  } finally {
    await redis.start();
  }
});

test("one process without Redis: the same client onboarded by three sessions at once is created once", async () => {
  const server = await startHttp();
  try {
    const input = { name: "Aspen Ridge Dental", contact: { name: "Lee Park", email: "lee@aspenridge.example" } };
    const results = await Promise.all([0, 1, 2].map(() => call(server, "onboard_client", input)));
    for (const r of results) assert.ok(!r.isError, textOf(r));
    assert.equal(new Set(results.map((r) => r.structuredContent.client_id)).size, 1);
    const statuses = results.map((r) => r.structuredContent.steps.find((s) => s.step === "client").status).sort();
    assert.deepEqual(statuses, ["created", "existing", "existing"]);
  } finally {
    await server.stop();
  }
});
