// The browser app the end-to-end tests drive: the React layer generated from the reference
// backend's schema, on real React 19 and TanStack Query v5. `?s=<scenario>` picks what to render;
// every scenario runs under StrictMode. What the tests read besides the DOM goes to
// `window.__probe` (probe.ts).
import { Component, StrictMode, Suspense, useLayoutEffect, useState, type ReactNode } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";

import * as api from "../.generated/backend/index.ts";
import { probe } from "./probe.ts";
import { SsrTree } from "./ssr-app.tsx";

const query = new URLSearchParams(location.search);
const number = (name: string, fallback: number): number => Number(query.get(name) ?? fallback);

/** fetch, recording every request whose signal aborts. */
const recordingFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  init?.signal?.addEventListener("abort", () => probe().aborts.push(url), { once: true });
  return fetch(input, init);
};

/** WebSocket, counting connection attempts. */
class CountingWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
    probe().sockets++;
  }
}

/** Publishes the root's QueryClient under `label`. Renders nothing. */
function Probe({ label }: { label: string }): null {
  const { queryClient } = api.useMizan();
  probe().queryClients[label] = queryClient;
  return null;
}

/** Records every committed value of `text` under `label`. */
function useLogged(label: string, text: string): void {
  useLayoutEffect(() => {
    (probe().log[label] ??= []).push(text);
  }, [label, text]);
}

// ---- main: several providers and hooks, merge and affects mutations ----

function Profile({ label }: { label: string }) {
  const profile = api.useUserProfile();
  const orders = api.useUserOrders();
  const bundle = api.useUserContext();
  return (
    <section>
      <h3 data-testid={`name-${label}`}>{profile ? profile.name : "loading"}</h3>
      <p data-testid={`orders-${label}`}>
        {orders ? `${orders.length} orders` : "…"}
        {bundle.isFetching ? " (fetching)" : ""}
      </p>
    </section>
  );
}

function Header() {
  const user = api.useCurrentUser();
  const settings = api.useSiteSettings();
  return (
    <header>
      <h1>{settings ? settings.site_name : "…"}</h1>
      <p data-testid="current-user">{user === undefined ? "loading" : user === null ? "anonymous" : user.username}</p>
    </header>
  );
}

function Actions({ userId }: { userId: number }) {
  const rename = api.useRenameUser();
  const update = api.useUpdateProfile();
  const [name, setName] = useState("");
  return (
    <p>
      <input aria-label="new name" value={name} onChange={(e) => setName(e.target.value)} />{" "}
      <button onClick={() => void rename.mutate({ user_id: userId, name }).catch(() => undefined)}>Rename (merge)</button>{" "}
      <button onClick={() => void update.mutate({ user_id: userId, name }).catch(() => undefined)}>Update (affects)</button>{" "}
      <span data-testid="mutations">
        rename {rename.status}, update {update.status}
      </span>
    </p>
  );
}

function Main({ a, b }: { a: number; b: number }) {
  return (
    <api.MizanContext fetch={recordingFetch}>
      <Probe label="main" />
      <Header />
      <api.UserContext user_id={a}>
        <Profile label="a" />
        <Profile label="a2" />
        <Actions userId={a} />
      </api.UserContext>
      <api.UserContext user_id={a}>
        <Profile label="a3" />
      </api.UserContext>
      <api.UserContext user_id={a} limit={2}>
        <Profile label="a-limit" />
      </api.UserContext>
      <api.UserContext user_id={b}>
        <Profile label="b" />
      </api.UserContext>
    </api.MizanContext>
  );
}

// ---- states: loading, null and error, told apart ----

const valueText = (v: unknown): string => (v === undefined ? "undefined" : v === null ? "null" : "a value");

function stateText<D>(q: { isPending: boolean; isError: boolean; error: api.MizanError | null; data: D | undefined }, show: (d: D) => string): string {
  if (q.isError) return `error ${q.error?.code ?? "?"}`;
  if (q.isPending) return "loading";
  return show(q.data as D);
}

function CurrentUserState() {
  const q = api.useCurrentUserQuery();
  const value = api.useCurrentUser();
  return (
    <p data-testid="state-current-user">
      {stateText(q, (u) => (u === null ? "null" : u.username))} | value {valueText(value)}
    </p>
  );
}

function MissingProfileState() {
  const q = api.useUserProfileQuery();
  const value = api.useUserProfile();
  return (
    <p data-testid="state-missing-profile">
      {stateText(q, (p) => p.name)} | value {valueText(value)}
    </p>
  );
}

