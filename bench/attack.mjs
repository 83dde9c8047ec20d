#!/usr/bin/env node
// What an unauthenticated network neighbour can do to `halopsa-mcp --http`, measured on the real binary:
//   node bench/attack.mjs [--binary build/halopsa-mcp] [--flood-connections 16] [--flood-lines 1000000]
//                         [--slow 140] [--slow-seconds 15] [--slow-addresses 1] [--chunked-mb 300] [--args "--max-body-bytes 4194304"]
// 1. header flood: N connections each send a request head of L header lines (no blank line until the end);
// 2. slowloris: S connections from 127.0.0.2 (or spread over several addresses) send a request head a byte every
//    2 s for the given time;
// 3. chunked body: one POST /mcp streaming an M MB chunked body.
// For each: what the attack connections were answered, the server's RSS (now and peak, from /proc) and the
// latency of GET /healthz from 127.0.0.1 on a new connection, probed every 250 ms while the attack runs. Each phase is bounded in time,
// so the script also finishes against a server without the limits (pass its --binary to compare).
import http from "node:http";
import net from "node:net";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const binary = path.resolve(arg("binary", process.env.HALOPSA_MCP_BIN ?? path.join(here, "..", "build", "halopsa-mcp")));
const FLOOD_CONNECTIONS = Number(arg("flood-connections", 16));
const FLOOD_LINES = Number(arg("flood-lines", 1_000_000));
const SLOW = Number(arg("slow", 140));
const SLOW_SECONDS = Number(arg("slow-seconds", 15));
const SLOW_ADDRESSES = Number(arg("slow-addresses", 1));  // attackers spread over 127.0.0.2, 127.0.0.3, ...
const CHUNKED_MB = Number(arg("chunked-mb", 300));
const EXTRA_ARGS = (arg("args", "") || "").split(" ").filter(Boolean);
const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (f) => Number(status.match(new RegExp(`^${f}:\\s+(\\d+) kB`, "m"))[1]);
    return { now: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
  } catch {
    return { now: NaN, peak: NaN };  // the server died
  }
}
const mb = (n) => (n / MB).toFixed(1);

async function start() {
  const child = spawn(binary, ["--http", "--port", "0", ...EXTRA_ARGS], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", HALOPSA_SANDBOX_DB: ":memory:" },
  });
  let stderr = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no listening line: " + stderr)), 20000);
    child.stderr.on("data", (c) => {
      stderr += c;
      const m = /listening on http:\/\/[^:]+:(\d+)\/mcp/.exec(stderr);
      if (m) clearTimeout(timer), resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, port };
}

