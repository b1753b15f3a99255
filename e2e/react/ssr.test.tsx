// Server-rendering helpers of the generated client, at jsdom level, against the real
// mizan-reference-backend: the server.ts factories (documented keys, staleTime, fetchQuery in
// Node), prefetch + dehydrate + <HydrationBoundary>, window.__MIZAN_SSR_DATA__ seeding, and
// hydrate(). A page is rendered with renderToString and hydrated with hydrateRoot in jsdom; no
// request is made for data the server sent. (Streamed SSR and real browsers: e2e/browser/.)
//
// User ids 7300-7399 are this file's.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { dehydrate, HydrationBoundary, type DehydratedState } from "@tanstack/react-query";
import { act, render } from "@testing-library/react";
import type { ReactNode } from "react";
import { hydrateRoot, type Root as ReactRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";

import * as api from "../.generated/reference-3.1/index.ts";
import { clientOf, direct, mount, nameUser, newQueryClient, recorder, Root, settle, tidy, until } from "./support.tsx";

const roots: ReactRoot[] = [];
afterEach(async () => {
  await act(async () => {
    for (const root of roots.splice(0)) root.unmount();
  });
  document.body.replaceChildren();
  tidy();
});

function Page({ users }: { users: number[] }) {
  const me = api.useCurrentUser();
  return (
    <main>
      <h1>{api.useSiteSettings()?.site_name ?? "loading"}</h1>
      <p>{me === undefined ? "loading" : me === null ? "anonymous" : me.username}</p>
      {users.map((user_id) => (
        <api.UserContext key={user_id} user_id={user_id}>
          <Profile />
        </api.UserContext>
      ))}
    </main>
  );
}

function Profile() {
  const profile = api.useUserProfile();
  const orders = api.useUserOrders();
  return (
    <section>
      <h2>{profile?.name ?? "loading"}</h2>
      <p>{orders === undefined ? "loading" : `${orders.length} orders`}</p>
    </section>
  );
}

/** Hydrates `html` in a new container; returns it and the recoverable errors React reported. */
async function hydrate(html: string, app: ReactNode): Promise<{ container: HTMLElement; problems: unknown[] }> {
  const container = document.createElement("div");
  container.innerHTML = html;
  document.body.append(container);
  const problems: unknown[] = [];
  await act(async () => {
    roots.push(hydrateRoot(container, app, { onRecoverableError: (e) => problems.push(e) }));
  });
  return { container, problems };
}

test("server.ts factories: the documented keys and staleTimes, and fetchQuery in Node", async () => {
  // As a caller without exactOptionalPropertyTypes may write it.
  const withUndefined = { user_id: 7301, limit: undefined } as unknown as api.UserContextParams;
  assert.deepEqual(api.userContextQuery(withUndefined).queryKey, ["mizan", "ctx", "user", { user_id: 7301 }], "undefined members are dropped");
  assert.deepEqual(api.userContextQuery({ user_id: 7301, limit: 3 }).queryKey, ["mizan", "ctx", "user", { user_id: 7301, limit: 3 }]);
  assert.deepEqual(api.globalContextQuery().queryKey, ["mizan", "ctx", "global", {}]);
  assert.deepEqual(api.findUserQuery({ user_id: 7301 }).queryKey, ["mizan", "fn", "find_user", { user_id: 7301 }]);
  assert.deepEqual(api.whoamiQuery().queryKey, ["mizan", "fn", "whoami", {}]);
  assert.deepEqual(
    [api.userContextQuery({ user_id: 1 }).staleTime, api.itemsContextQuery().staleTime, api.globalContextQuery().staleTime, api.addQuery({ a: 1, b: 2 }).staleTime],
    [60_000, 30_000, 0, 0],
    "a bundle's staleTime comes from its context's cache (user 60 s, items 30 s, global none)",
  );

  await nameUser(7301, "Vera");
  const r = recorder();
  const client = clientOf(r);
  const qc = newQueryClient();
  const bundle = await qc.fetchQuery(api.userContextQuery({ user_id: 7301 }, client));
  assert.deepEqual(bundle.user_profile, { user_id: 7301, name: "Vera" });
  assert.equal(bundle.user_orders.length, 2); // 7301 % 4 + 1
  assert.deepEqual(await qc.fetchQuery(api.findUserQuery({ user_id: 7301 }, client)), { user_id: 7301, name: "Vera" });
  assert.deepEqual(await qc.fetchQuery(api.userContextQuery({ user_id: 7301, limit: 1 }, client)).then((b) => b.user_orders.length), 1);
  // Fresh for 60 s: served from the cache. global is stale at once: fetched again.
  await qc.fetchQuery(api.userContextQuery({ user_id: 7301 }, client));
  await qc.fetchQuery(api.globalContextQuery({}, client));
  await qc.fetchQuery(api.globalContextQuery({}, client));
  assert.deepEqual(
    r.made().map((s) => `${s.method} ${s.path} ${JSON.stringify(s.query)} ${s.fn ?? ""}`),
    [
      'GET /ctx/user/ {"user_id":"7301"} ',
      "POST /call/ {} find_user",
      'GET /ctx/user/ {"limit":"1","user_id":"7301"} ',
      "GET /ctx/global/ {} ",
      "GET /ctx/global/ {} ",
    ],
  );

  // Without a client, a factory's query runs on the default client (configure()).
  const d = recorder();
  api.configure({ baseUrl: mount(), fetch: d.fetch });
  assert.deepEqual(await qc.fetchQuery(api.addQuery({ a: 40, b: 2 })), { total: 42 });
  assert.deepEqual(
    d.made().map((s) => [s.fn, s.args]),
    [["add", { a: 40, b: 2 }]],
  );
});

test("prefetch on the server, dehydrate, <HydrationBoundary> on the client: the same markup, no request for fresh bundles", async () => {
  await nameUser(7302, "Wren");
  // "Server": prefetch through the factories, then render; rendering makes no request.
  const server = recorder();
  const serverClient = clientOf(server);
  const serverQueries = newQueryClient();
  await Promise.all([serverQueries.prefetchQuery(api.userContextQuery({ user_id: 7302 }, serverClient)), serverQueries.prefetchQuery(api.globalContextQuery({}, serverClient))]);
  const html = renderToString(
    <Root client={serverClient} queryClient={serverQueries}>
      <Page users={[7302]} />
    </Root>,
  );
  assert.match(html, /Mizan/);
  assert.match(html, /anonymous/);
  assert.match(html, /Wren/);
  assert.match(html, /3 orders/); // 7302 % 4 + 1
  assert.equal(server.made().length, 2, "one request per prefetched bundle, none while rendering");
  const state = JSON.parse(JSON.stringify(dehydrate(serverQueries))) as DehydratedState;

  // "Client": the same page, hydrated from the dehydrated state.
  const browser = recorder();
  const { container, problems } = await hydrate(
    html,
    <Root client={clientOf(browser)} queryClient={newQueryClient()}>
      <HydrationBoundary state={state}>
        <Page users={[7302]} />
      </HydrationBoundary>
    </Root>,
  );
  assert.deepEqual(problems, [], "no hydration mismatch");
  assert.equal(container.innerHTML, html, "the same markup");
  await settle(browser);
  assert.equal(browser.gets("user").length, 0, "the user bundle is fresh (60 s): no request");
  // global has no cache (staleTime 0): TanStack refetches stale hydrated data on mount.
  assert.equal(browser.gets("global").length, 1);
  assert.equal(browser.made().length, 1);
  assert.equal(container.innerHTML, html, "the refetch changed nothing");
});

test("window.__MIZAN_SSR_DATA__: seeded bundles render on the server and hydrate with no request; invalidation still refetches them", async () => {
  await Promise.all([nameUser(7303, "Xena"), nameUser(7304, "Yuri")]);
  const fetcher = direct();
  const data = {
    contexts: {
      global: { [api.stableKey({})]: await api.fetchGlobalContext({}, { client: fetcher }) },
      user: { [api.stableKey({ user_id: 7303 })]: await api.fetchUserContext({ user_id: 7303 }, { client: fetcher }) },
    },
  };
  (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__ = data;

  const server = recorder();
  const html = renderToString(
    <Root client={clientOf(server)}>
      <Page users={[7303, 7304]} />
    </Root>,
  );
  assert.match(html, /Xena/);
  assert.match(html, /anonymous/);
  assert.doesNotMatch(html, /Yuri/, "7304 was not seeded: loading on the server too");
  assert.equal(server.sent.length, 0, "the server render makes no request");

  const browser = recorder();
  let update: ReturnType<typeof api.useUpdateProfile> | undefined;
  function Updater() {
    update = api.useUpdateProfile();
    return null;
  }
  const { container, problems } = await hydrate(
    html,
    <Root client={clientOf(browser)}>
      <Page users={[7303, 7304]} />
      <Updater />
    </Root>,
  );
  assert.deepEqual(problems, [], "no hydration mismatch");
  await until(() => assert.match(container.innerHTML, /Yuri/));
  await settle(browser);
  assert.deepEqual(
    browser.made().map((s) => `${s.path} ${JSON.stringify(s.query)}`),
    ['/ctx/user/ {"user_id":"7304"}'],
    "only the bundle the server did not send is fetched (global is seeded although its staleTime is 0)",
  );

  // A seeded bundle is an ordinary cached bundle afterwards: an invalidation refetches it.
  await act(async () => {
    assert.ok(update);
    await update.mutate({ user_id: 7303, name: "Xena Updated" });
  });
  await until(() => assert.match(container.innerHTML, /Xena Updated/));
  await settle(browser);
  assert.equal(browser.gets("user", { user_id: 7303 }).length, 1);
  assert.equal(browser.gets("global").length, 0);
});

test("hydrate(data, queryClient) seeds a QueryClient without window; cached bundles and bad keys are left alone", async () => {
  await nameUser(7305, "Zoe");
  const fetcher = direct();
  const seeded = await api.fetchUserContext({ user_id: 7305 }, { client: fetcher });
  const global = await api.fetchGlobalContext({}, { client: fetcher });
  const queryClient = newQueryClient();
  const cached = { user_profile: { user_id: 7306, name: "already cached" }, user_orders: [] };
  queryClient.setQueryData(api.userContextQuery({ user_id: 7306 }).queryKey, cached);
  api.hydrate(
    {
      contexts: {
        global: { [api.stableKey({})]: global },
        user: {
          [api.stableKey({ user_id: 7305 })]: seeded,
          [api.stableKey({ user_id: 7306 })]: { user_profile: { user_id: 7306, name: "from the server" }, user_orders: [] },
          "not json": { user_profile: { user_id: 0, name: "never" }, user_orders: [] },
        },
      },
    },
    queryClient,
  );
  assert.deepEqual(queryClient.getQueryData(api.userContextQuery({ user_id: 7305 }).queryKey), seeded);
  assert.equal(queryClient.getQueryData(api.userContextQuery({ user_id: 7306 }).queryKey), cached, "a bundle already cached is left as it is");
  assert.equal(queryClient.getQueryCache().getAll().length, 3, "an unparsable params key is skipped");

  // Mounted on the client: the first render has the data, and nothing is fetched, not even the
  // global bundle whose staleTime is 0.
  const r = recorder();
  const firstRenders: string[] = [];
  function First() {
    const q = api.useUserProfileQuery();
    const site = api.useSiteSettingsQuery();
    firstRenders.push(`${q.status} ${q.data?.name ?? "-"} ${site.status}`);
    return <p>{q.data?.name ?? "loading"}</p>;
  }
  render(
    <Root client={clientOf(r)} queryClient={queryClient}>
      <api.UserContext user_id={7305}>
        <First />
      </api.UserContext>
    </Root>,
  );
  assert.equal(firstRenders[0], "success Zoe success", "the very first render has the data");
  await settle(r);
  assert.equal(r.sent.length, 0);
});
