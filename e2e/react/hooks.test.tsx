// The generated React layer (fixtures/good/reference-3.1) on React + TanStack Query v5 in jsdom,
// against a real mizan-reference-backend (MIZAN_URL): request counts, merges, invalidations,
// loading / null / error, Suspense, cancellation, keepPrevious, optimistic merges and their
// rollback, plain read queries, mutation status fields, and missing providers. The recording fetch
// (support.tsx) counts every request and can hold one back for precise timing.
//
// The backend's data is shared with other test files and survives between the React 19 and
// React 18 runs: this file uses user ids 7100-7199 and names them itself before reading them.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { hashKey } from "@tanstack/react-query";
import { act, render } from "@testing-library/react";
import { StrictMode, Suspense, type ReactNode } from "react";

import * as api from "../.generated/reference-3.1/index.ts";
import { Catch, clientOf, direct, isGet, isPost, mwt, nameUser, newQueryClient, quietly, recorder, Root, screen, settle, text, tick, tidy, until, type Recorder } from "./support.tsx";

afterEach(tidy);

// ---- components ------------------------------------------------------------------------------------

/** The profile's name, "undefined" while there is none; every render is logged. */
function ProfileName({ id, log }: { id: string; log?: string[] }) {
  const profile = api.useUserProfile();
  const shown = profile === undefined ? "undefined" : profile.name;
  log?.push(shown);
  return <p data-testid={id}>{shown}</p>;
}

function OrderCount({ id }: { id: string }) {
  const orders = api.useUserOrders();
  return <p data-testid={id}>{orders === undefined ? "undefined" : String(orders.length)}</p>;
}

function SiteName() {
  return <h1 data-testid="site">{api.useSiteSettings()?.site_name ?? "undefined"}</h1>;
}

/** A provider with three slot hooks below it. */
function User({ user_id, id, children, ...options }: { user_id: number; id: string; children?: ReactNode } & api.ProviderProps) {
  return (
    <api.UserContext user_id={user_id} {...options}>
      <ProfileName id={`${id}-a`} />
      <ProfileName id={`${id}-b`} />
      <OrderCount id={`${id}-orders`} />
      {children}
    </api.UserContext>
  );
}

/** Exposes a hook's current value to the test. */
function probe<T>(hook: () => T): { current: () => T; Probe: () => null } {
  let value: { v: T } | undefined;
  return {
    current: () => {
      assert.ok(value, "the probe has not rendered");
      return value.v;
    },
    Probe: () => {
      value = { v: hook() };
      return null;
    },
  };
}

const names = (id: string) => [text(`${id}-a`), text(`${id}-b`)];
const since = <T,>(list: T[], from: number) => list.slice(from);

// ---- request counts ------------------------------------------------------------------------------

test("one GET /ctx/user per provider whatever the number of slot hooks, under StrictMode", async () => {
  await Promise.all([nameUser(7101, "Ann"), nameUser(7102, "Bob")]);
  const r = recorder();
  render(
    <StrictMode>
      <Root client={clientOf(r)}>
        <SiteName />
        <User user_id={7101} id="u1" />
        <User user_id={7102} id="u2" />
      </Root>
    </StrictMode>,
  );
  await until(() => {
    assert.deepEqual(names("u1"), ["Ann", "Ann"]);
    assert.deepEqual(names("u2"), ["Bob", "Bob"]);
    assert.equal(text("u1-orders"), "2"); // 7101 % 4 + 1
    assert.equal(text("site"), "Mizan");
  });
  await settle(r);
  assert.equal(r.gets("user", { user_id: 7101 }).length, 1);
  assert.equal(r.gets("user", { user_id: 7102 }).length, 1);
  assert.equal(r.gets("global").length, 1, "a context without params needs no provider");
  assert.deepEqual(
    r.sent.map((s) => `${s.method} ${s.path}`).sort(),
    ["GET /ctx/global/", "GET /ctx/user/", "GET /ctx/user/"],
    "StrictMode's double mount starts no second request, not even one aborted at once",
  );
  assert.ok(r.sent.every((s) => s.status === 200 && !s.signal?.aborted));
});

