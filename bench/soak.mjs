#!/usr/bin/env node
// Soak run for halopsa-mcp --http: an hour-equivalent of mixed tool calls (reads, creates, updates, onboarding,
// data-quality reports) from N concurrent Streamable HTTP sessions of the official SDK client, against a
// standalone sandbox tenant whose control API injects faults (429 storms, 5xx bursts before and after a write
// lands, dropped connections, slow and stalled answers, revoked tokens, a failing auth server) the whole time.
// Measures: calls by outcome and cause, throughput, the server's RSS / fd / thread count over time, and then
// accounts for every write against the tenant's own data: lost, duplicated or misreported writes.
//
//   npm ci --prefix bench && node bench/soak.mjs [--calls 9600] [--minutes M] [--sessions 16]
//        [--binary build/halopsa-mcp] [--json FILE] [--fault-every 150] [--no-faults] [--seed 1]
//        [--idle-timeout 60] [--settle 70] [--read-timeout-ms 4000] [--writes-until N]
//
// Stops at --calls tool calls (default: the hour-equivalent, see bench/README.md "Soak") or after --minutes,
// whichever comes first (--minutes alone: run for that long). Exit status 0 only when nothing was lost,
// duplicated or misreported and the server survived. A benchmark, not a CI test.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..");

// ---- options -------------------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const has = (name) => argv.includes(`--${name}`);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
// The hour-equivalent: a busy MSP service desk of 40 people, each driving an assistant that makes 4 tool calls a
// minute for the whole hour (a request typically takes 2-6 calls), is 40 × 240 = 9,600 calls.
const DESK_AGENTS = 40, CALLS_PER_AGENT_HOUR = 240;
const HOUR_EQUIVALENT = DESK_AGENTS * CALLS_PER_AGENT_HOUR;
const binary = path.resolve(arg("binary", process.env.HALOPSA_MCP_BIN ?? path.join(repoRoot, "build", "halopsa-mcp")));
const SESSIONS = Number(arg("sessions", 16));
const MINUTES = has("minutes") ? Number(arg("minutes")) : undefined;
const TARGET_CALLS = has("calls") ? Number(arg("calls")) : MINUTES !== undefined ? Infinity : HOUR_EQUIVALENT;
const MAX_SECONDS = (MINUTES ?? 60) * 60;  // without --minutes, a safety cap of an hour
// One fault event per this many calls (64 per hour-equivalent by default), whatever the machine's speed.
const FAULT_EVERY_CALLS = Number(arg("fault-every", 150));
const FAULTS = !has("no-faults");
const SAMPLE_EVERY_MS = Number(arg("sample-every", 2)) * 1000;
const IDLE_TIMEOUT_S = Number(arg("idle-timeout", 60));
const SETTLE_S = Number(arg("settle", IDLE_TIMEOUT_S + 10));  // after the run: long enough to reap abandoned sessions
const READ_TIMEOUT_MS = Number(arg("read-timeout-ms", 4000));
const JSON_OUT = arg("json");
// Diagnostics: after this many calls only reads are made (the tenant stops growing), e.g. to tell a leak from a
// working set that follows the tenant's size.
const WRITES_UNTIL = Number(arg("writes-until", Infinity));
let seed = Number(arg("seed", 1)) >>> 0 || 1;
if (!(SESSIONS >= 1) || !(TARGET_CALLS > 0) || !(MAX_SECONDS > 0)) {
  console.error("usage: node bench/soak.mjs [--calls N] [--minutes M] [--sessions S] [--binary PATH] [--json FILE]");
  process.exit(2);
}

