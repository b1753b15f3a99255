// The generated Vue client (reference-3.1, `--framework vue`) against the real reference backend:
// each scenario mounts real Vue apps (defineComponent + render functions) and counts the
// requests the client makes. The same scenarios run in jsdom (jsdom.test.ts) and in Chromium
// (chromium.test.ts, bundled by page.ts), so they use no Node module.
import { createApp, nextTick, ref, Suspense, type Component } from "vue";

import {
  api,
  clientOf,
  component,
  direct,
  eq,
  h,
  isGet,
  isPost,
  mount,
  nameUser,
  ok,
  pause,
  provider,
  recorder,
  settle,
  show,
  text,
  until,
  type Env,
} from "./harness.ts";

const name = (v: { name: string } | null | undefined): string => (v === undefined ? "undefined" : v === null ? "null" : v.name);

/** A provider of user `user_id` (a number, a ref or a getter) whose children show its profile
 * three ways: the slot's value, the slot's query, the whole bundle. */
function user(id: string, user_id: () => number, ...more: Component[]) {
  return provider(
    () => void api.provideUserContext(() => ({ user_id: user_id() })),
    component(() => {
      const profile = api.useUserProfile();
      return () => show(`${id}-a`, name(profile.value));
    }),
    component(() => {
      const q = api.useUserProfileQuery();
      return () => show(`${id}-b`, q.data.value?.name ?? q.status.value);
    }),
    component(() => {
      const bundle = api.useUserContext();
      return () => show(`${id}-c`, bundle.data.value ? `${bundle.data.value.user_profile.name} ${bundle.data.value.user_orders.length}` : bundle.status.value);
    }),
    ...more,
  );
}

const texts = (...ids: string[]) => ids.map(text);

/** A component that keeps a composable's result where the scenario can use it. */
function keep<T>(use: () => T): { current: () => T; Probe: Component } {
  let value: T | undefined;
  return {
    current: () => {
      ok(value !== undefined, "the probe is not mounted");
      return value;
    },
    Probe: component(() => {
      value = use();
      return () => null;
    }),
  };
}

type Outcome<T> = { ok: T } | { error: unknown };
const outcome = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );

export const scenarios: Record<string, (env: Env) => Promise<void>> = {
  async "one request per provider, however many composables read it; parameterless contexts need no provider"({ url }) {
    await Promise.all([nameUser(url, 8101, "Ann"), nameUser(url, 8102, "Ben")]);
    const r = recorder();
    const me = (id: string) =>
      component(() => {
        const current = api.useCurrentUser();
        return () => show(id, current.value === undefined ? "undefined" : current.value === null ? "null" : current.value.username);
      });
    mount(
      component(() => () => [h(user("u1", () => 8101)), h(user("u2", () => 8102)), h(me("me1")), h(me("me2"))]),
      { client: clientOf(r, url) },
    );
    await until(() => eq(texts("u1-a", "u1-b", "u1-c", "u2-a", "u2-b", "u2-c", "me1", "me2"), ["Ann", "Ann", "Ann 2", "Ben", "Ben", "Ben 3", "null", "null"]));
    await settle(r);
    eq(r.gets("user", { user_id: 8101 }).length, 1, "one GET for user 8101");
    eq(r.gets("user", { user_id: 8102 }).length, 1, "one GET for user 8102");
    eq(r.gets("global").length, 1, "one GET for the global bundle");
    eq(r.made().length, 3, "nothing else");
  },

  async "a merge (rename_user) updates every composable of the bundle with no request"({ url }) {
    await Promise.all([nameUser(url, 8103, "Cy"), nameUser(url, 8104, "Di")]);
    const r = recorder();
    const rename = keep(api.useRenameUser);
    mount(component(() => () => [h(user("u1", () => 8103)), h(user("u2", () => 8104)), h(rename.Probe)]), { client: clientOf(r, url) });
    await until(() => eq(texts("u1-a", "u2-a"), ["Cy", "Di"]));
    await settle(r);
    const before = r.sent.length;
    const result = await rename.current().mutate({ user_id: 8103, name: "Cy Merged" });
    eq(result, { user_id: 8103, name: "Cy Merged" });
    await until(() => eq(texts("u1-a", "u1-b", "u1-c"), ["Cy Merged", "Cy Merged", "Cy Merged 4"]));
    eq(texts("u2-a", "u2-b"), ["Di", "Di"], "scoped by user_id");
    await settle(r);
    eq(
      r.sent.slice(before).map((s) => `${s.method} ${s.path} ${s.fn ?? ""}`),
      ["POST /call/ rename_user"],
      "a merge costs no request",
    );
    const m = rename.current();
    eq([m.status.value, m.isSuccess.value, m.data.value?.name, m.variables.value?.name], ["success", true, "Cy Merged", "Cy Merged"], "the mutation's refs");
  },

  async "an affects mutation refetches each active matching bundle exactly once; inactive ones when used again"({ url }) {
    await Promise.all([nameUser(url, 8105, "Ed"), nameUser(url, 8106, "Flo"), nameUser(url, 8107, "Gus")]);
    const r = recorder();
    const update = keep(api.useUpdateProfile);
    const more = ref(true);
    const u3 = user("u3", () => 8107);
    mount(component(() => () => [h(user("u1", () => 8105)), h(user("u2", () => 8106)), more.value ? h(u3) : null, h(update.Probe)]), { client: clientOf(r, url) });
    await until(() => eq(texts("u1-a", "u2-a", "u3-a"), ["Ed", "Flo", "Gus"]));
    more.value = false;
    await settle(r);
    eq(r.made().length, 3);

    await update.current().mutate({ user_id: 8105, name: "Ed Updated" });
    await until(() => eq(texts("u1-a", "u1-b"), ["Ed Updated", "Ed Updated"]));
    await update.current().mutate({ user_id: 8107, name: "Gus Updated" });
    await settle(r);
    eq(r.gets("user", { user_id: 8105 }).length, 2, "the active bundle refetched once");
    eq(r.gets("user", { user_id: 8106 }).length, 1, "another user's bundle is untouched (the server scopes the invalidation)");
    eq(r.gets("user", { user_id: 8107 }).length, 1, "an inactive bundle is not refetched at once");
    // Used again, the stale inactive bundle refetches despite its 60 s staleTime.
    more.value = true;
    await until(() => eq(text("u3-a"), "Gus Updated"));
    await settle(r);
    eq(r.gets("user", { user_id: 8107 }).length, 2);
    eq(r.posts().length, 2);
  },

  async "loading (undefined) differs from the server's null and from an error"({ url }) {
    await nameUser(url, 8108, "Hal");
    const r = recorder();
    const seen: string[] = [];
    mount(
      component(() => {
        const found = api.useFindUserQuery({ user_id: 8108 });
        const none = api.useFindUserQuery({ user_id: 99_996 });
        const me = api.useWhoamiQuery();
        return () => {
          const row = [name(found.data.value), name(none.data.value), `${me.status.value} ${me.error.value?.code ?? "-"} ${me.error.value?.status ?? "-"} ${me.data.value === undefined ? "undefined" : "data"}`];
          seen.push(row.join(" | "));
          return row.map((t, i) => show(`q${i}`, t));
        };
      }),
      { client: clientOf(r, url) },
    );
    eq(seen[0], "undefined | undefined | pending - - undefined", "undefined while pending");
    await until(() => eq(texts("q0", "q1", "q2"), ["Hal", "null", "error UNAUTHORIZED 401 undefined"]));
    await settle(r);
    eq(r.posts("whoami").length, 1, "a 4xx is not retried");
    ok(
      r.made().every((s) => !s.signal?.aborted),
      "nothing aborted",
    );
  },

  async "param changes abort the old request and fetch the new params; unmount aborts too"({ url }) {
    await Promise.all([nameUser(url, 8110, "Ida"), nameUser(url, 8111, "Jo"), nameUser(url, 8112, "Kit")]);
    const r = recorder();
    const id = ref(8110);
    const first = r.hold(isGet("user", { user_id: 8110 }));
    const app = mount(component(() => () => h(user("u", () => id.value))), { client: clientOf(r, url) });
    const a = await first.seen;
    id.value = 8111;
    await until(() => eq(text("u-a"), "Jo"));
    await until(() => ok(a.signal?.aborted, "the request for the old params is aborted"));
    first.release();

    const third = r.hold(isGet("user", { user_id: 8112 }));
    id.value = 8112;
    const c = await third.seen;
    app.unmount();
    await until(() => ok(c.signal?.aborted, "unmounting aborts the request in flight"));
    third.release();
    await settle(r);
    eq(r.gets("user").map((s) => s.query["user_id"]), ["8110", "8111", "8112"]);
  },

  async "a plain read query refetches when its args change, aborting the old request"({ url }) {
    await Promise.all([nameUser(url, 8113, "Lee"), nameUser(url, 8114, "Max")]);
    const r = recorder();
    const userId = ref(8113);
    const held = r.hold(isPost("find_user"));
    mount(
      component(() => {
        const q = api.useFindUserQuery(() => ({ user_id: userId.value }));
        return () => show("f", q.data.value === undefined ? q.status.value : name(q.data.value));
      }),
      { client: clientOf(r, url) },
    );
    const old = await held.seen;
    eq(old.args, { user_id: 8113 });
    userId.value = 8114;
    await until(() => eq(text("f"), "Max"));
    await until(() => ok(old.signal?.aborted, "the old request is aborted"));
    held.release();
    // Back to the first args: fetched again (the aborted fetch left no data).
    userId.value = 8113;
    await until(() => eq(text("f"), "Lee"));
    await settle(r);
    eq(r.posts("find_user").map((s) => s.args?.["user_id"]), [8113, 8114, 8113]);
  },

  async "a paged read loads its next pages on demand, with the previous page's cursor"({ url }) {
    await nameUser(url, 8119, "Quy");
    const r = recorder();
    let history!: ReturnType<typeof api.useOrderHistoryInfiniteQuery>;
    mount(
      component(() => {
        history = api.useOrderHistoryInfiniteQuery({ user_id: 8119 }, { getNextPageParam: (page) => page.next_cursor });
        return () => show("pages", history.data.value?.pages.map((p) => p.orders.length).join(",") ?? history.status.value);
      }),
      { client: clientOf(r, url) },
    );
    await until(() => eq(text("pages"), "3"));
    await history.fetchNextPage();
    await history.fetchNextPage();
    await until(() => eq(text("pages"), "3,3,1"));
    eq(history.hasNextPage.value, false, "the last page has no next cursor");
    await settle(r);
    eq(
      r.posts("order_history").map((s) => s.args),
      [{ user_id: 8119 }, { user_id: 8119, cursor: 3 }, { user_id: 8119, cursor: 6 }],
    );
  },

  async "optimistic rename: rolled back when the call fails, unless newer data arrived meanwhile"({ url }) {
    await nameUser(url, 8115, "Ned");
    const r = recorder();
    const rename = keep(api.useRenameUser);
    const app = mount(component(() => () => h(user("p", () => 8115, rename.Probe))), { client: clientOf(r, url) });
    await until(() => eq(text("p-a"), "Ned"));

    // A name the server cannot read: VALIDATION_FAILED; the guess is rolled back.
    let post = r.hold(isPost("rename_user"));
    let done = outcome(rename.current().mutate({ user_id: 8115, name: 42 as unknown as string }, { optimistic: (prev) => ({ user_id: 8115, name: `${prev?.name} (guess)` }) }));
    await post.seen;
    await until(() => eq(text("p-a"), "Ned (guess)", "the updater got the current slot"));
    eq(rename.current().isPending.value, true);
    post.release();
    let o = await done;
    ok("error" in o && o.error instanceof api.MizanError && o.error.code === "VALIDATION_FAILED", `rejects with VALIDATION_FAILED: ${JSON.stringify(o)}`);
    await until(() => eq(text("p-a"), "Ned", "rolled back"));
    eq([rename.current().status.value, rename.current().error.value?.code], ["error", "VALIDATION_FAILED"]);

    // Newer data for the bundle (through its documented key) is not rolled back.
    post = r.hold(isPost("rename_user"));
    done = outcome(rename.current().mutate({ user_id: 8115, name: 42 as unknown as string }, { optimistic: { user_id: 8115, name: "Ned (guess 2)" } }));
    await post.seen;
    await until(() => eq(text("p-a"), "Ned (guess 2)"));
    const key = api.userContextQuery({ user_id: 8115 }).queryKey;
    const data = app.queryClient.getQueryData(key);
    ok(data, "the bundle is cached");
    app.queryClient.setQueryData(key, { ...data, user_profile: { user_id: 8115, name: "Ned (newer)" } });
    await until(() => eq(text("p-a"), "Ned (newer)"));
    post.release();
    o = await done;
    ok("error" in o, "the second call fails too");
    await settle(r);
    eq(text("p-a"), "Ned (newer)", "the newer data stays");
    eq(r.gets("user").length, 1, "no refetch");
  },

  async "server-rendered data seeds the bundles: no request on the first mount"({ url }) {
    const r = recorder();
    (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__ = {
      contexts: {
        user: { [JSON.stringify({ user_id: 8116 })]: { user_profile: { user_id: 8116, name: "Seeded" }, user_orders: [] } },
        global: { "{}": { current_user: null, site_settings: { site_name: "Seeded site", maintenance: false, features: [] } } },
      },
    };
    mount(
      component(() => {
        const current = api.useCurrentUser();
        return () => [h(user("s", () => 8116)), show("me", current.value === null ? "null" : "other")];
      }),
      { client: clientOf(r, url) },
    );
    eq(texts("s-a", "s-c", "me"), ["Seeded", "Seeded 0", "null"], "shown on the first render");
    await settle(r);
    await pause(50);
    eq(r.made().length, 0, "no request");
  },

  async "useSuspense<Slot>() resolves in an async setup under <Suspense>"({ url }) {
    await nameUser(url, 8117, "Oda");
    const r = recorder();
    const Async = { async setup() {
      const profile = await api.useSuspenseUserProfile();
      return () => show("sus", profile.name);
    } };
    mount(
      provider(
        () => void api.provideUserContext({ user_id: 8117 }),
        component(() => () => h(Suspense, null, { default: () => h(Async), fallback: () => show("sus", "loading") })),
      ),
      { client: clientOf(r, url) },
    );
    eq(text("sus"), "loading");
    await until(() => eq(text("sus"), "Oda"));
    await settle(r);
    eq(r.gets("user").length, 1, "the provider's request, shared");
  },

  async "a composable without its provider, or without the plugin, says how to fix it"() {
    const errors: string[] = [];
    const el = document.createElement("div");
    document.body.append(el);
    for (const withPlugin of [true, false]) {
      const app = createApp(component(() => {
        api.useUserProfile();
        return () => null;
      }));
      app.config.errorHandler = (e) => void errors.push(e instanceof Error ? e.message : String(e));
      app.config.warnHandler = () => undefined;
      if (withPlugin) app.use(api.MizanPlugin, { client: direct("http://127.0.0.1:9") });
      app.mount(el);
      app.unmount();
    }
    el.remove();
    eq(errors.length, 2);
    ok(errors[0]?.includes("call provideUserContext({ limit, user_id }) in the setup() of a parent component"), errors[0] ?? "");
    ok(errors[1]?.includes("app.use(MizanPlugin"), errors[1] ?? "");
  },

  async "useContactForm: client validation first, then the server's field errors; a valid form is submitted once"({ url }) {
    const r = recorder();
    let form!: api.FormState<api.ContactFormData, api.StatusOutput>;
    const errorsOf = (field: string) => Array.from(document.querySelectorAll(`[data-testid="error-${field}"]`), (e) => e.textContent);
    mount(
      component(() => {
        form = api.useContactForm();
        return () =>
          h("form", [
            ...form.fields.map((field) =>
              h("label", [
                field.label,
                h("input", {
                  "aria-label": field.name,
                  value: String(form.data[field.name] ?? ""),
                  onInput: (e: Event) => form.set(field.name, (e.target as HTMLInputElement).value as never),
                }),
                ...(form.errors[field.name] ?? []).map((err) => show(`error-${field.name}`, `${err.source}: ${err.message}${err.code === undefined ? "" : ` (${err.code})`}`)),
              ]),
            ),
            show("state", form.isSubmitting ? "sending" : form.result ? JSON.stringify(form.result) : "none"),
          ]);
      }),
      { client: clientOf(r, url) },
    );
    const fill = (field: string, value: string) => {
      const input = document.querySelector<HTMLInputElement>(`input[aria-label="${field}"]`);
      ok(input, `no input ${field}`);
      input.value = value;
      // The document's own Event (under jsdom, Node's global Event is another class).
      const view = input.ownerDocument.defaultView;
      ok(view, "a window");
      input.dispatchEvent(new view.Event("input"));
    };
    eq(form.data, { name: "", email: "", message: "", topic: "general" }, "the declared initial values");
    eq(await form.submit(), null, "invalid on the client");
    await until(() => eq([errorsOf("name"), errorsOf("email"), errorsOf("topic")], [["client: This field is required."], ["client: This field is required."], []]));
    fill("name", "Ada");
    fill("email", "not-an-email");
    fill("message", "short");
    await until(() => eq(errorsOf("name"), [], "set() clears the field's errors"));
    eq(form.validate(), false);
    await until(() => eq([errorsOf("email"), errorsOf("message")], [["client: Enter a valid email address."], ["client: Ensure this value has at least 10 characters."]]));
    await settle(r);
    eq(r.sent.length, 0, "invalid on the client: no request");

    // Valid on the client; the server trims, and finds the name missing and the message short.
    fill("name", "   ");
    fill("email", "ada@example.com");
    fill("message", "          x");
    eq(form.validate(), true, "valid on the client");
    eq(await form.submit(), null);
    await until(() => eq(errorsOf("message"), ["server: Ensure this value has at least 10 characters. (min_length)"]));
    eq(errorsOf("name"), ["server: This field is required. (required)"]);
    eq(form.errors.name, [{ message: "This field is required.", code: "required", source: "server" }]);
    eq(form.error, null, "field errors are not a form-level error");

    // Corrected: submitted once (a double submit joins the first), the result shown.
    fill("name", "Ada");
    fill("message", "Hello from the Vue scenarios");
    const post = r.hold(isPost("contact.submit"));
    const twice = [form.submit(), form.submit()];
    await post.seen;
    await until(() => eq(text("state"), "sending"));
    post.release();
    eq(await Promise.all(twice), [{ ok: true }, { ok: true }]);
    await until(() => eq(text("state"), '{"ok":true}'));
    eq([errorsOf("name"), errorsOf("message")], [[], []]);
    await settle(r);
    eq(
      r.made().map((s) => `${s.fn} ${s.status}`),
      ["contact.submit 422", "contact.submit 200"],
    );
  },

  async "useChatChannel: status tells the truth through a backend restart, and messages flow again"({ restartable }) {
    ok(restartable, "this scenario needs a backend it can restart");
    const room = `vue-restart-${Math.random().toString(36).slice(2)}`;
    const statuses: string[] = [];
    let chat!: api.ChannelWithSend<api.ChatMessage, api.ChatClientMessage>;
    const max = ref(10);
    mount(
      component(() => {
        chat = api.useChatChannel(() => ({ room }), { max });
        return () => {
          if (statuses[statuses.length - 1] !== chat.status) statuses.push(chat.status);
          return [show("status", chat.status), ...chat.messages.map((m) => h("li", `${m.text}`))];
        };
      }),
      { baseUrl: restartable.url + "/api/mizan" },
    );
    await until(() => eq(text("status"), "open"), 10_000);
    await chat.send({ text: "before the restart" });
    await until(() => eq(chat.messages.map((m) => m.text), ["before the restart"]));

    await restartable.kill();
    await until(() => eq(text("status"), "connecting"), 5000);
    // The kernel retries with backoff (250 ms, 500 ms, ...): still connecting a second later.
    await pause(1000);
    eq(text("status"), "connecting");
    const down = await outcome(chat.send({ text: "while down" }));
    ok("error" in down && down.error instanceof api.MizanError && down.error.code === "NOT_SUBSCRIBED", `send while down: ${JSON.stringify(down)}`);

    await restartable.start();
    await until(() => eq(text("status"), "open"), 15_000);
    eq(statuses, ["connecting", "open", "connecting", "open"]);
    // Messages flow again, from another subscriber to the app and from the app.
    const other = direct(restartable.url);
    const sub = api.subscribeChatChannel({ room }, () => undefined, { client: other });
    try {
      await sub.ready;
      await sub.send({ text: "from another client" });
      await chat.send({ text: "after the restart" });
      await until(() => eq(chat.messages.map((m) => m.text), ["before the restart", "from another client", "after the restart"]));
      eq(chat.last?.text, "after the restart");
      // A smaller max applies at once.
      max.value = 1;
      await until(() => eq(chat.messages.map((m) => m.text), ["after the restart"]));
    } finally {
      sub.close();
      other.disconnect();
    }
  },

  async "unmounting the app stops applying its client's effects to the app's cache"({ url }) {
    await nameUser(url, 8118, "Pia");
    const r = recorder();
    const client = clientOf(r, url);
    const app = mount(component(() => () => h(user("u", () => 8118))), { client });
    await until(() => eq(text("u-a"), "Pia"));
    await settle(r);
    const key = api.userContextQuery({ user_id: 8118 }).queryKey;
    app.unmount();
    await api.callUpdateProfile({ user_id: 8118, name: "Pia Later" }, { client });
    await nextTick();
    await pause(10);
    const state = app.queryClient.getQueryState(key);
    ok(state, "still cached");
    eq(state.isInvalidated, false, "no longer listening");
  },

  async "on Vue before 3.5 (no app.onUnmount) the plugin installs, and app.unmount() still stops its effects"({ url }) {
    await nameUser(url, 8119, "Quin");
    const r = recorder();
    const client = clientOf(r, url);
    const el = document.createElement("div");
    document.body.append(el);
    const app = createApp(component(() => () => h(user("v", () => 8119))));
    Reflect.deleteProperty(app, "onUnmount");
    app.use(api.MizanPlugin, { client });
    const { queryClient } = app.runWithContext(() => api.useMizan());
    app.mount(el);
    try {
      await until(() => eq(text("v-a"), "Quin"));
      await settle(r);
    } finally {
      app.unmount();
      el.remove();
    }
    const key = api.userContextQuery({ user_id: 8119 }).queryKey;
    await api.callUpdateProfile({ user_id: 8119, name: "Quin Later" }, { client });
    await nextTick();
    await pause(10);
    const state = queryClient.getQueryState(key);
    queryClient.clear();
    ok(state, "still cached");
    eq(state.isInvalidated, false, "no longer listening");
  },
};
