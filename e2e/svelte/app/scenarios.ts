// The behaviour of the generated Svelte layer (fixtures/good/reference-3.1) against a real
// mizan-reference-backend, as scenarios that run the same in jsdom (../jsdom.test.ts) and in
// Chromium (../chromium.test.ts, through the page this file is bundled into). Requests are counted
// by the recording fetch (shared/recorder.ts), which can hold one back for precise timing.
//
// Each scenario uses user ids of its own (7500-7599) and names them itself before reading them.
import * as api from "../.generated/reference-3.1/index.ts";
import { isGet, isPost, recorder, type Recorder } from "../../shared/recorder.ts";
import Chat from "./Chat.svelte";
import Contact from "./Contact.svelte";
import Finder from "./Finder.svelte";
import Orphan from "./Orphan.svelte";
import { reactive } from "./reactive.svelte.ts";
import { eq, ok, outcome, render, roots, settle, text, tidy, type, until } from "./harness.ts";
import Rename from "./Rename.svelte";
import Route from "./Route.svelte";
import Screen from "./Screen.svelte";
import States from "./States.svelte";

/** Where the backend is: `base` is its origin (the page's own in Chromium). */
export interface Env {
  base: string;
}

const mountOf = (env: Env) => `${env.base}/api/mizan`;
const clientOf = (env: Env, r: Recorder, extra: api.MizanConfig = {}) => api.createMizanClient({ baseUrl: mountOf(env), fetch: r.fetch, ...extra });
const direct = (env: Env) => api.createMizanClient({ baseUrl: mountOf(env) });
const nameUser = async (env: Env, user_id: number, name: string) => void (await api.callRenameUser({ user_id, name }, { client: direct(env) }));
const names = (id: string) => [text(`${id}-a`), text(`${id}-b`)];
const calls = (r: Recorder, from = 0) => r.made().slice(from).map((s) => `${s.method} ${s.path}${s.fn ? " " + s.fn : ""}`);

type Scenario = (env: Env) => Promise<void>;