// Deterministic pseudo-random choices (xorshift32), so a run's mix can be repeated.
const rand = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 4294967296; };
const pick = (a) => a[Math.floor(rand() * a.length)];
const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- processes -------------------------------------------------------------------------------------------------
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "halopsa-soak-"));
const children = [];
function startProcess(label, args, env, pattern) {
  const log = fs.createWriteStream(path.join(workDir, `${label}.stderr.log`));
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"], env });
  children.push(child);
  let head = "";
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start: ${head}`)), 20000);
    child.stderr.on("data", (chunk) => {
      log.write(chunk);
      if (head.length < 20000) {
        head += chunk;
        const m = head.match(pattern);
        if (m) { clearTimeout(timer); resolve(m[1] ?? m[0]); }
      }
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`${label} exited (${code ?? signal}): ${head}`)); });
  });
  return { child, ready, exited, log, stop: async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    const r = await exited; clearTimeout(t);
    await new Promise((resolve) => log.end(resolve));
    return r;
  } };
}

const TCP_STATES = { "01": "ESTABLISHED", "02": "SYN_SENT", "04": "FIN_WAIT1", "05": "FIN_WAIT2", "06": "TIME_WAIT", "07": "CLOSE",
  "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING" };
// What the server's descriptors are: inbound MCP connections, connections to the tenant, listeners, other.
function fdBreakdown(pid, serverPort, sandboxPort) {
  const sockets = new Map();
  for (const f of ["tcp", "tcp6"]) {
    let text = "";
    try { text = fs.readFileSync(`/proc/${pid}/net/${f}`, "utf8"); } catch { continue; }
    for (const line of text.split("\n").slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length < 10) continue;
      sockets.set(c[9], { local: parseInt(c[1].split(":")[1], 16), remote: parseInt(c[2].split(":")[1], 16), state: c[3] });
    }
  }
  const out = {};
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let link;
    try { link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
    const inode = link.match(/^socket:\[(\d+)\]$/)?.[1];
    let kind;
    if (!inode) kind = link.startsWith("/") ? "file" : link.replace(/[:\[].*$/, "");
    else {
      const k = sockets.get(inode);
      const state = TCP_STATES[k?.state] ?? k?.state;
      kind = !k ? "socket (not tcp)" : state === "LISTEN" ? "listening" : k.local === serverPort ? `MCP client connection ${state}`
        : k.remote === sandboxPort ? `to HaloPSA ${state}` : `other tcp ${state}`;
    }
    bump(out, kind);
  }
  return out;
}

function procStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const num = (k) => Number(status.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? NaN);
  return { rssKiB: num("VmRSS"), threads: num("Threads"), fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

// ---- names -----------------------------------------------------------------------------------------------------
// Unique per intended write, varied like a real client book (the duplicate guards search by a name's first word).
const PLACES = ["Abbey", "Alder", "Amberley", "Ashford", "Aspen", "Avon", "Badger", "Beacon", "Belmont", "Birch", "Blackwood",
  "Bramble", "Brook", "Cedar", "Chalk", "Clover", "Copper", "Coral", "Crescent", "Cromwell", "Daisy", "Derwent", "Dove",
  "Eden", "Elm", "Falcon", "Fern", "Firth", "Forge", "Fox", "Garnet", "Glen", "Granite", "Hawthorn", "Hazel", "Heron",
  "Holly", "Ivy", "Jasper", "Juniper", "Kings", "Lark", "Laurel", "Linden", "Lynx", "Maple", "Marlow", "Meadow",
  "Merlin", "Mill", "Moor", "Nettle", "Oak", "Onyx", "Orchard", "Osprey", "Otter", "Oxbow", "Pebble", "Pine", "Poplar",
  "Quarry", "Raven", "Redwood", "Ridge", "Rowan", "Saffron", "Sage", "Sandstone", "Silver", "Slate", "Sparrow",
  "Spruce", "Stag", "Stone", "Swallow", "Sycamore", "Teal", "Thistle", "Timber", "Topaz", "Tudor", "Vale", "Violet",
  "Walnut", "Warren", "Willow", "Wren", "Yew", "Zephyr"];
const TRADES = ["Dental", "Legal", "Logistics", "Accounting", "Architects", "Veterinary", "Engineering", "Print", "Freight",
  "Bakery", "Clinic", "Surveyors", "Pharmacy", "Joinery", "Optics", "Studios", "Consulting", "Media", "Care", "Foods"];
const SUFFIXES = ["Ltd", "LLC", "Inc", "Partners", "Group", ""];
const FIRST = ["Alex", "Sam", "Priya", "Jordan", "Maria", "Tom", "Aisha", "Chen", "Olivia", "Noah", "Fatima", "Lucas", "Emma", "Ravi", "Zoe"];
const LAST = ["Moreno", "Walsh", "Okafor", "Lindqvist", "Patel", "Nguyen", "Brennan", "Kowalski", "Haddad", "Fischer", "Silva", "Tanaka"];
const CITIES = ["London", "Leeds", "Bristol", "Denver", "Austin", "Manchester", "Glasgow", "Cardiff"];
const nextTag = (s) => `S${s.index}N${(++s.counter).toString(36).toUpperCase()}`;
const clientName = (tag) => [pick(PLACES), pick(TRADES), tag, pick(SUFFIXES)].filter(Boolean).join(" ");

// ---- statistics --------------------------------------------------------------------------------------------------
const stats = {
  calls: 0, ok: 0, failed: 0, byTool: {}, causes: {}, latencies: [], sessionsOpened: 0, sessionsTerminated: 0,
  sessionsAbandoned: 0, onboardIncomplete: 0, clientErrors: 0, clientErrorKinds: {}, retries: 0, guardHits: 0,
};
const tool = (name) => (stats.byTool[name] ??= { calls: 0, ok: 0, failed: 0 });
const bump = (map, key) => { map[key] = (map[key] ?? 0) + 1; };

// A failed call's cause, from the text the model reads (or the transport error).
function causeOf(text, transport) {
  if (transport) return `transport: ${text.replace(/\s+/g, " ").slice(0, 70)}`;
  if (/rate limit/i.test(text)) return "rate limited (429)";
  if (/answered 5\d\d/.test(text)) return "HaloPSA 5xx";
  if (/timed out|no complete answer/i.test(text)) return "HaloPSA timeout";
  if (/unreachable|connection|reset/i.test(text)) return "HaloPSA connection dropped";
  if (/token|auth|credential/i.test(text)) return "auth server failure";
  if (/already has a site named/.test(text)) return "site exists (retry after landing)";
  return `other: ${text.replace(/\s+/g, " ").slice(0, 70)}`;
}
// What a failed create claims about whether it landed.
const claimOf = (text, transport) =>
  transport || /may have landed|checking whether it landed failed/i.test(text) ? "maybe" : "not_landed";

// ---- the write ledger ----------------------------------------------------------------------------------------------
// One entry per intended record: kind, its unique key (client/site name, contact e-mail), every attempt's outcome.
const ledger = [];
const updates = new Map();  // client id -> [{value, ok, claim}] in the order one session sent them

// ---- sessions --------------------------------------------------------------------------------------------------
let serverUrl, stopping = false, runStart = performance.now();
const seededSites = [];  // active sites of the seed, for contacts before a session has sites of its own

async function connect(s) {
  const client = new Client({ name: `soak-${s.index}`, version: "1.0.0" }, { capabilities: {} });
  client.onerror = (e) => { if (s.client !== client) return;  /* our own close() aborting the stream */ stats.clientErrors++; bump(stats.clientErrorKinds, String(e?.message ?? e).replace(/\s+/g, " ").slice(0, 60)); };
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl));
  await client.connect(transport);
  await client.listTools();  // as clients do; it also makes the SDK check results against the output schemas
  stats.sessionsOpened++;
  s.client = client; s.transport = transport;
  s.callsLeft = between(150, 400);  // then the agent reconnects: sessions churn like real clients
}

async function disconnect(s, terminate) {
  const { client, transport } = s;
  s.client = null;
  if (!client) return;
  try {
    if (terminate) { await transport.terminateSession(); stats.sessionsTerminated++; } else stats.sessionsAbandoned++;
  } catch { /* counted as abandoned by the server's idle timeout */ }
  await client.close().catch(() => {});
}

async function call(s, name, args) {
  if (!s.client) await connect(s);
  const t = tool(name);
  stats.calls++; t.calls++; s.callsLeft--;
  if (stats.calls % FAULT_EVERY_CALLS === 0) fireFault();
  const t0 = performance.now();
  try {
    const r = await s.client.callTool({ name, arguments: args }, undefined, { timeout: 120000 });
    const text = r.content?.find((c) => c.type === "text")?.text ?? "";
    if (r.isError) {
      stats.failed++; t.failed++; bump(stats.causes, causeOf(text));
      return { ok: false, text, sc: r.structuredContent };
    }
    stats.ok++; t.ok++; stats.latencies.push(performance.now() - t0);
    return { ok: true, text, sc: r.structuredContent };
  } catch (e) {
    const text = String(e?.message ?? e);
    stats.failed++; t.failed++; bump(stats.causes, causeOf(text, true));
    await disconnect(s, false);  // a broken session: start a new one
    return { ok: false, text, transport: true };
  }
}

// ---- the operations ----------------------------------------------------------------------------------------------
const ownClients = (s) => s.clients;  // ids of clients this session created (or onboarded)
const anyClientId = (s) => (s.clients.length && rand() < 0.6 ? pick(s.clients) : between(1, 40));

async function createClient(s, entry) {
  entry ??= ledger[ledger.push({ kind: "client", key: clientName(nextTag(s)), via: "create_client", attempts: [] }) - 1];
  const slug = entry.key.toLowerCase().replace(/[^a-z0-9]+/g, "");
  const r = await call(s, "create_client", { name: entry.key, website: `https://www.${slug}.example`, notes: "created by the soak run" });
  recordCreate(s, entry, r, createClient);
  if (entry.id && !s.clients.includes(entry.id)) s.clients.push(entry.id);
}