test("a merge (rename_user) updates every hook of the bundle with no request: only the POST", async () => {
  await Promise.all([nameUser(7103, "Cy"), nameUser(7104, "Di")]);
  const r = recorder();
  const rename = probe(api.useRenameUser);
  render(
    <Root client={clientOf(r)}>
      <User user_id={7103} id="u1" />
      <User user_id={7104} id="u2" />
      <rename.Probe />
    </Root>,
  );
  await until(() => assert.deepEqual([...names("u1"), ...names("u2")], ["Cy", "Cy", "Di", "Di"]));
  await settle(r);
  const before = r.sent.length;
  let result: api.ProfileOutput | undefined;
  await act(async () => {
    result = await rename.current().mutate({ user_id: 7103, name: "Cy Merged" });
  });
  assert.deepEqual(result, { user_id: 7103, name: "Cy Merged" });
  await until(() => assert.deepEqual(names("u1"), ["Cy Merged", "Cy Merged"]));
  assert.deepEqual(names("u2"), ["Di", "Di"], "scoped by user_id");
  await settle(r);
  assert.deepEqual(
    since(r.sent, before).map((s) => `${s.method} ${s.path} ${s.fn ?? ""}`),
    ["POST /call/ rename_user"],
    "a merge costs no request",
  );
  assert.equal(text("u1-orders"), "4", "the bundle's other slot is kept"); // 7103 % 4 + 1
  assert.deepEqual(await api.callFindUser({ user_id: 7103 }, { client: direct() }), { user_id: 7103, name: "Cy Merged" });
});

test("an affects mutation refetches each active matching bundle once; inactive ones only when used again", async () => {
  await Promise.all([nameUser(7105, "Ed"), nameUser(7106, "Flo"), nameUser(7107, "Gus"), nameUser(7108, "Hal")]);
  const r = recorder();
  const client = clientOf(r);
  const update = probe(api.useUpdateProfile);
  function Screen({ inactive }: { inactive: boolean }) {
    return (
      <Root client={client}>
        <User user_id={7105} id="u1" />
        <User user_id={7106} id="u2" />
        {inactive ? null : <User user_id={7107} id="u3" />}
        {inactive ? null : <User user_id={7108} id="u4" />}
        <update.Probe />
      </Root>
    );
  }
  const { rerender } = render(<Screen inactive={false} />);
  await until(() => assert.deepEqual([text("u1-a"), text("u2-a"), text("u3-a"), text("u4-a")], ["Ed", "Flo", "Gus", "Hal"]));
  rerender(<Screen inactive />);
  await settle(r);
  assert.equal(r.made().length, 4);

  // user 7105 is active: one refetch; 7106 is another bundle of the same context: none.
  await act(async () => void (await update.current().mutate({ user_id: 7105, name: "Ed Updated" })));
  await until(() => assert.deepEqual(names("u1"), ["Ed Updated", "Ed Updated"]));
  // user 7107 is cached but unmounted: not refetched now...
  await act(async () => void (await update.current().mutate({ user_id: 7107, name: "Gus Updated" })));
  await settle(r);
  assert.equal(r.gets("user", { user_id: 7105 }).length, 2, "the active bundle refetched once");
  assert.equal(r.gets("user", { user_id: 7106 }).length, 1, "another user's bundle is untouched");
  assert.equal(r.gets("user", { user_id: 7107 }).length, 1, "an inactive bundle is not refetched at once");
  assert.equal(r.posts().length, 2);

  // ... but it was marked stale: used again, it refetches despite its 60 s staleTime, while the
  // untouched inactive bundle (7108) is served from the cache.
  rerender(<Screen inactive={false} />);
  await until(() => assert.deepEqual(names("u3"), ["Gus Updated", "Gus Updated"]));
  assert.equal(text("u4-a"), "Hal");
  await settle(r);
  assert.equal(r.gets("user", { user_id: 7107 }).length, 2);
  assert.equal(r.gets("user", { user_id: 7108 }).length, 1, "fresh for 60 s: no request");
  assert.equal(r.made().length, 8, JSON.stringify(r.sent.map((s) => [s.method, s.path, s.query, s.fn])));
});

test("update_email (affects global's current_user) refetches the global bundle once and nothing else", async () => {
  const headers = () => ({ "X-Mizan-Token": mwt(3) });
  const signedIn = direct({ getHeaders: headers });
  await api.callUpdateEmail({ email: "root@example.com" }, { client: signedIn });
  await nameUser(7109, "Ivy");
  const r = recorder();
  const update = probe(api.useUpdateEmail);
  function Email() {
    const user = api.useCurrentUser();
    return <p data-testid="email">{user === undefined ? "undefined" : (user?.email ?? "null")}</p>;
  }
  function Finder() {
    const q = api.useFindUserQuery({ user_id: 7109 });
    return <p data-testid="found">{q.data === undefined ? q.status : (q.data?.name ?? "null")}</p>;
  }
  try {
    render(
      <Root client={clientOf(r, { getHeaders: headers })}>
        <Email />
        <SiteName />
        <User user_id={7109} id="u1" />
        <Finder />
        <update.Probe />
      </Root>,
    );
    await until(() => assert.deepEqual([text("email"), text("u1-a"), text("found")], ["root@example.com", "Ivy", "Ivy"]));
    await settle(r);
    assert.equal(r.made().length, 3);

    await act(async () => void (await update.current().mutate({ email: "root+react@example.com" })));
    await until(() => assert.equal(text("email"), "root+react@example.com"));
    await settle(r);
    assert.equal(r.gets("global").length, 2, "the global bundle refetched once");
    assert.equal(r.gets("user").length, 1, "the user bundle is not affected");
    assert.equal(r.posts("find_user").length, 1, "nor is another function's query");
    assert.deepEqual(
      r.sent.slice(3).map((s) => `${s.method} ${s.path} ${s.fn ?? ""}`),
      ["POST /call/ update_email", "GET /ctx/global/ "],
    );
  } finally {
    await api.callUpdateEmail({ email: "root@example.com" }, { client: signedIn });
  }
});

