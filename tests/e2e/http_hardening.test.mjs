// What a hostile network neighbour can do to `halopsa-mcp --http` before it authenticates: header floods,
// slowloris, oversized chunked bodies, Host tricks. Raw sockets, because no HTTP client sends these.
// Each limit is a promise the server keeps on the real binary: the right status, early, and bounded memory.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { readFileSync } from "node:fs";
import { startHttp, initializeBody } from "./harness.mjs";

const MB = 1024 * 1024;

// Peak and current resident memory of a process, from the kernel.
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))[1]);
  return { peak: kb("VmHWM") * 1024, now: kb("VmRSS") * 1024 };
}

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms))),
  ]);
}

// A raw connection: `answer` resolves with what the server sent once a response is complete (head and
// Content-Length body) or the server closed; `closed` when the connection is gone.
function openRaw(port, { localAddress } = {}) {
  const sock = net.connect({ port, host: "127.0.0.1", localAddress });
  const state = { data: "", closed: false };
  let settle;
  const answer = new Promise((resolve) => (settle = resolve));
  sock.setEncoding("latin1");
  sock.on("data", (chunk) => {
    state.data += chunk;
    const end = state.data.indexOf("\r\n\r\n");
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(state.data.slice(0, end))?.[1] ?? 0);
    if (end >= 0 && state.data.length >= end + 4 + length) settle(state.data);
  });
  sock.on("error", () => {});  // a reset after the answer is expected; `closed` reports the end
  const closed = new Promise((resolve) => sock.on("close", () => ((state.closed = true), settle(state.data), resolve())));
  const connected = new Promise((resolve) => sock.once("connect", resolve));
  return { sock, state, answer, closed, connected };
}

const statusOf = (text) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

// Writes `pieces()` (an iterator of strings) with backpressure until it ends or the server has answered or closed.
async function pour(conn, pieces) {
  let written = 0;
  for (const piece of pieces) {
    if (conn.state.data || conn.state.closed || conn.sock.destroyed) break;
    written += piece.length;
    if (!conn.sock.write(piece, "latin1"))
      await new Promise((resolve) => {
        const done = () => { conn.sock.off("drain", done); conn.sock.off("close", done); resolve(); };
        conn.sock.on("drain", done);
        conn.sock.on("close", done);
      });
  }
  return written;
}

function* headerFlood(port, lines) {
  yield `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n`;
  const batch = "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(1000);
  for (let i = 0; i < lines / 1000; i++) yield batch;
  yield "\r\n";
}