async function createSite(s, entry) {
  if (!entry) {
    const parent = s.clients.length && rand() < 0.8 ? pick(s.clients) : between(1, 21);
    entry = ledger[ledger.push({ kind: "site", key: `${pick(CITIES)} Office ${nextTag(s)}`, parent, via: "create_site", attempts: [] }) - 1];
  }
  const r = await call(s, "create_site", {
    client: entry.parent, name: entry.key, phonenumber: `+44 20 7946 ${between(1000, 9999)}`,
    address: { line1: `${between(1, 200)} ${pick(PLACES)} Street`, line3: entry.key.split(" ")[0], postcode: `AB${between(1, 99)} ${between(1, 9)}CD` },
  });
  const exists = !r.ok && r.text.match(/already has a site named "[^"]*" \(site (\d+)\)/);
  if (exists) r.existing = Number(exists[1]);  // a retry found its own earlier attempt landed
  recordCreate(s, entry, r, createSite);
  if (entry.id) s.sites.push(entry.id);
}

async function createContact(s, entry) {
  if (!entry) {
    const site = s.sites.length && rand() < 0.85 ? pick(s.sites) : pick(seededSites);
    const first = pick(FIRST), last = pick(LAST), tag = nextTag(s);
    const email = `${first}.${last}.${tag}@${pick(PLACES)}${pick(TRADES)}.example`.toLowerCase();
    entry = ledger[ledger.push({ kind: "contact", key: email, site, first, last, via: "create_contact", attempts: [] }) - 1];
  }
  const r = await call(s, "create_contact", {
    site_id: entry.site, first_name: entry.first, surname: entry.last, email: entry.key,
    job_title: pick(["Office Manager", "Practice Manager", "IT Lead", "Director", "Finance"]), phonenumber: `+44 161 496 ${between(1000, 9999)}`,
  });
  recordCreate(s, entry, r, createContact);
  if (entry.id) s.contacts.push(entry.id);
}

function recordCreate(s, entry, r, again) {
  entry.attempts.push({ ok: r.ok || !!r.existing, claim: r.ok || r.existing ? "ok" : claimOf(r.text, r.transport), text: r.ok ? undefined : r.text.slice(0, 300) });
  if (r.ok) {
    entry.id = r.sc?.record?.id;
    if (r.sc?.written === false) { stats.guardHits++; entry.guard = true; }  // an existing record was returned
  } else if (r.existing) {
    entry.id = r.existing;
  } else if (entry.attempts.length === 1) {
    // The agent does what the error text says: tries again a little later, once (the duplicate guards must hold).
    s.retryQueue.push({ at: performance.now() + 2000, run: () => { stats.retries++; return again(s, entry); } });
  }
}

