// The kernel in Node (its own fetch and WebSocket) against a deliberately misbehaving server
// (misbehaving-server.ts, started here): every failure path rejects with a MizanError of its
// own code, nothing is left pending, and nothing throws uncaught. The same cases run in Chromium
// (browser/misbehaving.test.ts).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { cases, checkMore, expected, type Env } from "./misbehaving-cases.ts";
import { closedPort, startMisbehaving, type Misbehaving } from "./misbehaving-server.ts";

let server: Misbehaving | undefined;
let env: Env;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);

before(async () => {
  assert.equal(typeof WebSocket, "function", "Node's WebSocket (node --experimental-websocket on Node 20)");
  server = await startMisbehaving();
  env = { k, server: server.url, closed: await closedPort() };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
});

after(async () => {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUncaught);
  await server?.close();
});

for (const [name, run] of Object.entries(cases)) {
  test(name, async () => {
    const outcome = await run(env);
    const want = expected[name] ?? {};
    for (const key of Object.keys(want) as (keyof typeof want)[]) assert.deepEqual(outcome[key], want[key], `${key} of ${JSON.stringify(outcome)}`);
    checkMore(name, outcome);
    assert.deepEqual(uncaught, [], "nothing thrown uncaught, no unhandled rejection");
  });
}

test("every case has an expected outcome", () => {
  assert.deepEqual(Object.keys(expected).sort(), Object.keys(cases).sort());
});
