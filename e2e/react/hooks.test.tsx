// The generated React layer (fixtures/good/reference-3.1), rendered with React Testing Library on
// jsdom over a fake transport: request counts, merges, affects, optimistic rollback, StrictMode,
// missing providers, and forms.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { act, cleanup, fireEvent, render, waitFor, within } from "@testing-library/react";
import { Component, StrictMode, type ReactNode } from "react";

import * as api from "../.generated/reference-3.1/index.ts";
import { deferred, FakeTransport } from "../kernel/helpers.ts";

afterEach(async () => {
  cleanup();
  // Unmounted bundles stay cached until invalidated: evict them so each test starts afresh.
  api.invalidate(["global", "user", "items"]);
  await new Promise((r) => setTimeout(r, 0));
});

/** Queries over the document, bound when called (the DOM is set up after imports). */
const screen = {
  get: () => within(document.body),
  findByText: (t: string | RegExp) => within(document.body).findByText(t),
  getByText: (t: string) => within(document.body).getByText(t),
  getByTestId: (id: string) => within(document.body).getByTestId(id),
  findByTestId: (id: string) => within(document.body).findByTestId(id),
  getByRole: (role: string) => within(document.body).getByRole(role),
  getByLabelText: (label: string) => within(document.body).getByLabelText(label),
};

function fixtureTransport(): FakeTransport {
  const t = new FakeTransport();
  const names = new Map<number, string>();
  t.onFetch = (context, params) => {
    if (context === "global") return { current_user: null, site_settings: { site_name: "Mizan", maintenance: false, features: [] } };
    if (context === "user") {
      const id = Number(params["user_id"]);
      return { user_profile: { user_id: id, name: names.get(id) ?? `User ${id}` }, user_orders: [] };
    }
    return { list_items: [] };
  };
  t.onCall = (fn, args) => {
    const id = Number(args["user_id"]);
    if (fn === "rename_user") {
      names.set(id, String(args["name"]));
      const value = { user_id: id, name: String(args["name"]) };
      return { result: value, merge: [{ context: "user", slot: "user_profile", value, params: { user_id: id } }] };
    }
    if (fn === "update_profile") {
      names.set(id, String(args["name"]));
      return { result: { ok: true }, invalidate: [{ context: "user", params: { user_id: id } }] };
    }
    throw new api.MizanError("BAD_REQUEST", `unexpected ${fn}`, 400);
  };
  return t;
}

function Profile({ label }: { label: string }) {
  const profile = api.useUserProfile();
  return <p data-testid={label}>{profile ? profile.name : "loading"}</p>;
}

function SiteName() {
  return <h1>{api.useSiteSettings()?.site_name ?? "…"}</h1>;
}

function Renamer({ optimistic }: { optimistic?: boolean }) {
  const rename = api.useRenameUser();
  const update = api.useUpdateProfile();
  return (
    <>
      <button onClick={() => void rename.mutate({ user_id: 1, name: "Merged" }, optimistic ? { optimistic: { user_id: 1, name: "Guess" } } : {}).catch(() => undefined)}>rename</button>
      <button onClick={() => void update.mutate({ user_id: 1, name: "Refetched" })}>update</button>
      <output>{rename.isPending ? "pending" : rename.error ? `error ${rename.error.code}` : "idle"}</output>
    </>
  );
}

function App({ transport, children }: { transport: api.MizanTransport; children?: ReactNode }) {
  return (
    <api.MizanContext transport={transport}>
      <SiteName />
      <api.UserContext user_id={1}>
        <Profile label="a" />
        <Profile label="b" />
        <Profile label="c" />
        {children}
      </api.UserContext>
    </api.MizanContext>
  );
}

test("several hooks under one provider share one request per context", async () => {
  const t = fixtureTransport();
  render(<App transport={t} />);
  await screen.findByText("Mizan");
  await waitFor(() => assert.equal(screen.getByTestId("c").textContent, "User 1"));
  assert.equal(t.count("user"), 1);
  assert.equal(t.count("global"), 1);
});

test("StrictMode's double mounting makes no extra request", async () => {
  const t = fixtureTransport();
  render(
    <StrictMode>
      <App transport={t} />
    </StrictMode>,
  );
  await waitFor(() => assert.equal(screen.getByTestId("a").textContent, "User 1"));
  await act(() => new Promise((r) => setTimeout(r, 20)));
  assert.equal(t.count("user"), 1);
  assert.equal(t.count("global"), 1);
});

