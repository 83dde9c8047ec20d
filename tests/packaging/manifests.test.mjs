// The packaging files agree with each other, with the build and with what the server reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accessSync, constants, copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bin, cleanEnv, documentedVariables, mcpHandshake, projectVersion, readJson, repo, run, tempDir } from "./helpers.mjs";

const plugin = readJson(repo, ".claude-plugin", "plugin.json");
const marketplace = readJson(repo, ".claude-plugin", "marketplace.json");
const bundle = readJson(repo, "manifest.json");
const mcp = readJson(repo, ".mcp.json");

test("the top-level plugin.json and .claude-plugin/plugin.json are the same manifest", () => {
  assert.deepEqual(readJson(repo, "plugin.json"), plugin,
    "plugin.json differs from .claude-plugin/plugin.json: edit .claude-plugin/plugin.json and copy it over plugin.json");
});

test("every manifest carries the build's version, and so does the server", () => {
  assert.ok(projectVersion, "HALOPSA_PROJECT_VERSION is set by CMake (ctest)");
  const server = run(bin, ["--version"]).stdout.split("\n")[0];
  const found = {
    "halopsa-mcp --version": server,
    ".claude-plugin/plugin.json": plugin.version,
    "plugin.json": readJson(repo, "plugin.json").version,
    "marketplace.json metadata.version": marketplace.metadata?.version,
    "marketplace.json plugins[0].version": marketplace.plugins[0].version,
    "manifest.json": bundle.version,
  };
  for (const [where, version] of Object.entries(found))
    assert.equal(version, projectVersion, `${where} says ${version}, the build (CMakeLists.txt project VERSION) says ${projectVersion}`);
  const man = readFileSync(join(repo, "packaging", "halopsa-mcp.1"), "utf8");
  assert.match(man, new RegExp(`^\\.TH .*"halopsa-mcp ${projectVersion.replace(/\./g, "\\.")}"`, "m"), "man page .TH version");
});

test("the marketplace lists this folder's plugin under the plugin's own name and metadata", () => {
  assert.equal(marketplace.plugins.length, 1);
  const entry = marketplace.plugins[0];
  assert.equal(entry.name, "halopsa");
  assert.equal(plugin.name, "halopsa");
  assert.equal(entry.source, "./");
  for (const key of ["license", "homepage"]) assert.equal(entry[key], plugin[key], `marketplace ${key}`);
  assert.deepEqual(entry.author, plugin.author);
  assert.equal(bundle.license, plugin.license, "manifest.json license");
  assert.equal(bundle.homepage, plugin.homepage, "manifest.json homepage");
  for (const key of ["name", "version", "description", "author", "license", "keywords", "homepage"])
    assert.ok(plugin[key], `.claude-plugin/plugin.json has ${key}`);
});

test(".mcp.json starts the server from the plugin root and passes through every HALOPSA_ variable the server reads", () => {
  const server = mcp.mcpServers.halopsa;
  assert.match(server.command, /^\$\{CLAUDE_PLUGIN_ROOT\}\/.+\/halopsa-mcp$/);
  const relative = server.command.replace("${CLAUDE_PLUGIN_ROOT}/", "");
  accessSync(join(repo, relative), constants.X_OK);
  const variables = documentedVariables();
  assert.ok(variables.length >= 10, `--help documents the HALOPSA_ variables (found ${variables})`);
  for (const name of variables)
    assert.equal(server.env[name], `\${${name}:-}`, `.mcp.json passes ${name} through (blank when unset)`);
});

test("manifest.json is a binary bundle whose user_config feeds the server's variables", () => {
  assert.equal(bundle.manifest_version, "0.4");
  assert.equal(bundle.server.type, "binary");
  assert.equal(bundle.server.entry_point, "server/halopsa-mcp");
  assert.equal(bundle.server.mcp_config.command, "${__dirname}/server/halopsa-mcp");
  const config = bundle.user_config;
  assert.equal(config.client_secret.sensitive, true);
  assert.equal(config.client_id.sensitive, true);
  assert.equal(config.read_only.type, "boolean");
  const env = bundle.server.mcp_config.env;
  const wiring = { base_url: "HALOPSA_BASE_URL", tenant: "HALOPSA_TENANT", client_id: "HALOPSA_CLIENT_ID",
                   client_secret: "HALOPSA_CLIENT_SECRET", read_only: "HALOPSA_READ_ONLY" };
  for (const [key, variable] of Object.entries(wiring)) {
    assert.ok(config[key], `user_config.${key}`);
    assert.equal(env[variable], `\${user_config.${key}}`, `${variable} comes from user_config.${key}`);
  }
  const documented = documentedVariables();
  for (const variable of Object.keys(env)) assert.ok(documented.includes(variable), `the server reads ${variable}`);
});

