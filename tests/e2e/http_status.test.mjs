// Streamable HTTP status table, security gate (Host/Origin/token), limits and session lifecycle,
// exercised with raw HTTP against the real binary.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startHttp, rawPost, rawSession, initializeBody, sseEvents } from "./harness.mjs";

// node:http lets a test send any Host header (fetch would not).
function requestWithHost(server, host, { origin, body = initializeBody() } = {}) {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: "/mcp",
        method: "POST",
        headers: {
          host,
          ...(origin ? { origin } : {}),
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const call = (id, name, args = {}, meta) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
});

describe("Streamable HTTP status table (halopsa-mcp --http)", () => {
  let server;
  before(async () => {
    server = await startHttp({ args: ["--max-body-bytes", "20000"] });
  });
  after(async () => server && (await server.stop()));

  test("initialize: 200 application/json with a random visible-ASCII Mcp-Session-Id", async () => {
    const a = await rawPost(server, initializeBody());
    const b = await rawPost(server, initializeBody());
    assert.equal(a.status, 200);
    assert.match(a.headers.get("content-type"), /^application\/json/);
    const body = await a.json();
    assert.equal(body.result.protocolVersion, "2025-11-25");
    assert.equal(body.result.serverInfo.name, "halopsa-mcp");
    const [ida, idb] = [a.headers.get("mcp-session-id"), b.headers.get("mcp-session-id")];
    assert.match(ida, /^[\x21-\x7e]{32,}$/);
    assert.notEqual(ida, idb);
    await b.text();
  });

  test("a failed initialize opens no session", async () => {
    const res = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "initialize", params: {} });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).error.code, -32602);
    assert.equal(res.headers.get("mcp-session-id"), null);
  });

  test("403 for a foreign Host, and for a foreign Origin; loopback Host and Origin pass", async () => {
    const evilHost = await requestWithHost(server, "evil.example.com");
    assert.equal(evilHost.status, 403);
    assert.match(JSON.parse(evilHost.text).error.message, /Host/);
    const evilOrigin = await rawPost(server, initializeBody(), { origin: "http://evil.example.com" });
    assert.equal(evilOrigin.status, 403);
    assert.match((await evilOrigin.json()).error.message, /Origin/);
    const port = new URL(server.url).port;
    const good = await requestWithHost(server, `localhost:${port}`, { origin: `http://localhost:${port}` });
    assert.equal(good.status, 200);
    const ipv6 = await requestWithHost(server, `[::1]:${port}`);
    assert.equal(ipv6.status, 200);
  });

  test("406 when Accept lacks application/json or text/event-stream", async () => {
    for (const accept of ["application/json", "text/event-stream", "text/html"]) {
      const res = await rawPost(server, initializeBody(), { accept });
      assert.equal(res.status, 406, accept);
      await res.text();
    }
  });

  test("415 when Content-Type is not application/json", async () => {
    const res = await rawPost(server, initializeBody(), { "content-type": "text/plain" });
    assert.equal(res.status, 415);
    await res.text();
  });

  test("413 when the body is over --max-body-bytes", async () => {
    const big = { ...initializeBody(), padding: "x".repeat(30000) };
    const res = await rawPost(server, big);
    assert.equal(res.status, 413);
    await res.text();
  });

  test("400 with -32700 for a body that is not JSON, -32600 for JSON that is not JSON-RPC", async () => {
    const notJson = await rawPost(server, "{not json");
    assert.equal(notJson.status, 400);
    const e1 = await notJson.json();
    assert.equal(e1.error.code, -32700);
    assert.equal(e1.id, null);
    const notRpc = await rawPost(server, { hello: "world" });
    assert.equal(notRpc.status, 400);
    assert.equal((await notRpc.json()).error.code, -32600);
  });

  test("202 with an empty body for notifications and responses only", async () => {
    const sid = await rawSession(server);
    const res = await rawPost(server, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 99 } },
      { "mcp-session-id": sid });
    assert.equal(res.status, 202);
    assert.equal(await res.text(), "");
    const resp = await rawPost(server, { jsonrpc: "2.0", id: "srv-404", result: {} }, { "mcp-session-id": sid });
    assert.equal(resp.status, 202);
  });

  test("a request in a session: 200 application/json with the response", async () => {
    const sid = await rawSession(server);
    const res = await rawPost(server, call(7, "halopsa_status"), { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    const body = await res.json();
    assert.equal(body.id, 7);
    assert.equal(body.result.structuredContent.backend, "sandbox");
  });

  test("400 for an unsupported MCP-Protocol-Version; an absent header is accepted", async () => {
    const sid = await rawSession(server);
    const bad = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { "mcp-session-id": sid, "mcp-protocol-version": "1999-01-01" });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /MCP-Protocol-Version/);
    const none = await rawPost(server, { jsonrpc: "2.0", id: 2, method: "ping" }, { "mcp-session-id": sid });
    assert.equal(none.status, 200);
    assert.deepEqual((await none.json()).result, {});
  });

  test("400 without Mcp-Session-Id, 404 for an unknown one", async () => {
    const missing = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "tools/list" });
    assert.equal(missing.status, 400);
    assert.match((await missing.json()).error.message, /Mcp-Session-Id/);
    const unknown = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { "mcp-session-id": "f".repeat(64) });
    assert.equal(unknown.status, 404);
    await unknown.text();
  });

  test("DELETE ends the session: later requests get 404", async () => {
    const sid = await rawSession(server);
    const del = await fetch(server.url, { method: "DELETE", headers: { "mcp-session-id": sid } });
    assert.equal(del.status, 200);
    const after = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { "mcp-session-id": sid });
    assert.equal(after.status, 404);
    const again = await fetch(server.url, { method: "DELETE", headers: { "mcp-session-id": sid } });
    assert.equal(again.status, 404);
    const noId = await fetch(server.url, { method: "DELETE" });
    assert.equal(noId.status, 400);
  });

  test("GET opens the session's SSE stream; a second one is 409; no Accept is 406", async () => {
    const sid = await rawSession(server);
    const ac = new AbortController();
    const stream = await fetch(server.url, { headers: { accept: "text/event-stream", "mcp-session-id": sid }, signal: ac.signal });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get("content-type"), /^text\/event-stream/);
    const second = await fetch(server.url, { headers: { accept: "text/event-stream", "mcp-session-id": sid } });
    assert.equal(second.status, 409);
    await second.text();
    const noAccept = await fetch(server.url, { headers: { accept: "application/json", "mcp-session-id": sid } });
    assert.equal(noAccept.status, 406);
    await noAccept.text();
    ac.abort();
  });

  test("an elicitation round trip answers as text/event-stream: request, then the response, then the end", async () => {
    const init = await rawPost(server, initializeBody(1, "2025-11-25", { elicitation: {} }));
    const sid = init.headers.get("mcp-session-id");
    await init.text();
    const h = { "mcp-session-id": sid };
    const found = await (await rawPost(server, call(2, "search_contacts", { page_size: 1 }), h)).json();
    const contact = found.result.structuredContent.items[0];
    const res = await rawPost(server, call(3, "delete_contact", { contact_id: contact.id }), h);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/event-stream/);
    const seen = [];
    for await (const ev of sseEvents(res)) {
      if (!ev.data) continue;
      const msg = JSON.parse(ev.data);
      seen.push(msg);
      if (msg.method === "elicitation/create") {
        const answer = await rawPost(server, { jsonrpc: "2.0", id: msg.id, result: { action: "decline" } }, h);
        assert.equal(answer.status, 202);
      }
    }
    assert.equal(seen[0].method, "elicitation/create");
    const final = seen.at(-1);
    assert.equal(final.id, 3);
    assert.match(final.result.content[0].text, /declined/);
  });
});

