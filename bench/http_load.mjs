#!/usr/bin/env node
// Load test for halopsa-mcp --http (Streamable HTTP), on loopback against the embedded sandbox.
//   node bench/http_load.mjs [--binary build/halopsa-mcp] [--sessions 64] [--seconds 30] [--compare-seconds 15]
//                            [--generator both|wrk|node] [--wrk-threads 2]
// Phase 1: N concurrent sessions each make tools/call requests back to back for S seconds; reports failures,
//          p50/p99 latency, throughput, and the server's RSS before, at the end of the load, and after
//          every session was deleted.
// Phase 2: tools/list side by side with the TypeScript SDK's Streamable HTTP server serving the very same
//          tool definitions (captured from halopsa-mcp), same load generator, same sessions and concurrency.
//          Two generators: wrk (Debian's `wrk`, native, bench/wrk_tools_list.lua; checks every body) and this
//          script's Node client. On a 2-core machine the Node client saturates before the C++ server does, so
//          the wrk row is the one that measures the servers; the Node row shows what a Node client sees.
// Needs `npm ci --prefix bench` (the SDK's server) and, for the wrk rows, `apt-get install wrk`.
import http from "node:http";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const binary = path.resolve(arg("binary", process.env.HALOPSA_MCP_BIN ?? path.join(repoRoot, "build", "halopsa-mcp")));
const SESSIONS = Number(arg("sessions", 64));
const SECONDS = Number(arg("seconds", 30));
const COMPARE_SECONDS = Number(arg("compare-seconds", 15));
const TOOL = arg("tool", "search_clients");
const TOOL_ARGS = JSON.parse(arg("tool-args", '{"page_size":5}'));
const GENERATOR = arg("generator", "both");
const WRK_THREADS = Number(arg("wrk-threads", 2));
const sdk = (p) => import(pathToFileURL(path.join(here, "node_modules/@modelcontextprotocol/sdk/dist/esm", p)).href);

const agent = new http.Agent({ keepAlive: true, maxSockets: SESSIONS * 2 });

function post(url, body, headers = {}) {
  const u = new URL(url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent, host: u.hostname, port: u.port, path: u.pathname, method: "POST",
        headers: {
          "content-type": "application/json", accept: "application/json, text/event-stream",
          "content-length": Buffer.byteLength(data), ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

function del(url, sid) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: "DELETE", headers: { "mcp-session-id": sid } },
      (res) => { res.resume(); res.on("end", resolve); });
    req.on("error", resolve);
    req.end();
  });
}

// The JSON-RPC response in a body that is either JSON or SSE.
function responseOf(r) {
  const ct = r.headers["content-type"] ?? "";
  if (ct.startsWith("text/event-stream")) {
    const datas = r.text.split("\n").filter((l) => l.startsWith("data:")).map((l) => JSON.parse(l.slice(5)));
    return datas.find((m) => m.id !== undefined && !m.method);
  }
  return JSON.parse(r.text);
}

