// Site tools end to end against a standalone sandbox tenant.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup } from "./tools_helpers.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.mark(); });

test("search_sites by client name, text, city and missing main contact", async () => {
  const acme = await t.ok("search_sites", { client: "Acme Corp" });
  assert.deepEqual(acme.items.map((s) => s.id).sort(), [101, 102]);
  assert.equal(acme.items[0].delivery_address.line3, "Bristol");
  const req = (await t.upstream()).find((r) => r.path === "/api/Site");
  assert.equal(req.query.client_id, "1");
  assert.equal(req.query.pageinate, "true");
  const leeds = await t.ok("search_sites", { city: "leeds", status: "all", page_size: 100 });
  assert.ok(leeds.items.length >= 3);
  assert.ok(leeds.items.every((s) => JSON.stringify(s.delivery_address).toLowerCase().includes("leeds")));
  assert.match(leeds.note, /client-side/);
  const orphan = await t.ok("search_sites", { without_main_contact: true, page_size: 100 });
  assert.ok(orphan.items.length > 0, "the seed has sites without a main contact");
  assert.ok(orphan.items.every((s) => !s.maincontact_id));
  const byName = await t.ok("search_sites", { search: "Warehouse" });
  assert.deepEqual(byName.items.map((s) => s.id), [102]);
});

test("create_site sends the address as delivery_address and can make it the main site", async () => {
  const r = await t.ok("create_site", {
    client: "Acme Corp", name: "Denver Office", phonenumber: "+1 303 555 0100", country_code: "us",
    timezone: "Mountain Standard Time", address: { line1: "1600 Glenarm Pl", line3: "Denver", line4: "CO", postcode: "80202" },
    make_main_site: true,
  });
  assert.equal(r.written, true);
  const writes = await t.writes();
  assert.equal(writes.length, 2);
  assert.deepEqual(writes[0].body, [{
    name: "Denver Office", phonenumber: "+1 303 555 0100", country_code: "US", timezone: "Mountain Standard Time",
    delivery_address: { line1: "1600 Glenarm Pl", line3: "Denver", line4: "CO", postcode: "80202" }, client_id: 1,
  }]);
  assert.equal(writes[1].path, "/api/Client");
  assert.deepEqual(writes[1].body, [{ id: 1, main_site_id: r.record.id }]);
  assert.deepEqual(r.additional_requests, [{ method: "POST", path: "/api/Client", body: writes[1].body }]);
  const client = await t.ok("get_client", { client: 1 });
  assert.equal(client.client.main_site_id, r.record.id);
  assert.equal(client.client.main_site_name, "Denver Office");
});

test("create_site validation and dry run", async () => {
  const cases = [
    [{ client: 1, name: " " }, /name: must not be empty/],
    [{ client: 1 }, /name/],
    [{ name: "X" }, /client/],
    [{ client: 1, name: "X", country_code: "XX" }, /country_code: "XX" is not an ISO 3166-1 alpha-2 country code/],
    [{ client: 1, name: "X", country_code: "USA" }, /country_code/],
    [{ client: 1, name: "X", address: { town: "Denver" } }, /town/],
    [{ client: 1, name: "X", email_domain: "not a domain" }, /email_domain/],
    [{ client: 1, name: "Warehouse" }, /already has a site named "Warehouse"/],
    [{ client: 999, name: "X" }, /not found/i],
    [{ client: "Acme", name: "X" }, /matches 2 clients/],
  ];
  for (const [args, pattern] of cases) assert.match(await t.fails("create_site", args), pattern, JSON.stringify(args));
  const dry = await t.ok("create_site", { client: 22, name: "Main", address: { line1: "1 High St" }, make_main_site: true, dry_run: true });
  assert.equal(dry.written, false);
  assert.deepEqual(dry.request.body, [{ name: "Main", delivery_address: { line1: "1 High St" }, client_id: 22 }]);
  assert.equal(dry.additional_requests.length, 1);
  assert.equal((await t.writes()).length, 0);
});