// ---- loading, null, error --------------------------------------------------------------------------

test("useCurrentUser() is undefined while pending, then null for an anonymous visitor", async () => {
  const r = recorder();
  const held = r.hold(isGet("global"));
  const log: string[] = [];
  function Me() {
    const user = api.useCurrentUser();
    const q = api.useCurrentUserQuery();
    const shown = user === undefined ? "undefined" : JSON.stringify(user);
    log.push(`${shown} ${q.status}`);
    return <p data-testid="me">{shown}</p>;
  }
  render(
    <Root client={clientOf(r)}>
      <Me />
    </Root>,
  );
  await held.seen;
  assert.equal(text("me"), "undefined");
  held.release();
  await until(() => assert.equal(text("me"), "null"));
  assert.equal(log[0], "undefined pending");
  assert.equal(log.at(-1), "null success");
  assert.ok(
    log.every((l) => l === "undefined pending" || l === "null success"),
    log.join(", "),
  );
});

test("a provider for a user that does not exist: status error, a NOT_FOUND MizanError, value undefined", async () => {
  const r = recorder();
  const seen: unknown[] = [];
  function Probe() {
    const value = api.useUserProfile();
    const q = api.useUserProfileQuery();
    seen.push(value);
    return <p data-testid="q">{`${q.status} ${q.error instanceof api.MizanError ? `${q.error.code} ${q.error.status}` : String(q.error)}`}</p>;
  }
  // The root's own QueryClient, with TanStack's defaults: the bundle's query options say not to
  // retry (the client retries network errors and 5xx itself; a 404 is final).
  render(
    <Root client={clientOf(r)}>
      <api.UserContext user_id={99_999}>
        <Probe />
      </api.UserContext>
    </Root>,
  );
  assert.equal(text("q"), "pending null");
  await until(() => assert.equal(text("q"), "error NOT_FOUND 404"));
  assert.ok(seen.every((v) => v === undefined), "the value stays undefined");
  await settle(r);
  assert.equal(r.gets("user", { user_id: 99_999 }).length, 1, "a 4xx is not retried, neither by the client nor by TanStack");
});

// ---- Suspense ----------------------------------------------------------------------------------------

test("useSuspenseUserProfile: the fallback first, then the value; an error goes to the error boundary", async () => {
  await nameUser(7110, "Jo");
  const r = recorder();
  const held = r.hold(isGet("user", { user_id: 7110 }));
  function Suspended() {
    return <p data-testid="suspended">{api.useSuspenseUserProfile().name}</p>;
  }
  render(
    <Root client={clientOf(r)}>
      <api.UserContext user_id={7110}>
        <Suspense fallback={<p data-testid="fallback">waiting</p>}>
          <Suspended />
        </Suspense>
      </api.UserContext>
    </Root>,
  );
  await held.seen;
  assert.equal(text("fallback"), "waiting");
  assert.equal(screen.queryByTestId("suspended"), null);
  held.release();
  await until(() => assert.equal(text("suspended"), "Jo"));
  assert.equal(screen.queryByTestId("fallback"), null);
  await settle(r);
  assert.equal(r.made().length, 1, "the provider and the suspending hook share one request");
  tidy();

  const caught: unknown[] = [];
  await quietly(async () => {
    render(
      <Root client={clientOf(r)}>
        <api.UserContext user_id={99_998}>
          <Catch onError={(e) => caught.push(e)}>
            <Suspense fallback={<p data-testid="fallback">waiting</p>}>
              <Suspended />
            </Suspense>
          </Catch>
        </api.UserContext>
      </Root>,
    );
    await until(() => assert.equal(text("caught"), "no such user"));
  });
  assert.ok(caught[0] instanceof api.MizanError);
  assert.equal(caught[0].code, "NOT_FOUND");
  await settle(r);
  assert.equal(r.gets("user", { user_id: 99_998 }).length, 1, "not retried");
});

// ---- cancellation ----------------------------------------------------------------------------------

