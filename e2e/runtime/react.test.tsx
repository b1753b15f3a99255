// runtime/react.tsx with React Testing Library on jsdom and the real @tanstack/react-query, over
// a real kernel client with an inline fake transport. The bindings (defineContext, ...) are
// written here by hand the way the generator writes them.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { QueryClient, type UseQueryResult } from "@tanstack/react-query";
import { act, cleanup, render, waitFor, within } from "@testing-library/react";
import { Component, StrictMode, Suspense, useState, type ReactNode } from "react";

import { createMizanClient, MizanError, type CallEnvelope, type CallOptions, type MizanClient, type MizanTransport, type Params, type RequestOptions } from "../../runtime/kernel.ts";
import { contextKey, contextQuery, functionQuery, type ContextQueryOptions, type FunctionQueryOptions } from "../../runtime/query.ts";
import {
  defineContext,
  merge,
  MizanContext,
  useMizan,
  useMizanMutation,
  useMizanQuery,
  type MutateOptions,
  type MizanContextProps,
  type MutationState,
  type ProviderProps,
  type QueryHookOptions,
} from "../../runtime/react.tsx";

// ---- hand-written bindings (what the generator emits) -----------------------------------------

interface Profile {
  user_id: number;
  name: string;
}
interface UserContextData {
  user_profile: Profile | null;
  user_orders: string[];
}
interface UserContextParams {
  user_id: number;
  limit?: number;
}
interface GlobalContextData {
  current_user: { name: string } | null;
  site_settings: { site_name: string };
}

function userContextQuery(params: UserContextParams, client?: MizanClient): ContextQueryOptions<UserContextData> {
  return contextQuery("user", params, 0, client);
}
function globalContextQuery(params: Record<string, never>, client?: MizanClient): ContextQueryOptions<GlobalContextData> {
  return contextQuery("global", params, 0, client);
}
function findUserQuery(args: { user_id: number }, client?: MizanClient): FunctionQueryOptions<Profile | null> {
  return functionQuery("find_user", args, 0, client);
}

const user = defineContext(userContextQuery, "UserContext", "limit", "user_id");
const global = defineContext(globalContextQuery, "GlobalContext");

function UserContext(props: UserContextParams & ProviderProps) {
  return user.provide(props);
}
const useUserContext = (): UseQueryResult<UserContextData, MizanError> => user.useContext();
const useUserProfile = () => user.useSlot("user_profile");
const useUserProfileQuery = () => user.useSlotQuery("user_profile");
const useSuspenseUserProfile = () => user.useSuspenseSlot("user_profile");
const useUserOrders = () => user.useSlot("user_orders");
const useSiteSettings = () => global.useSlot("site_settings");
const useFindUserQuery = (args: { user_id: number }, options?: QueryHookOptions) => useMizanQuery(findUserQuery, args, options);
function useRenameUser(): MutationState<[args: { user_id: number; name: string }, options?: MutateOptions<Profile>], Profile> {
  return useMizanMutation("rename_user", {}, merge("user", "user_profile", "user_id"));
}
function useUpdateProfile(): MutationState<[args: { user_id: number; name: string }], { ok: boolean }> {
  return useMizanMutation("update_profile");
}

// ---- the fake transport ------------------------------------------------------------------------

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

