// The Vue scenarios (scenarios.ts) on jsdom, against the reference backend run.mjs started
// (MIZAN_URL); the scenario that restarts its backend gets one of its own on a fixed port. The
// DOM is preloaded with --import (../react/dom.ts).
import { after, afterEach, test } from "node:test";

import { freePort, startBackend, type Backend } from "../browser/helpers.ts";
import { tidy, type Env } from "./harness.ts";
import { scenarios } from "./scenarios.ts";

const url = process.env["MIZAN_URL"] ?? "";
const backends: Backend[] = [];

afterEach(tidy);
after(async () => {
  for (const b of backends) await b.kill();
});

/** Starts a backend on `addr`; a port just released may take a moment to be free again. */
async function startOn(addr: string): Promise<Backend> {
  for (let attempt = 0; ; attempt++) {
    try {
      const b = await startBackend(addr, undefined);
      backends.push(b);
      return b;
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

for (const [title, run] of Object.entries(scenarios))
  test(title, async () => {
    const env: Env = { url };
    if (title.includes("backend restart")) {
      const addr = `127.0.0.1:${await freePort()}`;
      let own = await startOn(addr);
      env.restartable = {
        url: own.url,
        kill: () => own.kill(),
        start: async () => void (own = await startOn(addr)),
      };
    }
    await run(env);
  });

// Server rendering (Node only): setup() runs on the server, and a channel composable must not
// subscribe there; the server never unmounts the app, so nothing would ever close it.
test("a channel composable rendered on the server does not subscribe", async () => {
  const { createSSRApp, defineComponent, h } = await import("vue");
  const { renderToString } = await import("vue/server-renderer");
  const { api } = await import("./harness.ts");
  const client = api.createMizanClient({ baseUrl: url + "/api/mizan" });
  let subscribed = 0;
  const subscribe = client.subscribe.bind(client);
  client.subscribe = ((...args: Parameters<typeof subscribe>) => (subscribed++, subscribe(...args))) as typeof subscribe;
  const Chat = defineComponent(() => {
    const chat = api.useChatChannel(() => ({ room: "ssr" }));
    return () => h("p", chat.status);
  });
  try {
    const html = await renderToString(createSSRApp(Chat).use(api.MizanPlugin, { client }));
    await new Promise((r) => setTimeout(r, 50));
    if (subscribed !== 0) throw new Error(`subscribed ${subscribed} time(s) on the server: ${html}`);
  } finally {
    client.disconnect();
  }
});