describe("a client that disconnects from a POST's SSE stream mid-call", () => {
  let server;
  before(async () => {
    server = await startHttp();
  });
  after(async () => server && (await server.stop()));

  test("the call still completes, the session stays usable, the server stays up", async () => {
    const init = await rawPost(server, initializeBody(1, "2025-11-25", { elicitation: {} }));
    const sid = init.headers.get("mcp-session-id");
    await init.text();
    const h = { "mcp-session-id": sid };
    const found = await (await rawPost(server, call(2, "search_contacts", { page_size: 1 }), h)).json();
    const contact = found.result.structuredContent.items[0];
    const ac = new AbortController();
    const streamed = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...h },
      body: JSON.stringify(call(4, "delete_contact", { contact_id: contact.id })),
      signal: ac.signal,
    });
    assert.match(streamed.headers.get("content-type"), /^text\/event-stream/);
    const events = sseEvents(streamed);
    let request;
    for (;;) {
      const ev = (await events.next()).value;
      if (ev?.data && JSON.parse(ev.data).method === "elicitation/create") {
        request = JSON.parse(ev.data);
        break;
      }
    }
    ac.abort(); // gone mid-stream, before the response
    await events.return().catch(() => {});
    // The user's answer still reaches the call, which finishes in the background.
    const answered = await rawPost(server, { jsonrpc: "2.0", id: request.id, result: { action: "accept", content: { confirm: true } } }, h);
    assert.equal(answered.status, 202);
    let gone = false;
    for (let i = 0; i < 20 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const check = await (await rawPost(server, call(10 + i, "get_contact", { contact_id: contact.id }), h)).json();
      gone = check.result.isError === true;
    }
    assert.ok(gone, "the contact was deleted although nobody was listening for the response");
    const ping = await rawPost(server, { jsonrpc: "2.0", id: 99, method: "ping" }, h);
    assert.equal(ping.status, 200);
    assert.deepEqual((await ping.json()).result, {});
  });
});

