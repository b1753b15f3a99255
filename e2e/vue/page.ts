// The Vue scenarios bundled for Chromium: chromium.test.ts runs each one in a fresh page with
// `window.__vue.run(title, env)` and reads its outcome. The backend that serves this page is the
// one the scenarios talk to (same origin).
import { tidy, type Env } from "./harness.ts";
import { scenarios } from "./scenarios.ts";

declare global {
  interface Window {
    __vue: { run(title: string, restartable: boolean): Promise<void> };
    /** Exposed by chromium.test.ts for the channel scenario. */
    __killBackend?: () => Promise<void>;
    __startBackend?: () => Promise<void>;
  }
}

window.__vue = {
  async run(title, restartable) {
    const scenario = scenarios[title];
    if (!scenario) throw new Error(`no scenario ${JSON.stringify(title)}`);
    const url = location.origin;
    const env: Env = { url };
    if (restartable)
      env.restartable = {
        url,
        kill: () => window.__killBackend!(),
        start: () => window.__startBackend!(),
      };
    try {
      await scenario(env);
    } finally {
      tidy();
    }
  },
};
