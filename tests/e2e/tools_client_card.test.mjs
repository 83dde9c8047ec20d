// The client card, credit stop and pop-up notes end to end: SDK client → halopsa-mcp → a standalone sandbox whose
// seed has a client on credit stop (16 "St Mary's High School", stopped 2) with a pop-up note, an open ticket on hold
// and an active contract.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup, textOf } from "./tools_helpers.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.sandbox.clearFaults(); await t.mark(); });

const STMARYS = "St Mary's High School";

test("client_card shows a seeded client's credit stop, pop-up note, ticket counts, contracts, main site and contact", async () => {
  await t.ok("update_site", { site_id: 121, main_contact_id: 1033 });
  await t.mark();
  const res = await t.call("client_card", { client: STMARYS });
  assert.ok(!res.isError, textOf(res));
  const card = res.structuredContent;
  assert.equal(card.client.id, 16);
  assert.equal(card.credit_stop, true);
  assert.equal(card.client.stopped, 2, "any non-zero stopped is a stop");
  assert.equal(card.popup_notes.permitted, true);
  assert.equal(card.popup_notes.items.length, 1);
  assert.match(card.popup_notes.items[0].note, /^Account on stop/);
  assert.equal(card.tickets.permitted, true);
  assert.equal(card.tickets.open, 1);
  assert.deepEqual(card.contracts.items.map((c) => [c.ref, c.end_date.slice(0, 10)]), [["STM-EDU-2023", "2026-08-31"]]);
  assert.equal(card.main_site.id, 121);
  assert.equal(card.main_contact.id, 1033);
  assert.equal(card.main_contact.emailaddress, "i.brooks@stmarys-high.org.uk");

  // The stated request count is what was sent: the name look-up plus six reads.
  const sent = await t.upstream();
  assert.equal(card.requests, sent.length);
  assert.equal(card.requests, 7);
  const counts = sent.find((r) => r.path === "/api/Client" && r.query.showcounts === "true");
  assert.ok(counts, "ticket counts are asked for with showcounts=true");
  assert.ok(sent.some((r) => r.path === "/api/PopupNote" && r.query.client_id === "16"));
  assert.ok(sent.some((r) => r.path === "/api/ClientContract" && r.query.client_id === "16"));

  const text = textOf(res);
  assert.match(text, /ON CREDIT STOP/);
  assert.match(text, /POP-UP NOTE: Account on stop/);
  assert.match(text, /STM-EDU-2023, ends 2026-08-31/);
  assert.match(text, /Main contact: Ian Brooks \(1033\)/);
});

test("client_card on-hold count: reported when Halo's client rows carry it, said to be missing when they do not", async () => {
  await t.sandbox.setQuirks({ list_rows: "list" });  // Area_List rows: open_ticket_count, no onhold_ticket_count
  const cut = await t.ok("client_card", { client: 16 });
  assert.equal(cut.tickets.open, 1);
  assert.equal(cut.tickets.on_hold, null);
  assert.match(cut.tickets.note, /on-hold count not reported/);
  await t.sandbox.setQuirks({ list_rows: "full" });
  const full = await t.ok("client_card", { client: 16 });
  assert.equal(full.tickets.on_hold, 1);
  assert.equal(full.requests, 5, "by id, without a main contact: client, pop-ups, counts, contracts, main site");
});

test("client_card: contracts HaloPSA refuses (403) read \"not permitted\", not an empty list", async () => {
  await t.sandbox.fault({ status: 403, path_prefix: "/api/ClientContract", count: 1 });
  const res = await t.call("client_card", { client: 16 });
  assert.ok(!res.isError, textOf(res));
  const card = res.structuredContent;
  assert.equal(card.contracts.permitted, false);
  assert.equal(card.contracts.items, undefined, "no empty list stands in for the refused part");
  assert.match(card.contracts.note, /not permitted/);
  assert.match(textOf(res), /Contracts: not permitted/);
  assert.equal(card.popup_notes.permitted, true, "the other parts are still read");
  assert.equal(card.tickets.open, 1);
});