test("update_site merges address lines, diffs, and guards stale writes", async () => {
  const r = await t.ok("update_site", { site_id: 102, address: { line2: "Avonmouth" }, main_contact_id: 1004 });
  const [post] = await t.writes();
  // The update carries the address record's own id (Halo's AddressStore id; the sandbox ignores one without it).
  const addressId = post.body[0]?.delivery_address?.id;
  assert.ok(Number.isInteger(addressId) && addressId > 0, JSON.stringify(post.body));
  assert.deepEqual(post.body, [{
    delivery_address: { id: addressId, line1: "Unit 4, Avonmouth Way", line2: "Avonmouth", line3: "Bristol", postcode: "BS11 9YA" },
    maincontact_id: 1004, id: 102,
  }]);
  assert.deepEqual(r.diff.map((d) => d.field).sort(), ["delivery_address.line2", "maincontact_id"]);
  assert.equal(r.record.maincontact_id, 1004);
  await t.mark();
  const text = await t.fails("update_site", { site_id: 102, phonenumber: "1", if_unchanged_since: "2024-01-01T00:00:00Z" });
  assert.match(text, /Not written: site 102 "Warehouse" changed at/);
  assert.equal((await t.writes()).length, 0);
  const dry = await t.ok("update_site", { site_id: 102, inactive: true, dry_run: true });
  assert.deepEqual(dry.diff, [{ field: "inactive", before: false, after: true }]);
  assert.equal((await t.writes()).length, 0);
  const main = await t.ok("update_site", { site_id: 102, make_main_site: true });
  assert.deepEqual((await t.writes()).map((w) => w.body), [[{ id: 1, main_site_id: 102 }]]);
  assert.equal(main.additional_requests.length, 1);
  assert.match(await t.fails("update_site", { site_id: 9999, notes: "x" }), /not found/i);
  assert.match(await t.fails("update_site", { site_id: 102, adress: {} }), /did you mean "address"/);
});

// if_unchanged_since is a promise the server can only keep when the record says when it last changed. A record
// without the stamp (HaloPSA answers one here, through the sandbox's fault rule) is refused, not written blind.
test("update_site with if_unchanged_since refuses a record that has no last-change stamp", async () => {
  const site = { id: 102, name: "Warehouse", client_id: 1, client_name: "Acme Corp", phonenumber: "0117 496 0102" };
  await t.sandbox.fault({ status: 200, body: JSON.stringify(site), content_type: "application/json",
    path_prefix: "/api/Site/102", method: "GET", count: 1 });
  await t.mark();
  const text = await t.fails("update_site", { site_id: 102, phonenumber: "0117 000 0000", if_unchanged_since: "2024-01-01T00:00:00Z" });
  assert.match(text, /^Not written: site 102 "Warehouse" has no slastupdate, so whether it changed after 2024-01-01T00:00:00Z cannot be checked\. Nothing was sent\./);
  assert.deepEqual(await t.writes(), []);
  await t.sandbox.clearFaults();
});

test("delete_site: refused with contacts, confirm required, dry run", async () => {
  const refused = await t.fails("delete_site", { site_id: 101, confirm: true });
  assert.match(refused, /still has \d+ contact\(s\)/);
  const created = await t.ok("create_site", { client: 1, name: "Pop-up" });
  await t.mark();
  assert.match(await t.fails("delete_site", { site_id: created.record.id }), /confirm: true/);
  const dry = await t.ok("delete_site", { site_id: created.record.id, dry_run: true });
  assert.deepEqual(dry.request, { method: "DELETE", path: `/api/Site/${created.record.id}` });
  assert.equal((await t.writes()).length, 0);
  const done = await t.ok("delete_site", { site_id: created.record.id, confirm: true });
  assert.equal(done.deleted, true);
  assert.deepEqual((await t.writes()).map((w) => [w.method, w.path]), [["DELETE", `/api/Site/${created.record.id}`]]);
});

test("invoice address and invoice flags: create_site sends them and reads them back; update_site merges the lines", async () => {
  const r = await t.ok("create_site", {
    client: "Acme Corp", name: "Accounts Office", address: { line1: "5 Quay Street", line3: "Bristol", postcode: "BS1 4DJ" },
    invoice_address: { line1: "PO Box 77", line3: "Bristol", postcode: "BS99 1AA" }, is_invoice_site: true,
    invoice_address_is_delivery: false,
  });
  const [write] = await t.writes();
  assert.deepEqual(write.body, [{
    name: "Accounts Office", isinvoicesite: true, invoice_address_isdelivery: false,
    delivery_address: { line1: "5 Quay Street", line3: "Bristol", postcode: "BS1 4DJ" },
    invoice_address: { line1: "PO Box 77", line3: "Bristol", postcode: "BS99 1AA" }, client_id: 1,
  }]);
  assert.equal(r.record.invoice_address.line1, "PO Box 77");
  assert.equal(r.record.isinvoicesite, true);
  assert.equal(r.record.invoice_address_isdelivery, false);
  assert.equal(r.not_applied, undefined);

  await t.mark();
  const u = await t.ok("update_site", { site_id: r.record.id, invoice_address: { postcode: "BS99 2ZZ" }, invoice_address_is_delivery: true });
  const [update] = await t.writes();
  assert.equal(update.body[0].invoice_address.id, r.record.invoice_address.id, "the address record's id goes with the change");
  assert.equal(update.body[0].invoice_address.line1, "PO Box 77");
  assert.equal(update.body[0].invoice_address_isdelivery, true);
  assert.equal(u.record.invoice_address.postcode, "BS99 2ZZ");
  assert.equal(u.record.invoice_address_isdelivery, true);
  assert.equal(u.not_applied, undefined);
});
