// The page the Chromium tests drive (served by a reference backend with --static): it runs one
// scenario of scenarios.ts when asked (window.__svelte.run), or, at `?s=chat`, shows a chat room
// whose every status and WebSocket connection attempt it records.
import { mount } from "svelte";

import Chat from "./Chat.svelte";
import { scenarios, tidy } from "./scenarios.ts";

export interface SveltePage {
  names: string[];
  run(name: string): Promise<void>;
  /** Every status the chat room showed, in order. */
  status: string[];
  /** WebSocket connection attempts. */
  sockets: number;
}

declare global {
  interface Window {
    __svelte: SveltePage;
  }
}

const page: SveltePage = (window.__svelte = {
  names: Object.keys(scenarios),
  async run(name) {
    const scenario = scenarios[name];
    if (!scenario) throw new Error(`no scenario ${name}`);
    try {
      await scenario({ base: location.origin });
    } finally {
      tidy();
    }
  },
  status: [],
  sockets: 0,
});

/** WebSocket, counting connection attempts. */
class CountingWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
    page.sockets++;
  }
}

const query = new URLSearchParams(location.search);
const target = document.getElementById("root");
if (query.get("s") === "chat" && target) mount(Chat, { target, props: { options: { WebSocket: CountingWebSocket }, room: query.get("room") ?? "lobby", log: page.status } });
