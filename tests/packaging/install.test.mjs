// `cmake --install` lays out the server, the man page, the docs and a self-contained Claude Code plugin
// (which is also a marketplace) under a prefix, and the installed plugin validates and starts.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { accessSync, constants, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildDir, claude, cleanEnv, cmake, documentedVariables, mcpHandshake, projectVersion, readJson, repo, run, serverHelp, tempDir } from "./helpers.mjs";

const prefix = tempDir("prefix");
const pluginDir = join(prefix, "share", "halopsa-mcp", "plugin");

before(() => {
  const result = run(cmake, ["--install", buildDir, "--prefix", prefix]);
  assert.equal(result.status, 0, `cmake --install failed:\n${result.stdout}\n${result.stderr}`);
});

test("the server, the man page and the docs land under the prefix", () => {
  const server = join(prefix, "bin", "halopsa-mcp");
  accessSync(server, constants.X_OK);
  assert.equal(run(server, ["--version"]).stdout.split("\n")[0], projectVersion);
  assert.ok(existsSync(join(prefix, "share", "man", "man1", "halopsa-mcp.1")));
  const docs = readdirSync(join(prefix, "share", "doc", "halopsa-mcp"));
  for (const doc of ["install.md", "halopsa-setup.md", "troubleshooting.md", "tools.md"]) assert.ok(docs.includes(doc), doc);
});

test("the installed plugin folder holds everything the plugin needs, and its server is a real binary", () => {
  for (const file of [".claude-plugin/plugin.json", ".claude-plugin/marketplace.json", ".claude-plugin/icon.png", "plugin.json",
                      ".mcp.json", "skills/halopsa-clients/SKILL.md", "commands/onboard-client.md", "README.md"])
    assert.ok(existsSync(join(pluginDir, file)), `installed plugin has ${file}`);
  const command = readJson(pluginDir, ".mcp.json").mcpServers.halopsa.command.replace("${CLAUDE_PLUGIN_ROOT}", pluginDir);
  const head = readFileSync(command).subarray(0, 4);
  assert.deepEqual([...head], [0x7f, 0x45, 0x4c, 0x46], `${command} is the server itself, not the source-tree launcher`);
});

test("claude plugin validate --strict accepts the installed plugin and marketplace", () => {
  for (const manifest of ["plugin.json", "marketplace.json"]) {
    const result = claude(["plugin", "validate", "--strict", join(pluginDir, ".claude-plugin", manifest)]);
    assert.equal(result.status, 0, `${manifest}:\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /Validation passed/);
  }
});

test("the installed plugin's .mcp.json command starts the server as Claude Code would", async () => {
  const server = readJson(pluginDir, ".mcp.json").mcpServers.halopsa;
  // Claude Code expands ${CLAUDE_PLUGIN_ROOT} and ${VAR:-default}; here every HALOPSA_ variable is unset.
  const expand = (text) => text.replaceAll("${CLAUDE_PLUGIN_ROOT}", pluginDir).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");
  const env = Object.fromEntries(Object.entries(server.env).map(([k, v]) => [k, expand(v)]));
  const { init, tools, stderr } = await mcpHandshake(expand(server.command), server.args.map(expand),
                                                     cleanEnv({ ...env, HALOPSA_SANDBOX_DB: ":memory:" }));
  assert.equal(init?.serverInfo?.name, "halopsa-mcp", stderr);
  assert.ok(tools.some((t) => t.name === "halopsa_status"));
});

test("the man page documents every option and variable that --help lists", () => {
  const man = readFileSync(join(prefix, "share", "man", "man1", "halopsa-mcp.1"), "utf8").replace(/\\-/g, "-").replace(/\\f[BIRP]/g, "");
  const options = [...new Set(serverHelp().match(/(?<![\w-])--[a-z][a-z-]+/g))];
  assert.ok(options.length >= 10, `--help lists options (found ${options})`);
  for (const option of options) assert.ok(man.includes(option), `the man page documents ${option}`);
  for (const variable of documentedVariables()) assert.ok(man.includes(variable), `the man page documents ${variable}`);
  const rendered = run("man", ["-l", join(prefix, "share", "man", "man1", "halopsa-mcp.1")], { env: { ...process.env, MANWIDTH: "100" } });
  if (rendered.error?.code !== "ENOENT") {
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.match(rendered.stdout, /NAME\s+halopsa-mcp - MCP server/);
    assert.equal(rendered.stderr, "", "groff reports no warnings");
  }
});
