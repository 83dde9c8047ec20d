// The MCP Inspector v2 command-line client connects with --protocol-era modern and auto (stdio and HTTP), lists
// the tools and calls one. A modern result carries the server's identity in _meta; a legacy one does not.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { binary, inspector, startHttp } from "./harness.mjs";

const SERVER_ENV = ["-e", "HALOPSA_SANDBOX_DB=:memory:", "-e", "HALOPSA_LOG_LEVEL=debug"];

describe("Inspector CLI", () => {
  let http;
  before(async () => {
    http = await startHttp({ env: { HALOPSA_LOG_LEVEL: "debug" } });
  });
  after(async () => http?.stop());

  const targets = {
    stdio: () => [binary, ...SERVER_ENV],
    http: () => [http.url, "--transport", "http"],
  };

  for (const [kind, target] of Object.entries(targets)) {
    for (const era of ["modern", "auto"]) {
      test(`--protocol-era ${era} over ${kind}: lists and calls a tool without initialize`, async () => {
        const before = http.stderr().length;
        const listed = await inspector([...target(), "--protocol-era", era, "--method", "tools/list"]);
        assert.equal(listed.code, 0, listed.stderr);
        const names = JSON.parse(listed.stdout).tools.map((t) => t.name);
        assert.ok(names.includes("search_clients"), names.join(", "));

        const called = await inspector([
          ...target(), "--protocol-era", era, "--method", "tools/call", "--tool-name", "search_clients",
          "--tool-arg", "page_size=2",
        ]);
        assert.equal(called.code, 0, called.stderr);
        const result = JSON.parse(called.stdout);
        assert.equal(result.structuredContent.items.length, 2);
        assert.equal(result._meta["io.modelcontextprotocol/serverInfo"].name, "halopsa-mcp", "a 2026-07-28 result");
        // The stdio server's stderr reaches the Inspector's; the HTTP server's is ours.
        const serverLog = kind === "stdio" ? listed.stderr + called.stderr : http.stderr().slice(before);
        assert.doesNotMatch(serverLog, /initialized by/, "no legacy session was opened");
      });
    }
  }

  test("--protocol-era legacy still initializes (the contrast)", async () => {
    const called = await inspector([binary, ...SERVER_ENV, "--protocol-era", "legacy", "--method", "tools/call",
      "--tool-name", "halopsa_status"]);
    assert.equal(called.code, 0, called.stderr);
    assert.equal(JSON.parse(called.stdout)._meta, undefined);
    assert.match(called.stderr, /initialized by/);
  });
});
