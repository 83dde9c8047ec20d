// Streamable HTTP resumability (MCP 2025-11-25): a POST answered as SSE starts with a priming event, every event
// has an id, and a client whose connection drops, or is closed by the server mid-call, gets the rest (the
// response included) with GET and Last-Event-ID. Nothing a call produced is lost to a dropped connection.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHttp, fixtureBinary, connectHttp, rawPost, rawSession, sseEvents, textOf } from "./harness.mjs";

const V = "2025-11-25";

function callBody(id, name, progressToken) {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {}, ...(progressToken ? { _meta: { progressToken } } : {}) } };
}

function resume(server, sid, lastEventId, version = V) {
  return fetch(server.url, {
    headers: { accept: "text/event-stream", "mcp-session-id": sid, "mcp-protocol-version": version, "last-event-id": lastEventId },
  });
}

describe("resumable POST streams (conformance fixture server)", () => {
  let server;
  before(async () => {
    server = await startHttp({ command: fixtureBinary, commandArgs: ["--port", "0"] });
  });
  after(async () => server?.stop());

  test("a client that drops the connection after the first progress event gets the rest with Last-Event-ID", async () => {
    const sid = await rawSession(server, { "mcp-protocol-version": V });
    const abort = new AbortController();
    const res = await fetch(server.url, {
      method: "POST",
      signal: abort.signal,
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sid, "mcp-protocol-version": V },
      body: JSON.stringify(callBody(7, "test_tool_with_progress", "p7")),
    });
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const seen = [];
    for await (const ev of sseEvents(res)) {
      seen.push(ev);
      if (ev.data) break;  // the first progress notification
    }
    abort.abort();  // the connection drops mid-call
    assert.equal(seen[0].data, "", "a priming event (id, empty data) comes first");
    assert.ok(seen[0].id, "the priming event has an id");
    assert.equal(seen[0].retry, 1000);
    const last = seen.at(-1);
    assert.equal(JSON.parse(last.data).params.progress, 0);

    const again = await resume(server, sid, last.id);
    assert.equal(again.status, 200);
    const rest = [];
    for await (const ev of sseEvents(again)) if (ev.data) rest.push({ id: ev.id, message: JSON.parse(ev.data) });
    // Exactly what came after the last event seen: progress 50 and 100, then the response, ids in order.
    assert.deepEqual(rest.map((e) => e.message.params?.progress ?? "response"), [50, 100, "response"]);
    assert.equal(rest.at(-1).message.id, 7);
    assert.equal(rest.at(-1).message.result.content[0].text, "Progress test completed");
    const ids = [last.id, ...rest.map((e) => e.id)];
    assert.equal(new Set(ids).size, ids.length, "event ids are unique");
    assert.ok(ids.every((i) => i.split(".")[0] === last.id.split(".")[0]), "every id names the same stream");
  });

  test("the official SDK client rides through a server that closes the stream mid-call (polling)", async () => {
    const c = await connectHttp(server);
    try {
      const r = await c.client.callTool({ name: "test_reconnection", arguments: {} });
      assert.equal(textOf(r), "Reconnection test completed");
      const after = await c.client.callTool({ name: "test_simple_text", arguments: {} });
      assert.ok(textOf(after).length > 0, "the session goes on");
    } finally {
      await c.close();
    }
  });

  test("a Last-Event-ID this session cannot resume is 400 and says why; another session's is refused too", async () => {
    const a = await rawSession(server, { "mcp-protocol-version": V });
    const b = await rawSession(server, { "mcp-protocol-version": V });
    const res = await rawPost(server, callBody(1, "test_tool_with_progress", "pa"), { "mcp-session-id": a, "mcp-protocol-version": V });
    let firstId;
    for await (const ev of sseEvents(res)) firstId ??= ev.id;
    for (const [sid, id] of [[a, "999.1"], [a, "not-an-id"], [b, firstId]]) {
      const r = await resume(server, sid, id);
      assert.equal(r.status, 400, `${id} in ${sid === a ? "its own" : "another"} session`);
      assert.match((await r.json()).error.message, /Last-Event-ID/);
    }
    // Its own finished stream can still be replayed for a while (the last events may not have arrived).
    const replay = await resume(server, a, firstId);
    const messages = [];
    for await (const ev of sseEvents(replay)) if (ev.data) messages.push(JSON.parse(ev.data));
    assert.equal(messages.at(-1).id, 1);
  });

  test("a client that negotiated an older revision gets no priming event or ids (it could not parse them)", async () => {
    const init = await rawPost(server, { jsonrpc: "2.0", id: 1, method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "old", version: "1" } } });
    const old = init.headers.get("mcp-session-id");
    await init.text();
    await rawPost(server, { jsonrpc: "2.0", method: "notifications/initialized" }, { "mcp-session-id": old, "mcp-protocol-version": "2025-06-18" });
    const res = await rawPost(server, callBody(2, "test_tool_with_progress", "po"), { "mcp-session-id": old, "mcp-protocol-version": "2025-06-18" });
    const events = [];
    for await (const ev of sseEvents(res)) events.push(ev);
    assert.ok(events.length >= 2 && events.every((e) => e.data && e.id === null), JSON.stringify(events));
  });
});

// The same promise on the product, not only the fixture: offboard_client's preview reports progress 1, 2, 3, 4
// and 6 of 6 (workflow_offboarding.cpp) and then answers; a client that drops after the first event gets the rest.
describe("resumable POST streams (the halopsa-mcp binary)", () => {
  let server;
  before(async () => { server = await startHttp(); });
  after(async () => server?.stop());

  test("a dropped offboard_client preview is resumed with Last-Event-ID: the remaining progress, then the result", async () => {
    const sid = await rawSession(server, { "mcp-protocol-version": V });
    const abort = new AbortController();
    const res = await fetch(server.url, {
      method: "POST",
      signal: abort.signal,
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sid, "mcp-protocol-version": V },
      body: JSON.stringify({ jsonrpc: "2.0", id: 11, method: "tools/call",
        params: { name: "offboard_client", arguments: { client: "Bluebell Florists" }, _meta: { progressToken: "off" } } }),
    });
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const seen = [];
    for await (const ev of sseEvents(res)) {
      seen.push(ev);
      if (ev.data) break;
    }
    abort.abort();
    assert.equal(seen[0].data, "", "a priming event comes first");
    assert.ok(seen[0].id, "the priming event has an id");
    const first = JSON.parse(seen.at(-1).data);
    assert.deepEqual([first.method, first.params.progressToken, first.params.progress, first.params.total],
      ["notifications/progress", "off", 1, 6]);

    const again = await resume(server, sid, seen.at(-1).id);
    assert.equal(again.status, 200);
    const rest = [];
    for await (const ev of sseEvents(again)) if (ev.data) rest.push({ id: ev.id, message: JSON.parse(ev.data) });
    assert.deepEqual(rest.map((e) => e.message.params?.progress ?? "response"), [2, 3, 4, 6, "response"]);
    const answer = rest.at(-1).message;
    assert.equal(answer.id, 11);
    assert.equal(answer.result.isError, undefined, JSON.stringify(answer));
    assert.equal(answer.result.structuredContent.performed, false);
    const ids = [seen.at(-1).id, ...rest.map((e) => e.id)];
    assert.equal(new Set(ids).size, ids.length, "event ids are unique");
  });
});
