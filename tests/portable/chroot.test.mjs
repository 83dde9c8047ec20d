// The portable binary runs on other Linux systems: minimal Debian 11 (glibc 2.31, the stated floor) and Debian 13
// root filesystems made by debootstrap --variant=minbase, with nothing installed but the binary. In each, through
// chroot and as an unprivileged user: --version, an MCP session on the embedded sandbox (initialize, tools/list,
// search_clients), and TLS to a local HTTPS tenant signed by a CA made for this run, trusted via HALOPSA_CA_FILE
// or via the bundle path another distribution uses, and refused when the CA is nowhere.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cannotRun, chrootBin, makeTestCa, noPortableBinary, place, portableBin, projectVersion, repo, run, runTree, startSandbox, startTlsFront, textOf,
         withMcp } from "./helpers.mjs";

const skip = cannotRun();
if (skip) console.log(`# SKIPPED: the chroot tests of the portable binary: ${skip}`);

const systems = [
  // suite, Debian release, glibc it ships, where this test puts the CA as "the system store"
  { suite: "bullseye", release: 11, glibc: "2.31", systemCa: "/etc/ssl/cert.pem" },                 // Alpine's path
  { suite: "trixie", release: 13, glibc: "2.41", systemCa: "/etc/pki/tls/certs/ca-bundle.crt" },    // Fedora/RHEL's
];
const server = "/opt/halopsa-mcp/halopsa-mcp";
const regularBin = process.env.HALOPSA_MCP_BIN ?? join(repo, "build", "halopsa-mcp");
const nobody = "--userspec=65534:65534";
// The environment a client gives the server: nothing of this machine's but a PATH.
const baseEnv = { PATH: "/usr/bin:/bin", HOME: "/tmp" };

describe("the portable binary", { skip: noPortableBinary() ?? false }, () => {
  test("was built (scripts/setup.sh --portable builds build-portable/halopsa-mcp)", () => {
    assert.ok(existsSync(portableBin), `${portableBin} is missing: build it with scripts/setup.sh --portable`);
  });

  test("needs no shared library but the C library's", () => {
    const ldd = run("ldd", [portableBin]);
    assert.equal(ldd.status, 0, ldd.stderr);
    const libs = ldd.stdout.split("\n").map((l) => l.trim().split(/\s/)[0]).filter(Boolean);
    const allowed = /^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|\/lib64\/ld-linux-x86-64\.so\.2)$/;
    assert.deepEqual(libs.filter((l) => !allowed.test(l)), [], `ldd lists only glibc's libraries:\n${ldd.stdout}`);
    assert.ok(libs.includes("libc.so.6"), ldd.stdout);
  });
});

for (const system of systems) {
  describe(`Debian ${system.release} (${system.suite}, minbase) with only the binary added`, { skip: skip ?? false }, () => {
    let tree, ca, sandbox, front;
    const chroot = (...args) => [chrootBin, [nobody, tree, server, ...args]];
    const halo = (extra = {}) => ({
      ...baseEnv, HALOPSA_BASE_URL: front.url, HALOPSA_AUTH_URL: `${front.url}/auth`, HALOPSA_TENANT: "sandbox",
      HALOPSA_CLIENT_ID: "halopsa-sandbox", HALOPSA_CLIENT_SECRET: "sandbox-secret", ...extra,
    });
    const searchAcme = (env) => withMcp(...chroot(), env, (client) =>
      client.callTool({ name: "search_clients", arguments: { search: "acme" } }));

    before(async () => {
      tree = runTree(system.suite);
      ca = makeTestCa();
      sandbox = await startSandbox();
      front = await startTlsFront(sandbox.url, ca);
    });
    after(async () => {
      await front?.stop();
      await sandbox?.stop();
    });

    test("the system is what it says (its glibc), and the regular build does not start on it", () => {
      const ldd = run(chrootBin, [tree, "/usr/bin/ldd", "--version"]);
      assert.match(ldd.stdout, new RegExp(`GLIBC ${system.glibc.replace(".", "\\.")}`), ldd.stdout + ldd.stderr);
      // The binary of the regular build, linked to Debian 12's shared libraries, fails here as the issue found.
      assert.ok(existsSync(regularBin), `${regularBin} (the regular build) is missing`);
      copyFileSync(regularBin, join(tree, "opt", "regular-halopsa-mcp"));
      chmodSync(join(tree, "opt", "regular-halopsa-mcp"), 0o755);
      const regular = run(chrootBin, [nobody, tree, "/opt/regular-halopsa-mcp", "--version"], { env: baseEnv });
      assert.notEqual(regular.status, 0);
      assert.match(regular.stderr, /error while loading shared libraries: lib(spdlog|fmt|cpp-httplib|ssl|crypto|sqlite3)\.so/);
    });

    test("--version names the build and the libraries linked in", () => {
      const r = run(...chroot("--version"));
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines[0], projectVersion);
      assert.match(r.stdout, /^OpenSSL 3\.\d+\.\d+/m);
      assert.match(r.stdout, /^SQLite 3\.\d+\.\d+$/m);
      assert.match(r.stdout, /^cpp-httplib 0\.\d+\.\d+$/m);
      assert.match(r.stdout, new RegExp(`^glibc ${system.glibc.replace(".", "\\.")} \\(running\\); portable build`, "m"));
    });

    test("serves an MCP session on the embedded sandbox: initialize, tools/list, search_clients", async () => {
      await withMcp(...chroot(), { ...baseEnv, HALOPSA_SANDBOX_DB: ":memory:" }, async (client) => {
        assert.equal(client.getServerVersion().name, "halopsa-mcp");
        assert.equal(client.getServerVersion().version, projectVersion);
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === "search_clients"), tools.map((t) => t.name).join(", "));
        const result = await client.callTool({ name: "search_clients", arguments: { search: "acme" } });
        assert.ok(!result.isError, textOf(result));
        assert.match(textOf(result), /\| 1 \| Acme Corp \|/);
      });
    });

    test("refuses a tenant whose certificate no trusted CA signed, and says how to fix it", async () => {
      const result = await searchAcme(halo());
      assert.equal(result.isError, true, textOf(result));
      assert.match(textOf(result), /could not be verified.*HALOPSA_CA_FILE/);
    });

    test("trusts the tenant through HALOPSA_CA_FILE", async () => {
      place(tree, "/tmp/test-ca.pem", readFileSync(ca.ca));
      const before = front.handshakes();
      const result = await searchAcme(halo({ HALOPSA_CA_FILE: "/tmp/test-ca.pem" }));
      assert.ok(!result.isError, textOf(result));
      assert.match(textOf(result), /\| 1 \| Acme Corp \|/);
      assert.ok(front.handshakes() > before, "the answer came through the TLS front");
    });

    test(`trusts the tenant through the system store at ${system.systemCa}`, async () => {
      place(tree, system.systemCa, readFileSync(ca.ca));
      const result = await searchAcme(halo());
      assert.ok(!result.isError, textOf(result));
      assert.match(textOf(result), /\| 1 \| Acme Corp \|/);
    });
  });
}
