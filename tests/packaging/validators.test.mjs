// The ecosystems' own validators, offline: `claude plugin validate` (Claude Code) on the plugin and the
// marketplace, `mcpb validate` and `mcpb pack` (Claude Desktop), and the packed bundle really serving.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, claude, cleanEnv, cmake, mcpb, mcpHandshake, projectVersion, readJson, repo, run, tempDir } from "./helpers.mjs";

function validateStrict(target) {
  const result = claude(["plugin", "validate", "--strict", "--json", target]);
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    assert.fail(`claude plugin validate printed no JSON report (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  const problems = [...(report.manifest?.errors ?? []), ...(report.manifest?.warnings ?? [])];
  assert.equal(result.status, 0, `claude plugin validate --strict ${target} failed:\n${JSON.stringify(problems, null, 2)}\n${result.stderr}`);
  assert.equal(report.success, true);
  assert.deepEqual(problems, []);
  return report;
}

test("claude plugin validate --strict accepts the plugin with its server, skill and commands", () => {
  const report = validateStrict(join(repo, ".claude-plugin", "plugin.json"));
  assert.equal(report.manifest.type, "plugin");
  const provides = report.provides;
  assert.deepEqual(provides.mcpServers.map((s) => [s.name, s.type, s.target]),
                   [["halopsa", "stdio", "${CLAUDE_PLUGIN_ROOT}/bin/halopsa-mcp"]]);
  assert.deepEqual(provides.skills, ["halopsa:halopsa-clients"]);
  assert.deepEqual(provides.commands, ["halopsa:data-quality-report", "halopsa:find-duplicates", "halopsa:offboard-client",
                                       "halopsa:onboard-client", "halopsa:search-client"]);
  const blocking = (report.directory?.findings ?? []).filter((f) => f.blocking || f.severity === "error");
  assert.deepEqual(blocking, [], "the plugin directory's checks find nothing blocking");
});

test("claude plugin validate on the repository root, as a user types it, warns about nothing", () => {
  // `claude plugin validate .` picks the marketplace manifest; the plugin's own manifest is checked above. Both
  // declare the HaloPSA hosts in `network`, which this (pinned) Claude Code reads rather than warning about.
  for (const target of [repo, join(repo, ".claude-plugin", "plugin.json")]) {
    const report = validateStrict(target);
    assert.deepEqual(report.advice, [], `${target}: advice ${JSON.stringify(report.advice)}`);
    assert.deepEqual(report.hosts.named.map((h) => [h.host, h.sources.map((s) => s.type)]),
                     [["*.haloitsm.com", ["declared"]], ["*.halopsa.com", ["declared"]],
                      ["*.haloservicedesk.com", ["declared"]], ["*.nethelpdesk.com", ["declared"]]]);
  }
});

test("claude plugin validate --strict accepts the marketplace manifest", () => {
  const report = validateStrict(join(repo, ".claude-plugin", "marketplace.json"));
  assert.equal(report.manifest.type, "marketplace");
});

test("claude plugin validate fails a broken manifest (the check can fail)", () => {
  const dir = tempDir("broken");
  mkdirSync(join(dir, ".claude-plugin"));
  writeFileSync(join(dir, ".claude-plugin", "plugin.json"), JSON.stringify({ name: "Not A Valid Name!", version: 3 }));
  const result = claude(["plugin", "validate", "--strict", join(dir, ".claude-plugin", "plugin.json")]);
  assert.notEqual(result.status, 0, result.stdout);
});

test("mcpb validate accepts manifest.json", () => {
  const result = mcpb(["validate", join(repo, "manifest.json")]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /validation passes/i);
});

test("mcpb pack builds halopsa-mcp.mcpb whose server starts as Claude Desktop starts it", async () => {
  const work = tempDir("mcpb");
  const output = join(work, "halopsa-mcp.mcpb");
  const packed = run(cmake, [
    `-DSOURCE_DIR=${repo}`, `-DSTAGE_DIR=${join(work, "stage")}`, `-DBINARY=${bin}`,
    `-DMCPB=${join(repo, "tests", "packaging", "node_modules", ".bin", "mcpb")}`, `-DOUTPUT=${output}`,
    `-DSTRIP=${process.env.HALOPSA_STRIP ?? "strip"}`,
    "-P", join(repo, "packaging", "pack-mcpb.cmake"),
  ]);
  assert.equal(packed.status, 0, packed.stdout + packed.stderr);
  assert.ok(existsSync(output));

  const info = mcpb(["info", output]);
  assert.equal(info.status, 0, info.stdout + info.stderr);
  const unpacked = join(work, "unpacked");
  const unpack = mcpb(["unpack", output, unpacked]);
  assert.equal(unpack.status, 0, unpack.stdout + unpack.stderr);
  const manifest = readJson(unpacked, "manifest.json");
  assert.equal(manifest.version, projectVersion);
  assert.deepEqual(manifest.compatibility?.platforms, [process.platform], "the bundle declares the platform it was built on");
  accessSync(join(unpacked, manifest.server.entry_point), constants.X_OK);
  assert.ok(existsSync(join(unpacked, manifest.icon)), "the icon is in the bundle");

  // Claude Desktop substitutes ${__dirname} and ${user_config.*}; untouched optional settings are empty.
  const launch = (settings) => {
    const fill = (text) => text
      .replaceAll("${__dirname}", unpacked)
      .replace(/\$\{user_config\.([a-z_]+)\}/g, (_, key) => String(settings[key] ?? manifest.user_config[key].default ?? ""));
    const env = Object.fromEntries(Object.entries(manifest.server.mcp_config.env).map(([k, v]) => [k, fill(v)]));
    return mcpHandshake(fill(manifest.server.mcp_config.command), manifest.server.mcp_config.args.map(fill),
                        cleanEnv({ ...env, HALOPSA_SANDBOX_DB: ":memory:" }));
  };
  const defaults = await launch({});
  assert.equal(defaults.init?.serverInfo?.name, "halopsa-mcp", defaults.stderr);
  assert.equal(defaults.init.serverInfo.version, projectVersion);
  assert.match(defaults.init.instructions ?? "", /SANDBOX/, "an empty HaloPSA URL means the sandbox");
  assert.ok(defaults.tools.some((t) => t.name === "halopsa_status"));

  const readOnly = await launch({ read_only: true });
  assert.ok(readOnly.tools?.length, readOnly.stderr);
  const writers = readOnly.tools.filter((t) => !t.annotations?.readOnlyHint).map((t) => t.name);
  assert.deepEqual(writers, [], "the read-only switch hides every write tool");
  assert.match(readOnly.stderr, /read-only/, "the server reports read-only mode");
  assert.doesNotMatch(defaults.stderr, /read-only/, "read_only defaults to off");

  const halfConfigured = await launch({ base_url: "https://acme.halopsa.com" });
  assert.notEqual(halfConfigured.code, 0, "a URL without credentials is refused, never served as the sandbox");
  assert.match(halfConfigured.stderr, /CLIENT_ID|client.id/i);
});