async function onboard(s, entry) {
  if (!entry) {
    const tag = nextTag(s), first = pick(FIRST), last = pick(LAST);
    const name = clientName(tag);
    entry = {
      tag, name, args: {
        name, dry_run: false,
        site: { name: `HQ ${tag}`, address: { line1: `${between(1, 300)} High Street`, line3: pick(CITIES), postcode: `ZZ${between(1, 99)} 1AA` }, phonenumber: "+44 20 7946 0000" },
        contact: { first_name: first, surname: last, email: `${first}.${last}.${tag}@onboarded.example`.toLowerCase(), job_title: "Practice Manager" },
      },
    };
    entry.client = ledger[ledger.push({ kind: "client", key: name, via: "onboard_client", attempts: [] }) - 1];
    entry.site = ledger[ledger.push({ kind: "site", key: `HQ ${tag}`, via: "onboard_client", attempts: [] }) - 1];
    entry.contact = ledger[ledger.push({ kind: "contact", key: entry.args.contact.email, via: "onboard_client", attempts: [] }) - 1];
  }
  const r = await call(s, "onboard_client", entry.args);
  const steps = r.sc?.steps ?? [];
  const stepOf = (n) => steps.find((x) => x.step === n);
  for (const [n, e] of [["client", entry.client], ["main site", entry.site], ["primary contact", entry.contact]]) {
    const st = stepOf(n);
    if (st && (st.status === "created" || st.status === "existing")) {
      e.attempts.push({ ok: true, claim: "ok", status: st.status });
      e.id = st.id;
    } else if (st && st.status === "failed") {
      e.attempts.push({ ok: false, claim: claimOf(st.error ?? ""), text: (st.error ?? "").slice(0, 300) });
    } else if (st && st.status === "skipped") {
      e.attempts.push({ ok: false, claim: "not_attempted" });
    } else {  // no structured result: an error before any step, or a transport failure
      e.attempts.push({ ok: false, claim: r.transport ? "maybe" : "not_landed", text: r.text.slice(0, 300) });
    }
  }
  if (entry.client.id && !s.clients.includes(entry.client.id)) s.clients.push(entry.client.id);
  if (entry.site.id && !s.sites.includes(entry.site.id)) s.sites.push(entry.site.id);
  const complete = r.ok && r.sc?.complete === true;
  if (r.ok && !r.sc?.complete) stats.onboardIncomplete++;
  if (!complete && !entry.retried) {
    entry.retried = true;  // the result says: run it again with the same input to resume
    s.retryQueue.push({ at: performance.now() + 2000, run: () => { stats.retries++; return onboard(s, entry); } });
  }
}

async function updateClient(s) {
  const own = s.clients.length > 0 && rand() < 0.9;
  const id = own ? pick(s.clients) : between(1, 40);
  const value = `soak ${nextTag(s)}: ${pick(["renewal call booked", "asked for a quote", "new firewall", "backup review"])}`;
  const r = await call(s, "update_client", { client: id, notes: value });
  if (own) {
    if (!updates.has(id)) updates.set(id, []);
    updates.get(id).push({ value, ok: r.ok, claim: r.ok ? "ok" : "maybe" });
  }
}

const WORDS = ["acme", "dental", "harbour", "northwind", "summit", "group", "school", ...PLACES.slice(0, 30).map((p) => p.toLowerCase())];
const OPS = [  // weights: about 84% reads, 16% writes
  [30, "search_clients", (s) => call(s, "search_clients", rand() < 0.7 ? { search: pick(WORDS), page_size: between(5, 25) } : { status: "all", page: between(1, 3), page_size: 25 })],
  [18, "get_client", (s) => call(s, "get_client", { client: anyClientId(s), related_limit: 10 })],
  [12, "search_sites", (s) => call(s, "search_sites", rand() < 0.8 ? { client: anyClientId(s) } : { city: pick(CITIES) })],
  [12, "search_contacts", (s) => call(s, "search_contacts", rand() < 0.6 ? { client: anyClientId(s) } : { search: pick(LAST).toLowerCase() })],
  [5, "get_contact", (s) => call(s, "get_contact", { contact_id: s.contacts.length && rand() < 0.6 ? pick(s.contacts) : between(1001, 1068) })],
  [3, "create_client", (s) => createClient(s)],
  [2.5, "create_site", (s) => createSite(s)],
  [3.5, "create_contact", (s) => createContact(s)],
  [5, "update_client", (s) => updateClient(s)],
  [1.5, "onboard_client", (s) => onboard(s)],
  [1.5, "data_quality_report", (s) => call(s, "data_quality_report", rand() < 0.67 && s.clients.length ? { client: pick(s.clients), sample: 3 } : { sample: 3 })],
  [1, "find_duplicates", (s) => call(s, "find_duplicates", { kind: "clients", page_size: 5 })],
  [1, "halopsa_status", (s) => call(s, "halopsa_status", {})],
];
const OP_TOTAL = OPS.reduce((a, [w]) => a + w, 0);
const WRITE_OPS = new Set(["create_client", "create_site", "create_contact", "update_client", "onboard_client"]);
const READ_OPS = OPS.filter((op) => !WRITE_OPS.has(op[1]));
const READ_TOTAL = READ_OPS.reduce((a, [w]) => a + w, 0);
function pickOp() {
  const [ops, total] = stats.calls < WRITES_UNTIL ? [OPS, OP_TOTAL] : [READ_OPS, READ_TOTAL];
  let x = rand() * total;
  for (const op of ops) if ((x -= op[0]) < 0) return op;
  return ops[0];
}

async function drive(s) {
  while (!stopping) {
    const due = s.retryQueue.findIndex((r) => r.at <= performance.now());
    try {
      if (due >= 0) await s.retryQueue.splice(due, 1)[0].run();
      else await pickOp()[2](s);
      if (s.client && s.callsLeft <= 0) await disconnect(s, rand() < 0.5);
    } catch (e) {
      bump(stats.causes, `bench: ${String(e?.message ?? e).slice(0, 70)}`);
      await disconnect(s, false);
      await sleep(200);
    }
    if (stats.calls >= TARGET_CALLS) stopping = true;
  }
}

