// The Claude Code plugin as a release ships it: the portable build installed under a prefix (cmake --install), whose
// share/halopsa-mcp/plugin folder is the marketplace and holds the portable binary. Claude Code's own CLI (pinned in
// tests/packaging, offline, logged out, a throw-away HOME, a PATH without compilers) adds the marketplace, installs
// the plugin and reports its server connected: nothing is built on the user's side.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { noPortableBinary, portableBin, repo, run, tempDir } from "./helpers.mjs";

const missing = noPortableBinary();
if (missing) console.log(`# SKIPPED: ${missing}`);
const when = { skip: missing ?? false };

const claudeCli = join(repo, "tests", "packaging", "node_modules", ".bin", "claude");
const prefix = tempDir("plugin-prefix");
const pluginDir = join(prefix, "share", "halopsa-mcp", "plugin");
const home = tempDir("plugin-home");
const tools = join(home, "tools-bin");
const claude = (...args) => run(claudeCli, args, {
  cwd: home, timeout: 120000,
  env: { PATH: tools, HOME: home, DISABLE_AUTOUPDATER: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
         DISABLE_TELEMETRY: "1", DISABLE_ERROR_REPORTING: "1" },
});

before(() => {
  if (missing) return;
  assert.ok(existsSync(portableBin), `${portableBin} is missing: build it with scripts/setup.sh --portable`);
  assert.ok(existsSync(claudeCli), "the claude CLI is missing: npm ci --prefix tests/packaging");
  const installed = run(process.env.HALOPSA_CMAKE ?? "cmake", ["--install", dirname(portableBin), "--prefix", prefix]);
  assert.equal(installed.status, 0, installed.stdout + installed.stderr);
  mkdirSync(tools);
  for (const name of ["node", "sh"]) symlinkSync(run("sh", ["-c", `command -v ${name}`]).stdout.trim(), join(tools, name));
});

test("the installed plugin carries the portable binary", when, () => {
  const version = run(join(pluginDir, "bin", "halopsa-mcp"), ["--version"]);
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /portable build: all of the above linked in/);
});

test("claude plugin install from that marketplace, and claude mcp list shows the server connected", when, () => {
  const added = claude("plugin", "marketplace", "add", pluginDir);
  assert.equal(added.status, 0, added.stdout + added.stderr);
  const installed = claude("plugin", "install", "halopsa@halopsa-mcp");
  assert.equal(installed.status, 0, installed.stdout + installed.stderr);
  const list = claude("mcp", "list");
  assert.equal(list.status, 0, list.stdout + list.stderr);
  assert.match(list.stdout, /plugin:halopsa:halopsa: \S+\/bin\/halopsa-mcp\s+- ✔ Connected/, list.stdout);
});
