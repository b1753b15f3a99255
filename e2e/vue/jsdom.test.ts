// The Vue scenarios (scenarios.ts) on jsdom, against the reference backend run.mjs started
// (MIZAN_URL). The DOM is preloaded with --import (../react/dom.ts).
import { afterEach, test } from "node:test";

import { tidy } from "./harness.ts";
import { scenarios } from "./scenarios.ts";

const url = process.env["MIZAN_URL"] ?? "";

afterEach(tidy);

for (const [title, run] of Object.entries(scenarios)) test(title, () => run({ url }));