test("unmounting a provider mid-flight aborts its request", async () => {
  const r = recorder();
  const held = r.hold(isGet("user", { user_id: 7111 }));
  const { unmount } = render(
    <Root client={clientOf(r)}>
      <User user_id={7111} id="u1" />
    </Root>,
  );
  const request = await held.seen;
  assert.equal(request.signal?.aborted, false);
  unmount();
  await until(() => assert.equal(request.signal?.aborted, true));
  await until(() => assert.equal(request.done, true));
  assert.equal(request.status, 0, "no answer");
});

test("changing user_id mid-flight aborts the old request, and its late answer is never shown", async () => {
  await Promise.all([nameUser(7112, "Kim"), nameUser(7113, "Lou")]);
  const r = recorder();
  const client = clientOf(r);
  const queryClient = newQueryClient();
  // The old request's answer comes although the client aborted (a server that answers anyway).
  const held = r.hold(isGet("user", { user_id: 7112 }), { ignoreAbort: true });
  const log: string[] = [];
  function Screen({ id }: { id: number }) {
    return (
      <Root client={client} queryClient={queryClient}>
        <api.UserContext user_id={id}>
          <ProfileName id="p" log={log} />
        </api.UserContext>
      </Root>
    );
  }
  const { rerender } = render(<Screen id={7112} />);
  const old = await held.seen;
  rerender(<Screen id={7113} />);
  await until(() => assert.equal(old.signal?.aborted, true, "the old request is aborted"));
  await until(() => assert.equal(text("p"), "Lou"));
  held.release();
  await until(() => assert.equal(old.status, 200, "the late answer arrived"));
  await settle(r, queryClient);
  assert.equal(text("p"), "Lou");
  assert.ok(!log.includes("Kim"), `never shown: ${log.join(", ")}`);
  assert.equal(queryClient.getQueryData(api.userContextQuery({ user_id: 7112 }).queryKey), undefined, "not cached either");

  // Back to the first user: fetched anew.
  rerender(<Screen id={7112} />);
  await until(() => assert.equal(text("p"), "Kim"));
  await settle(r, queryClient);
  assert.equal(r.gets("user", { user_id: 7112 }).length, 2);
});

// ---- keepPrevious ------------------------------------------------------------------------------------

test("keepPrevious: the previous user's data stays while the next one loads; without it, undefined", async () => {
  await Promise.all([nameUser(7114, "May"), nameUser(7115, "Ned"), nameUser(7116, "Oz")]);
  const r = recorder();
  const client = clientOf(r);
  const log: string[] = [];
  function Placeholder() {
    return <p data-testid="placeholder">{String(api.useUserContext().isPlaceholderData)}</p>;
  }
  function Screen({ id, keepPrevious }: { id: number; keepPrevious: boolean }) {
    return (
      <Root client={client}>
        <api.UserContext user_id={id} keepPrevious={keepPrevious}>
          <ProfileName id="p" log={log} />
          <Placeholder />
        </api.UserContext>
      </Root>
    );
  }
  const { rerender } = render(<Screen id={7114} keepPrevious />);
  await until(() => assert.equal(text("p"), "May"));
  const from = log.length;

  const next = r.hold(isGet("user", { user_id: 7115 }));
  rerender(<Screen id={7115} keepPrevious />);
  await next.seen;
  assert.equal(text("p"), "May", "the previous data while user 7115 loads");
  assert.equal(text("placeholder"), "true");
  next.release();
  await until(() => assert.equal(text("p"), "Ned"));
  assert.equal(text("placeholder"), "false");
  assert.deepEqual([...new Set(since(log, from))], ["May", "Ned"], "no undefined in between");

  // Without keepPrevious, the new params start from nothing.
  const third = r.hold(isGet("user", { user_id: 7116 }));
  rerender(<Screen id={7116} keepPrevious={false} />);
  await third.seen;
  assert.equal(text("p"), "undefined");
  third.release();
  await until(() => assert.equal(text("p"), "Oz"));
});

// ---- optimistic merges -----------------------------------------------------------------------------

/** The profile's name, and useRenameUser's status, data, error code and variables. */
function Rename() {
  const rename = api.useRenameUser();
  current.rename = rename;
  return (
    <>
      <ProfileName id="p" />
      <output data-testid="m">{[rename.status, rename.data?.name ?? "-", rename.error?.code ?? "-", rename.variables?.name ?? "-"].join(" ")}</output>
    </>
  );
}
const current: { rename?: ReturnType<typeof api.useRenameUser> } = {};
const renamer = () => {
  assert.ok(current.rename);
  return current.rename;
};

async function renameScreen(r: Recorder, user_id: number, name: string) {
  await nameUser(user_id, name);
  const queryClient = newQueryClient();
  render(
    <Root client={clientOf(r)} queryClient={queryClient}>
      <api.UserContext user_id={user_id}>
        <Rename />
      </api.UserContext>
    </Root>,
  );
  await until(() => assert.equal(text("p"), name));
  return queryClient;
}

type Outcome<T> = { ok: T } | { error: unknown };

