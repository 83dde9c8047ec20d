// Bad input on the 2026-07-28 paths gets the error the revision specifies, and the server keeps serving both eras.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { spawnRaw } from "../e2e/raw.mjs";
import { MODERN, envelope, mirrored, post, startHttp } from "./harness.mjs";

const call = (id, name, args = {}, caps = {}, version = MODERN) => ({
  jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args, _meta: envelope(caps, version) },
});
const list = (id, meta = envelope()) => ({ jsonrpc: "2.0", id, method: "tools/list", params: { _meta: meta } });

describe("Streamable HTTP", () => {
  let http;
  before(async () => {
    http = await startHttp();
  });
  after(async () => http?.stop());

  const servesStill = async () => {
    const ok = await post(http.url, call(99, "halopsa_status"), mirrored("tools/call", "halopsa_status"));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.result.resultType, "complete");
  };

  test("an unknown protocol version is 400 with -32022 listing the supported versions", async () => {
    const r = await post(http.url, list(1, envelope({}, "2099-01-01")), { ...mirrored("tools/list"), "mcp-protocol-version": "2099-01-01" });
    assert.equal(r.status, 400);
    assert.equal(r.body.id, 1);
    assert.equal(r.body.error.code, -32022);
    assert.equal(r.body.error.data.requested, "2099-01-01");
    assert.deepEqual(r.body.error.data.supported.slice(0, 2), [MODERN, "2025-11-25"]);
    await servesStill();
  });

  test("a missing version or missing capabilities is 400 with -32602 naming the field", async () => {
    const noVersion = await post(http.url, list(2, { "io.modelcontextprotocol/clientCapabilities": {} }), mirrored("tools/list"));
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.body.error.code, -32602);
    assert.match(noVersion.body.error.message, /protocolVersion/);
    const noCaps = await post(http.url, list(3, { "io.modelcontextprotocol/protocolVersion": MODERN }), mirrored("tools/list"));
    assert.equal(noCaps.status, 400);
    assert.equal(noCaps.body.error.code, -32602);
    assert.match(noCaps.body.error.message, /clientCapabilities/);
    const legacyBody = await post(http.url, { jsonrpc: "2.0", id: 4, method: "tools/list" }, mirrored("tools/list"));
    assert.equal(legacyBody.status, 400, "a 2026-07-28 header on a body without its _meta");
    assert.equal(legacyBody.body.error.code, -32602);
    await servesStill();
  });

  test("headers that contradict the body are 400 with -32020, and required ones must be there", async () => {
    const cases = [
      [{ ...mirrored("tools/call", "halopsa_status"), "mcp-method": "tools/list" }, /Mcp-Method/],
      [mirrored("tools/call", "delete_client"), /Mcp-Name header value 'delete_client'/],
      [{ ...mirrored("tools/call", "halopsa_status"), "mcp-protocol-version": "2025-11-25" }, /MCP-Protocol-Version/],
      [{ "mcp-protocol-version": MODERN, "mcp-method": "tools/call" }, /Mcp-Name header is required/],
      [{ "mcp-method": "tools/call", "mcp-name": "halopsa_status" }, /MCP-Protocol-Version header is required/],
      [mirrored("tools/call", "=?base64?!!!?="), /malformed/],
    ];
    for (const [headers, message] of cases) {
      const r = await post(http.url, call(5, "halopsa_status"), headers);
      assert.equal(r.status, 400, JSON.stringify(headers));
      assert.equal(r.body.error.code, -32020, JSON.stringify(r.body));
      assert.match(r.body.error.message, message);
    }
    const encoded = await post(http.url, call(6, "halopsa_status"),
      mirrored("tools/call", "=?base64?" + Buffer.from("halopsa_status").toString("base64") + "?="));
    assert.equal(encoded.status, 200, "a base64-encoded Mcp-Name is decoded before the comparison");
    await servesStill();
  });

  test("a batch under a 2026-07-28 header is -32600: one request per POST", async () => {
    const r = await post(http.url, [list(12)], mirrored("tools/list"));
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, -32600);
    assert.match(r.body.error.message, /one JSON-RPC request per POST/);
    await servesStill();
  });

  test("legacy-only methods are 404 with -32601 for modern requests", async () => {
    for (const method of ["ping", "logging/setLevel", "resources/subscribe"]) {
      const r = await post(http.url, { jsonrpc: "2.0", id: 7, method, params: { uri: "halopsa://clients/1", level: "info", _meta: envelope() } },
        mirrored(method));
      assert.equal(r.status, 404, method);
      assert.equal(r.body.error.code, -32601, method);
    }
    await servesStill();
  });

  test("a modern request inside a legacy session: served statelessly when its headers agree, -32020 when they do not", async () => {
    const init = await post(http.url, { jsonrpc: "2.0", id: 1, method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "legacy", version: "1" } } });
    const sid = init.headers.get("mcp-session-id");
    assert.ok(sid);
    // The legacy client's own headers with a modern body: the version header contradicts the body.
    const mixed = await post(http.url, call(8, "halopsa_status"),
      { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25", "mcp-method": "tools/call", "mcp-name": "halopsa_status" });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body.error.code, -32020);
    // With modern headers the session id is ignored (not echoed) and the request is answered on its own terms.
    const modern = await post(http.url, call(9, "halopsa_status"), { "mcp-session-id": sid, ...mirrored("tools/call", "halopsa_status") });
    assert.equal(modern.status, 200);
    assert.equal(modern.body.result.resultType, "complete");
    assert.equal(modern.headers.get("mcp-session-id"), null);
    // The reverse: initialize with a 2026-07-28 header is the legacy handshake under a modern claim.
    const reverse = await post(http.url, { jsonrpc: "2.0", id: 10, method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "x", version: "1" } } }, mirrored("initialize"));
    assert.equal(reverse.status, 400);
    assert.equal(reverse.body.error.code, -32020);
    // The legacy session is unaffected.
    const legacy = await post(http.url, { jsonrpc: "2.0", id: 11, method: "tools/list" },
      { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" });
    assert.equal(legacy.status, 200);
    assert.ok(legacy.body.result.tools.length > 0);
    assert.equal(legacy.body.result.resultType, undefined);
  });
});