// ---- faults ----------------------------------------------------------------------------------------------------
const WRITE_PATHS = ["/api/Client", "/api/Site", "/api/Users"];
const FAULT_KINDS = [
  ["429 burst", () => ({ status: 429, count: 6, retry_after: 1 })],
  ["5xx burst", () => ({ status: 503, count: 5 })],
  ["5xx after the write landed", () => ({ status: 500, count: 2, method: "POST", path_prefix: pick(WRITE_PATHS), apply_after_write: true })],
  ["connection reset", () => ({ drop_connections: true, count: 3 })],
  ["connection reset after the write landed", () => ({ drop_connections: true, count: 2, method: "POST", path_prefix: pick(WRITE_PATHS), apply_after_write: true })],
  ["slow answers (700 ms for 3 s)", () => ({ latency_ms: 700 }), 3000],
  ["token revocation", () => ({ expire_tokens: true })],
  ["5xx burst on writes", () => ({ status: 502, count: 3, method: "POST", path_prefix: pick(WRITE_PATHS) })],
  ["429 storm on writes", () => ({ status: 429, count: 6, retry_after: 1, method: "POST" })],
  ["auth server down (token revoked, 3 token requests fail)", () => ({ expire_tokens: true, token_html_500: 3 })],
  [`stall beyond the read timeout (${READ_TIMEOUT_MS + 1500} ms for 3 s)`, () => ({ latency_ms: READ_TIMEOUT_MS + 1500 }), 3000],
];
const faultCounts = {};
const faultTimeline = [];  // [seconds into the run, kind]
let faultErrors = 0;
async function control(method, route, body) {
  const res = await fetch(sandboxUrl + route, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
let fireFault = () => {};
function startFaults() {
  let i = 0;
  fireFault = async () => {
    if (stopping) return;
    const [name, rule, resetAfter] = FAULT_KINDS[i++ % FAULT_KINDS.length];
    try {
      await control("POST", "/_sandbox/faults", rule());
      bump(faultCounts, name);
      faultTimeline.push([+((performance.now() - runStart) / 1000).toFixed(2), new Date().toISOString(), name]);
      if (resetAfter) setTimeout(() => control("POST", "/_sandbox/faults", { latency_ms: 0 }).catch(() => faultErrors++), resetAfter);
    } catch { faultErrors++; }
  };
  return () => { fireFault = () => {}; };
}

// ---- verification against the tenant's own data -------------------------------------------------------------------
let sandboxUrl;
async function tenantRecords() {
  const tok = await (await fetch(`${sandboxUrl}/auth/token?tenant=sandbox`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret&scope=all",
  })).json();
  const all = async (what, key) => {
    const rows = [];
    for (let page = 1; ; page++) {
      const res = await fetch(`${sandboxUrl}/api/${what}?includeactive=true&includeinactive=true&pageinate=true&page_size=100&page_no=${page}`,
        { headers: { authorization: `Bearer ${tok.access_token}` } });
      if (!res.ok) throw new Error(`GET /api/${what}: ${res.status} ${await res.text()}`);
      const body = await res.json();
      rows.push(...body[key]);
      if (body[key].length === 0 || rows.length >= body.record_count) return rows;
    }
  };
  return { clients: await all("Client", "clients"), sites: await all("Site", "sites"), contacts: await all("Users", "users") };
}

function verify(tenant) {
  const index = (rows, keyOf) => {
    const m = new Map();
    for (const r of rows) { const k = keyOf(r); if (k) (m.get(k) ?? m.set(k, []).get(k)).push(r); }
    return m;
  };
  const byKind = {
    client: index(tenant.clients, (r) => r.name),
    site: index(tenant.sites, (r) => r.name),
    contact: index(tenant.contacts, (r) => (r.emailaddress ?? "").toLowerCase()),
  };
  const v = { intended: ledger.length, lost: 0, duplicated: 0, misreported: 0, wrongId: 0, okExactlyOnce: 0,
    failedAbsent: 0, failedMaybeFound: 0, failedMaybeAbsent: 0, retriedThenOk: 0, byKind: {}, problems: [] };
  for (const e of ledger) {
    const k = (v.byKind[`${e.kind} (${e.via})`] ??= { intended: 0, ok: 0, failed: 0, found: 0 });
    k.intended++;
    const found = byKind[e.kind].get(e.kind === "contact" ? e.key.toLowerCase() : e.key) ?? [];
    k.found += found.length ? 1 : 0;
    const everOk = e.attempts.some((a) => a.ok);
    everOk ? k.ok++ : k.failed++;
    if (e.attempts.length > 1 && everOk && !e.attempts[0].ok) v.retriedThenOk++;
    const problem = (what) => v.problems.length < 40 && v.problems.push({ what, kind: e.kind, key: e.key, via: e.via, id: e.id,
      found: found.map((r) => ({ id: r.id, datecreated: r.datecreated })), attempts: e.attempts });
    if (found.length > 1) { v.duplicated++; problem("duplicated"); continue; }
    if (everOk) {
      if (found.length === 0) { v.lost++; problem("lost: reported created, not in HaloPSA"); continue; }
      if (e.id !== undefined && found[0].id !== e.id) { v.wrongId++; problem("reported id differs from the record"); continue; }
      v.okExactlyOnce++;
      continue;
    }
    const maybe = e.attempts.some((a) => a.claim === "maybe");
    if (found.length === 0) { maybe ? v.failedMaybeAbsent++ : v.failedAbsent++; continue; }
    if (maybe) { v.failedMaybeFound++; continue; }
    v.misreported++; problem("reported as not written, but it is in HaloPSA");
  }
  // Updates: a client's notes end as the last update reported done, or as a later one whose outcome was unknown.
  const clients = new Map(tenant.clients.map((c) => [c.id, c]));
  v.updates = { clients: updates.size, sent: 0, ok: 0, lost: 0 };
  for (const [id, seq] of updates) {
    v.updates.sent += seq.length; v.updates.ok += seq.filter((u) => u.ok).length;
    const lastOk = seq.map((u) => u.ok).lastIndexOf(true);
    if (lastOk < 0) continue;
    const allowed = seq.slice(lastOk).map((u) => u.value);
    const now = clients.get(id)?.notes;
    if (!allowed.includes(now)) {
      v.updates.lost++;
      if (v.problems.length < 40) v.problems.push({ what: "update lost", client: id, notes: now, expected: allowed });
    }
  }
  return v;
}

function auditSummary(file) {
  if (!file || !fs.existsSync(file)) return null;
  const out = { lines: 0, started: 0, finished: 0, rejected: 0, unparsable: 0, outcomes: {}, unmatched: 0 };
  const open = new Set();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    out.lines++;
    let j;
    try { j = JSON.parse(line); } catch { out.unparsable++; continue; }
    if (j.event === "started") { out.started++; open.add(j.call); }
    else if (j.event === "finished") { out.finished++; bump(out.outcomes, j.outcome); if (!open.delete(j.call)) out.unmatched++; }
    else if (j.event === "rejected") out.rejected++;
  }
  out.startedWithoutFinish = open.size;
  return out;
}