/** Starts `f` (a mutate() call) inside act; `outcome` settles with its result or error. (A
 * promise, boxed: an async function returning it would wait for it.) */
async function start<T>(f: () => Promise<T>): Promise<{ outcome: Promise<Outcome<T>> }> {
  let outcome!: Promise<Outcome<T>>;
  await act(async () => {
    outcome = f().then(
      (ok) => ({ ok }),
      (error: unknown) => ({ error }),
    );
  });
  return { outcome };
}

/** Awaits a mutation's outcome inside act (its settling updates the hook's state, which TanStack
 * notifies a macrotask later). */
async function settled<T>(outcome: Promise<T>): Promise<T> {
  let value!: T;
  await act(async () => {
    value = await outcome;
    await new Promise((r) => setTimeout(r, 0));
  });
  return value;
}

test("optimistic rename: the predicted value at once, then the server's, with no refetch", async () => {
  const r = recorder();
  await renameScreen(r, 7120, "Pat");
  const post = r.hold(isPost("rename_user"));
  const { outcome } = await start(() => renamer().mutate({ user_id: 7120, name: "Pat Renamed" }, { optimistic: { user_id: 7120, name: "Pat (guess)" } }));
  await post.seen;
  // Held: the POST has not been answered yet.
  await until(() => assert.equal(text("p"), "Pat (guess)", "shown before the call answers"));
  await until(() => assert.equal(text("m"), "pending - - Pat Renamed"));
  post.release();
  assert.deepEqual(await settled(outcome), { ok: { user_id: 7120, name: "Pat Renamed" } });
  await until(() => assert.equal(text("p"), "Pat Renamed"));
  await until(() => assert.equal(text("m"), "success Pat Renamed - Pat Renamed"));
  await settle(r);
  assert.equal(r.gets("user").length, 1, "no refetch");
  assert.equal(r.posts().length, 1);
});

test("optimistic rename that the server rejects is rolled back; mutate() rejects with its MizanError", async () => {
  const r = recorder();
  await renameScreen(r, 7121, "Quinn");
  const post = r.hold(isPost("rename_user"));
  // A name the server cannot read (not a string): VALIDATION_FAILED from the real backend.
  const { outcome } = await start(() =>
    renamer().mutate({ user_id: 7121, name: 42 as unknown as string }, { optimistic: (prev) => ({ user_id: 7121, name: `${prev?.name} (guess)` }) }),
  );
  await post.seen;
  await until(() => assert.equal(text("p"), "Quinn (guess)", "the updater got the current slot"));
  post.release();
  const o = await settled(outcome);
  assert.ok("error" in o && o.error instanceof api.MizanError, "rejects with a MizanError");
  assert.equal(o.error.code, "VALIDATION_FAILED");
  assert.equal(o.error.status, 422);
  await until(() => assert.equal(text("p"), "Quinn", "rolled back"));
  await until(() => assert.equal(text("m"), "error - VALIDATION_FAILED 42"));

  // A call that never reaches the server (the network fails) is rolled back the same way.
  const down = r.hold(isPost("rename_user"), { answer: () => Promise.reject(new TypeError("fetch failed")) });
  const { outcome: second } = await start(() => renamer().mutate({ user_id: 7121, name: "Quinn Renamed" }, { optimistic: { user_id: 7121, name: "Quinn (2nd guess)" } }));
  await down.seen;
  down.release();
  const o2 = await settled(second);
  assert.ok("error" in o2 && o2.error instanceof api.MizanError);
  assert.equal(o2.error.code, "NETWORK_ERROR");
  await until(() => assert.equal(text("p"), "Quinn"));
  await settle(r);
  assert.equal(r.gets("user").length, 1, "no refetch");
  assert.equal(r.posts().length, 2, "mutations are not retried");
});

test("rollback guard: data that arrived after the optimistic value is not rolled back", async () => {
  const r = recorder();
  const queryClient = await renameScreen(r, 7122, "Rae");
  const post = r.hold(isPost("rename_user"));
  const { outcome } = await start(() => renamer().mutate({ user_id: 7122, name: 42 as unknown as string }, { optimistic: { user_id: 7122, name: "Rae (guess)" } }));
  await post.seen;
  await until(() => assert.equal(text("p"), "Rae (guess)"));
  // Newer data for the bundle, through its documented key.
  const key = api.userContextQuery({ user_id: 7122 }).queryKey;
  await act(async () => {
    const data = queryClient.getQueryData(key);
    assert.ok(data);
    queryClient.setQueryData(key, { ...data, user_profile: { user_id: 7122, name: "Rae (newer)" } });
  });
  await until(() => assert.equal(text("p"), "Rae (newer)"));
  post.release();
  const o = await settled(outcome);
  assert.ok("error" in o && o.error instanceof api.MizanError && o.error.code === "VALIDATION_FAILED");
  await until(() => assert.equal(text("m"), "error - VALIDATION_FAILED 42"));
  await settle(r, queryClient);
  assert.equal(text("p"), "Rae (newer)", "the newer data stays");
});