// One GET /healthz on a new connection (a client arriving during the attack: a pooled keep-alive connection
// opened before it would keep its worker and hide the attack). Resolves with the latency, or rejects.
function healthOnce(port, limitMs) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: "127.0.0.1", port, path: "/healthz", agent: false, headers: { connection: "close" } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`${res.statusCode}`))));
    });
    req.setTimeout(limitMs, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

// /healthz latencies while `running()` is true: one probe at a time, each bounded by `limitMs`.
async function probeHealth(port, running, limitMs) {
  const latencies = [];
  let failures = 0;
  while (running()) {
    try {
      latencies.push(await healthOnce(port, limitMs));
    } catch {
      failures++;
      latencies.push(limitMs);
    }
    await sleep(250);
  }
  latencies.sort((a, b) => a - b);
  return {
    probes: latencies.length,
    failures,
    p50: latencies[Math.floor(latencies.length / 2)] ?? NaN,
    max: latencies[latencies.length - 1] ?? NaN,
  };
}

function openRaw(port, localAddress) {
  const sock = net.connect({ port, host: "127.0.0.1", localAddress });
  const state = { data: "", closed: false };
  sock.setEncoding("latin1");
  sock.on("data", (c) => (state.data += c));
  sock.on("error", () => {});
  const closed = new Promise((resolve) => sock.on("close", () => ((state.closed = true), resolve())));
  const connected = new Promise((resolve) => sock.once("connect", resolve));
  return { sock, state, closed, connected };
}
const statusOf = (t) => /^HTTP\/1\.1 (\d{3})/.exec(t)?.[1] ?? (t ? "?" : "none");

async function pour(conn, pieces) {
  let written = 0;
  for (const piece of pieces) {
    if (conn.state.data || conn.state.closed || conn.sock.destroyed) break;
    written += piece.length;
    if (!conn.sock.write(piece, "latin1"))
      await new Promise((resolve) => {
        const done = () => (conn.sock.off("drain", done), conn.sock.off("close", done), resolve());
        conn.sock.on("drain", done);
        conn.sock.on("close", done);
      });
  }
  return written;
}

function tally(conns) {
  const counts = {};
  for (const c of conns) {
    const s = c.state.data ? statusOf(c.state.data) : c.state.closed ? "closed, no answer" : "open, no answer";
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return Object.entries(counts).map(([k, v]) => `${v} x ${k}`).join(", ");
}

async function phase(name, attack) {
  const server = await start();
  const before = memory(server.child.pid);
  let running = true;
  const health = probeHealth(server.port, () => running, 5000);
  const t0 = performance.now();
  const outcome = await attack(server.port, server.child.pid);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  running = false;
  const h = await health;
  const after = memory(server.child.pid);
  server.child.kill("SIGKILL");
  console.log(`\n${name} (${seconds} s)`);
  console.log(`  attack connections: ${outcome}`);
  console.log(`  RSS: ${mb(before.now)} MB before, ${mb(after.now)} MB after, peak ${mb(after.peak)} MB`);
  console.log(`  /healthz during the attack: ${h.probes} probes, p50 ${h.p50.toFixed(1)} ms, max ${h.max.toFixed(1)} ms` +
    (h.failures ? `, ${h.failures} failed or took over 5 s` : ""));
  return { name, peak: after.peak, healthMax: h.max, failures: h.failures };
}

const results = [];
console.log(`binary: ${binary}${EXTRA_ARGS.length ? " " + EXTRA_ARGS.join(" ") : ""}`);

results.push(await phase(`1. header flood: ${FLOOD_CONNECTIONS} connections x ${FLOOD_LINES} header lines`, async (port) => {
  const conns = Array.from({ length: FLOOD_CONNECTIONS }, () => openRaw(port));
  await Promise.all(conns.map((c) => c.connected));
  const line = "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  const batch = line.repeat(1000);
  function* head() {
    yield `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n`;
    for (let i = 0; i < FLOOD_LINES / 1000; i++) yield batch;
    yield "\r\n";
  }
  const written = await Promise.all(conns.map((c) => pour(c, head())));
  for (let i = 0; i < 300 && conns.some((c) => !c.state.data && !c.state.closed); i++) await sleep(100);
  conns.forEach((c) => c.sock.destroy());
  const total = written.reduce((a, b) => a + b, 0);
  return `${tally(conns)}; ${mb(total)} MB of ${mb(FLOOD_CONNECTIONS * FLOOD_LINES * line.length)} MB sent`;
}));

const slowFrom = SLOW_ADDRESSES === 1 ? "127.0.0.2" : `${SLOW_ADDRESSES} addresses (127.0.0.2 on)`;
results.push(await phase(`2. slowloris: ${SLOW} connections from ${slowFrom}, a header byte every 2 s for ${SLOW_SECONDS} s`, async (port) => {
  const conns = Array.from({ length: SLOW }, (_, i) => openRaw(port, `127.0.0.${2 + (i % SLOW_ADDRESSES)}`));
  await Promise.all(conns.map((c) => c.connected));
  for (const c of conns) c.sock.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
  const timer = setInterval(() => conns.forEach((c) => !c.state.data && !c.sock.destroyed && c.sock.write("a")), 2000);
  await sleep(SLOW_SECONDS * 1000);
  clearInterval(timer);
  const outcome = tally(conns);
  conns.forEach((c) => c.sock.destroy());
  return outcome;
}));

results.push(await phase(`3. chunked body: POST /mcp, ${CHUNKED_MB} MB in 64 KiB chunks`, async (port) => {
  const conn = openRaw(port);
  await conn.connected;
  const chunk = "10000\r\n" + "a".repeat(0x10000) + "\r\n";
  function* body() {
    yield `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      "Accept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (let sent = 0; sent < CHUNKED_MB * MB; sent += 0x10000) yield chunk;
    yield "0\r\n\r\n";
  }
  const written = await pour(conn, body());
  for (let i = 0; i < 600 && !conn.state.data && !conn.state.closed; i++) await sleep(100);
  conn.sock.destroy();
  return `${tally([conn])}; ${mb(written)} MB sent before the answer`;
}));

const worstPeak = Math.max(...results.map((r) => r.peak));
const worstHealth = Math.max(...results.map((r) => r.healthMax));
const failed = results.reduce((n, r) => n + r.failures, 0);
console.log(`\nworst peak RSS ${mb(worstPeak)} MB (limit 100 MB); worst /healthz ${worstHealth.toFixed(1)} ms (promise: 1000 ms);` +
  ` /healthz failures ${failed}`);
process.exit(worstPeak < 100 * MB && worstHealth < 1000 && failed === 0 ? 0 : 1);