describe("limits: sessions, streams, idle expiry, disconnects", () => {
  let server;
  before(async () => {
    server = await startHttp({
      args: ["--max-sessions", "3", "--max-streams", "1", "--session-idle-timeout", "2", "--sse-keepalive", "1"],
    });
  });
  after(async () => server && (await server.stop()));

  test("a session idle past --session-idle-timeout is gone (404); an active one stays", async () => {
    const idle = await rawSession(server);
    const active = await rawSession(server);
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const res = await rawPost(server, { jsonrpc: "2.0", id: i, method: "ping" }, { "mcp-session-id": active });
      assert.equal(res.status, 200);
      await res.text();
    }
    const res = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "ping" }, { "mcp-session-id": idle });
    assert.equal(res.status, 404);
    await fetch(server.url, { method: "DELETE", headers: { "mcp-session-id": active } });
  });

  test("beyond --max-sessions a new session is refused with 503", async () => {
    const ids = [await rawSession(server), await rawSession(server), await rawSession(server)];
    const res = await rawPost(server, initializeBody());
    assert.equal(res.status, 503);
    assert.ok(res.headers.get("retry-after"));
    await res.text();
    for (const sid of ids) await fetch(server.url, { method: "DELETE", headers: { "mcp-session-id": sid } });
    const ok = await rawPost(server, initializeBody());
    assert.equal(ok.status, 200);
    await fetch(server.url, { method: "DELETE", headers: { "mcp-session-id": ok.headers.get("mcp-session-id") } });
  });

  test("beyond --max-streams a stream is refused with 503; a client that disconnects frees its slot", async () => {
    const a = await rawSession(server);
    const b = await rawSession(server);
    const ac = new AbortController();
    const first = await fetch(server.url, { headers: { accept: "text/event-stream", "mcp-session-id": a }, signal: ac.signal });
    assert.equal(first.status, 200);
    const refused = await fetch(server.url, { headers: { accept: "text/event-stream", "mcp-session-id": b } });
    assert.equal(refused.status, 503);
    await refused.text();
    const legacyRefused = await fetch(server.base + "/sse");
    assert.equal(legacyRefused.status, 503);
    await legacyRefused.text();
    ac.abort(); // the client goes away mid-stream
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const again = await fetch(server.url, { headers: { accept: "text/event-stream", "mcp-session-id": b }, signal: AbortSignal.timeout(2000) }).catch(() => null);
      status = again?.status ?? 0;
      if (status === 200) again.body.cancel();
      else await again?.text();
    }
    assert.equal(status, 200, "the slot was released after the disconnect");
    for (const sid of [a, b]) await fetch(server.url, { method: "DELETE", headers: { "mcp-session-id": sid } });
  });

  test("legacy SSE: a client that disconnects has its session cleaned up", async () => {
    // Wait for the previous test's stream slot to free up.
    let res;
    for (let i = 0; i < 40; i++) {
      res = await fetch(server.base + "/sse", { headers: { accept: "text/event-stream" } });
      if (res.status === 200) break;
      await res.text();
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(res.status, 200);
    const events = sseEvents(res);
    const first = (await events.next()).value;
    assert.equal(first.event, "endpoint");
    assert.match(first.data, /^\/messages\?sessionId=[0-9a-f]{64}$/);
    const post = (body) => fetch(server.base + first.data, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const init = await post(initializeBody(1, "2024-11-05"));
    assert.equal(init.status, 202);
    const reply = JSON.parse((await events.next()).value.data);
    assert.equal(reply.result.protocolVersion, "2024-11-05");
    await events.return(); // disconnect
    let status = 202;
    for (let i = 0; i < 40 && status !== 404; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await post({ jsonrpc: "2.0", id: 2, method: "ping" })).status;
    }
    assert.equal(status, 404, "the session ended with its stream");
  });
});

