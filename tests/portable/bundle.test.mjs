// The Claude Desktop bundle packed from the portable binary: it declares Linux, holds the portable server, and
// the command its manifest declares serves MCP on a minimal Debian 11 that has nothing else (chroot, as nobody).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cannotRun, chrootBin, noPortableBinary, portableBin, projectVersion, repo, run, runTree, tempDir, textOf, withMcp } from "./helpers.mjs";

const mcpbCli = join(repo, "tests", "packaging", "node_modules", ".bin", "mcpb");
const work = tempDir("mcpb");
const unpacked = join(work, "unpacked");
let manifest;
const missing = noPortableBinary();
if (missing) console.log(`# SKIPPED: ${missing}`);

before(() => {
  if (missing) return;
  assert.ok(existsSync(portableBin), `${portableBin} is missing: build it with scripts/setup.sh --portable`);
  assert.ok(existsSync(mcpbCli), "the mcpb CLI is missing: npm ci --prefix tests/packaging");
  const output = join(work, "halopsa-mcp.mcpb");
  const packed = run(process.env.HALOPSA_CMAKE ?? "cmake", [
    `-DSOURCE_DIR=${repo}`, `-DSTAGE_DIR=${join(work, "stage")}`, `-DBINARY=${portableBin}`, `-DMCPB=${mcpbCli}`,
    `-DOUTPUT=${output}`, "-DSTRIP=strip", "-DPORTABLE=ON", "-P", join(repo, "packaging", "pack-mcpb.cmake")]);
  assert.equal(packed.status, 0, packed.stdout + packed.stderr);
  const unpack = run(mcpbCli, ["unpack", output, unpacked]);
  assert.equal(unpack.status, 0, unpack.stdout + unpack.stderr);
  manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8"));
});

test("the bundle declares the platform its binary runs on, and holds the portable binary", { skip: missing ?? false }, () => {
  assert.deepEqual(manifest.compatibility?.platforms, ["linux"]);
  assert.equal(manifest.version, projectVersion);
  const ldd = run("ldd", [join(unpacked, manifest.server.entry_point)]).stdout;
  assert.doesNotMatch(ldd, /libssl|libstdc\+\+|libspdlog|libsqlite3/, ldd);
  const version = run(join(unpacked, manifest.server.entry_point), ["--version"]).stdout;
  assert.match(version, /portable build/);
});

const skip = missing ?? cannotRun();
test("its declared command serves MCP on a bare Debian 11 as Claude Desktop starts it", { skip: skip ?? false }, async () => {
  const tree = runTree("bullseye");
  cpSync(unpacked, join(tree, "opt", "bundle"), { recursive: true });
  // Claude Desktop substitutes ${__dirname} and ${user_config.*}; untouched optional settings are empty.
  const fill = (text) => text.replaceAll("${__dirname}", "/opt/bundle")
    .replace(/\$\{user_config\.([a-z_]+)\}/g, (_, key) => String(manifest.user_config[key].default ?? ""));
  const config = manifest.server.mcp_config;
  const env = Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, fill(v)]));
  await withMcp(chrootBin, ["--userspec=65534:65534", tree, fill(config.command), ...config.args.map(fill)],
                { PATH: "/usr/bin:/bin", HOME: "/tmp", HALOPSA_SANDBOX_DB: ":memory:", ...env }, async (client) => {
    assert.equal(client.getServerVersion().version, projectVersion);
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "search_clients"));
    const result = await client.callTool({ name: "search_clients", arguments: { search: "acme" } });
    assert.match(textOf(result), /\| 1 \| Acme Corp \|/);
  });
});
