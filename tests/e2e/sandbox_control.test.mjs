// The sandbox's control API (/_sandbox/reset, faults, requests, info) answers loopback callers only, and a web
// page the user visits is a loopback caller too: a cross-site request carries the page's Origin, a DNS rebinding
// one the attacker's name as Host. Both are refused, as on /mcp; the test harness's own requests still pass.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startSandbox } from "./harness.mjs";

let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(async () => sandbox?.stop());

function control(method, route, headers = {}) {
  const u = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: u.port, method, path: route, headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    req.end();
  });
}

// How many fault rules wait: shows whether a request acted.
const pending = async () => (await control("GET", "/_sandbox/faults")).body.pending_rules;

test("a cross-site POST /_sandbox/reset (foreign Origin) is refused with 403; a loopback Origin passes", async () => {
  for (const origin of ["http://evil.example", "null", "http://127.0.0.1.evil.example:80"]) {
    const res = await control("POST", "/_sandbox/reset", { Origin: origin });
    assert.equal(res.status, 403, `Origin ${origin}`);
    assert.match(res.body.error, /cross-site/);
  }
  const ok = await control("POST", "/_sandbox/reset", { Origin: `http://localhost:${new URL(sandbox.url).port}` });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, { ok: true });
});

test("a rebinding request (foreign Host) is refused on every control endpoint; loopback Hosts pass", async () => {
  for (const [method, route] of [["POST", "/_sandbox/reset"], ["GET", "/_sandbox/info"], ["DELETE", "/_sandbox/faults"],
    ["GET", "/_sandbox/requests"]]) {
    const res = await control(method, route, { Host: "evil.example" });
    assert.equal(res.status, 403, `${method} ${route} with Host evil.example`);
    assert.match(res.body.error, /Host is a loopback address/);
    const tricky = await control(method, route, { Host: `127.0.0.1:${new URL(sandbox.url).port}@evil.example` });
    assert.equal(tricky.status, 403, `${method} ${route} with a userinfo-looking Host`);
  }
  for (const host of ["127.0.0.1", "localhost", "[::1]", "127.1"]) {
    const res = await control("GET", "/_sandbox/info", { Host: `${host}:${new URL(sandbox.url).port}` });
    assert.equal(res.status, 200, `Host ${host}`);
    assert.equal(res.body.base_url, sandbox.url);
  }
});

test("a refused request does not act: the fault queued before it is still pending", async () => {
  await control("DELETE", "/_sandbox/faults");
  assert.equal(await pending(), 0);
  await sandbox.fault({ status: 503, count: 1, path_prefix: "/api/Client" });
  assert.equal(await pending(), 1);
  const refused = await control("DELETE", "/_sandbox/faults", { Origin: "https://evil.example" });
  assert.equal(refused.status, 403);
  assert.equal(await pending(), 1);
  const served = await control("DELETE", "/_sandbox/faults");
  assert.equal(served.status, 200);
  assert.equal(await pending(), 0);
});