describe("request heads: header count and size are capped before authentication", () => {
  let server, port;
  before(async () => {
    server = await startHttp({ env: { HALOPSA_MCP_TOKEN: "hardening-token" } });
    port = Number(new URL(server.url).port);
  });
  after(async () => server?.stop());

  test("a request with 101 header lines is answered 431, one with 99 passes to the token check (401)", async () => {
    const over = openRaw(port);
    await over.connected;
    over.sock.write(`GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` + "X-A: b\r\n".repeat(100) + "\r\n");
    const overText = await within(over.answer, 10000, "101 header lines");
    assert.equal(statusOf(overText), 431, overText);
    assert.match(overText, /more than 100 header lines \(--max-header-lines/);

    const under = openRaw(port);
    await under.connected;
    under.sock.write(`GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` + "X-A: b\r\n".repeat(98) + "\r\n");
    const underText = await within(under.answer, 10000, "99 header lines");
    assert.equal(statusOf(underText), 401, underText);
    under.sock.destroy();
  });

  test("one header line of 1 MB is answered 431 before the line ends", async () => {
    const conn = openRaw(port);
    await conn.connected;
    function* longLine() {
      yield `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Long: `;
      for (let i = 0; i < 64; i++) yield "a".repeat(16 * 1024);
      yield "\r\n\r\n";
    }
    await pour(conn, longLine());
    const text = await within(conn.answer, 15000, "a 1 MB header line");
    assert.equal(statusOf(text), 431, text);
    assert.match(text, /exceed 65536 bytes/);
  });

  test("a flood of 4 connections x 200,000 header lines: each is answered 431, peak RSS stays under 100 MB", async () => {
    const conns = Array.from({ length: 4 }, () => openRaw(port));
    await Promise.all(conns.map((c) => c.connected));
    await Promise.all(conns.map((c) => pour(c, headerFlood(port, 200_000))));
    const texts = await within(Promise.all(conns.map((c) => c.answer)), 30000, "header flood answers");
    for (const text of texts) assert.equal(statusOf(text), 431, text.slice(0, 300));
    const mem = memoryOf(server.child.pid);
    assert.ok(mem.peak < 100 * MB, `peak RSS ${(mem.peak / MB).toFixed(1)} MB`);
  });
});

describe("slowloris: a deadline for the request head and a cap on connections per client address", () => {
  test("/healthz answers while 140 connections from one address trickle header bytes", async () => {
    // A head deadline far beyond the test, so the attack is still running when /healthz is asked.
    const server = await startHttp({ args: ["--header-timeout", "120"] });
    const port = Number(new URL(server.url).port);
    const attackers = Array.from({ length: 140 }, () => openRaw(port, { localAddress: "127.0.0.2" }));
    const timers = [];
    try {
      await within(Promise.all(attackers.map((a) => a.connected)), 15000, "140 connections");
      for (const a of attackers) {
        a.sock.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
        timers.push(setInterval(() => !a.state.data && !a.sock.destroyed && a.sock.write("a"), 500));
      }
      // 64 are served (and held, trickling); the other 76 are refused at once with 429 (and hang up).
      attackers.forEach((a) => a.answer.then(() => a.sock.end()));
      const refusedNow = () => attackers.filter((a) => statusOf(a.state.data) === 429);
      for (let i = 0; i < 300 && refusedNow().length < 76; i++) await new Promise((r) => setTimeout(r, 50));
      // The promise is an answer within 1 s; the bound is generous so that a loaded machine cannot fail it, while
      // a server whose workers the attack holds never answers (it waits for the attack to end).
      const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(5000) }).catch((e) => {
        throw new Error(`/healthz gave no answer within 5 s during the attack (${e.name})`);
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok" });
      // The attack was still on when /healthz answered: 64 connections open, no answer yet.
      const held = attackers.filter((a) => !a.state.closed && a.state.data === "");
      assert.equal(held.length, 64);
      const refused = refusedNow();
      assert.equal(refused.length, 76);
      assert.match(refused[0].state.data, /Retry-After: 5/);
      assert.match(refused[0].state.data, /64 connections from this address are open.*--max-connections-per-client/);
    } finally {
      timers.forEach(clearInterval);
      attackers.forEach((a) => a.sock.destroy());
      await server.stop();
    }
  });

  test("a head that keeps trickling past --header-timeout is answered 408 and closed", async () => {
    const server = await startHttp({ args: ["--header-timeout", "1"] });
    const port = Number(new URL(server.url).port);
    const slow = openRaw(port);
    await slow.connected;
    slow.sock.write(`GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
    // A byte every 100 ms: never idle long enough for a read timeout, so only a deadline on the head ends it.
    const timer = setInterval(() => !slow.sock.destroyed && slow.sock.write("a"), 100);
    try {
      const text = await within(slow.answer, 15000, "a trickling head");
      assert.equal(statusOf(text), 408, text);
      assert.match(text, /not complete within 1000 ms \(--header-timeout\)/);
      await within(slow.closed, 5000, "the connection closing");
    } finally {
      clearInterval(timer);
      slow.sock.destroy();
      await server.stop();
    }
  });
});

describe("--max-body-bytes applies to chunked bodies as read", () => {
  test("a 300 MB chunked POST is refused with 413 early, and peak RSS stays under 100 MB", async () => {
    const server = await startHttp({ args: ["--max-body-bytes", "1000000"] });
    const port = Number(new URL(server.url).port);
    try {
      const conn = openRaw(port);
      await conn.connected;
      const chunk = "10000\r\n" + "a".repeat(0x10000) + "\r\n";
      function* body() {
        yield `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          "Accept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (let sent = 0; sent < 300 * MB; sent += 0x10000) yield chunk;
        yield "0\r\n\r\n";
      }
      const written = await pour(conn, body());
      const text = await within(conn.answer, 30000, "the chunked body's answer");
      assert.equal(statusOf(text), 413, text.slice(0, 300));
      assert.match(text, /--max-body-bytes/);
      // Early: the answer came while the body was still being sent (the server refused at the limit; what the client
      // pushed meanwhile depends on how fast it notices the answer, so only "before the end" is asserted).
      assert.ok(written < 300 * MB, `${(written / MB).toFixed(1)} MB went out before the 413`);
      const mem = memoryOf(server.child.pid);
      assert.ok(mem.peak < 100 * MB, `peak RSS ${(mem.peak / MB).toFixed(1)} MB`);
    } finally {
      await server.stop();
    }
  });
});

describe("Host checks: exact parsing, one Host, every loopback spelling", () => {
  const hostRequest = async (port, hostLines) => {
    const conn = openRaw(port);
    await conn.connected;
    const body = JSON.stringify(initializeBody());
    conn.sock.write(`POST /mcp HTTP/1.1\r\n${hostLines}Content-Type: application/json\r\n` +
      `Accept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    const text = await within(conn.answer, 10000, "a Host check");
    conn.sock.destroy();
    return text;
  };

  test("Host: 127.0.0.1:PORT@evil.example and duplicate Host headers are answered 400", async () => {
    const server = await startHttp();
    const port = Number(new URL(server.url).port);
    try {
      const userinfo = await hostRequest(port, `Host: 127.0.0.1:${port}@evil.example\r\n`);
      assert.equal(statusOf(userinfo), 400, userinfo);
      assert.match(userinfo, /Host header must be host\[:port\]/);
      const twice = await hostRequest(port, `Host: 127.0.0.1:${port}\r\nHost: evil.example\r\n`);
      assert.equal(statusOf(twice), 400, twice);
      assert.match(twice, /more than one Host header/);
      const good = await hostRequest(port, `Host: 127.0.0.1:${port}\r\n`);
      assert.equal(statusOf(good), 200, good);
    } finally {
      await server.stop();
    }
  });

  test("--host 127.1 is loopback: the Host check stays on (a foreign Host gets 403, 127.1 passes)", async () => {
    const server = await startHttp({ args: ["--host", "127.1"] });
    const port = Number(new URL(server.url).port);
    try {
      const foreign = await hostRequest(port, `Host: evil.example:${port}\r\n`);
      assert.equal(statusOf(foreign), 403, foreign);
      assert.match(foreign, /Host is not allowed/);
      for (const spelling of ["127.1", "127.0.0.1", "127.9.8.7", "localhost", "[::1]"]) {
        const text = await hostRequest(port, `Host: ${spelling}:${port}\r\n`);
        assert.equal(statusOf(text), 200, `${spelling}: ${text}`);
      }
      assert.doesNotMatch(server.stderr(), /without a bearer token/);  // it knows it is bound to loopback
    } finally {
      await server.stop();
    }
  });
});