describe("stdio", () => {
  test("version errors, legacy-only methods, and both eras on one process", async () => {
    const peer = spawnRaw();
    try {
      peer.send(list(1, envelope({}, "2099-01-01")));
      const unknown = await peer.response(1);
      assert.equal(unknown.error.code, -32022);
      assert.equal(unknown.error.data.requested, "2099-01-01");

      peer.send(list(2, { "io.modelcontextprotocol/clientCapabilities": {} }));
      assert.equal((await peer.response(2)).error.code, -32602);

      peer.send({ jsonrpc: "2.0", id: 3, method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, _meta: envelope() } });
      assert.equal((await peer.response(3)).error.code, -32601, "initialize carrying modern _meta");

      assert.equal((await peer.request(4, "tools/list")).error.code, -32600, "legacy request before initialize");

      peer.send(call(5, "halopsa_status"));
      assert.equal((await peer.response(5)).result.resultType, "complete", "modern works before initialize");

      const init = await peer.initialize("2025-11-25");
      assert.equal(init.result.protocolVersion, "2025-11-25");
      peer.send(call(6, "search_clients", { page_size: 1 }));
      const modern = await peer.response(6);
      assert.equal(modern.result.resultType, "complete", "modern works after initialize too");
      const legacy = await peer.request(7, "tools/call", { name: "search_clients", arguments: { page_size: 1 } });
      assert.equal(legacy.result.resultType, undefined);
      assert.deepEqual(legacy.result.structuredContent, modern.result.structuredContent);
      assert.deepEqual((await peer.request(8, "ping")).result, {}, "the legacy session still answers ping");
    } finally {
      peer.child.stdin.end();
      await peer.exited;
    }
  });
});
