// What the built server itself serves: its tools/list and prompts/list, read over stdio on the in-memory sandbox with
// every HALOPSA_* variable of the caller removed (a developer's tenant or tool policy never changes the answer).
// Shared by gen-tools-doc.mjs (docs/tools.md) and toolsnaps.mjs (tests/toolsnaps).
import { spawn } from "node:child_process";

// One server process: initialize, then the given list requests (following nextCursor), then EOF.
// Resolves to { tools, prompts } or, when the server refuses to start (an unknown toolset), to null.
export function listFromServer(bin, extraEnv = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HALOPSA_")));
  Object.assign(env, { HALOPSA_SANDBOX_DB: ":memory:", HALOPSA_LOG_LEVEL: "error" }, extraEnv);
  const child = spawn(bin, [], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const pending = new Map();
  let nextId = 1, buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const msg = JSON.parse(line);
      if (msg.id !== undefined && pending.has(msg.id)) {
        pending.get(msg.id)(msg);
        pending.delete(msg.id);
      }
    }
  });
  const exited = new Promise((res) => child.on("close", (code) => res(code)));
  const request = (method, params = {}) =>
    new Promise((res, rej) => {
      const id = nextId++;
      pending.set(id, (msg) => (msg.error ? rej(new Error(`${method}: ${JSON.stringify(msg.error)}`)) : res(msg.result)));
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  const listAll = async (method, key) => {
    const items = [];
    let cursor;
    do {
      const page = await request(method, cursor ? { cursor } : {});
      items.push(...(page[key] ?? []));
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const timeout = setTimeout(() => child.kill("SIGKILL"), 60000);
  const session = (async () => {
    const init = await request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "gen-tools-doc", version: "1" },
    });
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
    const tools = await listAll("tools/list", "tools");
    const prompts = init.capabilities?.prompts ? await listAll("prompts/list", "prompts") : [];
    child.stdin.end();
    return { tools, prompts };
  })();
  child.stdin.on("error", () => {});
  return Promise.race([
    session,
    exited.then((code) => {
      if (pending.size === 0) return session;
      if (/no toolset named/.test(stderr)) return null;  // a toolset this build does not have (yet)
      throw new Error(`${bin} exited with ${code} before answering:\n${stderr}`);
    }),
  ]).finally(async () => {
    clearTimeout(timeout);
    await exited;
  });
}

