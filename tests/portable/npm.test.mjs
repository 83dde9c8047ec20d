// The npm packages: `npm pack` the launcher package `halopsa-mcp` and the platform package holding the portable
// binary, install the tarballs into an empty folder offline, and serve MCP through `npx halopsa-mcp` with a PATH
// holding node, npm, npx and sh only: no compiler, no make, nothing of the build.
import { before, test } from "node:test";
import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noPortableBinary, portableBin, projectVersion, repo, run, tempDir, textOf, withMcp } from "./helpers.mjs";

const missing = noPortableBinary();
if (missing) console.log(`# SKIPPED: ${missing}`);
const when = { skip: missing ?? false };

const work = tempDir("npm");
const tools = join(work, "tools-bin");
const app = join(work, "app");
let platformTgz, mainTgz;
// What a machine without build tools gives npm: node, npm, npx and a shell, and a home and cache of its own.
const env = (extra = {}) => ({ PATH: tools, HOME: work, npm_config_cache: join(work, "npm-cache"), npm_config_update_notifier: "false",
                               ...extra });

before(() => {
  if (missing) return;
  assert.ok(existsSync(portableBin), `${portableBin} is missing: build it with scripts/setup.sh --portable`);
  mkdirSync(tools);
  for (const name of ["node", "npm", "npx", "sh"]) {
    const found = run("sh", ["-c", `command -v ${name}`]).stdout.trim();
    assert.ok(found, `${name} is on this machine's PATH`);
    symlinkSync(found, join(tools, name));
  }
  const staged = run(process.execPath, [join(repo, "npm", "stage.mjs"), "--binary", portableBin, "--version", projectVersion,
                                        "--out", join(work, "packed")], { env: env() });
  assert.equal(staged.status, 0, staged.stdout + staged.stderr);
  [platformTgz, mainTgz] = staged.stdout.trim().split("\n");
  install(app, [platformTgz, mainTgz]);
});

function install(dir, args) {
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "empty", private: true }));
  const r = run(join(tools, "npm"), ["install", "--offline", "--no-audit", "--no-fund", ...args], { cwd: dir, env: env() });
  assert.equal(r.status, 0, r.stdout + r.stderr);
}

test("the PATH the packages are tried with has no compiler or build tool", when, () => {
  for (const tool of ["cc", "gcc", "g++", "c++", "clang", "make", "cmake", "ld"])
    assert.notEqual(run("sh", ["-c", `command -v ${tool}`], { env: env() }).status, 0, `${tool} is not on the PATH`);
});

test("npm pack makes halopsa-mcp and @halopsa-mcp/linux-x64 at the build's version, selected by os/cpu/libc", when, () => {
  assert.match(mainTgz, new RegExp(`halopsa-mcp-${projectVersion.replace(/\./g, "\\.")}\\.tgz$`));
  assert.match(platformTgz, new RegExp(`halopsa-mcp-linux-x64-${projectVersion.replace(/\./g, "\\.")}\\.tgz$`));
  const listing = run("tar", ["-tzf", platformTgz]).stdout;
  assert.match(listing, /^package\/bin\/halopsa-mcp$/m);
  const platform = JSON.parse(run("tar", ["-xzOf", platformTgz, "package/package.json"]).stdout);
  assert.deepEqual([platform.os, platform.cpu, platform.libc], [["linux"], ["x64"], ["glibc"]]);
  const main = JSON.parse(run("tar", ["-xzOf", mainTgz, "package/package.json"]).stdout);
  assert.deepEqual(main.optionalDependencies, { "@halopsa-mcp/linux-x64": projectVersion });
  assert.deepEqual(main.bin, { "halopsa-mcp": "bin/halopsa-mcp.js" });
});

test("installed from the tarballs, `npx halopsa-mcp` serves MCP: initialize, tools/list, search_clients", when, async () => {
  await withMcp(join(tools, "npx"), ["--no-install", "halopsa-mcp"], env({ HALOPSA_SANDBOX_DB: ":memory:" }), async (client) => {
    assert.equal(client.getServerVersion().name, "halopsa-mcp");
    const { tools: list } = await client.listTools();
    assert.ok(list.some((t) => t.name === "search_clients"));
    const result = await client.callTool({ name: "search_clients", arguments: { search: "acme" } });
    assert.ok(!result.isError, textOf(result));
    assert.match(textOf(result), /\| 1 \| Acme Corp \|/);
  }, { cwd: app });
  // The launcher passes arguments through and the server's exit status back.
  const version = run(join(app, "node_modules", ".bin", "halopsa-mcp"), ["--version"], { env: env() });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.split("\n")[0], projectVersion);
  const bad = run(join(app, "node_modules", ".bin", "halopsa-mcp"), ["--no-such-flag"], { env: env() });
  const direct = run(portableBin, ["--no-such-flag"], { env: env() });
  assert.notEqual(bad.status, 0);
  assert.equal(bad.status, direct.status, "the launcher exits with the server's status");
});

test("the launcher passes SIGTERM on to the server, which ends instead of being orphaned", when, async () => {
  const launcher = join(app, "node_modules", ".bin", "halopsa-mcp");
  const child = spawn(launcher, [], { env: env({ HALOPSA_SANDBOX_DB: ":memory:" }), stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  // The server is running once it logs its start line; it is then the launcher's only child.
  await new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => { stderr += chunk; if (/serving \d+ tools over stdio/.test(stderr)) resolve(); });
    child.on("exit", () => reject(new Error(`the launcher exited early:\n${stderr}`)));
  });
  // Linux lists a thread's children in /proc (node spawns from its main thread, whose id is the pid).
  const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
  assert.equal(children.length, 1, `the launcher has one child, the server (${children})`);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  child.kill("SIGTERM");
  const { code, signal } = await exited;
  assert.ok(code === 0 || signal === "SIGTERM", `the launcher ends as the server did (code ${code}, signal ${signal})`);
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  assert.equal(alive(children[0]), false, "the server has ended with the launcher (stdin is still open)");
  child.stdin.end();
});

test("`npx -y` with the two tarballs, from an empty folder, serves MCP (the form of a client's config)", when, async () => {
  const empty = join(work, "empty");
  mkdirSync(empty);
  const args = ["-y", "--offline", "--package", platformTgz, "--package", mainTgz, "halopsa-mcp"];
  await withMcp(join(tools, "npx"), args, env({ HALOPSA_SANDBOX_DB: ":memory:", npm_config_cache: join(work, "npx-cache") }),
    async (client) => {
      const { tools: list } = await client.listTools();
      assert.ok(list.some((t) => t.name === "search_clients"));
      const result = await client.callTool({ name: "search_clients", arguments: { search: "acme" } });
      assert.match(textOf(result), /\| 1 \| Acme Corp \|/);
    }, { cwd: empty });
});

test("without its platform package the launcher says what is missing instead of failing obscurely", when, () => {
  const app = join(work, "app-no-platform");
  install(app, ["--omit=optional", mainTgz]);
  const r = run(join(app, "node_modules", ".bin", "halopsa-mcp"), ["--version"], { env: env() });
  assert.equal(r.status, 127);
  assert.equal(r.stdout, "", "stdout stays clean for the MCP client");
  assert.match(r.stderr, /@halopsa-mcp\/linux-x64 is not installed/);
});
