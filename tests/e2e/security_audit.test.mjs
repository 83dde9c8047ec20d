// Issue 8, audit log and policy: every write tool call leaves masked, durable JSON lines that are enough to undo
// the change by hand; --redact-pii masks personal data in results; hidden tools are refused whatever a client sends.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setup, textOf } from "./tools_helpers.mjs";
import { spawnRaw } from "./raw.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "halopsa-audit-"));
const opened = [];
after(async () => {
  for (const t of opened) await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const auditLines = (file) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];

test("an update is audited with the masked request and the exact before/after, enough to undo it by hand", async () => {
  const file = path.join(dir, "update.jsonl");
  const t = await setup({ args: ["--audit-log", file] });
  opened.push(t);
  const before = (await t.ok("get_contact", { contact_id: 1001 })).contact;
  assert.equal(auditLines(file).length, 0, "reads are not audited");

  await t.ok("update_contact", { contact_id: 1001, email: "jane.new@acme.com", phonenumber: "0117 496 0999", job_title: "COO" });
  // Read at once: the lines were on disk before the result came back.
  const lines = auditLines(file);
  assert.deepEqual(lines.map((l) => l.event), ["started", "finished"]);
  const [started, finished] = lines;
  assert.equal(started.tool, "update_contact");
  assert.equal(started.session, "stdio");
  assert.equal(started.arguments.email, "j***@acme.com");
  assert.equal(finished.call, started.call);
  assert.equal(finished.outcome, "ok");
  assert.equal(finished.record_id, 1001);
  assert.ok(!Number.isNaN(Date.parse(finished.ts)));
  const sent = finished.requests[0];
  assert.equal(sent.method, "POST");
  assert.equal(sent.path.toLowerCase(), "/api/users");
  assert.equal(sent.body[0].id, 1001);
  assert.equal(sent.body[0].emailaddress, "j***@acme.com");
  assert.equal(sent.body[0].phonenumber, "**** *** **99");
  // In clear only as the diff's after value (what undoing needs), never in the request or arguments.
  const raw = fs.readFileSync(file, "utf8");
  assert.equal(raw.split("jane.new@acme.com").length - 1, 1);
  assert.equal(raw.split("0117 496 0999").length - 1, 1);

  // Undo by hand from the diff alone: every field goes back to its before value.
  const byField = Object.fromEntries(finished.diff.map((d) => [d.field, d]));
  assert.deepEqual(Object.keys(byField).sort(), ["emailaddress", "phonenumber", "title"]);
  assert.equal(byField.emailaddress.before, before.emailaddress);
  assert.equal(byField.phonenumber.before, before.phonenumber);
  await t.ok("update_contact", { contact_id: 1001, email: byField.emailaddress.before,
    phonenumber: byField.phonenumber.before, job_title: byField.title.before });
  const restored = (await t.ok("get_contact", { contact_id: 1001 })).contact;
  for (const f of ["emailaddress", "phonenumber", "title"]) assert.equal(restored[f], before[f], f);
  assert.equal(auditLines(file).length, 4);
});

// HaloPSA takes a custom field as {id, value}: nothing in the request body says the field is a password, so the
// tool, which knows the field's definition (the sandbox's site field 202 is named CFAlarmPassword), has to say so.
test("a custom field named like a secret is masked in the audited request body, which carries only its id", async () => {
  const file = path.join(dir, "custom-secret.jsonl");
  const t = await setup({ args: ["--audit-log", file] });
  opened.push(t);
  await t.ok("update_site", { site_id: 102, custom_fields: { CFAlarmPassword: "alarm-7731" } });
  const [, finished] = auditLines(file);
  assert.equal(finished.outcome, "ok");
  const sent = finished.requests[0].body[0].customfields;
  assert.deepEqual(sent, [{ id: 202, value: "***" }], "the field is still identified; its value is masked");
  assert.ok(!fs.readFileSync(file, "utf8").includes("alarm-7731"), "the value appears nowhere in the audit log");
});

test("dry runs, failed writes, invalid arguments and onboarding steps are all audited", async () => {
  const file = path.join(dir, "mixed.jsonl");
  const t = await setup({ args: ["--audit-log", file] });
  opened.push(t);
  await t.ok("update_client", { client: 1, notes: "dry", dry_run: true });
  await t.sandbox.fault({ path_prefix: "/api/Client", method: "POST", status: 400, body: JSON.stringify({ "[0].name": "Rejected." }), count: 1 });
  await t.fails("create_client", { name: "Audited Failure Ltd" });
  await t.call("update_client", { client: "not-an-id-or-name-that-exists-xyz", notes: 5 });
  const onboard = await t.ok("onboard_client", { name: "Audit Trail Ltd", site: { name: "HQ" },
    contact: { name: "Ann Auditor", email: "ann@audit-trail.example" } });
  const lines = auditLines(file).filter((l) => l.event !== "started");
  assert.deepEqual(lines.map((l) => [l.tool, l.outcome]), [
    ["update_client", "dry_run"], ["create_client", "error"], ["update_client", "invalid"], ["onboard_client", "ok"]]);
  assert.match(lines[1].error, /Rejected/);
  assert.match(lines[2].error, /notes/);
  const steps = lines[3].requests;
  assert.ok(steps.length >= 3, JSON.stringify(steps));
  assert.ok(steps.every((s) => s.method && s.path && s.step && s.status));
  assert.equal(lines[3].client_id, onboard.client_id);
  assert.ok(!fs.readFileSync(file, "utf8").includes("ann@audit-trail.example"));
});

test("the audit log survives the server being killed right after a write", async () => {
  const file = path.join(dir, "crash.jsonl");
  const peer = spawnRaw({ args: ["--audit-log", file] });
  await peer.initialize();
  const r = await peer.request(1, "tools/call", { name: "create_client", arguments: { name: "Crash Test Dummies Ltd" } });
  assert.equal(r.result.isError, undefined, JSON.stringify(r));
  peer.child.kill("SIGKILL");
  await peer.exited;
  const lines = auditLines(file);
  assert.deepEqual(lines.map((l) => l.event), ["started", "finished"]);
  assert.equal(lines[1].record_id, r.result.structuredContent.record.id);
});

// Durability is a promise about system calls, so it is checked on them: every line written to the audit log is
// followed by an fdatasync of that file before the next line (and so before the result goes back).
test("every audit line is made durable with fdatasync before the next one", async () => {
  const file = path.join(dir, "sync.jsonl");
  const trace = path.join(dir, "sync.strace");
  const t = await setup({ args: ["--audit-log", file], wrapper: ["strace", "-f", "-y", "-e", "trace=write,fdatasync", "-o", trace] });
  await t.ok("update_contact", { contact_id: 1001, job_title: "Chief Synced Officer" });
  await t.close();
  // strace writes its last lines as the server exits: wait (bounded) until both lines' syncs are in the file.
  const onAudit = () => fs.readFileSync(trace, "utf8").split("\n")
    .filter((l) => l.includes(`<${file}>`)).map((l) => l.replace(/^\d+\s+/, "").split("(")[0]);
  for (let i = 0; i < 100 && onAudit().filter((c) => c === "fdatasync").length < 2; i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(onAudit(), ["write", "fdatasync", "write", "fdatasync"]);
  assert.equal(auditLines(file).length, 2);
});

test("a hidden or disallowed tool sent raw over stdio is refused with the reason, and the refusal is audited", async () => {
  const file = path.join(dir, "refused.jsonl");
  const cases = [
    [["--read-only"], "create_client", { name: "Nope" }, /read-only/],
    [["--allow-writes", "sites"], "update_client", { client: 1, notes: "x" }, /writes to clients are not allowed/],
    [["--tools", "search_clients"], "delete_site", { site_id: 101, confirm: true }, /not in the --tools list/],
    [["--toolsets", "sites"], "create_contact", { site_id: 101, name: "X" }, /toolset "contacts" is not in --toolsets/],
  ];
  for (const [args, name, args2, reason] of cases) {
    const peer = spawnRaw({ args: [...args, "--audit-log", file] });
    await peer.initialize();
    const r = await peer.request(1, "tools/call", { name, arguments: args2 });
    assert.equal(r.error?.code, -32602, JSON.stringify(r));
    assert.match(r.error.message, new RegExp(`Tool ${name} is not available`));
    assert.match(r.error.message, reason);
    // Still serving.
    assert.ok((await peer.request(2, "ping")).result);
    peer.child.stdin.end();
    await peer.exited;
  }
  const lines = auditLines(file);
  assert.deepEqual(lines.map((l) => [l.event, l.tool, l.outcome]),
    cases.map(([, name]) => ["rejected", name, "refused"]));
});

test("--redact-pii masks e-mails and phone numbers in tool results and resources, not ids or dates", async () => {
  const t = await setup({ args: ["--redact-pii"] });
  opened.push(t);
  const c = (await t.ok("get_contact", { contact_id: 1001 })).contact;
  assert.equal(c.emailaddress, "j***@acme.com");
  assert.equal(c.phonenumber, "**** *** **01");
  assert.equal(c.id, 1001);
  const search = await t.call("search_contacts", { search: "Jane" });
  const text = textOf(search);
  assert.ok(!text.includes("jane.doe@acme.com") && !text.includes("0117 496 0101"), text.slice(0, 300));
  assert.match(text, /j\*\*\*@acme\.com/);
  const res = await t.client.readResource({ uri: "halopsa://contacts/1001" });
  assert.ok(!res.contents[0].text.includes("jane.doe@acme.com"));
  assert.equal(JSON.parse(res.contents[0].text).emailaddress, "j***@acme.com");
  // The data underneath is untouched: the mask is only on what the model sees.
  const stored = await t.sandbox.requests(0);
  assert.ok(stored.requests.some((r) => r.path.toLowerCase() === "/api/users/1001"));
  const env = { HALOPSA_REDACT_PII: "1" };
  const t2 = await setup({ env });
  opened.push(t2);
  assert.equal((await t2.ok("get_contact", { contact_id: 1001 })).contact.emailaddress, "j***@acme.com");
});