export const scenarios: Record<string, Scenario> = {
  "one GET per setter whatever the number of slot getters; global needs no setter": async (env) => {
    await Promise.all([nameUser(env, 7501, "Ann"), nameUser(env, 7502, "Bob")]);
    const r = recorder();
    render(Screen, { options: { client: clientOf(env, r) }, users: [7501, 7502], site: true });
    await until(() => {
      eq(names("u7501"), ["Ann", "Ann"]);
      eq(names("u7502"), ["Bob", "Bob"]);
      eq(text("u7501-orders"), "2"); // 7501 % 4 + 1
      eq(text("site"), "Mizan");
    });
    await settle(r);
    eq(r.sent.map((s) => `${s.method} ${s.path} ${s.query["user_id"] ?? ""}`).sort(), ["GET /ctx/global/ ", "GET /ctx/user/ 7501", "GET /ctx/user/ 7502"], "one request per bundle");
    ok(
      r.sent.every((s) => s.status === 200 && !s.signal?.aborted),
      "no request was aborted",
    );
  },

  "a setter given more than its params keys and fetches by its params only, as React's and Vue's do": async (env) => {
    await nameUser(env, 7590, "Route");
    const r = recorder();
    render(Route, { options: { client: clientOf(env, r) }, route: { user_id: 7590, tab: "orders" } });
    await until(() => eq(text("route"), "Route"));
    await settle(r);
    eq(r.sent.map((s) => `${s.method} ${s.path} ${JSON.stringify(s.query)}`), ['GET /ctx/user/ {"user_id":"7590"}'], "the request has the context's params only");
    const root = [...roots].at(-1);
    ok(root?.getQueryData(api.userContextQuery({ user_id: 7590 }).queryKey), "cached under the key of the context's params");
  },

  "a merge (rename_user) updates every getter of the bundle with no request but its POST": async (env) => {
    await Promise.all([nameUser(env, 7503, "Cy"), nameUser(env, 7504, "Di")]);
    const r = recorder();
    let rename!: ReturnType<typeof api.createRenameUser>;
    render(Screen, { options: { client: clientOf(env, r) }, users: [7503, 7504], probe: () => (rename = api.createRenameUser()) });
    await until(() => eq([...names("u7503"), ...names("u7504")], ["Cy", "Cy", "Di", "Di"]));
    await settle(r);
    const before = r.made().length;
    eq(await rename.mutate({ user_id: 7503, name: "Cy Merged" }), { user_id: 7503, name: "Cy Merged" }, "mutate() resolves to the result");
    await until(() => eq(names("u7503"), ["Cy Merged", "Cy Merged"]));
    eq(names("u7504"), ["Di", "Di"], "scoped by user_id");
    await settle(r);
    eq(calls(r, before), ["POST /call/ rename_user"], "a merge costs no request");
    eq(text("u7503-orders"), "4", "the bundle's other slot is kept");
  },

  "an affects mutation refetches each active matching bundle once; inactive ones when used again": async (env) => {
    await Promise.all([nameUser(env, 7505, "Ed"), nameUser(env, 7506, "Flo"), nameUser(env, 7507, "Gus")]);
    const r = recorder();
    let update!: ReturnType<typeof api.createUpdateProfile>;
    const props = reactive({ options: { client: clientOf(env, r) }, users: [7505, 7506, 7507], probe: () => (update = api.createUpdateProfile()) });
    render(Screen, props);
    await until(() => eq(["u7505-a", "u7506-a", "u7507-a"].map(text), ["Ed", "Flo", "Gus"]));
    props.users = [7505, 7506];
    await settle(r);
    eq(r.made().length, 3);
    await update.mutate({ user_id: 7505, name: "Ed Updated" });
    await until(() => eq(names("u7505"), ["Ed Updated", "Ed Updated"]));
    await update.mutate({ user_id: 7507, name: "Gus Updated" });
    await settle(r);
    eq(r.gets("user", { user_id: 7505 }).length, 2, "the active bundle refetched once");
    eq(r.gets("user", { user_id: 7506 }).length, 1, "another user's bundle is untouched");
    eq(r.gets("user", { user_id: 7507 }).length, 1, "an inactive bundle is not refetched at once");
    props.users = [7505, 7506, 7507];
    await until(() => eq(names("u7507"), ["Gus Updated", "Gus Updated"]));
    await settle(r);
    eq(r.gets("user", { user_id: 7507 }).length, 2, "marked stale: used again, it refetches despite its 60 s staleTime");
    eq(r.made().length, 7);
  },

  "loading, null and error are told apart": async (env) => {
    const r = recorder();
    const held = r.hold(isGet("global"));
    const log: string[] = [];
    render(States, { options: { client: clientOf(env, r) }, missing: 99_999, log });
    await held.seen;
    eq(text("me"), "undefined pending");
    held.release();
    await until(() => eq(text("me"), "null success"));
    await until(() => eq([text("found"), text("missing")], ["null", "error NOT_FOUND 404 undefined"]));
    ok(
      log.every((l) => l === "undefined pending" || l === "null success"),
      log.join(", "),
    );
    await settle(r);
    eq(r.gets("user", { user_id: 99_999 }).length, 1, "a 404 is not retried");
  },

  "unmounting a setter mid-flight aborts its request": async (env) => {
    const r = recorder();
    const held = r.hold(isGet("user", { user_id: 7511 }));
    const props = reactive({ options: { client: clientOf(env, r) }, users: [7511] });
    render(Screen, props);
    const request = await held.seen;
    eq(request.signal?.aborted, false);
    props.users = [];
    await until(() => eq(request.signal?.aborted, true));
    await until(() => eq(request.done, true));
    eq(request.status, 0, "no answer");
  },

  "changing user_id mid-flight aborts the old request; its late answer is never shown": async (env) => {
    await Promise.all([nameUser(env, 7512, "Kim"), nameUser(env, 7513, "Lou")]);
    const r = recorder();
    const held = r.hold(isGet("user", { user_id: 7512 }), { ignoreAbort: true });
    const log: string[] = [];
    const props = reactive({ options: { client: clientOf(env, r) }, user_id: 7512, probe: () => undefined, log });
    render(Rename, props);
    const old = await held.seen;
    props.user_id = 7513;
    await until(() => eq(old.signal?.aborted, true, "the old request is aborted"));
    await until(() => eq(text("p-a"), "Lou"));
    held.release();
    await settle(r);
    eq(text("p-a"), "Lou");
    ok(!log.includes("Kim"), `the late answer never showed: ${log.join(", ")}`);
  },

  "an optimistic merge shows at once; a failure rolls it back, but not over newer data": async (env) => {
    await nameUser(env, 7521, "Rae");
    const r = recorder();
    let rename!: ReturnType<typeof api.createRenameUser>;
    const log: string[] = [];
    render(Rename, { options: { client: clientOf(env, r) }, user_id: 7521, probe: () => (rename = api.createRenameUser()), log });
    await until(() => eq(text("p-a"), "Rae"));
    await settle(r);
    // Fails (a name must be text): the prediction shows, then is rolled back.
    let post = r.hold(isPost("rename_user"));
    let failed = outcome(rename.mutate({ user_id: 7521, name: 42 as unknown as string }, { optimistic: (current) => ({ user_id: 7521, name: `${current?.name ?? "?"} (guess)` }) }));
    await post.seen;
    await until(() => eq([text("p-a"), rename.status], ["Rae (guess)", "pending"]));
    post.release();
    let o = await failed;
    ok("error" in o && o.error instanceof api.MizanError && o.error.code === "VALIDATION_FAILED", "mutate() rejects with the MizanError");
    await until(() => eq([text("p-a"), rename.status, rename.error?.code], ["Rae", "error", "VALIDATION_FAILED"]));
    // The guard: newer data that arrived after the prediction stays.
    const queryClient = [...roots][0];
    ok(queryClient, "the root's QueryClient");
    post = r.hold(isPost("rename_user"));
    failed = outcome(rename.mutate({ user_id: 7521, name: 42 as unknown as string }, { optimistic: { user_id: 7521, name: "Rae (guess 2)" } }));
    await post.seen;
    await until(() => eq(text("p-a"), "Rae (guess 2)"));
    const key = api.userContextQuery({ user_id: 7521 }).queryKey;
    const data = queryClient.getQueryData(key);
    ok(data, "the bundle is cached");
    queryClient.setQueryData(key, { ...data, user_profile: { user_id: 7521, name: "Rae (newer)" } });
    await until(() => eq(text("p-a"), "Rae (newer)"));
    post.release();
    o = await failed;
    ok("error" in o, "the second call fails too");
    await settle(r);
    eq(text("p-a"), "Rae (newer)", "the newer data stays");
    eq(r.gets("user").length, 1, "no refetch");
  },

  "data seeded from window.__MIZAN_SSR_DATA__ is shown with no request on first mount": async (env) => {
    await nameUser(env, 7531, "Sia");
    const bundle = await api.fetchUserContext({ user_id: 7531 }, { client: direct(env) });
    const global = await api.fetchGlobalContext({}, { client: direct(env) });
    (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__ = { contexts: { user: { [api.stableKey({ user_id: 7531 })]: bundle }, global: { "{}": global } } };
    const r = recorder();
    render(Screen, { options: { client: clientOf(env, r) }, users: [7531], site: true });
    // Shown at once, before any request could have been answered.
    eq([...names("u7531"), text("site")], ["Sia", "Sia", "Mizan"]);
    await settle(r);
    eq(r.made().length, 0, "no request for seeded bundles, not even global's (staleTime 0)");
  },

  "a plain read refetches when its args change, aborting the old request": async (env) => {
    await Promise.all([nameUser(env, 7541, "Tess"), nameUser(env, 7542, "Uli")]);
    const r = recorder();
    const props = reactive({ options: { client: clientOf(env, r) }, user_id: 7541 });
    render(Finder, props);
    await until(() => eq(text("found"), "Tess"));
    const held = r.hold(isPost("find_user"));
    props.user_id = 7542;
    const first = await held.seen;
    eq(first.args, { user_id: 7542 });
    props.user_id = 99_996;
    await until(() => eq(first.signal?.aborted, true, "the request for the args no longer shown is aborted"));
    await until(() => eq(text("found"), "null"));
    held.release();
    await settle(r);
    eq(
      r.posts("find_user").map((s) => s.args),
      [{ user_id: 7541 }, { user_id: 7542 }, { user_id: 99_996 }],
    );
  },

  "mutation fields are getters: idle, pending, success, error, reset; never retried": async (env) => {
    const r = recorder();
    let echo!: ReturnType<typeof api.createEcho>;
    let broken!: ReturnType<typeof api.createNotImplementedFn>;
    render(Screen, {
      options: { client: clientOf(env, r) },
      users: [],
      probe: () => {
        echo = api.createEcho();
        broken = api.createNotImplementedFn();
      },
    });
    const line = () => `${echo.status}/${[echo.isIdle, echo.isPending, echo.isSuccess, echo.isError].map(Number).join("")}/${echo.data?.message ?? "-"}/${echo.variables?.text ?? "-"}`;
    eq(line(), "idle/1000/-/-");
    const post = r.hold(isPost("echo"));
    const said = echo.mutate({ text: "héllo" });
    await post.seen;
    await until(() => eq(line(), "pending/0100/-/héllo"));
    post.release();
    eq(await said, { message: "héllo" });
    await until(() => eq(line(), "success/0010/héllo/héllo"));
    const failed = await outcome(broken.mutate());
    ok("error" in failed && failed.error instanceof api.MizanError && failed.error.code === "NOT_IMPLEMENTED", "rejects with NOT_IMPLEMENTED");
    await until(() => eq([broken.status, broken.error?.status], ["error", 501]));
    echo.reset();
    await until(() => eq(line(), "idle/1000/-/-"));
    await settle(r);
    eq(
      r.made().map((s) => s.fn),
      ["echo", "not_implemented_fn"],
      "one POST each",
    );
  },

  "a getter of user outside setUserContext fails naming setUserContext; getCurrentUser needs no setter": async (env) => {
    const r = recorder();
    render(Orphan, { options: { client: clientOf(env, r) } });
    await until(() => ok(/setUserContext\(\(\) => \(\{ user_id: \.\.\., limit: \.\.\. \}\)\)|setUserContext\(\(\) => \(\{ limit: \.\.\., user_id: \.\.\. \}\)\)/.test(text("caught") ?? ""), `caught: ${text("caught")}`));
    await until(() => eq(text("site"), "Mizan"));
    await settle(r);
    eq(
      r.made().map((s) => s.path),
      ["/ctx/global/"],
      "the orphan getter fetched nothing",
    );
  },

  "the contact form validates on the client, then shows the server's field errors": async (env) => {
    const r = recorder();
    render(Contact, { options: { client: clientOf(env, r) } });
    const input = (name: string) => document.querySelector<HTMLInputElement>(`input[name=${name}]`);
    const fill = (name: string, value: string) => {
      const el = input(name);
      ok(el, `input ${name}`);
      type(el, value);
    };
    const click = (label: string) => Array.from(document.querySelectorAll("button")).find((b) => b.textContent === label)?.click();
    const errors = (field: string) => Array.from(document.querySelectorAll(`[data-testid="error-${field}"]`)).map((e) => e.textContent);
    click("send");
    await until(() => eq(errors("name"), ["client: This field is required."]));
    eq(errors("email"), ["client: This field is required."]);
    fill("name", "Ada");
    fill("email", "not-an-email");
    fill("message", "Hello from the Svelte test");
    await until(() => eq(errors("name"), [], "set() clears the field's errors"));
    click("send");
    await until(() => eq(errors("email"), ["client: Enter a valid email address."]));
    eq(r.made().length, 0, "nothing is sent while the client finds errors");
    // Valid on the client; the server trims the name and finds it missing.
    fill("name", "   ");
    fill("email", "ada@example.com");
    click("check");
    await until(() => eq([text("checked"), ...errors("name")], ["invalid", "server: This field is required. (required)"]));
    fill("name", "Ada");
    click("send");
    await until(() => ok(text("result") !== "none", "submitted"));
    eq(
      r.made().map((s) => s.fn),
      ["contact.validate", "contact.submit"],
    );
    eq(r.made()[1]?.args, { data: { name: "Ada", email: "ada@example.com", message: "Hello from the Svelte test", topic: "general" } });
  },

  "a channel opens, messages flow both ways, and it closes at teardown": async (env) => {
    const log: string[] = [];
    const room = `svelte-${Math.random().toString(36).slice(2)}`;
    const client = api.createMizanClient({ baseUrl: mountOf(env) });
    const unmountChat = render(Chat, { options: { client }, room, log });
    await until(() => eq(text("status"), "open"));
    const listener = direct(env);
    const heard: api.ChatMessage[] = [];
    const sub = api.subscribeChatChannel({ room }, (m) => heard.push(m), { client: listener });
    try {
      await sub.ready;
      await sub.send({ text: "from outside" });
      await until(() => eq(Array.from(document.querySelectorAll('[data-testid="messages"] li')).map((li) => li.textContent), ["anonymous: from outside"]));
      const input = document.querySelector<HTMLInputElement>('input[aria-label="chat message"]');
      ok(input, "the message input");
      type(input, "from the component");
      Array.from(document.querySelectorAll("button")).find((b) => b.textContent === "Post")?.click();
      await until(() => ok(heard.some((m) => m.text === "from the component"), "the other subscriber hears the component"));
      eq(text("send-error"), "");
      unmountChat();
      eq(
        log.filter((s, i) => s !== log[i - 1]),
        ["connecting", "open"],
      );
    } finally {
      sub.close();
      listener.disconnect();
      client.disconnect();
    }
  },
};

export { tidy };
