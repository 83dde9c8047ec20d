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
// env: extra environment; args: extra flags; capabilities: client capabilities (e.g. {elicitation: {}}).
export async function connect({ env = {}, args = [], capabilities = {}, name = "e2e" } = {}) {
  const transport = new StdioClientTransport({
    command: binary,
    args,
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
// environment that points the MCP server at it as if it were a real tenant.
export async function startSandbox({ args = [] } = {}) {
  const child = spawn(binary, ["sandbox", "--port", "0", "--db", ":memory:", ...args], {
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
    stop: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }),
  };
}

// The text of a tool result's first content block.
export const textOf = (result) => result.content?.find((c) => c.type === "text")?.text ?? "";
