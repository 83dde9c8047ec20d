// "What was sent" is what was sent: every write tool's reported request (and each onboarding step's) equals, byte for
// byte once serialised, the request the sandbox logged: method, path and body. A tool that built its report from
// other data than what it sent would show here.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { setup } from "./tools_helpers.mjs";

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.close(); });
beforeEach(async () => { await t.reset(); await t.mark(); });

const logged = async () => (await t.writes()).map((r) => JSON.stringify({ method: r.method, path: r.path, body: r.body ?? null }));
const reported = (request) => JSON.stringify({ method: request.method, path: request.path, body: request.body ?? null });

// One write tool call: its reported request and every additional one were logged by the sandbox, in that order.
async function sameAsLogged(tool, args) {
  await t.mark();
  const r = await t.ok(tool, args);
  const claims = [r.request, ...(r.additional_requests ?? [])].filter(Boolean).map(reported);
  assert.ok(claims.length > 0, `${tool} reported no request`);
  assert.deepEqual(await logged(), claims, tool);
  return r;
}

test("record writes report exactly the requests HaloPSA received", async () => {
  const client = await sameAsLogged("create_client", { name: "Requests Ltd", website: "https://requests.example", trading_name: "Req" });
  await sameAsLogged("update_client", { client: client.record.id, notes: "Line one\nLine two", payment_terms: 14 });
  await sameAsLogged("set_client_active", { client: client.record.id, active: false });
  await sameAsLogged("set_client_active", { client: client.record.id, active: true });
  const site = await sameAsLogged("create_site", { client: client.record.id, name: "Yard", address: { line1: "2 Dock Rd", postcode: "HU1 1AA" } });
  await sameAsLogged("update_site", { site_id: site.record.id, address: { line3: "Hull" }, phonenumber: "01482 000000" });
  const contact = await sameAsLogged("create_contact", { client: client.record.id, first_name: "Ada", surname: "Byron", email: "ada@requests.example" });
  await sameAsLogged("update_contact", { contact_id: contact.record.id, job_title: "Director" });
  for (const [tool, args] of [["delete_contact", { contact_id: contact.record.id, confirm: true }],
                              ["delete_site", { site_id: site.record.id, confirm: true }],
                              ["delete_client", { client: client.record.id, confirm: true }]]) {
    await t.mark();
    const r = await t.ok(tool, args);
    assert.equal(r.deleted, true);
    assert.deepEqual(await logged(), [reported(r.request)], tool);
  }
});

test("onboarding steps report exactly the requests HaloPSA received, in order", async () => {
  const r = await t.ok("onboard_client", {
    name: "Stepwise Studios Ltd",
    site: { name: "Studio", address: { line1: "9 Canal St", line3: "Leeds" } },
    contact: { first_name: "Iris", surname: "Vale", email: "iris.vale@stepwise.example" },
  });
  const claims = r.steps.filter((s) => s.request && s.status === "created").map((s) => reported(s.request));
  assert.equal(claims.length, 5, JSON.stringify(r.steps.map((s) => [s.step, s.status])));
  assert.deepEqual(await logged(), claims);
});