async function openSession(url) {
  const init = await post(url, { jsonrpc: "2.0", id: 0, method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bench", version: "1" } } });
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status} ${init.text}`);
  const sid = init.headers["mcp-session-id"];
  const h = { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" };
  await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, h);
  return h;
}

async function load(url, { seconds, method, params, sessions = SESSIONS }) {
  const heads = await Promise.all(Array.from({ length: sessions }, () => openSession(url)));
  const latencies = [];
  let ok = 0, failed = 0;
  const failures = new Map();
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(heads.map(async (h, s) => {
    let id = 1;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const r = await post(url, { jsonrpc: "2.0", id: id++, method, params }, h);
        // A big tools/list body is checked without parsing it, so the client's JSON.parse is not what is measured.
        const light = method === "tools/list" && r.status === 200 && r.text.includes('"tools":[') && !r.text.includes('"error":{"code"');
        const msg = light ? { result: {} } : r.status === 200 ? responseOf(r) : null;
        if (msg?.result && !msg.result.isError) { ok++; latencies.push(performance.now() - t0); }
        else { failed++; const why = `HTTP ${r.status} ${(msg?.error?.message ?? msg?.result?.content?.[0]?.text ?? r.text).slice(0, 120)}`; failures.set(why, (failures.get(why) ?? 0) + 1); }
      } catch (e) {
        failed++; failures.set(e.message, (failures.get(e.message) ?? 0) + 1);
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN;
  return { heads, ok, failed, failures: [...failures], elapsed, rps: ok / elapsed, p50: pct(50), p99: pct(99) };
}

// tools/list driven by wrk on SESSIONS sessions opened here; the same result shape as load().
async function wrkLoad(url, seconds) {
  const heads = await Promise.all(Array.from({ length: SESSIONS }, () => openSession(url)));
  const idsFile = path.join(os.tmpdir(), `bench-sessions-${process.pid}.txt`);
  writeFileSync(idsFile, heads.map((h) => h["mcp-session-id"]).join("\n") + "\n");
  const out = await new Promise((resolve, reject) => {
    const child = spawn("wrk", ["-t", String(WRK_THREADS), "-c", String(SESSIONS), "-d", `${seconds}s`, "--timeout", "30s",
      "-s", path.join(here, "wrk_tools_list.lua"), url], { env: { ...process.env, SESSIONS_FILE: idsFile }, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (c) => (text += c));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))));
  });
  rmSync(idsFile, { force: true });
  const line = out.split("\n").find((l) => l.startsWith("wrk-result "));
  if (!line) throw new Error(`no wrk-result line in wrk's output:\n${out}`);
  const w = JSON.parse(line.slice("wrk-result ".length));
  const elapsed = w.duration_us / 1e6;
  const errors = { connect: w.connect_errors, read: w.read_errors, write: w.write_errors, timeout: w.timeouts, "non-2xx": w.non_2xx, "bad body": w.bad };
  const failures = Object.entries(errors).filter(([, n]) => n > 0);
  const failed = w.bad + w.connect_errors + w.read_errors + w.write_errors + w.timeouts;
  return { heads, ok: w.ok, failed, failures, elapsed, rps: w.ok / elapsed, p50: w.p50_us / 1000, p99: w.p99_us / 1000 };
}

const haveWrk = () => spawnSync("wrk", ["--version"]).error === undefined;

// The kernel's count of connections dropped because a listen queue was full (system-wide; each one costs its
// client a one-second SYN retransmit). NaN where /proc/net/netstat is not readable.
function listenOverflows() {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8").split("\n").filter((l) => l.startsWith("TcpExt:"));
    const names = lines[0].split(/\s+/), values = lines[1].split(/\s+/);
    return Number(values[names.indexOf("ListenOverflows")]);
  } catch {
    return NaN;
  }
}

function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) : NaN;
}