function FindUserState({ userId }: { userId: number }) {
  const q = api.useFindUserQuery({ user_id: userId });
  return <p data-testid="state-find-user">{stateText(q, (p) => (p === null ? "null" : p.name))}</p>;
}

function States({ missing }: { missing: number }) {
  return (
    <api.MizanContext fetch={recordingFetch}>
      <Probe label="states" />
      <CurrentUserState />
      <FindUserState userId={missing} />
      <api.UserContext user_id={missing}>
        <MissingProfileState />
      </api.UserContext>
    </api.MizanContext>
  );
}

// ---- suspense ----

class Boundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof api.MizanError ? e.code : String(e) };
  }
  override render() {
    return this.state.error ? <p data-testid="boundary">error boundary: {this.state.error}</p> : this.props.children;
  }
}

function SuspenseName() {
  const profile = api.useSuspenseUserProfile();
  return <p data-testid="suspense-name">{profile.name}</p>;
}

function SuspenseDemo({ userId }: { userId: number }) {
  return (
    <api.MizanContext fetch={recordingFetch}>
      <Probe label="suspense" />
      <api.UserContext user_id={userId}>
        <Boundary>
          <Suspense fallback={<p data-testid="fallback">suspense fallback</p>}>
            <SuspenseName />
          </Suspense>
        </Boundary>
      </api.UserContext>
    </api.MizanContext>
  );
}

// ---- keepPrevious ----

function KeptName({ label }: { label: string }) {
  const q = api.useUserProfileQuery();
  const text = q.data ? q.data.name + (q.isPlaceholderData ? " (previous)" : "") : "loading";
  useLogged(label, text);
  return <p data-testid={label}>{text}</p>;
}

function Keep({ start }: { start: number }) {
  const [id, setId] = useState(start);
  return (
    <api.MizanContext fetch={recordingFetch}>
      <Probe label="keep" />
      <button onClick={() => setId((i) => i + 1)}>next user</button>
      <api.UserContext user_id={id} keepPrevious>
        <KeptName label="keep" />
      </api.UserContext>
      <api.UserContext user_id={id}>
        <KeptName label="plain" />
      </api.UserContext>
    </api.MizanContext>
  );
}

// ---- optimistic merges ----

function OptimisticName({ userId }: { userId: number }) {
  const profile = api.useUserProfile();
  const rename = api.useRenameUser();
  const [error, setError] = useState("");
  useLogged("optimistic", profile ? profile.name : "loading");
  const run = (name: string, optimistic: NonNullable<api.MutateOptions<api.ProfileOutput>["optimistic"]>) => {
    setError("");
    void rename.mutate({ user_id: userId, name }, { optimistic }).catch((e: unknown) => setError(e instanceof api.MizanError ? e.code : String(e)));
  };
  return (
    <section>
      <p data-testid="opt-name">{profile ? profile.name : "loading"}</p>
      <button onClick={() => run("Saved Name", (current) => ({ user_id: userId, name: `${current?.name ?? "?"} (saving)` }))}>save</button>{" "}
      <button onClick={() => run("Never Saved", { user_id: userId, name: "Doomed Name" })}>save and fail</button>
      <p data-testid="opt-status">
        {rename.status}
        {error && ` ${error}`}
      </p>
    </section>
  );
}

function Optimistic({ userId }: { userId: number }) {
  return (
    <api.MizanContext fetch={recordingFetch}>
      <Probe label="optimistic" />
      <api.UserContext user_id={userId}>
        <OptimisticName userId={userId} />
      </api.UserContext>
    </api.MizanContext>
  );
}

// ---- abort on unmount ----

function Abort({ userId }: { userId: number }) {
  const [shown, setShown] = useState(true);
  return (
    <api.MizanContext fetch={recordingFetch}>
      <Probe label="abort" />
      <button onClick={() => setShown((s) => !s)}>{shown ? "hide" : "show"}</button>
      {shown && (
        <api.UserContext user_id={userId}>
          <Profile label="abort" />
        </api.UserContext>
      )}
    </api.MizanContext>
  );
}

// ---- two roots, two backends ----

function RootPanel({ label, userId }: { label: string; userId: number }) {
  return (
    <>
      <Probe label={label} />
      <api.UserContext user_id={userId}>
        <Profile label={label} />
        <Actions userId={userId} />
      </api.UserContext>
    </>
  );
}

function Two({ userId, other }: { userId: number; other: string }) {
  return (
    <>
      <section data-testid="root-a">
        <h2>Root A (this origin)</h2>
        <api.MizanContext fetch={recordingFetch}>
          <RootPanel label="a" userId={userId} />
        </api.MizanContext>
      </section>
      <section data-testid="root-b">
        <h2>Root B ({other})</h2>
        <api.MizanContext baseUrl={`${other}/api/mizan`} fetch={recordingFetch}>
          <RootPanel label="b" userId={userId} />
        </api.MizanContext>
      </section>
    </>
  );
}

