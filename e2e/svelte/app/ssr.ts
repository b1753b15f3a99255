// Server rendering for jsdom.test.ts: Screen.svelte compiled for the server (svelte/server), with
// the QueryClient and factories of the same bundle.
import { render } from "svelte/server";

import Screen from "./Screen.svelte";

export { QueryClient } from "@tanstack/svelte-query";
export { createMizanClient, globalContextQuery, userContextQuery } from "../.generated/reference-3.1/server.ts";

export const renderScreen = (props: Parameters<typeof render<typeof Screen>>[1]["props"]): string => render(Screen, { props }).body;