test("overlapping mutations: the hook shows the second call's data and variables although the first answers last", async () => {
  const r = recorder();
  await renameScreen(r, 7123, "Sam");
  const first = r.hold(isPost("rename_user"), { after: true });
  const second = r.hold(isPost("rename_user"), { after: true });
  let p1!: Promise<Outcome<api.ProfileOutput>>;
  let p2!: Promise<Outcome<api.ProfileOutput>>;
  await act(async () => {
    const wrap = (p: Promise<api.ProfileOutput>) => p.then((ok) => ({ ok }), (error: unknown) => ({ error }));
    p1 = wrap(renamer().mutate({ user_id: 7123, name: "Sam first" }));
    p2 = wrap(renamer().mutate({ user_id: 7123, name: "Sam second" }));
  });
  assert.equal((await first.seen).args?.["name"], "Sam first");
  assert.equal((await second.seen).args?.["name"], "Sam second");
  await until(() => assert.equal(text("m"), "pending - - Sam second"));
  second.release();
  assert.deepEqual(await settled(p2), { ok: { user_id: 7123, name: "Sam second" } });
  await until(() => assert.equal(text("m"), "success Sam second - Sam second"));
  first.release();
  assert.deepEqual(await settled(p1), { ok: { user_id: 7123, name: "Sam first" } }, "each mutate() has its own result");
  await settle(r);
  assert.equal(text("m"), "success Sam second - Sam second", "the earlier call's late answer does not take over the hook");
  assert.equal(r.posts().length, 2);
});

test(
  "overlapping merges: the answer of an earlier call that arrives last does not overwrite the later call's merge",
  async () => {
    const r = recorder();
    await renameScreen(r, 7124, "Uma");
    // The server runs "first", then "second"; the answer to "first" reaches the client last.
    const first = r.hold(isPost("rename_user"), { after: true });
    const p1 = (await start(() => renamer().mutate({ user_id: 7124, name: "Uma first" }))).outcome;
    await act(() => first.answered);
    const p2 = (await start(() => renamer().mutate({ user_id: 7124, name: "Uma second" }))).outcome;
    assert.deepEqual(await settled(p2), { ok: { user_id: 7124, name: "Uma second" } });
    await until(() => assert.equal(text("p"), "Uma second"));
    first.release();
    assert.deepEqual(await settled(p1), { ok: { user_id: 7124, name: "Uma first" } });
    await settle(r);
    assert.deepEqual(await api.callFindUser({ user_id: 7124 }, { client: direct() }), { user_id: 7124, name: "Uma second" }, "the server's last write");
    assert.equal(text("p"), "Uma second", "the client shows what the server has");
  },
);

// ---- plain read queries ------------------------------------------------------------------------------

test("plain read query hooks are cached by args: a second component with the same args makes no request", async () => {
  await nameUser(7130, "Tess");
  const r = recorder();
  const client = clientOf(r);
  const log: string[] = [];
  function Finder({ id, user_id, staleTime }: { id: string; user_id: number; staleTime?: number }) {
    const q = api.useFindUserQuery({ user_id }, staleTime === undefined ? undefined : { staleTime });
    const shown = q.data === undefined ? "undefined" : (q.data?.name ?? "null");
    log.push(`${id} ${shown}`);
    return <p data-testid={id}>{shown}</p>;
  }
  function Sum({ id, args }: { id: string; args: api.AddInput }) {
    const q = api.useAddQuery(args);
    return <p data-testid={id}>{q.data === undefined ? q.status : String(q.data.total)}</p>;
  }
  function Screen({ more }: { more: boolean }) {
    return (
      <Root client={client}>
        <Finder id="f1" user_id={7130} staleTime={60_000} />
        <Finder id="f2" user_id={7130} staleTime={60_000} />
        <Finder id="none" user_id={99_997} />
        <Sum id="s1" args={{ a: 2, b: 3 }} />
        <Sum id="s2" args={{ b: 3, a: 2 }} />
        <Sum id="s3" args={{ a: 40, b: 2 }} />
        {more ? <Finder id="f3" user_id={7130} staleTime={60_000} /> : null}
      </Root>
    );
  }
  const { rerender } = render(<Screen more={false} />);
  await until(() => assert.deepEqual(["f1", "f2", "none", "s1", "s2", "s3"].map(text), ["Tess", "Tess", "null", "5", "5", "42"]));
  assert.equal(log[0], "f1 undefined", "undefined while pending");
  assert.ok(log.includes("none null"), "null is the server's answer");
  await settle(r);
  assert.deepEqual(r.posts("find_user").map((s) => s.args), [{ user_id: 7130 }, { user_id: 99_997 }]);
  assert.equal(r.posts("add").length, 2, "{a, b} and {b, a} are the same args");
  assert.equal(r.made().length, 4);

  // Mounted later, with a staleTime: served from the cache.
  rerender(<Screen more />);
  assert.equal(text("f3"), "Tess");
  await settle(r);
  assert.equal(r.made().length, 4);
});