test("the source-tree launcher runs the built server, and says how to build it when there is none", () => {
  const launcher = join(repo, "bin", "halopsa-mcp");
  const ok = run(launcher, ["--version"], { env: cleanEnv({ HALOPSA_MCP_BIN: bin }) });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.split("\n")[0], projectVersion);

  const lonely = tempDir("launcher");
  mkdirSync(join(lonely, "bin"));
  copyFileSync(launcher, join(lonely, "bin", "halopsa-mcp"));
  const missing = run("/bin/sh", [join(lonely, "bin", "halopsa-mcp"), "--version"], { env: cleanEnv({ PATH: "/usr/bin:/bin" }) });
  assert.equal(missing.status, 127);
  assert.equal(missing.stdout, "", "nothing on stdout, which carries MCP messages");
  assert.match(missing.stderr, /not built yet/);
  assert.match(missing.stderr, /scripts\/setup\.sh/);
});

test("the skill and the slash commands are well-formed, and the skill maps every tool the server serves", async () => {
  const skill = readFileSync(join(repo, "skills", "halopsa-clients", "SKILL.md"), "utf8");
  assert.match(skill, /^---\nname: halopsa-clients\ndescription: .{40,}\n---\n/);
  const commands = readdirSync(join(repo, "commands")).sort();
  assert.deepEqual(commands, ["data-quality-report.md", "find-duplicates.md", "offboard-client.md", "onboard-client.md", "search-client.md"]);
  for (const file of commands) {
    const text = readFileSync(join(repo, "commands", file), "utf8");
    assert.match(text, /^---\ndescription: .+\nargument-hint: .+\n---\n/, `${file} front matter`);
    assert.match(text, /\$ARGUMENTS/, `${file} uses the user's arguments`);
  }
  const { tools } = await mcpHandshake(bin, [], cleanEnv({ HALOPSA_SANDBOX_DB: ":memory:", HALOPSA_LOG_LEVEL: "error" }));
  assert.ok(tools?.length, "the server lists its tools");
  const map = skill.slice(skill.indexOf("## Tool map"));
  for (const t of tools) assert.match(map, new RegExp("`" + t.name + "`"), `the skill's tool map names ${t.name}`);
});

test("--version names the version, then the libraries the server is made of", () => {
  const lines = run(bin, ["--version"]).stdout.trim().split("\n");
  assert.equal(lines[0], projectVersion);
  for (const library of [/^OpenSSL 3\./, /^SQLite 3\./, /^cpp-httplib 0\./, /^spdlog 1\./, /^fmt \d+\./, /^nlohmann_json 3\./,
                         /^CLI11 \d+\./, /^glibc 2\.\d+ \(running\)/])
    assert.ok(lines.some((line) => library.test(line)), `--version has a line matching ${library}:\n${lines.join("\n")}`);
});

test("the npm packages and the MCP registry's server.json carry the build's version and name each other", () => {
  const launcher = readJson(repo, "npm", "halopsa-mcp", "package.json");
  const platform = readJson(repo, "npm", "linux-x64", "package.json");
  const registry = readJson(repo, "server.json");
  assert.equal(launcher.version, projectVersion, "npm/halopsa-mcp/package.json version");
  assert.equal(platform.version, projectVersion, "npm/linux-x64/package.json version");
  assert.deepEqual(launcher.optionalDependencies, { [platform.name]: projectVersion });
  assert.equal(registry.version, projectVersion, "server.json version");
  const npmEntry = registry.packages.find((p) => p.registryType === "npm");
  assert.deepEqual([npmEntry.identifier, npmEntry.version], [launcher.name, projectVersion]);
  assert.equal(launcher.mcpName, registry.name, "the MCP registry checks npm ownership by package.json's mcpName");
  const image = registry.packages.find((p) => p.registryType === "oci");
  assert.match(image.identifier, new RegExp(`:${projectVersion.replace(/\./g, "\\.")}$`));
});