// ---- main ------------------------------------------------------------------------------------------------------
const slope = (pts) => {  // least squares, y per x
  const n = pts.length;
  if (n < 2) return NaN;
  const mx = pts.reduce((a, p) => a + p[0], 0) / n, my = pts.reduce((a, p) => a + p[1], 0) / n;
  const sxx = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0), sxy = pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  return sxy / sxx;
};
const mib = (kib) => kib / 1024;
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function main() {
  if (!fs.existsSync(binary)) throw new Error(`no binary at ${binary} (build it first, or pass --binary)`);
  const help = await new Promise((resolve) => {
    const c = spawn(binary, ["--help"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = ""; c.stdout.on("data", (d) => (out += d)); c.on("exit", () => resolve(out));
  });
  const auditFile = help.includes("--audit-log") ? path.join(workDir, "audit.jsonl") : null;

  const sandbox = startProcess("sandbox", ["sandbox", "--port", "0", "--db", ":memory:"],
    { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp" }, /http:\/\/127\.0\.0\.1:\d+/);
  sandboxUrl = await sandbox.ready;
  const serverArgs = ["--http", "--port", "0", "--session-idle-timeout", String(IDLE_TIMEOUT_S), ...(auditFile ? ["--audit-log", auditFile] : [])];
  const server = startProcess("server", serverArgs, {
    PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp",
    HALOPSA_BASE_URL: sandboxUrl, HALOPSA_CLIENT_ID: "halopsa-sandbox", HALOPSA_CLIENT_SECRET: "sandbox-secret", HALOPSA_TENANT: "sandbox",
    // The client-side budget protects real tenants (300 per 5 min); here it would only cap the soak. 429s come from the faults.
    HALOPSA_RATE_LIMIT: "100000", HALOPSA_RATE_WINDOW_SECONDS: "1", HALOPSA_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
  }, /listening on (http:\/\/[^\s]+\/mcp)/);
  serverUrl = await server.ready;
  const pid = server.child.pid;
  const serverPort = Number(new URL(serverUrl).port), sandboxPort = Number(new URL(sandboxUrl).port);
  let serverDied = null, shuttingDown = false;
  server.exited.then((r) => { if (!shuttingDown) { serverDied = r; stopping = true; } });

  console.error(`soak: binary ${binary}\nsoak: sandbox ${sandboxUrl}, server ${serverUrl} (pid ${pid}), logs in ${workDir}`);
  console.error(`soak: ${SESSIONS} sessions, target ${TARGET_CALLS === Infinity ? "none" : TARGET_CALLS} calls, at most ${(MAX_SECONDS / 60).toFixed(1)} min, faults ${FAULTS ? `every ${FAULT_EVERY_CALLS} calls` : "off"}`);

  const sessions = Array.from({ length: SESSIONS }, (_, index) => ({ index, counter: 0, clients: [], sites: [], contacts: [], retryQueue: [], client: null }));
  await connect(sessions[0]);
  const listed = await call(sessions[0], "search_sites", { page_size: 100 });
  for (const site of listed.sc?.items ?? []) seededSites.push(site.id);
  if (!seededSites.length) throw new Error("could not list the seeded sites: " + listed.text);

  const samples = [];
  const t0 = performance.now();
  runStart = t0;
  const fdsAtStart = fdBreakdown(pid, serverPort, sandboxPort);
  const sample = () => {
    try { samples.push({ t: (performance.now() - t0) / 1000, calls: stats.calls, writes: ledger.length, ...procStats(pid) }); } catch { /* gone */ }
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  const stopFaults = FAULTS ? startFaults() : () => {};
  const deadline = setTimeout(() => (stopping = true), MAX_SECONDS * 1000);
  const tty = process.stderr.isTTY;
  let lastCalls = 0, lastT = 0;
  const progress = setInterval(() => {
    const t = (performance.now() - t0) / 1000, last = samples.at(-1) ?? {};
    const rate = (stats.calls - lastCalls) / (t - lastT); lastCalls = stats.calls; lastT = t;
    const faults = Object.values(faultCounts).reduce((a, b) => a + b, 0);
    const line = `soak ${t.toFixed(0)}s: ${stats.calls}${TARGET_CALLS === Infinity ? "" : "/" + TARGET_CALLS} calls (${stats.failed} failed), ${rate.toFixed(1)} calls/s, ` +
      `RSS ${mib(last.rssKiB).toFixed(1)} MiB, ${last.fds} fds, ${last.threads} threads, ${faults} faults, ${ledger.length} writes intended`;
    process.stderr.write(tty ? `\r${line}\x1b[K` : line + "\n");
  }, tty ? 2000 : 10000);

  await Promise.all(sessions.map(drive));
  const runSeconds = (performance.now() - t0) / 1000;
  clearTimeout(deadline); clearInterval(progress); stopFaults();
  if (tty) process.stderr.write("\n");
  sample();
  const runSamples = samples.slice();
  const endOfRun = runSamples.length;

  // Faults off; the agents finish what they said they would retry; sessions end; the server settles.
  let drained = 0;
  if (!serverDied) {
    await control("DELETE", "/_sandbox/faults");
    await sleep(1500);
    await control("DELETE", "/_sandbox/faults");  // a latency reset timer may have fired in between
    stopping = false;
    await Promise.all(sessions.map(async (s) => {
      while (s.retryQueue.length && !serverDied) { drained++; await s.retryQueue.shift().run(); }
    }));
    stopping = true;
    await Promise.all(sessions.map((s) => disconnect(s, true)));
    console.error(`soak: run over; waiting ${SETTLE_S} s for the server to reap abandoned sessions`);
    await sleep(SETTLE_S * 1000);
  }
  clearInterval(sampler);
  const after = serverDied ? null : procStats(pid);
  const fdsAfter = serverDied ? null : fdBreakdown(pid, serverPort, sandboxPort);
  const settleSamples = samples.slice(endOfRun);

  const tenant = serverDied ? null : await tenantRecords();
  const v = tenant ? verify(tenant) : null;
  shuttingDown = true;
  await server.stop();
  await sandbox.stop();
  const audit = auditSummary(auditFile);
  const WRITE_TOOLS = ["create_client", "create_site", "create_contact", "update_client", "onboard_client"];
  if (audit) audit.write_calls_sent = WRITE_TOOLS.reduce((a, n) => a + (stats.byTool[n]?.calls ?? 0), 0);

  // ---- report ----------------------------------------------------------------------------------------------------
  const first = runSamples[0], last = runSamples.at(-1);
  const max = (k) => Math.max(...runSamples.map((x) => x[k]));
  const half = runSamples.filter((x) => x.t >= runSeconds / 2);
  const rssSlope = slope(half.map((x) => [x.t / 60, mib(x.rssKiB)]));  // MiB per minute
  const fdSlope = slope(half.map((x) => [x.t / 60, x.fds]));
  stats.latencies.sort((a, b) => a - b);
  const faultsTotal = Object.values(faultCounts).reduce((a, b) => a + b, 0);
  // The server at the end of each hour-equivalent of calls.
  const perHour = [];
  for (let k = 1; k * HOUR_EQUIVALENT <= stats.calls; k++) {
    const x = runSamples.find((y) => y.calls >= k * HOUR_EQUIVALENT);
    if (x) perHour.push({ hour: k, t: +x.t.toFixed(1), rss_mib: +mib(x.rssKiB).toFixed(1), fds: x.fds, threads: x.threads, writes_intended: x.writes });
  }
  // What the server's own log says it did about failed writes.
  const serverLog = fs.readFileSync(path.join(workDir, "server.stderr.log"), "utf8");
  const logCount = (re) => (serverLog.match(re) ?? []).length;
  const logEvents = {
    create_failed_but_landed_used: logCount(/but the record landed; using it/g),
    create_did_not_land_repeated: logCount(/did not land; repeating it once/g),
    create_repeated_after_network_failure: logCount(/failed \(network\) and the record did not land; repeating it once/g),
    sessions_expired_idle: logCount(/expired after \d+ s idle/g),
    warnings: logCount(/ warn(ing)? /g), errors: logCount(/ (error|critical) /g),
  };
  const report = {
    command: `node bench/soak.mjs ${argv.join(" ")}`.trim(), binary,
    hour_equivalent: { calls: HOUR_EQUIVALENT, definition: `${DESK_AGENTS} desk staff × ${CALLS_PER_AGENT_HOUR} tool calls/hour (4 a minute)` },
    sessions: SESSIONS, run_seconds: runSeconds, hour_equivalents: stats.calls / HOUR_EQUIVALENT,
    calls: { total: stats.calls, ok: stats.ok, failed: stats.failed, per_second: stats.calls / runSeconds,
      p50_ms: pct(stats.latencies, 50), p99_ms: pct(stats.latencies, 99), failed_by_cause: stats.causes, by_tool: stats.byTool,
      agent_retries: stats.retries, retries_after_run: drained, duplicate_guard_hits: stats.guardHits,
      onboarding_incomplete_results: stats.onboardIncomplete },
    sessions_lifecycle: { opened: stats.sessionsOpened, terminated: stats.sessionsTerminated, abandoned: stats.sessionsAbandoned,
      client_transport_errors: stats.clientErrors, client_transport_error_kinds: stats.clientErrorKinds },
    faults: { injected: faultsTotal, by_kind: faultCounts, control_errors: faultErrors, timeline: faultTimeline },
    server: {
      died: serverDied,
      rss_mib: { first: mib(first.rssKiB), last: mib(last.rssKiB), max: mib(max("rssKiB")), after_sessions_closed: after && mib(after.rssKiB),
        second_half_slope_mib_per_min: rssSlope },
      fds: { kinds_at_start: fdsAtStart, kinds_after: fdsAfter, first: first.fds, last: last.fds, max: max("fds"), after_sessions_closed: after?.fds, second_half_slope_per_min: fdSlope },
      threads: { first: first.threads, last: last.threads, max: max("threads"), after_sessions_closed: after?.threads },
      samples: runSamples.length, settle_seconds: SETTLE_S,
      settle_samples: settleSamples.map((x) => ({ t: +x.t.toFixed(1), rss_mib: +mib(x.rssKiB).toFixed(2), fds: x.fds, threads: x.threads })),
      per_hour_equivalent: perHour,
      run_samples: runSamples.map((x) => ({ t: +x.t.toFixed(1), calls: x.calls, writes: x.writes, rss_mib: +mib(x.rssKiB).toFixed(2), fds: x.fds, threads: x.threads })),
    },
    writes: v, audit, server_log: logEvents, tenant_size: tenant && { clients: tenant.clients.length, sites: tenant.sites.length, contacts: tenant.contacts.length },
    logs: workDir,
  };

  const row = (k, val) => console.log(`| ${k.padEnd(44)} | ${String(val).padEnd(60)} |`);
  console.log(`\nSoak: ${stats.calls} calls in ${runSeconds.toFixed(0)} s (${report.hour_equivalents.toFixed(2)} hour-equivalents of ${HOUR_EQUIVALENT} calls), ${SESSIONS} sessions\n`);
  console.log(`| ${"measure".padEnd(44)} | ${"value".padEnd(60)} |`);
  console.log(`|${"-".repeat(46)}|${"-".repeat(62)}|`);
  row("calls total / ok / failed", `${stats.calls} / ${stats.ok} / ${stats.failed}`);
  row("throughput", `${report.calls.per_second.toFixed(1)} calls/s (p50 ${report.calls.p50_ms.toFixed(0)} ms, p99 ${report.calls.p99_ms.toFixed(0)} ms)`);
  for (const [c, n] of Object.entries(stats.causes).sort((a, b) => b[1] - a[1])) row(`  failed: ${c}`.slice(0, 44), n);
  row("agent retries (during run / after faults off)", `${stats.retries - drained} / ${drained}`);
  row("onboarding results INCOMPLETE (resumed)", stats.onboardIncomplete);
  row("sessions opened / terminated / abandoned", `${stats.sessionsOpened} / ${stats.sessionsTerminated} / ${stats.sessionsAbandoned}`);
  row("faults injected", `${faultsTotal} (${Object.entries(faultCounts).map(([k, n]) => `${n}× ${k.split(" (")[0]}`).join(", ")})`.slice(0, 60));
  row("server RSS first / last / max MiB", `${mib(first.rssKiB).toFixed(1)} / ${mib(last.rssKiB).toFixed(1)} / ${mib(max("rssKiB")).toFixed(1)}` + (after ? `; ${mib(after.rssKiB).toFixed(1)} ${SETTLE_S} s after` : ""));
  row("RSS slope, second half", `${rssSlope >= 0 ? "+" : ""}${rssSlope.toFixed(3)} MiB/min`);
  row("server fds first / last / max", `${first.fds} / ${last.fds} / ${max("fds")}` + (after ? `; ${after.fds} ${SETTLE_S} s after` : ""));
  if (fdsAfter) row("  fds after, by kind", Object.entries(fdsAfter).map(([k, n]) => `${n} ${k}`).join(", ").slice(0, 60));
  row("server threads first / last / max", `${first.threads} / ${last.threads} / ${max("threads")}` + (after ? `; ${after.threads} ${SETTLE_S} s after` : ""));
  if (v) {
    row("writes intended (creates incl. onboarding)", `${v.intended}: ${v.okExactlyOnce} reported done and found once`);
    row("  reported failed: absent / maybe-landed found / maybe absent", `${v.failedAbsent} / ${v.failedMaybeFound} / ${v.failedMaybeAbsent}`);
    row("  failed first, done on the agent's retry", v.retriedThenOk);
    row("LOST writes", v.lost);
    row("DUPLICATED writes", v.duplicated);
    row("misreported (said not written, was written)", v.misreported);
    row("reported id differs from the record", v.wrongId);
    row("updates sent / ok / lost", `${v.updates.sent} / ${v.updates.ok} / ${v.updates.lost}`);
  }
  row("creates whose reply failed: landed+found / not landed+repeated", `${logEvents.create_failed_but_landed_used} / ${logEvents.create_did_not_land_repeated} (server log)`);
  row("  of the repeats: after a network failure/timeout", logEvents.create_repeated_after_network_failure);
  for (const h of perHour) row(`  after hour-equivalent ${h.hour}`, `RSS ${h.rss_mib} MiB, ${h.fds} fds, ${h.threads} threads, ${h.writes_intended} writes`);
  if (audit) row("audit log: write calls sent / started / finished", `${audit.write_calls_sent} / ${audit.started} / ${audit.finished} (${audit.startedWithoutFinish} unfinished)`);
  if (serverDied) row("SERVER DIED", JSON.stringify(serverDied));
  if (v?.problems.length) console.log("\nproblems (first 40):\n" + v.problems.map((p) => JSON.stringify(p)).join("\n"));
  console.log(`\nserver/sandbox logs: ${workDir}`);
  if (JSON_OUT) { fs.writeFileSync(JSON_OUT, JSON.stringify(report, null, 2)); console.log(`JSON: ${JSON_OUT}`); }
  const clean = !serverDied && v && v.lost === 0 && v.duplicated === 0 && v.misreported === 0 && v.wrongId === 0 && v.updates.lost === 0;
  process.exit(clean ? 0 : 1);
}

const killAll = () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL"); };
process.on("SIGINT", () => { killAll(); process.exit(130); });
process.on("exit", killAll);
main().catch((e) => { console.error(e); killAll(); process.exit(1); });
