// Side-by-side stdio benchmark: halopsa-mcp vs the official TypeScript reference server
// (@modelcontextprotocol/server-everything). Prints a table and the ratios.
// Usage: node bench/stdio_bench.mjs [--runs 15] [--pings 2000] [--pipelined 5000]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const RUNS = Number(args.runs ?? 15), PINGS = Number(args.pings ?? 2000), PIPELINED = Number(args.pipelined ?? 5000);
const halo = process.env.HALOPSA_MCP_BIN ?? path.join(here, "..", "build", "halopsa-mcp");
const everything = path.join(here, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");

// The sandbox as users run it: a database file seeded by the first start and reused by every later one. A fresh
// in-memory sandbox (seeded at every start) is timed as well.
const scratch = mkdtempSync(path.join(os.tmpdir(), "stdio-bench-"));
const servers = [
  { name: "halopsa-mcp", command: halo, args: [], env: { HALOPSA_SANDBOX_DB: path.join(scratch, "sandbox.db"), HALOPSA_LOG_LEVEL: "warn" },
    seededEnv: { HALOPSA_SANDBOX_DB: ":memory:" } },
  { name: "server-everything (TS SDK)", command: process.execPath, args: [everything, "stdio"], env: {} },
];

function start(server) {
  const child = spawn(server.command, server.args, { stdio: ["pipe", "pipe", "ignore"], env: { ...process.env, ...server.env } });
  let buf = "";
  const pending = new Map();
  child.stdout.on("data", (c) => {
    buf += c;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let m;
      try { m = JSON.parse(line); } catch { continue; }
      const p = pending.get(m.id);
      if (p) { pending.delete(m.id); p(m); }
    }
  });
  let next = 1;
  const call = (method, params) => new Promise((resolve) => {
    const id = next++;
    pending.set(id, resolve);
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) }) + "\n");
  });
  const status = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))[1]);
  // VmRSS counts shared library pages too; RssAnon is the memory the process itself allocated.
  const rssKiB = () => status("VmRSS");
  const anonKiB = () => status("RssAnon");
  const stop = () => new Promise((r) => { child.once("exit", r); child.stdin.end(); setTimeout(() => child.kill(), 2000); });
  return { child, call, rssKiB, anonKiB, stop };
}

const init = (s) => s.call("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bench", version: "1" } });
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const ms = (ns) => Number(ns) / 1e6;

async function startupMedian(server) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const s = start(server);
    await init(s);
    times.push(ms(process.hrtime.bigint() - t0));
    await s.stop();
  }
  return pct(times, 50);
}

async function measure(server) {
  { const warm = start(server); await init(warm); await warm.stop(); }  // seeds the sandbox file once
  const startupSeeding = server.seededEnv ? await startupMedian({ ...server, env: { ...server.env, ...server.seededEnv } }) : undefined;
  const startup = await startupMedian(server);
  const s = start(server);
  await init(s);
  s.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
  const rssIdle = s.rssKiB();
  const anonIdle = s.anonKiB();
  const rtt = async (method, n) => {
    const out = [];
    for (let i = 0; i < n; i++) { const t0 = process.hrtime.bigint(); await s.call(method); out.push(ms(process.hrtime.bigint() - t0)); }
    return out;
  };
  await rtt("ping", 200); // warm-up
  const ping = await rtt("ping", PINGS);
  const list = await rtt("tools/list", Math.max(200, PINGS / 4));
  const listBytes = JSON.stringify((await s.call("tools/list")).result).length;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: PIPELINED }, () => s.call("ping")));
  const pipelinedPerSec = PIPELINED / (ms(process.hrtime.bigint() - t0) / 1000);
  const rssAfter = s.rssKiB();
  const anonAfter = s.anonKiB();
  await s.stop();
  return { listBytes, listMBps: listBytes / 1e6 / (pct(list, 50) / 1000), startup, startupSeeding: startupSeeding ?? startup, pingP50: pct(ping, 50), pingP99: pct(ping, 99), listP50: pct(list, 50), listP99: pct(list, 99), pipelinedPerSec, rssIdle, rssAfter, anonIdle, anonAfter };
}

const results = [];
for (const server of servers) results.push({ name: server.name, ...(await measure(server)) });
for (const r of results) r.listKiB = r.listBytes / 1024;
const [a, b] = results;
const rows = [
  ["start-up to initialize response (median ms)", "startup", 2, "lower"],
  ["start-up seeding a fresh in-memory sandbox (median ms)", "startupSeeding", 2, "lower"],
  ["ping round trip p50 (ms)", "pingP50", 3, "lower"],
  ["ping round trip p99 (ms)", "pingP99", 3, "lower"],
  ["tools/list round trip p50 (ms)", "listP50", 3, "lower"],
  ["tools/list round trip p99 (ms)", "listP99", 3, "lower"],
  ["tools/list result size (KiB; each server lists its own tools)", "listKiB", 1, "info"],
  ["tools/list p50 throughput (MB of tool definitions per second)", "listMBps", 1, "higher"],
  ["pipelined pings per second", "pipelinedPerSec", 0, "higher"],
  ["resident memory after initialize (MiB)", "rssIdle", 1, "lower"],
  ["resident memory after the runs (MiB)", "rssAfter", 1, "lower"],
  ["own (anonymous) memory after initialize (MiB)", "anonIdle", 1, "lower"],
  ["own (anonymous) memory after the runs (MiB)", "anonAfter", 1, "lower"],
];
console.log(`| measure | ${a.name} | ${b.name} | ratio (reference / ours, >1 = ours better) |`);
console.log("|---|---|---|---|");
for (const [label, key, digits, better] of rows) {
  const scale = key.startsWith("rss") || key.startsWith("anon") ? 1 / 1024 : 1;
  const va = a[key] * scale, vb = b[key] * scale;
  const ratio = better === "lower" ? vb / va : va / vb;
  const shown = better === "info" ? "–" : `${ratio.toFixed(1)}×`;
  console.log(`| ${label} | ${va.toFixed(digits)} | ${vb.toFixed(digits)} | ${shown} |`);
}
rmSync(scratch, { recursive: true, force: true });
console.log(`\n(${RUNS} start-ups, ${PINGS} pings, ${PIPELINED} pipelined pings; node ${process.version}; ${new Date().toISOString()})`);
