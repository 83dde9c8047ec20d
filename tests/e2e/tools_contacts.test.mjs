// Contact tools end to end against a standalone sandbox tenant.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup } from "./tools_helpers.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.mark(); });

test("search_contacts by client name, site, text and exact e-mail", async () => {
  const acme = await t.ok("search_contacts", { client: "Acme Corp", page_size: 100 });
  assert.ok(acme.items.length >= 4 && acme.items.every((c) => c.client_id === 1));
  const site = await t.ok("search_contacts", { site_id: 102 });
  assert.deepEqual(site.items.map((c) => [c.id, c.site_id]), [[1004, 102]]);  // Gary Oldham, the seed's only one
  const jane = await t.ok("search_contacts", { email: "JANE.DOE@acme.com" });
  assert.deepEqual(jane.items.map((c) => c.id).sort(), [1001, 1005]);
  const helen = await t.ok("search_contacts", { search: "Helen Marsh" });
  assert.deepEqual(helen.items.map((c) => c.id).sort(), [1007, 1012]);
  assert.match(await t.fails("search_contacts", { email: "not-an-email" }), /email/);
});

test("get_contact returns the job title as title, and more fields on request", async () => {
  const r = await t.ok("get_contact", { contact_id: 1001, fields: ["notes", "email2"] });
  assert.equal(r.contact.id, 1001);
  assert.equal(r.contact.client_id, 1);
  assert.ok("title" in r.contact);
  assert.match(await t.fails("get_contact", { contact_id: 424242 }), /not found/i);
  assert.match(await t.fails("get_contact", { contact_id: -1 }), /contact_id/);
});

test("create_contact goes on the client's main site with site_id and title", async () => {
  const r = await t.ok("create_contact", {
    client: "Summit Dental", first_name: "Jane", surname: "Roe", job_title: "Practice Manager",
    email: "jane.roe@summitdental.co.uk", phonenumber: "0113 496 0000",
  });
  assert.equal(r.written, true);
  const [post] = await t.writes();
  assert.equal(post.path, "/api/Users");
  assert.deepEqual(post.body, [{
    firstname: "Jane", surname: "Roe", title: "Practice Manager", emailaddress: "jane.roe@summitdental.co.uk",
    phonenumber: "0113 496 0000", site_id: 104,
  }]);
  assert.equal(r.record.name, "Jane Roe");
  assert.equal(r.record.client_id, 3);
});

test("create_contact on a given site, as its main contact", async () => {
  const r = await t.ok("create_contact", { client: 1, site_id: 102, name: "Gary Newman", email: "gary.n@acme.com", make_site_main_contact: true });
  const writes = await t.writes();
  assert.deepEqual(writes[0].body, [{ name: "Gary Newman", emailaddress: "gary.n@acme.com", site_id: 102 }]);
  assert.deepEqual(writes[1], { ...writes[1], method: "POST", path: "/api/Site", body: [{ id: 102, maincontact_id: r.record.id }] });
  const sites = await t.ok("search_sites", { client: 1 });
  assert.equal(sites.items.find((s) => s.id === 102).maincontact_id, r.record.id);
});

test("create_contact errors: no site, wrong site, validation", async () => {
  assert.match(await t.fails("create_contact", { client: "Kestrel Ventures", name: "Kim" }),
    /has no sites.*create_site/s);
  assert.match(await t.fails("create_contact", { client: 3, site_id: 101, name: "Kim" }), /belongs to .*not client 3/);
  assert.match(await t.fails("create_contact", { client: 3, name: "Kim", email: "kim@" }), /email/);
  assert.match(await t.fails("create_contact", { client: 3, email: "kim@x.com" }), /name|first_name|surname/);
  assert.match(await t.fails("create_contact", { name: "Kim" }), /client|site_id/);
  assert.match(await t.fails("create_contact", { client: 3, name: "Kim", jobtitle: "CEO" }), /did you mean "job_title"/);
  assert.match(await t.fails("create_contact", { client: 3, name: "Kim", site_id: 0 }), /site_id/);
  assert.equal((await t.writes()).length, 0);
});

test("create_contact duplicate guard by e-mail, dry run", async () => {
  const dup = await t.ok("create_contact", { client: 1, name: "Jane D", email: "Jane.Doe@ACME.com" });
  assert.equal(dup.written, false);
  assert.ok([1001, 1005].includes(dup.record.id));
  assert.match(dup.warning, /e-mail jane.doe@acme.com already exists/);
  const noMail = await t.ok("create_contact", { client: 3, name: "helen marsh" });
  assert.equal(noMail.record.id, 1007);
  assert.equal((await t.writes()).length, 0);
  const dry = await t.ok("create_contact", { client: 21, name: "Bea Bell", dry_run: true });
  assert.equal(dry.written, false);
  assert.equal(dry.request.path, "/api/Users");
  assert.equal(typeof dry.request.body[0].site_id, "number");
  assert.equal((await t.writes()).length, 0);
  const forced = await t.ok("create_contact", { client: 2, name: "Jane Doe", email: "jane.doe@acme.com", allow_duplicate: true });
  assert.equal(forced.written, true);
});

test("update_contact: partial body, diff, move site, stale write", async () => {
  const r = await t.ok("update_contact", { contact_id: 1002, job_title: "Head of Finance Operations" });
  const [post] = await t.writes();
  assert.deepEqual(post.body, [{ title: "Head of Finance Operations", id: 1002 }]);
  assert.equal(r.diff[0].field, "title");
  assert.equal(r.diff[0].after, "Head of Finance Operations");
  const moved = await t.ok("update_contact", { contact_id: 1002, site_id: 102 });
  assert.equal(moved.record.site_id, 102);
  await t.mark();
  const text = await t.fails("update_contact", { contact_id: 1002, notes: "x", if_unchanged_since: "2024-02-01T10:00:00.000Z" });
  assert.match(text, /Not written: contact 1002/);
  assert.equal((await t.writes()).length, 0);
  const dry = await t.ok("update_contact", { contact_id: 1002, email: "new@acme.com", dry_run: true });
  assert.equal(dry.diff[0].field, "emailaddress");
  assert.equal((await t.writes()).length, 0);
  assert.match(await t.fails("update_contact", { contact_id: 1002, site_id: 99999 }), /not found/i);
});

test("delete_contact with confirm, dry run and refusal", async () => {
  const created = await t.ok("create_contact", { client: 21, name: "Temp Person" });
  await t.mark();
  assert.match(await t.fails("delete_contact", { contact_id: created.record.id }), /confirm: true.*inactive: true/s);
  const dry = await t.ok("delete_contact", { contact_id: created.record.id, dry_run: true });
  assert.deepEqual(dry.request, { method: "DELETE", path: `/api/Users/${created.record.id}` });
  assert.equal((await t.writes()).length, 0);
  const r = await t.ok("delete_contact", { contact_id: created.record.id, confirm: true });
  assert.equal(r.deleted, true);
  assert.deepEqual((await t.writes()).map((w) => [w.method, w.path]), [["DELETE", `/api/Users/${created.record.id}`]]);
});