// ---- a channel ----

function ChatPanel({ room }: { room: string }) {
  const chat = api.useChatChannel({ room });
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  useLogged("status", chat.status);
  return (
    <section>
      <h2 data-testid="status">{chat.status}</h2>
      <ul data-testid="messages">
        {chat.messages.map((m, i) => (
          <li key={i}>
            {m.user}: {m.text}
          </li>
        ))}
      </ul>
      <input aria-label="chat message" value={text} onChange={(e) => setText(e.target.value)} />
      <button
        onClick={() => {
          setError("");
          chat.send({ text }).then(
            () => setText(""),
            (e: unknown) => setError(e instanceof api.MizanError ? e.code : String(e)),
          );
        }}
      >
        Post
      </button>
      <p data-testid="send-error">{error}</p>
    </section>
  );
}

function Chat({ room }: { room: string }) {
  return (
    <api.MizanContext WebSocket={CountingWebSocket}>
      <Probe label="chat" />
      <ChatPanel room={room} />
    </api.MizanContext>
  );
}

// ---- a form ----

/** A field error as the page shows it: the message, who found it, and the server's code. */
const describe = (err: api.FormFieldError) => ` ${err.message} (${err.source}${err.code === undefined ? "" : `, ${err.code}`})`;

function ContactForm() {
  const form = api.useContactForm();
  const [checked, setChecked] = useState("");
  return (
    <form onSubmit={(e) => (e.preventDefault(), void form.submit())}>
      {form.fields.map((f) => (
        <label key={f.name} style={{ display: "block" }}>
          {f.label}{" "}
          <input name={f.name} value={String(form.data[f.name] ?? "")} onChange={(e) => form.set(f.name, e.target.value as never)} />
          {form.errors[f.name]?.map((err) => (
            <em key={err.message} className="error" data-testid={`error-${f.name}`}>
              {describe(err)}
            </em>
          ))}
        </label>
      ))}
      {form.errors.__all__?.map((err) => (
        <p key={err.message} role="alert" className="error" data-testid="error-__all__">
          {describe(err)}
        </p>
      ))}
      <button type="button" onClick={() => void form.validateOnServer().then((ok) => setChecked(ok ? "valid" : "invalid"))}>
        Check
      </button>
      <output data-testid="checked">{checked}</output>
      <button type="submit">{form.isSubmitting ? "Sending…" : "Send"}</button>
      {form.result ? <strong data-testid="sent"> Sent.</strong> : null}
    </form>
  );
}

function Form() {
  return (
    <api.MizanContext fetch={recordingFetch}>
      <Probe label="form" />
      <ContactForm />
    </api.MizanContext>
  );
}

// ---- boot ----

function HydrationProbe(): null {
  const { queryClient } = api.useMizan();
  probe().queryClients["ssr"] = queryClient;
  useLayoutEffect(() => {
    probe().hydrated = true;
  }, []);
  return null;
}

function scenario(): ReactNode {
  switch (query.get("s")) {
    case "states":
      return <States missing={number("missing", 999_999)} />;
    case "suspense":
      return <SuspenseDemo userId={number("u", 1)} />;
    case "keep":
      return <Keep start={number("u", 1)} />;
    case "optimistic":
      return <Optimistic userId={number("u", 1)} />;
    case "abort":
      return <Abort userId={number("u", 1)} />;
    case "two":
      return <Two userId={number("u", 1)} other={query.get("other") ?? ""} />;
    case "chat":
      return <Chat room={query.get("room") ?? "lobby"} />;
    case "form":
      return <Form />;
    default:
      return <Main a={number("a", 7)} b={number("b", 8)} />;
  }
}

const container = document.getElementById("root");
probe();
if (container?.dataset["ssr"] !== undefined) {
  // A server-rendered page (ssr.test.tsx): hydrate the same tree; the root seeds its cache from
  // window.__MIZAN_SSR_DATA__.
  const token = window.__MIZAN_TOKEN__;
  hydrateRoot(
    container,
    <SsrTree baseUrl="/api/mizan" getHeaders={() => (token ? { "X-Mizan-Token": token } : {})}>
      <HydrationProbe />
    </SsrTree>,
    {
      onRecoverableError: (error) => {
        probe().recoverable.push(String(error));
        console.error("recoverable error:", error);
      },
    },
  );
} else if (container) {
  createRoot(container).render(<StrictMode>{scenario()}</StrictMode>);
}