test("credit stop and pop-up notes show in search_clients and get_client", async () => {
  const found = await t.call("search_clients", { search: "St Mary" });
  assert.equal(found.structuredContent.items[0].stopped, 2);
  assert.match(textOf(found), /on credit stop/);
  const acme = await t.call("search_clients", { search: "Acme Corp" });
  assert.doesNotMatch(textOf(acme), /on credit stop/);

  const got = await t.call("get_client", { client: 16 });
  assert.equal(got.structuredContent.credit_stop, true);
  assert.match(got.structuredContent.popup_notes.items[0].note, /^Account on stop/);
  assert.match(textOf(got), /ON CREDIT STOP/);
  const plain = await t.ok("get_client", { client: 1 });
  assert.equal(plain.credit_stop, false);
  assert.deepEqual(plain.popup_notes.items, []);

  await t.mark();
  const contact = await t.call("get_contact", { contact_id: 1033 });
  assert.match(contact.structuredContent.popup_notes[0], /^Works term-time only/);
  assert.match(textOf(contact), /POP-UP NOTE: Works term-time only/);
  assert.equal((await t.upstream())[0].query.includepopups, "true", "a contact's pop-ups are asked for");
  assert.deepEqual((await t.ok("get_contact", { contact_id: 1001 })).popup_notes, []);
});

test("credit_stop is written as Halo's integer stopped, read back, and lifted with false", async () => {
  const on = await t.ok("update_client", { client: "Acme Corp", credit_stop: true });
  assert.deepEqual((await t.writes())[0].body, [{ id: 1, stopped: 1 }]);
  assert.equal(on.record.stopped, 1);
  assert.equal(on.not_applied, undefined);
  assert.equal((await t.ok("client_card", { client: 1 })).credit_stop, true);

  await t.mark();
  const site = await t.ok("update_site", { site_id: 102, credit_stop: true });
  assert.deepEqual((await t.writes())[0].body, [{ id: 102, stopped: 1 }]);
  assert.equal(site.record.stopped, 1);

  await t.mark();
  const off = await t.ok("update_client", { client: 16, credit_stop: false });
  assert.deepEqual((await t.writes())[0].body, [{ id: 16, stopped: 0 }]);
  assert.equal(off.record.stopped, 0);
  assert.equal((await t.ok("client_card", { client: 16 })).credit_stop, false);
  assert.match(await t.fails("update_client", { client: 16, credit_stop: "yes" }), /credit_stop/);
});

test("add_popup_note sends the record's notes back with the new one and reads it back; dry run sends nothing", async () => {
  const r = await t.ok("update_client", { client: 16, add_popup_note: "Bursar: Mrs Hale, extension 204." });
  const [write, ...more] = await t.writes();
  assert.equal(more.length, 0);
  assert.equal(write.path, "/api/Client");
  const sent = write.body[0];
  assert.equal(sent.id, 16);
  assert.deepEqual(sent.popup_notes.map((n) => n.id), [1, undefined], "the existing note goes back with its id");
  assert.match(sent.popup_notes[0].note, /^Account on stop/);
  assert.deepEqual(sent.popup_notes[1], { note: "Bursar: Mrs Hale, extension 204." });
  assert.equal(r.written, true);
  assert.equal(r.not_applied, undefined);
  const card = await t.ok("client_card", { client: 16 });
  assert.deepEqual(card.popup_notes.items.map((n) => n.note.slice(0, 14)), ["Account on sto", "Bursar: Mrs Ha"]);

  await t.mark();
  const c = await t.ok("update_contact", { contact_id: 1001, add_popup_note: "Prefers phone calls.", job_title: "Finance Director" });
  const writes = await t.writes();
  assert.deepEqual(writes.map((w) => w.path), ["/api/Users", "/api/Users"]);
  assert.deepEqual(writes[1].body, [{ id: 1001, popup_notes: [{ note: "Prefers phone calls." }] }]);
  assert.deepEqual(c.additional_requests.map((q) => q.body), [writes[1].body]);
  assert.deepEqual((await t.ok("get_contact", { contact_id: 1001 })).popup_notes, ["Prefers phone calls."]);

  await t.mark();
  const dry = await t.ok("update_site", { site_id: 121, add_popup_note: "Visitors sign in at reception.", dry_run: true });
  assert.deepEqual(await t.writes(), []);
  assert.deepEqual(dry.request.body, [{ id: 121, popup_notes: [{ note: "Visitors sign in at reception." }] }]);
  assert.equal(dry.written, false);
  assert.match(await t.fails("update_client", { client: 16, extra: { popup_notes: [] } }), /add_popup_note/);
});
