// Server rendering with hydrated data, then hydration in the "browser": the same markup, and no
// request on the client. A file of its own so its kernel starts empty.

import assert from "node:assert/strict";
import { test } from "node:test";

import { act } from "@testing-library/react";
import { hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";

import * as api from "../.generated/reference-3.1/index.ts";
import { FakeTransport } from "../kernel/helpers.ts";

function Page() {
  const user = api.useCurrentUser();
  const profile = api.useUserProfile();
  return (
    <main>
      <h1>{api.useSiteSettings()?.site_name}</h1>
      <p>{user ? user.username : "anonymous"}</p>
      <p>{profile?.name ?? "loading"}</p>
    </main>
  );
}

function App({ transport }: { transport: api.MizanTransport }) {
  return (
    <api.MizanContext transport={transport}>
      <api.UserContext user_id={7}>
        <Page />
      </api.UserContext>
    </api.MizanContext>
  );
}

test("server-rendered markup hydrates without a request", async () => {
  const data = {
    contexts: {
      global: { [api.stableKey({})]: { current_user: { id: 1, username: "ada", email: "a@b.c", is_staff: false }, site_settings: { site_name: "Mizan SSR", maintenance: false, features: [] } } },
      user: { [api.stableKey({ user_id: 7 })]: { user_profile: { user_id: 7, name: "Grace" }, user_orders: [] } },
    },
  };
  const t = new FakeTransport();
  // "Server": the page's data is known; rendering makes no request.
  (globalThis as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__ = data;
  const html = renderToString(<App transport={t} />);
  assert.match(html, /Mizan SSR/);
  assert.match(html, /ada/);
  assert.match(html, /Grace/);

  // "Client": the same page, hydrated.
  const container = document.createElement("div");
  container.innerHTML = html;
  document.body.append(container);
  const problems: unknown[] = [];
  await act(async () => {
    hydrateRoot(container, <App transport={t} />, { onRecoverableError: (e) => problems.push(e) });
  });
  await act(() => new Promise((r) => setTimeout(r, 20)));
  assert.deepEqual(problems, [], "no hydration mismatch");
  assert.equal(container.innerHTML, html, "the same markup");
  assert.equal(t.fetches.length, 0, "no request on the client");
});
