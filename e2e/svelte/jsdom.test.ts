// The scenarios of app/scenarios.ts in jsdom (preloaded by react/dom.ts), against the reference
// backend that run.mjs starts for this group (MIZAN_URL).
import { afterEach, test } from "node:test";

import { scenarios, tidy } from "./app/scenarios.ts";

const base = process.env["MIZAN_URL"] ?? "";

afterEach(tidy);

for (const [name, run] of Object.entries(scenarios)) test(name, () => run({ base }));