test("a plain read query that fails with a 4xx shows its MizanError at once, with no retry", async () => {
  const r = recorder();
  function Me() {
    const q = api.useWhoamiQuery();
    return <p data-testid="q">{`${q.status} ${q.error instanceof api.MizanError ? `${q.error.code} ${q.error.status}` : String(q.error)} ${q.data === undefined ? "undefined" : "data"}`}</p>;
  }
  render(
    <Root client={clientOf(r)}>
      <Me />
    </Root>,
  );
  await until(() => assert.equal(text("q"), "error UNAUTHORIZED 401 undefined"));
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => [s.fn, s.args]),
    [["whoami", {}]],
  );
});

// ---- mutation hooks ------------------------------------------------------------------------------------

test("mutation hooks: idle, pending, success / error; mutate() rejects with a MizanError; never retried", async () => {
  const r = recorder();
  const hooks: { echo?: ReturnType<typeof api.useEcho>; broken?: ReturnType<typeof api.useNotImplementedFn>; buggy?: ReturnType<typeof api.useBuggyFn> } = {};
  const log: string[] = [];
  function Mutations() {
    const e = (hooks.echo = api.useEcho());
    const b = (hooks.broken = api.useNotImplementedFn());
    const c = (hooks.buggy = api.useBuggyFn());
    const line = [
      `${e.status}/${[e.isIdle, e.isPending, e.isSuccess, e.isError].map(Number).join("")}/${e.data?.message ?? "-"}/${e.variables?.text ?? "-"}`,
      `${b.status}/${b.error?.code ?? "-"}`,
      `${c.status}/${c.error?.code ?? "-"}`,
    ].join(" ");
    log.push(line);
    return <output data-testid="m">{line}</output>;
  }
  const use = <K extends keyof typeof hooks>(k: K): NonNullable<(typeof hooks)[K]> => {
    const hook = hooks[k];
    assert.ok(hook);
    return hook;
  };
  render(
    <Root client={clientOf(r)}>
      <Mutations />
    </Root>,
  );
  assert.equal(text("m"), "idle/1000/-/- idle/- idle/-");
  const post = r.hold(isPost("echo"));
  const { outcome: said } = await start(() => use("echo").mutate({ text: "héllo" }));
  await post.seen;
  await until(() => assert.equal(text("m"), "pending/0100/-/héllo idle/- idle/-"));
  post.release();
  assert.deepEqual(await settled(said), { ok: { message: "héllo" } });
  await until(() => assert.equal(text("m"), "success/0010/héllo/héllo idle/- idle/-"));

  const failed = await settled((await start(() => use("broken").mutate())).outcome);
  assert.ok("error" in failed && failed.error instanceof api.MizanError);
  assert.equal(failed.error.code, "NOT_IMPLEMENTED");
  assert.equal(failed.error.status, 501);
  await until(() => assert.equal(text("m"), "success/0010/héllo/héllo error/NOT_IMPLEMENTED idle/-"));

  const crashed = await settled((await start(() => use("buggy").mutate())).outcome);
  assert.ok("error" in crashed && crashed.error instanceof api.MizanError);
  assert.equal(crashed.error.code, "INTERNAL_ERROR");
  assert.equal(crashed.error.status, 500);
  await until(() => assert.equal(text("m"), "success/0010/héllo/héllo error/NOT_IMPLEMENTED error/INTERNAL_ERROR"));

  await act(async () => use("echo").reset());
  await until(() => assert.equal(text("m"), "idle/1000/-/- error/NOT_IMPLEMENTED error/INTERNAL_ERROR"));
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => s.fn),
    ["echo", "not_implemented_fn", "buggy_fn"],
    "one POST each: a failed mutation (even a 5xx) is not retried",
  );
  const statuses = log.map((l) => l.split("/")[0]);
  assert.deepEqual(
    statuses.filter((s, i) => s !== statuses[i - 1]),
    ["idle", "pending", "success", "idle"],
    "echo's status went idle, pending, success (and reset to idle)",
  );
});

// ---- providers --------------------------------------------------------------------------------------

