// Settings given by environment reach the behaviour they name, end to end, and a flag beats its variable.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { setup, textOf } from "./tools_helpers.mjs";

const opened = [];
async function open(options) {
  const t = await setup(options);
  opened.push(t);
  return t;
}
after(async () => { for (const t of opened) await t.close(); });

const budgetOf = async (t) => (await t.ok("halopsa_status")).rate_budget;

test("HALOPSA_RATE_LIMIT / HALOPSA_RATE_WINDOW_SECONDS set the budget, and a call beyond it is refused unsent", async () => {
  // A window of an hour: no slot frees up during the test, so exhaustion is a count, not a race.
  const t = await open({ env: { HALOPSA_RATE_LIMIT: "6", HALOPSA_RATE_WINDOW_SECONDS: "3600", HALOPSA_MAX_RATE_WAIT_SECONDS: "0" } });
  const budget = await budgetOf(t);
  assert.equal(budget.limit, 6);
  assert.equal(budget.window_seconds, 3600);
  await t.mark();
  let refused = null;
  for (let i = 0; i < 12 && !refused; i++) {
    const r = await t.call("get_client", { client: 1 });
    if (r.isError) refused = textOf(r);
  }
  assert.ok(refused, "the budget of 6 was never exhausted");
  assert.match(refused, /^HaloPSA request budget spent \(6 requests per 3600 s\); try again in \d+ seconds/);
  // Exactly 6 /api requests went out in the window: the auth server's discovery (GET /api/authinfo, an /api
  // request HaloPSA's limit may count like any other; the sandbox does) and 5 data requests. /auth/token is outside.
  const sent = (await t.sandbox.requests(0)).requests.filter((r) => r.path.startsWith("/api/"));
  assert.equal(sent.length, 6, sent.map((r) => r.method + " " + r.path).join(", "));
  assert.equal(sent.filter((r) => r.path.toLowerCase() === "/api/authinfo").length, 1);
});

test("a flag beats its environment variable: --rate-limit over HALOPSA_RATE_LIMIT, --toolsets over HALOPSA_TOOLSETS", async () => {
  const t = await open({ args: ["--rate-limit", "40", "--toolsets", "status"],
    env: { HALOPSA_RATE_LIMIT: "90", HALOPSA_TOOLSETS: "clients,status" } });
  assert.equal((await budgetOf(t)).limit, 40);
  assert.deepEqual((await t.client.listTools()).tools.map((x) => x.name), ["halopsa_status"]);
  // And the variable alone still applies (so the flag, not a default, made the difference above).
  const envOnly = await open({ env: { HALOPSA_RATE_LIMIT: "90" } });
  assert.equal((await budgetOf(envOnly)).limit, 90);
});