async function spawnServer(command, args, env = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("server did not start: " + stderr)), 20000);
    child.stderr.on("data", (c) => {
      stderr += c;
      const m = stderr.match(/listening on (http:\/\/[^\s]+\/mcp)/);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  return { child, url, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

const fmt = (r) => `${r.ok} ok, ${r.failed} failed in ${r.elapsed.toFixed(1)} s → ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;

async function main() {
  console.log(`binary: ${binary}`);
  // The client-side HaloPSA request budget protects real tenants; against the sandbox it would only cap the bench.
  // One load generator on one address stands for many clients: lift the per-address connection cap (default 64).
  const cpp = await spawnServer(binary, ["--http", "--port", "0", "--max-connections-per-client", "0"], { HALOPSA_SANDBOX_DB: ":memory:", HALOPSA_RATE_LIMIT: "100000", HALOPSA_RATE_WINDOW_SECONDS: "1" });
  const pid = cpp.child.pid;

  // Warm up once (first sandbox token, caches), then measure RSS before the load.
  const warm = await load(cpp.url, { seconds: 1, method: "tools/call", params: { name: TOOL, arguments: TOOL_ARGS }, sessions: 4 });
  await Promise.all(warm.heads.map((h) => del(cpp.url, h["mcp-session-id"])));
  await new Promise((r) => setTimeout(r, 500));
  const rssBefore = rssKiB(pid);

  console.log(`\n[1] ${SESSIONS} sessions × tools/call ${TOOL} ${JSON.stringify(TOOL_ARGS)} for ${SECONDS} s (halopsa-mcp, sandbox backend)`);
  const overflowsBefore = listenOverflows();
  const calls = await load(cpp.url, { seconds: SECONDS, method: "tools/call", params: { name: TOOL, arguments: TOOL_ARGS } });
  const overflows = listenOverflows() - overflowsBefore;
  const rssLoaded = rssKiB(pid);
  await Promise.all(calls.heads.map((h) => del(cpp.url, h["mcp-session-id"])));
  await new Promise((r) => setTimeout(r, 2000));
  const rssAfter = rssKiB(pid);
  console.log(`    ${fmt(calls)}`);
  if (calls.failures.length) console.log("    failures:", calls.failures);
  console.log(`    connections the kernel dropped for a full listen queue during the run: ${overflows}`);
  console.log(`    RSS: before ${(rssBefore / 1024).toFixed(1)} MiB, under load ${(rssLoaded / 1024).toFixed(1)} MiB, after sessions ended ${(rssAfter / 1024).toFixed(1)} MiB`);

  // A second round: memory must not keep growing once sessions end.
  const again = await load(cpp.url, { seconds: Math.min(10, SECONDS), method: "tools/call", params: { name: TOOL, arguments: TOOL_ARGS } });
  await Promise.all(again.heads.map((h) => del(cpp.url, h["mcp-session-id"])));
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`    second round: ${fmt(again)}; RSS after it ${(rssKiB(pid) / 1024).toFixed(1)} MiB`);

  // Capture the tool definitions so the TypeScript server lists exactly the same payload.
  const h = await openSession(cpp.url);
  const tools = responseOf(await post(cpp.url, { jsonrpc: "2.0", id: 1, method: "tools/list" }, h)).result.tools;
  await del(cpp.url, h["mcp-session-id"]);

  const generators = GENERATOR === "both" ? ["wrk", "node"] : [GENERATOR];
  if (generators.includes("wrk") && !haveWrk()) {
    if (GENERATOR === "wrk") throw new Error("wrk is not installed (apt-get install wrk)");
    console.log("\n(wrk is not installed: apt-get install wrk; measuring with the Node client only)");
    generators.splice(generators.indexOf("wrk"), 1);
  }
  const toolsFile = path.join(os.tmpdir(), `bench-tools-${process.pid}.json`);
  writeFileSync(toolsFile, JSON.stringify(tools));
  const ts = await spawnServer(process.execPath, [fileURLToPath(import.meta.url), "--serve-ts", toolsFile]);
  let cleanLists = true;
  for (const g of generators) {
    const run = (url) => (g === "wrk" ? wrkLoad(url, COMPARE_SECONDS) : load(url, { seconds: COMPARE_SECONDS, method: "tools/list", params: {} }));
    const who = g === "wrk" ? `wrk, ${WRK_THREADS} threads` : "Node client";
    console.log(`\n[2${g === "wrk" ? "a" : "b"}] tools/list (${tools.length} tools, ${(JSON.stringify(tools).length / 1024).toFixed(1)} KiB) × ${SESSIONS} sessions for ${COMPARE_SECONDS} s each, load from ${who}`);
    const cppList = await run(cpp.url);
    await Promise.all(cppList.heads.map((x) => del(cpp.url, x["mcp-session-id"])));
    console.log(`    halopsa-mcp (C++):          ${fmt(cppList)}`);
    if (cppList.failures.length) console.log("    failures:", cppList.failures);
    const tsList = await run(ts.url);
    await Promise.all(tsList.heads.map((x) => del(ts.url, x["mcp-session-id"])));
    console.log(`    TypeScript SDK 1.32 server: ${fmt(tsList)}`);
    if (tsList.failures.length) console.log("    failures:", tsList.failures);
    console.log(`    throughput ratio: ${(cppList.rps / tsList.rps).toFixed(1)}×`);
    cleanLists &&= cppList.failed === 0;
  }
  // Both servers still hold the load client's idle keep-alive connections: how long does SIGTERM take?
  const timed = async (server) => { const t0 = performance.now(); await server.stop(); return performance.now() - t0; };
  const stopCpp = await timed(cpp), stopTs = await timed(ts);
  console.log(`\n[3] SIGTERM to exit with the load client's keep-alive connections still open: ` +
    `halopsa-mcp ${stopCpp.toFixed(0)} ms, TypeScript SDK server ${stopTs.toFixed(0)} ms`);
  rmSync(toolsFile, { force: true });
  agent.destroy();
  const clean = calls.failed === 0 && again.failed === 0 && cleanLists;
  process.exit(clean ? 0 : 1);
}

// The SDK's own Streamable HTTP server (stateful sessions, JSON responses off: SSE as the SDK defaults),
// in this process's event loop but on its own port, listing the same tools.
async function startTypeScriptServer(tools) {
  const { Server } = await sdk("server/index.js");
  const { StreamableHTTPServerTransport } = await sdk("server/streamableHttp.js");
  const { ListToolsRequestSchema, isInitializeRequest } = await sdk("types.js");
  const { randomUUID } = await import("node:crypto");
  const transports = new Map();
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const sid = req.headers["mcp-session-id"];
    let transport = sid ? transports.get(sid) : undefined;
    if (!transport && req.method === "POST" && isInitializeRequest(body)) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, transport),
      });
      transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
      const mcp = new Server({ name: "ts-reference", version: "1.0.0" }, { capabilities: { tools: {} } });
      mcp.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
      await mcp.connect(transport);
    }
    if (!transport) { res.writeHead(400).end(); return; }
    await transport.handleRequest(req, res, body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  console.error(`listening on http://127.0.0.1:${server.address().port}/mcp`);
  process.on("SIGTERM", () => process.exit(0));
}

// The TypeScript server runs in its own process, like the C++ one: `--serve-ts TOOLS.json`.
if (arg("serve-ts")) startTypeScriptServer(JSON.parse(readFileSync(arg("serve-ts"), "utf8")));
else main().catch((e) => { console.error(e); process.exit(1); });