/** A transport over an in-memory "server"; `hold` keeps context fetches pending until released. */
function fakeServer(site = "Mizan") {
  const names = new Map<number, string>();
  const fetches: { context: string; params: Params; signal: AbortSignal | undefined }[] = [];
  const calls: { fn: string; args: Params }[] = [];
  const server = {
    names,
    fetches,
    calls,
    hold: null as Promise<void> | null,
    onCall: (fn: string, args: Params): CallEnvelope | Promise<CallEnvelope> => {
      throw new MizanError("BAD_REQUEST", `unexpected ${fn} ${JSON.stringify(args)}`, 400);
    },
    count: (context: string) => fetches.filter((f) => f.context === context).length,
    transport: {
      async fetch(context: string, params: Params, { signal }: RequestOptions): Promise<unknown> {
        fetches.push({ context, params, signal });
        const hold = server.hold;
        if (hold)
          await new Promise<void>((resolve, reject) => {
            void hold.then(resolve);
            signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
        if (context === "global") return { current_user: null, site_settings: { site_name: site } };
        if (context === "user") {
          const id = Number(params["user_id"]);
          if (id === 404) throw new MizanError("NOT_FOUND", "no such user", 404);
          if (id === 0) return { user_profile: null, user_orders: [] };
          return { user_profile: { user_id: id, name: names.get(id) ?? `${site} user ${id}` }, user_orders: [`order of ${id}`] };
        }
        throw new MizanError("NOT_FOUND", `no context ${context}`, 404);
      },
      async call(fn: string, args: Params, _options: CallOptions): Promise<CallEnvelope> {
        calls.push({ fn, args });
        return server.onCall(fn, args);
      },
    } satisfies MizanTransport,
  };
  return server;
}

// ---- helpers ------------------------------------------------------------------------------------

const screen = {
  getByTestId: (id: string) => within(document.body).getByTestId(id),
  queryByTestId: (id: string) => within(document.body).queryByTestId(id),
  findByText: (t: string | RegExp) => within(document.body).findByText(t),
  getByText: (t: string | RegExp) => within(document.body).getByText(t),
};
const text = (id: string) => screen.getByTestId(id).textContent;
const sleep = (ms = 0) => act(() => new Promise<void>((r) => setTimeout(r, ms)));

/** <MizanContext> plus a probe that records its QueryClient, so that each test can clear the
 * caches it made (their garbage-collection timers would keep Node running for minutes). */
const queryClients = new Set<QueryClient>();
function Track() {
  queryClients.add(useMizan().queryClient);
  return null;
}
function Root({ children, ...props }: MizanContextProps) {
  return (
    <MizanContext {...props}>
      <Track />
      {children}
    </MizanContext>
  );
}

afterEach(() => {
  cleanup();
  for (const qc of queryClients) qc.clear();
  queryClients.clear();
  delete (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__;
});

/** A QueryClient without retries (the failing tests would otherwise wait for TanStack's backoff). */
const noRetry = () => new QueryClient({ defaultOptions: { queries: { retry: false } } });

class Catch extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  override render() {
    return this.state.error !== null ? <pre data-testid="caught">{this.state.error}</pre> : this.props.children;
  }
}

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const error = console.error;
  console.error = () => undefined;
  try {
    return await f();
  } finally {
    console.error = error;
  }
}

function ProfileName({ id }: { id: string }) {
  const profile = useUserProfile();
  return <p data-testid={id}>{profile === undefined ? "loading" : profile === null ? "null" : profile.name}</p>;
}
function Orders() {
  return <p data-testid="orders">{useUserOrders()?.join(",") ?? "loading"}</p>;
}
function SiteName({ id = "site" }: { id?: string }) {
  return <h1 data-testid={id}>{useSiteSettings()?.site_name ?? "loading"}</h1>;
}

// ---- tests ---------------------------------------------------------------------------------------

test("a provider with several slot hooks makes one request, also under StrictMode", async () => {
  const s = fakeServer();
  render(
    <StrictMode>
      <Root client={createMizanClient({ transport: s.transport })}>
        <SiteName />
        <UserContext user_id={1}>
          <ProfileName id="a" />
          <ProfileName id="b" />
          <Orders />
        </UserContext>
      </Root>
    </StrictMode>,
  );
  await waitFor(() => assert.equal(text("b"), "Mizan user 1"));
  assert.equal(text("a"), "Mizan user 1");
  assert.equal(text("orders"), "order of 1");
  assert.equal(text("site"), "Mizan");
  await sleep(20);
  assert.equal(s.count("user"), 1);
  assert.equal(s.count("global"), 1, "a context without params needs no provider");
  assert.deepEqual(s.fetches.find((f) => f.context === "user")?.params, { user_id: 1 });
});

test("<MizanContext> creates its client from config props (one per mount)", async () => {
  const s = fakeServer("Configured");
  let seen: MizanClient | undefined;
  function Probe() {
    seen = useMizan().client;
    return null;
  }
  const { rerender } = render(
    <Root transport={s.transport}>
      <SiteName />
      <Probe />
    </Root>,
  );
  await waitFor(() => assert.equal(text("site"), "Configured"));
  const first = seen;
  rerender(
    <Root transport={s.transport}>
      <SiteName />
      <Probe />
    </Root>,
  );
  assert.equal(seen, first, "the same client across renders");
});

test("useSlot is undefined while pending, then the value; null stays null", async () => {
  const s = fakeServer();
  const gate = deferred<void>();
  s.hold = gate.promise;
  const seen: unknown[] = [];
  const statuses: string[] = [];
  function Probe() {
    const value = useUserProfile();
    const q = useUserProfileQuery();
    seen.push(value);
    statuses.push(q.status);
    return <p data-testid="v">{value === undefined ? "undefined" : JSON.stringify(value)}</p>;
  }
  render(
    <Root client={createMizanClient({ transport: s.transport })}>
      <UserContext user_id={0}>
        <Probe />
      </UserContext>
    </Root>,
  );
  assert.equal(text("v"), "undefined");
  await sleep();
  assert.equal(text("v"), "undefined");
  await act(async () => gate.resolve());
  await waitFor(() => assert.equal(text("v"), "null"));
  assert.ok(seen.every((v) => v === undefined || v === null));
  assert.equal(seen[0], undefined);
  assert.equal(seen.at(-1), null);
  assert.equal(statuses[0], "pending");
  assert.equal(statuses.at(-1), "success");
});

test("useContext returns the bundle's query result; useSlotQuery the slot's", async () => {
  const s = fakeServer();
  let bundle: UseQueryResult<UserContextData, MizanError> | undefined;
  let slot: UseQueryResult<Profile | null, MizanError> | undefined;
  function Probe() {
    bundle = useUserContext();
    slot = useUserProfileQuery();
    return <p data-testid="status">{bundle.status}</p>;
  }
  render(
    <Root client={createMizanClient({ transport: s.transport })}>
      <UserContext user_id={3}>
        <Probe />
      </UserContext>
    </Root>,
  );
  await waitFor(() => assert.equal(text("status"), "success"));
  assert.deepEqual(bundle?.data, { user_profile: { user_id: 3, name: "Mizan user 3" }, user_orders: ["order of 3"] });
  assert.deepEqual(slot?.data, { user_id: 3, name: "Mizan user 3" });
  assert.equal(slot?.isSuccess, true);
  assert.equal(typeof slot?.refetch, "function");
});

test("useSuspenseSlot suspends until the bundle is there; errors go to the error boundary", async () => {
  const s = fakeServer();
  const gate = deferred<void>();
  s.hold = gate.promise;
  function Suspended() {
    const profile = useSuspenseUserProfile();
    return <p data-testid="suspended">{profile?.name ?? "null"}</p>;
  }
  render(
    <Root client={createMizanClient({ transport: s.transport })} queryClient={noRetry()}>
      <UserContext user_id={5}>
        <Suspense fallback={<p data-testid="fallback">waiting</p>}>
          <Suspended />
        </Suspense>
      </UserContext>
    </Root>,
  );
  assert.equal(text("fallback"), "waiting");
  assert.equal(screen.queryByTestId("suspended"), null);
  await act(async () => gate.resolve());
  await waitFor(() => assert.equal(text("suspended"), "Mizan user 5"));
  assert.equal(s.count("user"), 1);
  cleanup();

  await quietly(async () => {
    render(
      <Root client={createMizanClient({ transport: s.transport })} queryClient={noRetry()}>
        <UserContext user_id={404}>
          <Catch>
            <Suspense fallback={<p>waiting</p>}>
              <Suspended />
            </Suspense>
          </Catch>
        </UserContext>
      </Root>,
    );
    await waitFor(() => assert.equal(text("caught"), "no such user"));
  });
});

function Renamer({ optimistic }: { optimistic?: Profile | ((current: Profile | undefined) => Profile) }) {
  const rename = useRenameUser();
  const [outcome, setOutcome] = useState("none");
  return (
    <>
      <button
        data-testid="rename"
        onClick={() =>
          void rename.mutate({ user_id: 1, name: "Merged" }, optimistic ? { optimistic } : {}).then(
            (r) => setOutcome(`resolved ${r.name}`),
            (e: unknown) => setOutcome(`rejected ${e instanceof MizanError ? e.code : String(e)}`),
          )
        }
      />
      <output data-testid="m">
        {[rename.status, rename.isIdle, rename.isPending, rename.isSuccess, rename.isError, rename.data?.name ?? "-", rename.error?.code ?? "-", rename.variables?.name ?? "-"].join(" ")}
      </output>
      <output data-testid="outcome">{outcome}</output>
      <button data-testid="reset" onClick={() => rename.reset()} />
    </>
  );
}

function MutationApp({ client, queryClient, children }: { client: MizanClient; queryClient?: QueryClient; children?: ReactNode }) {
  return (
    <Root client={client} {...(queryClient ? { queryClient } : {})}>
      <UserContext user_id={1}>
        <ProfileName id="a" />
        {children}
      </UserContext>
      <UserContext user_id={2}>
        <ProfileName id="other" />
      </UserContext>
    </Root>
  );
}

const click = (id: string) => act(async () => screen.getByTestId(id).click());

test("useMizanMutation: optimistic value at once, rollback on failure, status fields", async () => {
  const s = fakeServer();
  const call = deferred<CallEnvelope>();
  s.onCall = () => call.promise;
  render(
    <MutationApp client={createMizanClient({ transport: s.transport })}>
      <Renamer optimistic={{ user_id: 1, name: "Guess" }} />
    </MutationApp>,
  );
  await waitFor(() => assert.equal(text("a"), "Mizan user 1"));
  await waitFor(() => assert.equal(text("other"), "Mizan user 2"));
  assert.equal(text("m"), "idle true false false false - - -");
  await click("rename");
  await waitFor(() => assert.equal(text("a"), "Guess", "spliced before the call answers"));
  assert.equal(text("other"), "Mizan user 2", "scoped by user_id");
  await waitFor(() => assert.equal(text("m"), "pending false true false false - - Merged"));
  assert.deepEqual(s.calls, [{ fn: "rename_user", args: { user_id: 1, name: "Merged" } }]);
  await act(async () => call.reject(new MizanError("FORBIDDEN", "no", 403)));
  await waitFor(() => assert.equal(text("outcome"), "rejected FORBIDDEN"));
  await waitFor(() => assert.equal(text("a"), "Mizan user 1", "rolled back"));
  await waitFor(() => assert.equal(text("m"), "error false false false true - FORBIDDEN Merged"));
  await click("reset");
  await waitFor(() => assert.equal(text("m"), "idle true false false false - - -"));
  assert.equal(s.count("user"), 2, "no refetch");
});

test("useMizanMutation: rollback keeps newer data that arrived meanwhile", async () => {
  const s = fakeServer();
  const call = deferred<CallEnvelope>();
  s.onCall = () => call.promise;
  const queryClient = noRetry();
  render(
    <MutationApp client={createMizanClient({ transport: s.transport })} queryClient={queryClient}>
      <Renamer optimistic={(current) => ({ user_id: 1, name: `${current?.name} (guess)` })} />
    </MutationApp>,
  );
  await waitFor(() => assert.equal(text("a"), "Mizan user 1"));
  await click("rename");
  await waitFor(() => assert.equal(text("a"), "Mizan user 1 (guess)", "the updater got the current slot"));
  const key = contextKey("user", { user_id: 1 });
  await act(async () => {
    queryClient.setQueryData(key, { ...(queryClient.getQueryData(key) as UserContextData), user_profile: { user_id: 1, name: "Newer" } });
  });
  await waitFor(() => assert.equal(text("a"), "Newer"));
  await act(async () => call.reject(new MizanError("CONFLICT", "no", 409)));
  await waitFor(() => assert.equal(text("outcome"), "rejected CONFLICT"));
  await sleep(10);
  assert.equal(text("a"), "Newer", "newer data survives the rollback");
});

test("useMizanMutation: success applies the call's merge and invalidation through the root", async () => {
  const s = fakeServer();
  s.onCall = (fn, args) => {
    const id = Number(args["user_id"]);
    s.names.set(id, String(args["name"]));
    if (fn === "rename_user") {
      const value = { user_id: id, name: String(args["name"]) };
      return { result: value, merge: [{ context: "user", slot: "user_profile", value, params: { user_id: id } }] };
    }
    return { result: { ok: true }, invalidate: [{ context: "user", params: { user_id: String(id) } }, "user"] };
  };
  let update: ReturnType<typeof useUpdateProfile> | undefined;
  function Updater() {
    update = useUpdateProfile();
    return null;
  }
  render(
    <MutationApp client={createMizanClient({ transport: s.transport })}>
      <Renamer />
      <Updater />
    </MutationApp>,
  );
  await waitFor(() => assert.equal(text("other"), "Mizan user 2"));
  await click("rename");
  await waitFor(() => assert.equal(text("outcome"), "resolved Merged"));
  await waitFor(() => assert.equal(text("a"), "Merged"));
  await waitFor(() => assert.equal(text("m"), "success false false true false Merged - Merged"));
  assert.equal(s.count("user"), 2, "a merge makes no request");

  let result: { ok: boolean } | undefined;
  await act(async () => {
    result = await update!.mutate({ user_id: 2, name: "Refetched" });
  });
  assert.deepEqual(result, { ok: true });
  await waitFor(() => assert.equal(text("other"), "Refetched"));
  await sleep(20);
  assert.equal(s.count("user"), 4, "two invalidations of one call: one refetch per active bundle");
});

test("overlapping mutations: the hook shows the later call's result", async () => {
  const s = fakeServer();
  const answers: Deferred<CallEnvelope>[] = [];
  s.onCall = () => {
    const d = deferred<CallEnvelope>();
    answers.push(d);
    return d.promise;
  };
  let rename: ReturnType<typeof useRenameUser> | undefined;
  function Probe() {
    rename = useRenameUser();
    return <output data-testid="m">{`${rename.status} ${rename.data?.name ?? "-"} ${rename.variables?.name ?? "-"}`}</output>;
  }
  render(
    <Root client={createMizanClient({ transport: s.transport })}>
      <Probe />
    </Root>,
  );
  const results: string[] = [];
  await act(async () => {
    void rename!.mutate({ user_id: 1, name: "first" }).then((r) => results.push(r.name));
    void rename!.mutate({ user_id: 1, name: "second" }).then((r) => results.push(r.name));
  });
  assert.equal(answers.length, 2);
  await waitFor(() => assert.equal(text("m"), "pending - second"));
  await act(async () => answers[1]!.resolve({ result: { user_id: 1, name: "second" } }));
  await waitFor(() => assert.equal(text("m"), "success second second"));
  await act(async () => answers[0]!.resolve({ result: { user_id: 1, name: "first" } }));
  await sleep(10);
  assert.equal(text("m"), "success second second", "the earlier call's late answer does not show");
  assert.deepEqual(results.sort(), ["first", "second"], "each mutate() promise has its own result");
});

test("useMizanQuery: a plain read function, cached by args, with hook options", async () => {
  const s = fakeServer();
  s.onCall = (fn, args) => ({ result: fn === "find_user" ? { user_id: args["user_id"], name: `found ${String(args["user_id"])}` } : null });
  function Finder({ id, enabled }: { id: number; enabled: boolean }) {
    const q = useFindUserQuery({ user_id: id }, { enabled });
    return <p data-testid="found">{q.data === undefined ? q.status : (q.data?.name ?? "null")}</p>;
  }
  const client = createMizanClient({ transport: s.transport });
  const { rerender } = render(
    <Root client={client}>
      <Finder id={1} enabled={false} />
    </Root>,
  );
  await sleep(10);
  assert.equal(text("found"), "pending");
  assert.equal(s.calls.length, 0, "enabled: false");
  rerender(
    <Root client={client}>
      <Finder id={1} enabled />
    </Root>,
  );
  await waitFor(() => assert.equal(text("found"), "found 1"));
  assert.deepEqual(s.calls, [{ fn: "find_user", args: { user_id: 1 } }]);
});

test("a hook outside its provider throws an error that names the provider", async () => {
  const s = fakeServer();
  await quietly(async () => {
    render(
      <Root client={createMizanClient({ transport: s.transport })}>
        <Catch>
          <ProfileName id="orphan" />
        </Catch>
      </Root>,
    );
    const message = text("caught") ?? "";
    assert.match(message, /<UserContext>/);
    assert.match(message, /user_id=\{\.\.\.\}/);
  });
  assert.equal(s.fetches.length, 0);
});

test("useMizan outside <MizanContext> throws an error that says what to do", async () => {
  await quietly(async () => {
    render(
      <Catch>
        <SiteName />
      </Catch>,
    );
    assert.match(text("caught") ?? "", /no <MizanContext> above this component; render it inside <MizanContext>/);
  });
});

test("two <MizanContext> roots with two clients stay separate", async () => {
  const a = fakeServer("A");
  const b = fakeServer("B");
  a.onCall = () => ({ result: { ok: true }, invalidate: ["global", "user"] });
  const clientA = createMizanClient({ transport: a.transport });
  const clientB = createMizanClient({ transport: b.transport });
  let seenA: ReturnType<typeof useMizan> | undefined;
  let seenB: ReturnType<typeof useMizan> | undefined;
  function ProbeA() {
    seenA = useMizan();
    return null;
  }
  function ProbeB() {
    seenB = useMizan();
    return null;
  }
  render(
    <>
      <Root client={clientA}>
        <SiteName id="siteA" />
        <UserContext user_id={1}>
          <ProfileName id="userA" />
        </UserContext>
        <ProbeA />
      </Root>
      <Root client={clientB}>
        <SiteName id="siteB" />
        <UserContext user_id={1}>
          <ProfileName id="userB" />
        </UserContext>
        <ProbeB />
      </Root>
    </>,
  );
  await waitFor(() => assert.equal(text("userA"), "A user 1"));
  await waitFor(() => assert.equal(text("userB"), "B user 1"));
  assert.equal(text("siteA"), "A");
  assert.equal(text("siteB"), "B");
  assert.equal(seenA?.client, clientA);
  assert.equal(seenB?.client, clientB);
  assert.notEqual(seenA?.queryClient, seenB?.queryClient, "one QueryClient per root");

  // A call on client A refetches root A's bundles only.
  await act(async () => void (await clientA.call("update_email", { email: "x@example.com" })));
  await sleep(20);
  assert.equal(a.count("user"), 2);
  assert.equal(a.count("global"), 2);
  assert.equal(b.count("user"), 1);
  assert.equal(b.count("global"), 1);
});

test("keepPrevious keeps the old params' data while the new params load", async () => {
  const s = fakeServer();
  function Screen({ id, keepPrevious }: { id: number; keepPrevious: boolean }) {
    return (
      <Root client={client}>
        <UserContext user_id={id} keepPrevious={keepPrevious}>
          <ProfileName id="p" />
          <Placeholder />
        </UserContext>
      </Root>
    );
  }
  function Placeholder() {
    return <p data-testid="placeholder">{String(useUserContext().isPlaceholderData)}</p>;
  }
  const client = createMizanClient({ transport: s.transport });
  const { rerender } = render(<Screen id={1} keepPrevious />);
  await waitFor(() => assert.equal(text("p"), "Mizan user 1"));
  const gate = deferred<void>();
  s.hold = gate.promise;
  rerender(<Screen id={2} keepPrevious />);
  await sleep(10);
  assert.equal(text("p"), "Mizan user 1", "previous data while user 2 loads");
  assert.equal(text("placeholder"), "true");
  await act(async () => gate.resolve());
  await waitFor(() => assert.equal(text("p"), "Mizan user 2"));
  assert.equal(text("placeholder"), "false");

  // Without keepPrevious, new params start from nothing.
  const gate2 = deferred<void>();
  s.hold = gate2.promise;
  rerender(<Screen id={3} keepPrevious={false} />);
  await sleep(10);
  assert.equal(text("p"), "loading");
  await act(async () => gate2.resolve());
  await waitFor(() => assert.equal(text("p"), "Mizan user 3"));
});

test("unmounting the provider, or changing its params, aborts the fetch's signal", async () => {
  const s = fakeServer();
  s.hold = new Promise<void>(() => undefined); // never answers
  const client = createMizanClient({ transport: s.transport });
  const { rerender, unmount } = render(
    <Root client={client}>
      <UserContext user_id={1}>
        <ProfileName id="p" />
      </UserContext>
    </Root>,
  );
  await waitFor(() => assert.equal(s.count("user"), 1));
  const first = s.fetches[0]!.signal!;
  assert.equal(first.aborted, false);
  rerender(
    <Root client={client}>
      <UserContext user_id={2}>
        <ProfileName id="p" />
      </UserContext>
    </Root>,
  );
  await waitFor(() => assert.equal(first.aborted, true, "params changed: the old fetch is aborted"));
  await waitFor(() => assert.equal(s.count("user"), 2));
  const second = s.fetches[1]!.signal!;
  assert.equal(second.aborted, false);
  unmount();
  await waitFor(() => assert.equal(second.aborted, true, "unmounted: the fetch is aborted"));
});

test("window.__MIZAN_SSR_DATA__ is seeded before the first render: no fetch for seeded bundles", async () => {
  const s = fakeServer();
  (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__ = {
    contexts: {
      global: { "{}": { current_user: null, site_settings: { site_name: "From the server" } } },
      user: { '{"user_id":1}': { user_profile: { user_id: 1, name: "Server user" }, user_orders: [] } },
    },
  };
  const renders: string[] = [];
  function First() {
    const profile = useUserProfile();
    renders.push(profile === undefined ? "undefined" : (profile?.name ?? "null"));
    return <p data-testid="p">{profile?.name ?? "loading"}</p>;
  }
  render(
    <Root client={createMizanClient({ transport: s.transport })}>
      <SiteName />
      <UserContext user_id={1}>
        <First />
      </UserContext>
    </Root>,
  );
  assert.equal(text("site"), "From the server");
  assert.equal(text("p"), "Server user");
  assert.equal(renders[0], "Server user", "the very first render has the data");
  await sleep(20);
  assert.equal(s.fetches.length, 0);
});

test("an invalidation while a fetch is in flight sends a new request; the newer answer wins", async () => {
  const s = fakeServer();
  const client = createMizanClient({ transport: s.transport });
  render(
    <Root client={client}>
      <UserContext user_id={1}>
        <ProfileName id="p" />
      </UserContext>
    </Root>,
  );
  await waitFor(() => assert.equal(text("p"), "Mizan user 1"));
  // A refetch starts and is held; the server then changes, and an invalidation arrives.
  const release = deferred<void>();
  s.hold = release.promise;
  const qc = [...queryClients][0];
  assert.ok(qc);
  let refetch: Promise<void> | undefined;
  await act(async () => {
    refetch = qc.refetchQueries({ queryKey: ["mizan", "ctx", "user"] }).catch(() => undefined);
  });
  await waitFor(() => assert.equal(s.count("user"), 2));
  s.names.set(1, "Renamed");
  s.onCall = () => ({ result: { ok: true }, invalidate: [{ context: "user", params: { user_id: 1 } }] });
  await act(() => client.call("update_profile", { user_id: 1, name: "Renamed" }));
  s.hold = null;
  // The invalidation's refetch does not join the older request.
  await waitFor(() => assert.equal(s.count("user"), 3));
  await act(async () => {
    release.resolve();
    await refetch;
  });
  await waitFor(() => assert.equal(text("p"), "Renamed"));
});

test("<MizanContext> reads getHeaders and csrf.token from its latest props", async () => {
  const seen: { headers: Record<string, string> }[] = [];
  const fetchSpy: typeof fetch = async (_input, init) => {
    seen.push({ headers: { ...(init?.headers as Record<string, string>) } });
    return new Response(JSON.stringify({ result: { ok: true } }), { status: 200, headers: { "Content-Type": "application/json" } });
  };
  let call: (() => Promise<unknown>) | undefined;
  function Caller() {
    const { client } = useMizan();
    call = () => client.call("echo", { text: "hi" });
    return null;
  }
  const app = (token: string) => (
    <Root baseUrl="http://api.test/api/mizan" fetch={fetchSpy} getHeaders={() => ({ "X-Mizan-Token": token })} csrf={{ token: () => "csrf-" + token }}>
      <Caller />
    </Root>
  );
  const { rerender } = render(app("ada"));
  await act(() => call!());
  rerender(app("grace"));
  await act(() => call!());
  assert.equal(seen[0]?.headers["X-Mizan-Token"], "ada");
  assert.equal(seen[1]?.headers["X-Mizan-Token"], "grace", "the token of the latest render");
  assert.equal(seen[1]?.headers["X-CSRFToken"], "csrf-grace");
});

test("a call made through the default client still updates the root's cache", async () => {
  const s = fakeServer();
  // The default client is the one `call<Fn>()` uses without `{ client }`.
  const { configure, defaultClient } = await import("../../runtime/kernel.ts");
  configure({ transport: s.transport });
  {
    render(
      <Root client={createMizanClient({ transport: s.transport })}>
        <UserContext user_id={1}>
          <ProfileName id="p" />
        </UserContext>
      </Root>,
    );
    await waitFor(() => assert.equal(text("p"), "Mizan user 1"));
    s.onCall = (_fn, args) => {
      const value = { user_id: 1, name: String(args["name"]) };
      return { result: value, merge: [{ context: "user", slot: "user_profile", value, params: { user_id: 1 } }] };
    };
    await act(() => defaultClient().call("rename_user", { user_id: 1, name: "Merged" }));
    await waitFor(() => assert.equal(text("p"), "Merged"));
    assert.equal(s.count("user"), 1, "a merge makes no request");
  }
});

test("a failure that is not a MizanError reaches the hooks as one (CLIENT_ERROR)", async () => {
  const s = fakeServer();
  s.onCall = () => {
    throw new TypeError("the transport broke");
  };
  let rename: ReturnType<typeof useRenameUser> | undefined;
  function Renamer() {
    rename = useRenameUser();
    return <p data-testid="error">{rename.error?.code ?? "none"}</p>;
  }
  render(
    <Root client={createMizanClient({ transport: s.transport })}>
      <Renamer />
    </Root>,
  );
  await act(() => rename!.mutate({ user_id: 1, name: "x" }).catch((e: unknown) => assert.ok(e instanceof MizanError)));
  await waitFor(() => assert.equal(text("error"), "CLIENT_ERROR"));
});