describe("bearer token", () => {
  const token = "e2e-token-do-not-log-7f3a";
  let server;
  before(async () => {
    server = await startHttp({ env: { HALOPSA_MCP_TOKEN: token }, args: ["--log-level", "debug"] });
  });
  after(async () => server && (await server.stop()));

  test("401 with WWW-Authenticate: Bearer when missing or wrong; accepted when right; never logged", async () => {
    const missing = await rawPost(server, initializeBody());
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("www-authenticate"), /^Bearer/);
    await missing.text();
    const wrong = await rawPost(server, initializeBody(), { authorization: "Bearer nope" });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get("www-authenticate"), /^Bearer.*invalid_token/);
    await wrong.text();
    const legacy = await fetch(server.base + "/sse");
    assert.equal(legacy.status, 401);
    await legacy.text();
    const right = await rawPost(server, initializeBody(), { authorization: `Bearer ${token}` });
    assert.equal(right.status, 200);
    await right.text();
    const health = await fetch(server.base + "/healthz");
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    assert.ok(!server.stderr().includes(token), "the token never reaches the log");
  });
});

describe("CORS for allowed origins (a browser-based client)", () => {
  const token = "e2e-cors-token";
  const allowed = "https://inspector.example.com";
  let server;
  before(async () => {
    server = await startHttp({ env: { HALOPSA_MCP_TOKEN: token }, args: ["--allowed-origins", allowed] });
  });
  after(async () => server && (await server.stop()));

  const preflight = (origin, path = "/mcp") =>
    fetch(server.base + path, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, mcp-session-id" },
    });

  test("a preflight from an allowed origin is 204 with what the browser needs, even without the token", async () => {
    for (const path of ["/mcp", "/messages", "/sse"]) {
      const res = await preflight(allowed, path);
      assert.equal(res.status, 204, path);
      assert.equal(res.headers.get("access-control-allow-origin"), allowed);
      assert.match(res.headers.get("access-control-allow-methods"), /POST/);
      assert.match(res.headers.get("access-control-allow-methods"), /DELETE/);
      for (const h of ["authorization", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id"])
        assert.match(res.headers.get("access-control-allow-headers").toLowerCase(), new RegExp(h), h);
      assert.match(res.headers.get("vary"), /Origin/);
    }
    const local = await preflight(`http://localhost:${new URL(server.url).port}`);
    assert.equal(local.status, 204);
  });

  test("a preflight from any other origin is 403 and allows nothing", async () => {
    const res = await preflight("https://evil.example.com");
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    await res.text();
  });

  test("answers to an allowed origin expose the session id; a 401 exposes WWW-Authenticate", async () => {
    const ok = await rawPost(server, initializeBody(), { origin: allowed, authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), allowed);
    assert.match(ok.headers.get("access-control-expose-headers"), /Mcp-Session-Id/);
    assert.ok(ok.headers.get("mcp-session-id"));
    await ok.text();
    const denied = await rawPost(server, initializeBody(), { origin: allowed });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get("access-control-allow-origin"), allowed);
    assert.match(denied.headers.get("access-control-expose-headers"), /WWW-Authenticate/);
    await denied.text();
    // No Origin (not a browser): no CORS headers at all.
    const plain = await rawPost(server, initializeBody(), { authorization: `Bearer ${token}` });
    assert.equal(plain.headers.get("access-control-allow-origin"), null);
    await plain.text();
  });
});

describe("stateless mode", () => {
  let server;
  before(async () => {
    server = await startHttp({ args: ["--stateless"] });
  });
  after(async () => server && (await server.stop()));

  test("no session id; every POST stands alone; GET and DELETE are 405", async () => {
    const init = await rawPost(server, initializeBody());
    assert.equal(init.status, 200);
    assert.equal(init.headers.get("mcp-session-id"), null);
    await init.text();
    const list = await rawPost(server, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-protocol-version": "2025-11-25" });
    assert.equal(list.status, 200);
    assert.ok((await list.json()).result.tools.length > 5);
    const get = await fetch(server.url, { headers: { accept: "text/event-stream" } });
    assert.equal(get.status, 405);
    await get.text();
    const del = await fetch(server.url, { method: "DELETE" });
    assert.equal(del.status, 405);
    await del.text();
  });
});

describe("binding", () => {
  test("binding a non-loopback address without a token warns", async () => {
    const server = await startHttp({ args: ["--host", "0.0.0.0"] });
    try {
      assert.match(server.stderr(), /without a bearer token/);
    } finally {
      await server.stop();
    }
  });
});