test("a slot hook of user outside <UserContext> throws naming <UserContext>; useCurrentUser needs no provider", async () => {
  const r = recorder();
  function Me() {
    const user = api.useCurrentUser();
    return <p data-testid="me">{user === undefined ? "undefined" : JSON.stringify(user)}</p>;
  }
  await quietly(async () => {
    render(
      <Root client={clientOf(r)}>
        <Me />
        <SiteName />
        <Catch>
          <ProfileName id="orphan" />
        </Catch>
      </Root>,
    );
    const message = text("caught") ?? "";
    assert.match(message, /<UserContext/);
    assert.match(message, /user_id=\{\.\.\.\}/);
  });
  await until(() => assert.deepEqual([text("me"), text("site")], ["null", "Mizan"]));
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => s.path),
    ["/ctx/global/"],
    "the orphan hook fetched nothing",
  );
});

test("every hook outside <MizanContext> throws an error naming <MizanContext>", async () => {
  const hooks: Record<string, () => unknown> = {
    useCurrentUser: api.useCurrentUser,
    useSiteSettings: api.useSiteSettings,
    useUserProfile: api.useUserProfile,
    useSuspenseUserProfile: api.useSuspenseUserProfile,
    useUserContext: api.useUserContext,
    useRenameUser: api.useRenameUser,
    useFindUserQuery: () => api.useFindUserQuery({ user_id: 1 }),
    useContactForm: api.useContactForm,
    useMizan: api.useMizan,
  };
  for (const [name, hook] of Object.entries(hooks)) {
    function Uses() {
      hook();
      return <p>rendered</p>;
    }
    await quietly(async () => {
      render(
        <Catch>
          <Uses />
        </Catch>,
      );
      assert.match(text("caught") ?? "", /<MizanContext>/, name);
    });
    tidy();
  }
  // A provider outside the root fails the same way.
  await quietly(async () => {
    render(
      <Catch>
        <api.UserContext user_id={1}>
          <p>child</p>
        </api.UserContext>
      </Catch>,
    );
    assert.match(text("caught") ?? "", /<MizanContext>/);
  });
});

// ---- a fake transport --------------------------------------------------------------------------------

test("with createMizanClient({ transport }) the generated hooks run with no network at all; one call's invalidations are folded", async () => {
  const real = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error("no network in this test"));
  try {
    const fetches: string[] = [];
    const calls: string[] = [];
    const name = new Map<number, string>();
    const transport: api.MizanTransport = {
      fetch: async (context, params) => {
        fetches.push(`${context} ${api.stableKey(params)}`);
        if (context === "global") return { current_user: null, site_settings: { site_name: "Fake", maintenance: false, features: [] } };
        const id = Number(params["user_id"]);
        return { user_profile: { user_id: id, name: name.get(id) ?? `fake ${id}` }, user_orders: [] };
      },
      call: async (fn, args) => {
        calls.push(fn);
        const id = Number(args["user_id"]);
        name.set(id, String(args["name"]));
        if (fn === "rename_user") {
          const value = { user_id: id, name: String(args["name"]) };
          return { result: value, merge: [{ context: "user", slot: "user_profile", value, params: { user_id: id } }] };
        }
        // Two entries that both hit the bundle: still one refetch.
        return { result: { ok: true }, invalidate: [{ context: "user", params: { user_id: id } }, "user"] };
      },
    };
    const rename = probe(api.useRenameUser);
    const update = probe(api.useUpdateProfile);
    // Every fetch the bundle's query starts (a fetch that joins one in flight shares its request,
    // so the transport alone would not see a refetch that another one cancelled).
    const queryClient = newQueryClient();
    const starts: string[] = [];
    queryClient.getQueryCache().subscribe((e) => {
      if (e.type === "updated" && e.action.type === "fetch") starts.push(e.query.queryHash);
    });
    render(
      <StrictMode>
        <Root client={api.createMizanClient({ transport })} queryClient={queryClient}>
          <SiteName />
          <User user_id={1} id="u1" />
          <rename.Probe />
          <update.Probe />
        </Root>
      </StrictMode>,
    );
    await until(() => assert.deepEqual([text("site"), text("u1-a"), text("u1-orders")], ["Fake", "fake 1", "0"]));
    await act(async () => void (await rename.current().mutate({ user_id: 1, name: "merged" })));
    await until(() => assert.equal(text("u1-b"), "merged"));
    const before = starts.length;
    await act(async () => void (await update.current().mutate({ user_id: 1, name: "refetched" })));
    await until(() => assert.equal(text("u1-a"), "refetched"));
    await until(() => assert.ok(fetches.length >= 3));
    await tick();
    await tick();
    assert.deepEqual(fetches.sort(), ["global {}", "user {\"user_id\":1}", "user {\"user_id\":1}"]);
    assert.deepEqual(calls, ["rename_user", "update_profile"]);
    assert.deepEqual(starts.slice(before), [hashKey(api.userContextQuery({ user_id: 1 }).queryKey)], "two invalidations of one call: one refetch, started once");
  } finally {
    globalThis.fetch = real;
  }
});