test("a merge updates every hook with no request; affects refetches exactly once", async () => {
  const t = fixtureTransport();
  render(
    <App transport={t}>
      <Renamer />
    </App>,
  );
  await waitFor(() => assert.equal(screen.getByTestId("a").textContent, "User 1"));
  fireEvent.click(screen.getByText("rename"));
  await waitFor(() => assert.equal(screen.getByTestId("b").textContent, "Merged"));
  assert.equal(t.count("user"), 1, "merge: no request");
  fireEvent.click(screen.getByText("update"));
  await waitFor(() => assert.equal(screen.getByTestId("c").textContent, "Refetched"));
  await act(() => new Promise((r) => setTimeout(r, 20)));
  assert.equal(t.count("user"), 2, "affects: one refetch");
});

test("an optimistic merge shows at once and rolls back when the call fails", async () => {
  const t = fixtureTransport();
  const gate = deferred<never>();
  render(
    <App transport={t}>
      <Renamer optimistic />
    </App>,
  );
  await waitFor(() => assert.equal(screen.getByTestId("a").textContent, "User 1"));
  t.onCall = () => {
    throw new Error("unused");
  };
  t.call = () => gate.promise;
  fireEvent.click(screen.getByText("rename"));
  await waitFor(() => assert.equal(screen.getByTestId("a").textContent, "Guess"));
  assert.equal(screen.getByRole("status").textContent, "pending");
  await act(async () => gate.reject(new api.MizanError("FORBIDDEN", "no", 403)));
  await waitFor(() => assert.equal(screen.getByTestId("a").textContent, "User 1"));
  assert.equal(screen.getByRole("status").textContent, "error FORBIDDEN");
});

class Catch extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  override render() {
    return this.state.error ? <pre>{this.state.error}</pre> : this.props.children;
  }
}

test("a hook outside its provider throws an error that names the provider", async () => {
  const quiet = console.error;
  console.error = () => undefined;
  try {
    render(
      <Catch>
        <Profile label="orphan" />
      </Catch>,
    );
    const message = (await screen.findByText(/must be used inside/)).textContent ?? "";
    assert.match(message, /useUserContext\(\) must be used inside <UserContext>/);
  } finally {
    console.error = quiet;
  }
});

function ContactForm() {
  const form = api.useContactForm();
  return (
    <form onSubmit={(e) => (e.preventDefault(), void form.submit())}>
      {form.fields.map((f) => (
        <label key={f.name}>
          {f.label}
          <input aria-label={f.name} value={String(form.data[f.name] ?? "")} onChange={(e) => form.set(f.name, e.target.value as never)} />
          {form.errors[f.name]?.map((err) => (
            <span key={err.message} data-testid={`error-${f.name}`}>{`${err.source}: ${err.message}`}</span>
          ))}
        </label>
      ))}
      <button type="submit">{form.isSubmitting ? "sending" : "send"}</button>
      {form.result ? <p>sent</p> : null}
    </form>
  );
}

test("forms validate on the client, then show the server's field errors", async () => {
  const t = fixtureTransport();
  let submitted: unknown = null;
  t.onCall = (fn, args) => {
    assert.equal(fn, "contact.submit");
    submitted = args;
    throw new api.MizanError("VALIDATION_FAILED", "invalid", 422, { email: ["This address is blocked."] });
  };
  render(
    <api.MizanContext transport={t}>
      <ContactForm />
    </api.MizanContext>,
  );
  fireEvent.change(screen.getByLabelText("email"), { target: { value: "not-an-email" } });
  fireEvent.click(screen.getByText("send"));
  assert.equal((await screen.findByTestId("error-email")).textContent, "client: Enter a valid email address.");
  assert.equal(screen.getByTestId("error-name").textContent, "client: This field is required.");
  assert.equal(t.calls.length, 0, "invalid on the client: nothing is sent");

  fireEvent.change(screen.getByLabelText("name"), { target: { value: "Ada" } });
  fireEvent.change(screen.getByLabelText("email"), { target: { value: "ada@example.com" } });
  fireEvent.change(screen.getByLabelText("message"), { target: { value: "Hello, this is long enough." } });
  fireEvent.click(screen.getByText("send"));
  await waitFor(() => assert.equal(screen.getByTestId("error-email").textContent, "server: This address is blocked."));
  assert.deepEqual(submitted, { data: { name: "Ada", email: "ada@example.com", message: "Hello, this is long enough.", topic: "general" } });

  t.onCall = () => ({ result: { ok: true } });
  fireEvent.change(screen.getByLabelText("email"), { target: { value: "ada@lovelace.org" } });
  fireEvent.click(screen.getByText("send"));
  await screen.findByText("sent");
});
