// A raw JSON-RPC peer over stdio, for what the SDK client will not send (bad frames, batches, cancels).
import { spawn } from "node:child_process";
import { binary } from "./harness.mjs";

export function spawnRaw({ env = {}, args = [] } = {}) {
  const child = spawn(binary, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", HALOPSA_SANDBOX_DB: ":memory:", HALOPSA_VALIDATE_OUTPUT: "1", ...env },
  });
  const lines = [];
  const waiters = [];
  let buffer = "";
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) w();
    }
  });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const send = (message) => child.stdin.write((typeof message === "string" ? message : JSON.stringify(message)) + "\n");
  // Resolves with the first parsed line matching `predicate` (rejects after `ms`).
  const waitFor = (predicate, ms = 5000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        for (const l of lines) {
          let m;
          try { m = JSON.parse(l); } catch { continue; }
          if (predicate(m)) { cleanup(); resolve(m); return true; }
        }
        return false;
      };
      const timer = setTimeout(() => { cleanup(); reject(new Error("timed out; stdout so far:\n" + lines.join("\n"))); }, ms);
      const cleanup = () => { clearTimeout(timer); const i = waiters.indexOf(check); if (i >= 0) waiters.splice(i, 1); };
      if (!check()) waiters.push(check);
    });
  const response = (id, ms) => waitFor((m) => m.id === id && !("method" in m), ms);
  const request = async (id, method, params) => { send({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) }); return response(id); };
  const initialize = async (protocolVersion = "2025-11-25", capabilities = {}) => {
    const r = await request(0, "initialize", { protocolVersion, capabilities, clientInfo: { name: "raw", version: "1" } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return r;
  };
  return { child, lines, send, waitFor, response, request, initialize, exited, stderr: () => stderr };
}
