// Over Streamable HTTP, 2026-07-28 has no notifications/cancelled: closing a request's response stream cancels it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startSandbox } from "../e2e/harness.mjs";
import { envelope, mirrored, startHttp } from "./harness.mjs";

test("a client that closes a modern call's SSE stream cancels the call", async () => {
  const sandbox = await startSandbox();
  const http = await startHttp({ env: { ...sandbox.env, HALOPSA_LOG_LEVEL: "debug" } });
  try {
    await sandbox.fault({ latency_ms: 300 });
    const abort = new AbortController();
    const res = await fetch(http.url, {
      method: "POST",
      signal: abort.signal,
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream",
        ...mirrored("tools/call", "offboard_client") },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: {
        name: "offboard_client", arguments: { client: 1 }, _meta: { ...envelope(), progressToken: "p" } } }),
    });
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const reader = res.body.getReader();
    let seen = "";
    while (!seen.includes("notifications/progress")) {
      const { value, done } = await reader.read();
      assert.ok(!done, "the stream ended before any progress");
      seen += new TextDecoder().decode(value);
    }
    abort.abort();
    for (let i = 0; i < 200 && !/request cancelled/.test(http.stderr()); ++i) await new Promise((r) => setTimeout(r, 50));
    assert.match(http.stderr(), /response stream closed before its response: request cancelled/);
    assert.doesNotMatch(seen, /"result"/);
  } finally {
    await http.stop();
    await sandbox.stop();
  }
});
