// Shared setup for the client/site/contact tool tests: one standalone sandbox per test file (reset before each
// test) and an MCP server pointed at it as a real tenant, so the exact requests each tool sends can be inspected.
import assert from "node:assert/strict";
import { connect, startSandbox, textOf } from "./harness.mjs";

export { textOf };

export async function setup({ args = [], capabilities = {}, env = {}, wrapper = [] } = {}) {
  const sandbox = await startSandbox();
  const mcp = await connect({ env: { ...sandbox.env, ...env }, args, capabilities, wrapper });
  let mark = 0;
  const ctx = {
    sandbox,
    mcp,
    client: mcp.client,
    // Calls a tool; the result as the SDK returns it.
    call: (name, args = {}) => mcp.client.callTool({ name, arguments: args }),
    // Calls a tool that must succeed; returns its structuredContent.
    ok: async (name, args = {}) => {
      const r = await mcp.client.callTool({ name, arguments: args });
      assert.ok(!r.isError, `${name} failed: ${textOf(r)}`);
      assert.ok(r.structuredContent, `${name} returned no structuredContent`);
      return r.structuredContent;
    },
    // Calls a tool that must fail; returns its text.
    fails: async (name, args = {}) => {
      const r = await mcp.client.callTool({ name, arguments: args });
      assert.equal(r.isError, true, `${name} should have failed but returned: ${textOf(r)}`);
      assert.equal(r.structuredContent, undefined, "an error result must not carry structuredContent");
      return textOf(r);
    },
    // Starts recording upstream requests from now on.
    mark: async () => {
      mark = (await sandbox.requests(0)).next;
    },
    // The /api requests since mark(), token requests left out.
    upstream: async () => (await sandbox.requests(mark)).requests.filter((r) => r.path.toLowerCase().startsWith("/api/")),
    writes: async () =>
      (await sandbox.requests(mark)).requests.filter(
        (r) => r.path.toLowerCase().startsWith("/api/") && r.method !== "GET"),
    reset: () => sandbox.reset(),
    close: async () => {
      await mcp.close();
      await sandbox.stop();
    },
  };
  return ctx;
}
