// Contact identity in the write guards (issue 17): a shared mailbox or an e-mail on a differently named contact
// never makes the new person "the existing contact"; the guard creates nothing, names the candidates and says so
// as an error, and allow_duplicate (or existing_contact_id) goes ahead.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup, textOf } from "./tools_helpers.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.mark(); });

const userPosts = async () => (await t.writes()).filter((w) => w.path === "/api/Users");
const fatima = { client: 1, first_name: "Fatima", surname: "Gonzalez", email: "info@acme.example" };
const ann = { client: 1, first_name: "Ann", surname: "Lee", email: "info@acme.example" };

test("the issue's transcript: onboard_contact does not pass Fatima off as Ann Lee behind info@", async () => {
  const f = await t.ok("create_contact", fatima);
  assert.equal(f.written, true);
  await t.mark();
  const r = await t.call("onboard_contact", ann);
  const text = textOf(r);
  assert.equal(r.isError, true, text);
  assert.doesNotMatch(text, /Found the existing contact/);
  assert.match(text, /NOT CREATED/);
  assert.match(text, new RegExp(`Fatima Gonzalez \\(contact ${f.record.id}`));
  assert.match(text, /shared mailbox/);
  assert.deepEqual(await userPosts(), []);

  const made = await t.ok("onboard_contact", { ...ann, allow_duplicate: true });
  assert.equal(made.status, "created");
  assert.equal(made.contact.name, "Ann Lee");
  assert.notEqual(made.contact.id, f.record.id);
  // Called again, Ann Lee is now found by name and address: the same person, nothing created.
  await t.mark();
  const again = await t.ok("onboard_contact", ann);
  assert.equal(again.status, "existing");
  assert.equal(again.contact.id, made.contact.id);
  assert.deepEqual(await userPosts(), []);
});

test("onboard_contact with existing_contact_id returns that contact and creates nothing", async () => {
  const f = await t.ok("create_contact", fatima);
  await t.mark();
  const r = await t.ok("onboard_contact", { ...ann, first_name: "Fatima", surname: "Gonzales", existing_contact_id: f.record.id });
  assert.equal(r.status, "existing");
  assert.equal(r.contact.id, f.record.id);
  assert.deepEqual(await userPosts(), []);
  assert.match(await t.fails("onboard_contact", { ...ann, existing_contact_id: 1007 }), /existing_contact_id: contact 1007/);
});

test("create_contact: a shared mailbox or someone else's address gives candidates, not the other person", async () => {
  const f = await t.ok("create_contact", fatima);
  await t.mark();
  const shared = await t.call("create_contact", ann);
  assert.equal(shared.isError, true, textOf(shared));
  assert.match(textOf(shared), /NOT CREATED/);
  assert.match(textOf(shared), new RegExp(`contact ${f.record.id}`));
  assert.match(textOf(shared), /allow_duplicate: true/);
  // A personal address on a differently named contact: the e-mail matches but the name does not.
  const other = await t.call("create_contact", { client: 1, first_name: "John", surname: "Smith", email: "robert.smith@acme.com" });
  assert.equal(other.isError, true, textOf(other));
  assert.match(textOf(other), /Robert Smith \(contact 1002.*matches but the name does not/);
  assert.deepEqual(await userPosts(), []);
  // The same person written another way is still found ("Bob" for Robert, with his own address).
  const bob = await t.ok("create_contact", { client: 1, first_name: "Bob", surname: "Smith", email: "Robert.Smith@acme.com" });
  assert.equal(bob.written, false);
  assert.equal(bob.record.id, 1002);
  const forced = await t.ok("create_contact", { ...ann, allow_duplicate: true });
  assert.equal(forced.written, true);
  assert.equal(forced.record.name, "Ann Lee");
  assert.equal((await userPosts()).length, 1);
});

test("onboard_client: the primary contact behind a shared mailbox is not taken for the one already there", async () => {
  const base = { name: "Lark Lane Consulting Ltd", site: { name: "Head Office" } };
  const first = await t.ok("onboard_client", { ...base, contact: { first_name: "Mia", surname: "Lark", email: "office@larklane.example" } });
  assert.equal(first.complete, true, JSON.stringify(first.steps));
  const mia = first.contact_id;
  await t.mark();
  const r = await t.ok("onboard_client", { ...base, contact: { first_name: "Ann", surname: "Lee", email: "office@larklane.example" } });
  const step = r.steps.find((s) => s.step === "primary contact");
  assert.equal(step.status, "not_created", JSON.stringify(r.steps));
  assert.equal(step.candidates[0].contact.id, mia);
  assert.match(step.candidates[0].reason, /shared mailbox/);
  assert.equal(r.complete, false);
  assert.equal(r.contact_id, null);
  assert.deepEqual(await userPosts(), []);
  const forced = await t.ok("onboard_client", { ...base, contact: { first_name: "Ann", surname: "Lee", email: "office@larklane.example", allow_duplicate: true } });
  assert.equal(forced.complete, true, JSON.stringify(forced.steps));
  assert.notEqual(forced.contact_id, mia);
  assert.equal((await userPosts()).length, 1);
});

test("find_duplicates does not join two people behind one shared mailbox", async () => {
  const f = await t.ok("create_contact", fatima);
  const a = await t.ok("create_contact", { ...ann, allow_duplicate: true });
  const r = await t.ok("find_duplicates", { kind: "contacts", client: 1, refresh: true, threshold: 0.5 });
  const together = r.groups.some((g) => g.members.some((m) => m.id === f.record.id) && g.members.some((m) => m.id === a.record.id));
  assert.equal(together, false, JSON.stringify(r.groups));
});

test("merge_preview of contacts says when the records are two people", async () => {
  const carters = await t.ok("merge_preview", { kind: "contacts", ids: [1027, 1028] });  // James and Emma Carter
  assert.equal(carters.merges[0].identity.same_person, false);
  assert.match(carters.merges[0].identity.warning, /different people/);
  const jane = await t.ok("merge_preview", { kind: "contacts", ids: [1001, 1005] });  // Jane Doe twice, one address
  assert.equal(jane.merges[0].identity.same_person, true);
  assert.ok(jane.merges[0].identity.reasons.includes("same e-mail address"), JSON.stringify(jane.merges[0].identity));
  assert.deepEqual(await t.writes(), []);
});
