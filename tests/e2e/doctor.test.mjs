// `halopsa-mcp doctor` against a standalone sandbox: every quirk switch that can be observed without writing is
// flipped and the report must say so; the report stays within its stated request count and carries no secret and
// no customer data. post_answer cannot be observed read-only: the report must not change when it flips.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { binary, connect, startSandbox } from "./harness.mjs";

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});
after(async () => sandbox?.stop());
beforeEach(async () => sandbox.reset());

// Runs the doctor with --json - ; resolves { code, report, table }.
function doctor(env = sandbox.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["doctor", "--json", "-"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", HALOPSA_SANDBOX_DB: ":memory:", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        resolve({ code, report: JSON.parse(out), table: err, raw: out });
      } catch (e) {
        reject(new Error(`doctor printed no JSON (exit ${code}): ${out}\n${err}`));
      }
    });
  });
}

const finding = (report, check) => {
  const f = report.findings.find((x) => x.check === check);
  assert.ok(f, `no "${check}" finding in ${JSON.stringify(report.findings.map((x) => x.check))}`);
  return f;
};

test("the strict defaults: partial rows, flat addresses, float site ids, table 57, wide search; within 14 requests", async () => {
  await sandbox.setQuirks({ custom_fields: "mandatory" });  // a tenant with a mandatory custom field on each record
  const mark = (await sandbox.requests(0)).next;
  const { code, report, table } = await doctor();
  assert.equal(code, 0, table);
  assert.equal(report.backend, "tenant");
  assert.equal(report.max_requests, 14);
  const seen = (await sandbox.requests(mark)).requests;
  assert.ok(seen.length > 0);
  assert.ok(seen.length <= report.max_requests, `the sandbox saw ${seen.length} requests`);
  assert.equal(report.requests, seen.length);
  assert.ok(seen.every((r) => r.method === "GET" || r.path === "/auth/token"), "the doctor only reads");

  assert.equal(finding(report, "token and scopes").data.scope, "all");
  assert.equal(finding(report, "paging").data.rows, 1);
  const clients = finding(report, "client list rows").data;
  assert.equal(clients.has_main_site_id, false);
  assert.equal(clients.has_website, false);
  assert.equal(clients.notes_without_includenotes, false);
  assert.equal(clients.notes_with_includenotes, true);
  const sites = finding(report, "site addresses").data;
  assert.equal(sites.shape, "flat");
  assert.equal(sites.address_without_includeaddress, false);
  assert.equal(sites.client_id_float, true);
  const users = finding(report, "contact list rows").data;
  assert.equal(users.site_id_float, true);
  assert.equal(users.nulls_sent, false);
  const types = finding(report, "client-type table");
  assert.equal(types.data.table, 57);
  assert.equal(types.data.client_type_table_name, "Customer Type");
  assert.equal(types.data.zero_row, true);
  for (const type of ["2", "3", "4"]) assert.equal(finding(report, "custom fields").data[type].mandatory, 1, type);
  assert.equal(finding(report, "client search").data.scope, "wide");
  assert.equal(finding(report, "rate-limit headers").data.retry_after_seen, false);
  assert.match(table, /check \| finding \| what it means/);
});

test("list_rows full: the report sees whole records and integer site ids", async () => {
  await sandbox.setQuirks({ list_rows: "full" });
  const { report } = await doctor();
  assert.equal(finding(report, "client list rows").data.has_main_site_id, true);
  assert.equal(finding(report, "client list rows").level, "ok");
  assert.equal(finding(report, "contact list rows").data.site_id_float, false);
  assert.equal(finding(report, "site addresses").data.client_id_float, false);
});

test("site_address_shape nested: the report names the nested shape", async () => {
  await sandbox.setQuirks({ site_address_shape: "nested" });
  const { report } = await doctor();
  assert.equal(finding(report, "site addresses").data.shape, "nested");
});

test("client_type_lookup_id / lookup_type_name: the report finds the table by name, or fails without it", async () => {
  await sandbox.setQuirks({ client_type_lookup_id: 33, lookup_type_name: "Client Types" });
  let { code, report } = await doctor();
  assert.equal(code, 0);
  assert.equal(finding(report, "client-type table").data.table, 33);

  await sandbox.setQuirks({ lookup_type_name: "Organisation Category" });
  ({ code, report } = await doctor());
  assert.equal(code, 1, "a client-type table nobody can find makes client_type arguments fail");
  assert.equal(finding(report, "client-type table").level, "problem");

  ({ code, report } = await doctor({ ...sandbox.env, HALOPSA_CLIENT_TYPE_LOOKUP_ID: "33" }));
  assert.equal(code, 0);
  assert.equal(finding(report, "client-type table").data.override, 33);
  assert.equal(finding(report, "client-type table").data.client_types, 6);
});

