#!/usr/bin/env node
// Replicas behind nginx sharing state in Redis (docs/deployment.md), on loopback against one standalone sandbox.
//   node bench/scale_out.mjs [--binary build/halopsa-mcp] [--sessions 64] [--seconds 15] [--budget-seconds 30]
// [1] calls per second and p50/p99 of tools/call search_clients with SESSIONS concurrent sessions for SECONDS:
//     one replica direct (no nginx, no Redis: the reference), one replica through nginx with Redis, three replicas
//     through nginx with Redis. Every process (load generator, nginx, Redis, replicas, sandbox) shares this
//     machine's cores, so the figures measure the overhead nginx and Redis add per call, not the capacity three
//     replicas would have on three machines.
// [2] the shared budget's accuracy under load: three replicas with a budget of 100 requests per 10 s and the
//     sandbox refusing past 100 per 10 s; SESSIONS sessions call as fast as they can for BUDGET_SECONDS. Reports
//     what reached the sandbox, what it refused (429: the budget was exceeded) and the share of the budget used.
// Uses tests/e2e's helpers for the processes (run `npm ci` in tests/e2e first); needs redis-server and nginx.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
process.env.HALOPSA_MCP_BIN = path.resolve(arg("binary", process.env.HALOPSA_MCP_BIN ?? path.join(here, "..", "build", "halopsa-mcp")));
const SESSIONS = Number(arg("sessions", 64));
const SECONDS = Number(arg("seconds", 15));
const BUDGET_SECONDS = Number(arg("budget-seconds", 30));
// The replicas' window: the sandbox counts 100 per 10 s by arrival, the budget by when Redis granted the slot.
const BUDGET_WINDOW = Number(arg("budget-window", 11));
const { startSandbox, startHttp } = await import("../tests/e2e/harness.mjs");
const { startRedis, startNginx, startReplicas, tempDir, redisBinary, nginxBinary } = await import("../tests/e2e/cluster.mjs");
if (!redisBinary || !nginxBinary) throw new Error("needs redis-server and nginx (scripts/setup.sh --with-test-tools)");

const agent = new http.Agent({ keepAlive: true, maxSockets: SESSIONS * 2 });
function post(url, body, headers = {}) {
  const u = new URL(url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream",
        "content-length": Buffer.byteLength(data), ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(data);
  });
}
const messageOf = (r) => {
  const line = r.text.split("\n").find((l) => l.startsWith("data: "));
  return JSON.parse(line ? line.slice(6) : r.text);
};

async function openSession(url) {
  const init = await post(url, { jsonrpc: "2.0", id: 0, method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bench", version: "1" } } });
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status} ${init.text}`);
  const h = { "mcp-session-id": init.headers["mcp-session-id"], "mcp-protocol-version": "2025-11-25" };
  await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, h);
  return h;
}

async function load(url, seconds) {
  const heads = await Promise.all(Array.from({ length: SESSIONS }, () => openSession(url)));
  const latencies = [];
  let ok = 0, failed = 0;
  const failures = new Map();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(heads.map(async (h) => {
    let id = 1;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const r = await post(url, { jsonrpc: "2.0", id: id++, method: "tools/call",
          params: { name: "search_clients", arguments: { page_size: 5 } } }, h);
        const m = r.status === 200 ? messageOf(r) : null;
        if (m?.result && !m.result.isError) { ok++; latencies.push(performance.now() - t0); }
        else { failed++; const why = `HTTP ${r.status} ${(m?.result?.content?.[0]?.text ?? r.text).slice(0, 100)}`; failures.set(why, (failures.get(why) ?? 0) + 1); }
      } catch (e) { failed++; failures.set(e.message, (failures.get(e.message) ?? 0) + 1); }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { ok, failed, failures: [...failures], elapsed, rps: ok / elapsed, p50: pct(50), p99: pct(99) };
}
const fmt = (r) => `${r.ok} ok, ${r.failed} failed in ${r.elapsed.toFixed(1)} s → ${r.rps.toFixed(0)} calls/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms` +
  (r.failures.length ? `\n      failures: ${JSON.stringify(r.failures.slice(0, 3))}` : "");

const stops = [];
const sandbox = await startSandbox();
stops.push(sandbox);
const dir = tempDir("bench-scale-");
const redis = await startRedis(dir);
stops.push(redis);
const unlimited = { HALOPSA_RATE_LIMIT: "100000", HALOPSA_RATE_WINDOW_SECONDS: "1" };
try {
  console.log(`machine: ${(await import("node:os")).cpus().length} cores, load ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`\n[1] ${SESSIONS} sessions × tools/call search_clients for ${SECONDS} s each`);
  const direct = await startHttp({ env: { ...sandbox.env, ...unlimited } });
  stops.push(direct);
  console.log("  one replica, direct, no Redis      : " + fmt(await load(direct.url, SECONDS)));
  await direct.stop();
  for (const [count, db] of [[1, 1], [3, 2]]) {
    const replicas = await startReplicas({ count, sandbox, redisUrl: redis.url(db), stateless: false, env: unlimited });
    stops.push(...replicas);
    const ports = replicas.map((r) => new URL(r.url).port);
    while (ports.length < 3) ports.push(ports[0]);  // mcp.conf names three replicas: one replica stands for all
    const lb = await startNginx(tempDir("bench-nginx-"), ports);
    stops.push(lb);
    console.log(`  ${count} replica${count > 1 ? "s" : " "}, nginx + Redis        : ` + fmt(await load(lb.url, SECONDS)));
    await lb.stop();
    for (const r of replicas) await r.stop();
  }

  console.log(`\n[2] budget 100 requests per ${BUDGET_WINDOW} s over 3 replicas, ${SESSIONS} sessions for ${BUDGET_SECONDS} s; the sandbox refuses past 100 per 10 s`);
  await sandbox.setQuirks({ rate_limit: { limit: 100, window_seconds: 10 } });
  const replicas = await startReplicas({ sandbox, redisUrl: redis.url(3), stateless: false,
    env: { HALOPSA_RATE_LIMIT: "100", HALOPSA_RATE_WINDOW_SECONDS: String(BUDGET_WINDOW), HALOPSA_MAX_RATE_WAIT_SECONDS: "5" } });
  stops.push(...replicas);
  const lb = await startNginx(tempDir("bench-nginx-"), replicas.map((r) => new URL(r.url).port));
  stops.push(lb);
  const mark = (await sandbox.requests()).next;
  const r = await load(lb.url, BUDGET_SECONDS);
  const api = [];
  for (let since = mark; ;) {
    const page = await sandbox.requests(since);
    api.push(...page.requests.filter((q) => q.path.startsWith("/api/")));
    if (page.next === since || page.requests.length === 0) break;
    since = page.next;
  }
  const refused = api.filter((q) => q.status === 429).length;
  const allowed = 100 * Math.ceil(r.elapsed / 10);
  console.log(`  calls: ${r.ok} answered, ${r.failed} told to wait (rate_limited after ${5} s) in ${r.elapsed.toFixed(1)} s`);
  console.log(`  sandbox received ${api.length} /api requests, refused ${refused} (429); budget for the run: at most ${allowed} ` +
    `(the sandbox's 100 per started 10 s) → ${(100 * (api.length - refused) / allowed).toFixed(0)}% of it used`);
} finally {
  for (const p of stops.reverse()) await p.stop().catch(() => {});
}
