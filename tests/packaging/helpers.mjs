// Shared by the packaging tests: where things are, the official CLIs run offline, and a minimal MCP
// stdio peer to prove a packaged server really starts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "..", "..");
export const bin = process.env.HALOPSA_MCP_BIN ?? join(repo, "build", "halopsa-mcp");
export const buildDir = process.env.HALOPSA_BUILD_DIR ?? dirname(bin);
export const projectVersion = process.env.HALOPSA_PROJECT_VERSION;
export const cmake = process.env.HALOPSA_CMAKE ?? "cmake";

export const readJson = (...parts) => JSON.parse(readFileSync(join(...parts), "utf8"));
// Temporary folders live as long as the test file's process.
const temporaries = [];
process.on("exit", () => temporaries.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
export function tempDir(tag) {
  const dir = mkdtempSync(join(tmpdir(), `halopsa-pack-${tag}-`));
  temporaries.push(dir);
  return dir;
}

// The environment without any HALOPSA_* of the developer's, so a configured tenant never leaks in.
export function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HALOPSA_")));
  return { ...env, ...extra };
}

function tool(name) {
  const path = join(here, "node_modules", ".bin", name);
  if (!existsSync(path))
    throw new Error(`${name} CLI missing at ${path}: install the pinned packaging tools with  npm ci --prefix tests/packaging`);
  return path;
}

// Claude Code's CLI, offline and logged out: a throw-away HOME, no updater, no telemetry.
export function claude(args) {
  const home = tempDir("home");
  const env = cleanEnv({
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
  });
  delete env.ANTHROPIC_API_KEY;
  return spawnSync(tool("claude"), args, { env, encoding: "utf8", timeout: 120000, stdio: ["ignore", "pipe", "pipe"] });
}

export function mcpb(args, options = {}) {
  return spawnSync(tool("mcpb"), args, { encoding: "utf8", timeout: 120000, stdio: ["ignore", "pipe", "pipe"], ...options });
}

export function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: "utf8", timeout: 120000, stdio: ["ignore", "pipe", "pipe"], ...options });
}

export const serverHelp = () => run(bin, ["--help"]).stdout;

// Every HALOPSA_* variable `--help` documents.
export function documentedVariables() {
  return [...new Set(serverHelp().match(/HALOPSA_[A-Z_]+/g))].sort();
}

// Starts `command` as an MCP client would, initializes, lists tools and closes stdin.
// Resolves to { init, tools, stderr, code }.
export function mcpHandshake(command, args, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "", stderr = "", init = null, tools = null;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not answer within 30 s; stderr:\n${stderr}`));
    }, 30000);
    const send = (msg) => child.stdin.write(JSON.stringify({ jsonrpc: "2.0", ...msg }) + "\n");
    child.stdin.on("error", () => {});
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf("\n")) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        if (msg.id === 1) {
          init = msg.result ?? msg.error;
          send({ method: "notifications/initialized" });
          send({ id: 2, method: "tools/list", params: {} });
        } else if (msg.id === 2) {
          tools = msg.result?.tools;
          child.stdin.end();
        }
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ init, tools, stderr, code });
    });
    send({
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "packaging-test", version: "1" } },
    });
  });
}