test("client_search_scope name: the report says search matches the name", async () => {
  await sandbox.setQuirks({ client_search_scope: "name" });
  const { report } = await doctor();
  assert.equal(finding(report, "client search").data.scope, "name");
});

test("rate_limit_retry_after: a forced 429 is reported with or without Retry-After, and fails the check", async () => {
  await sandbox.setQuirks({ rate_limit: { limit: 3, window_seconds: 600 }, rate_limit_retry_after: true });
  let { code, report } = await doctor();
  assert.equal(code, 1);
  assert.equal(finding(report, "rate limit").data.retry_after_sent, true);
  assert.equal(finding(report, "rate limit").data.body, "json");

  await sandbox.reset();
  await sandbox.setQuirks({ rate_limit: { limit: 3, window_seconds: 600 }, rate_limit_body: "text" });
  ({ code, report } = await doctor());
  assert.equal(code, 1);
  assert.equal(finding(report, "rate limit").data.retry_after_sent, false);
  assert.equal(finding(report, "rate limit").data.body, "text");
});

test("post_answer cannot be observed read-only: flipping it leaves the report unchanged", async () => {
  const a = (await doctor()).report;
  await sandbox.setQuirks({ post_answer: "array" });
  const b = (await doctor()).report;
  assert.deepEqual(b.findings, a.findings);
});

test("a read-only token is reported, and the JSON carries no secret and no customer data", async () => {
  const { report, raw } = await doctor({ ...sandbox.env, HALOPSA_SCOPE: "read:customers" });
  assert.equal(finding(report, "token and scopes").level, "note");
  assert.match(finding(report, "token and scopes").meaning, /refused 403/);

  const token = await (await fetch(`${sandbox.url}/auth/token?tenant=sandbox`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret&scope=all",
  })).json();
  const list = await (await fetch(`${sandbox.url}/api/Client?pageinate=true&page_no=1&page_size=100&includeactive=true&includeinactive=true&includenotes=true`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  })).json();
  const customerValues = list.clients.flatMap((c) => [c.name, c.ref, c.notes]).filter((v) => typeof v === "string" && v.length > 3);
  assert.ok(customerValues.length >= 40);
  for (const value of [...customerValues, "sandbox-secret", "Jane Doe", "jane.doe@acme.com", "Temple Way"]) {
    assert.ok(!raw.includes(value), `the report contains ${JSON.stringify(value)}`);
  }
});

test("halopsa_status with deep: true returns the same report as the doctor", async () => {
  await sandbox.setQuirks({ site_address_shape: "nested" });
  const { report } = await doctor();
  const mcp = await connect({ env: sandbox.env });
  try {
    const plain = await mcp.client.callTool({ name: "halopsa_status", arguments: {} });
    assert.equal(plain.structuredContent.doctor, undefined, "the self-check runs only when asked");
    const deep = await mcp.client.callTool({ name: "halopsa_status", arguments: { deep: true } });
    assert.ok(!deep.isError);
    assert.deepEqual(deep.structuredContent.doctor.findings, report.findings);
    assert.equal(deep.structuredContent.doctor.ok, report.ok);
    assert.match(deep.content[0].text, /Self-check:/);
  } finally {
    await mcp.close();
  }
});

test("without a tenant the doctor checks the embedded sandbox, which counts Halo's 300 requests per 5 minutes", async () => {
  const { code, report } = await doctor({});
  assert.equal(code, 0);
  assert.equal(report.backend, "sandbox");
  assert.ok(report.requests <= report.max_requests);

  const mcp = await connect();
  try {
    const status = await mcp.client.callTool({ name: "halopsa_status", arguments: {} });
    assert.equal(status.structuredContent.backend, "sandbox");
    const quirks = await (await fetch(`${status.structuredContent.base_url}/_sandbox/quirks`)).json();
    assert.deepEqual(quirks.rate_limit, { limit: 300, window_seconds: 300 });
    assert.equal(quirks.list_rows, "list", "the embedded sandbox starts strict");
  } finally {
    await mcp.close();
  }
});
