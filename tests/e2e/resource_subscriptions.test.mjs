// resources/subscribe with the official SDK client: a write through any session tells the sessions subscribed
// to that record (notifications/resources/updated), over stdio, Streamable HTTP and the legacy SSE transport.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { connect, connectHttp, startHttp, textOf } from "./harness.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Over stdio one stream carries everything in order, and a record's notification is queued when HaloPSA accepts
// the write, before the tool's result: once a ping sent after the call has come back, every notification the
// call caused has been handled. No sleeping, so a slow machine cannot hide a late one or a fast one invent it.
const settled = (client) => client.ping();

// Collects the resource-updated notifications a client receives.
function watch(client) {
  const uris = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => uris.push(n.params.uri));
  return uris;
}

async function update(client, args) {
  const r = await client.callTool({ name: "update_client", arguments: args });
  assert.ok(!r.isError, textOf(r));
  return r;
}

test("over stdio: subscribed records announce their writes, dry runs and other records do not", async () => {
  const t = await connect();
  try {
    const caps = t.client.getServerCapabilities();
    assert.equal(caps.resources.subscribe, true);
    const uris = watch(t.client);
    await t.client.subscribeResource({ uri: "halopsa://clients/1" });
    await t.client.subscribeResource({ uri: "halopsa://sites/102" });

    await update(t.client, { client: 1, notes: "first change" });
    await settled(t.client);
    assert.deepEqual(uris, ["halopsa://clients/1"]);

    // Nothing written, nothing announced; a record nobody watches neither.
    await update(t.client, { client: 1, notes: "only a preview", dry_run: true });
    await update(t.client, { client: 2, notes: "not watched" });
    const site = await t.client.callTool({ name: "update_site", arguments: { site_id: 102, notes: "moved the racks" } });
    assert.ok(!site.isError, textOf(site));
    await settled(t.client);
    assert.deepEqual(uris, ["halopsa://clients/1", "halopsa://sites/102"]);

    await t.client.unsubscribeResource({ uri: "halopsa://clients/1" });
    await update(t.client, { client: 1, notes: "after unsubscribing" });
    await settled(t.client);
    assert.deepEqual(uris, ["halopsa://clients/1", "halopsa://sites/102"]);

    await assert.rejects(t.client.subscribeResource({ uri: "halopsa://tickets/1" }), /Resource not found.*templates\/list/);
  } finally {
    await t.close();
  }
});

test("over stdio: deleting a subscribed record announces it; a dry-run delete does not", async () => {
  const t = await connect();
  try {
    const created = await t.client.callTool({ name: "create_contact", arguments: { client: 21, name: "Short Lived" } });
    assert.ok(!created.isError, textOf(created));
    const uri = `halopsa://contacts/${created.structuredContent.record.id}`;
    const uris = watch(t.client);
    await t.client.subscribeResource({ uri });
    const args = { contact_id: created.structuredContent.record.id, confirm: true };
    const dry = await t.client.callTool({ name: "delete_contact", arguments: { ...args, dry_run: true } });
    assert.ok(!dry.isError, textOf(dry));
    await settled(t.client);
    assert.deepEqual(uris, []);
    const gone = await t.client.callTool({ name: "delete_contact", arguments: args });
    assert.equal(gone.structuredContent.deleted, true, textOf(gone));
    await settled(t.client);
    assert.deepEqual(uris, [uri]);
    // What a subscriber does next, reading it again, says it is gone.
    await assert.rejects(t.client.readResource({ uri }), /Resource not found/);
  } finally {
    await t.close();
  }
});

for (const kind of ["streamable", "sse"]) {
  test(`over HTTP (${kind}): a write in one session reaches the session subscribed to that record`, async () => {
    const server = await startHttp();
    const watcher = await connectHttp(server, { kind, name: "watcher" });
    const writer = await connectHttp(server, { name: "writer" });
    try {
      const uris = watch(watcher.client);
      await watcher.client.subscribeResource({ uri: "halopsa://clients/3" });
      // The watcher's stream for server-initiated messages opens right after initialization; until it is open
      // notifications have nowhere to go, so the writer writes until one arrives (a handful of tries at most).
      for (let i = 0; i < 25 && uris.length === 0; i++) {
        await update(writer.client, { client: 3, notes: `change ${i}` });
        for (let w = 0; w < 10 && uris.length === 0; w++) await sleep(20);
      }
      assert.ok(uris.length > 0, "the watcher never heard about the write");
      assert.ok(uris.every((u) => u === "halopsa://clients/3"), JSON.stringify(uris));

      // Once the watcher has gone, writes go on without it.
      await watcher.close();
      await update(writer.client, { client: 3, notes: "nobody watching" });
    } finally {
      await writer.close();
      await server.stop();
    }
  });
}

test("stateless HTTP offers no subscriptions: their notifications could never arrive", async () => {
  const server = await startHttp({ args: ["--stateless"] });
  const c = await connectHttp(server);
  try {
    assert.equal(c.client.getServerCapabilities().resources.subscribe, false);
    await assert.rejects(c.client.subscribeResource({ uri: "halopsa://clients/1" }), /Method not found/);
  } finally {
    await c.close();
    await server.stop();
  }
});
