// The official conformance suite's 2026-07-28 scenarios (@modelcontextprotocol/conformance 0.2.0-alpha, pinned here;
// tests/e2e keeps 0.1.16 for the legacy revisions) against halopsa-mcp --http and the conformance fixture.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { MODERN, node22, startHttp } from "./harness.mjs";
import { fixtureBinary } from "../e2e/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");

// Runs the suite; resolves with every check it recorded ({ scenario, id, status, message }).
function conformance(args, timeout) {
  const out = mkdtempSync(path.join(os.tmpdir(), "conformance-modern-"));
  return new Promise((resolve) => {
    execFile(node22, [cli, "server", "--spec-version", MODERN, "-o", out, ...args],
      { cwd: out, timeout, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
        const checks = [];
        for (const dir of readdirSync(out)) {
          let list;
          try { list = JSON.parse(readFileSync(path.join(out, dir, "checks.json"), "utf8")); } catch { continue; }
          for (const c of list) checks.push({ scenario: dir, id: c.id, status: c.status, message: c.errorMessage ?? "" });
        }
        rmSync(out, { recursive: true, force: true });
        resolve({ code: error ? (error.code ?? 1) : 0, output: stdout + stderr, checks });
      });
  });
}

const failed = (checks) => checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING");

describe("conformance 2026-07-28: halopsa-mcp --http", () => {
  let server;
  before(async () => {
    server = await startHttp();
  });
  after(async () => server?.stop());

  for (const scenario of ["caching", "http-header-validation", "tools-list"]) {
    test(scenario, { timeout: 60000 }, async () => {
      const { code, output, checks } = await conformance(["--url", server.url, "--scenario", scenario], 55000);
      assert.ok(checks.filter((c) => c.status === "SUCCESS").length > 0, output);
      assert.deepEqual(failed(checks), [], output);
      assert.equal(code, 0, output);
    });
  }

  // Four checks need diagnostic tools (test_missing_capability, test_streaming_elicitation, test_logging_tool) that
  // neither halopsa-mcp nor the fixture serves: the suite reports them "Not testable". Everything else must pass.
  const notTestable = new Set([
    "sep-2575-server-rejects-undeclared-capability",
    "sep-2575-missing-capability-http-400",
    "sep-2575-http-server-no-independent-requests-on-stream",
    "sep-2575-server-no-log-without-loglevel",
  ]);
  test("server-stateless", { timeout: 60000 }, async () => {
    const { output, checks } = await conformance(["--url", server.url, "--scenario", "server-stateless"], 55000);
    assert.ok(checks.filter((c) => c.status === "SUCCESS").length >= 15, output);
    for (const c of failed(checks)) {
      assert.ok(notTestable.has(c.id), `${c.id}: ${c.message}`);
      assert.match(c.message, /Not testable/, c.id);
    }
  });
});

describe("conformance 2026-07-28: the fixture server, whole active suite", () => {
  let server;
  before(async () => {
    server = await startHttp({ command: fixtureBinary, commandArgs: ["--port", "0"] });
  });
  after(async () => server?.stop());

  test("every active 2026-07-28 server scenario passes", { timeout: 240000 }, async () => {
    const { code, output, checks } = await conformance(["--url", server.url], 230000);
    assert.ok(checks.filter((c) => c.status === "SUCCESS").length >= 40, output);
    assert.deepEqual(failed(checks), [], output);
    assert.equal(code, 0, output);
  });
});
