// Type-level tests of the Stage 1 client generated from fixtures/good/reference-3.1 (contract v2:
// client instances, per-call options): what must compile, and (with @ts-expect-error, which fails
// when there is no error) what must not.
import {
  callAdd,
  callEcho,
  callFindUser,
  callRenameUser,
  callUploadAvatar,
  callUpdateProfile,
  callWhoami,
  callWsWhoami,
  configure,
  createMizanClient,
  defaultClient,
  disconnect,
  fetchGlobalContext,
  fetchUserContext,
  initSession,
  MizanError,
  profilePageUrl,
  subscribeChatChannel,
  type ChannelStatus,
  type ClientOptions,
  type Effects,
  type GlobalContextParams,
  type MizanClient,
  type MizanConfig,
  type UserContextData,
  type UserContextParams,
} from "../.generated/reference-3.1/index";
import { callEcho as callEchoFromPackageKernel, createMizanClient as createFromPackageKernel } from "../.generated/package-kernel/index";

export async function compiles(): Promise<string> {
  const client: MizanClient = createMizanClient({
    baseUrl: "https://api.example.com/api/mizan",
    getHeaders: async () => ({ "X-Mizan-Token": "t" }),
    csrf: { cookieName: "csrftoken", headerName: "X-CSRFToken", token: () => undefined },
  });
  const config: MizanConfig = { baseUrl: "/api/mizan", getHeaders: () => ({}) };
  configure(config);
  const signal = new AbortController().signal;
  const options: ClientOptions = { client, signal };

  const sum: number = (await callAdd({ a: 1, b: 2 })).total;
  const viaClient: number = (await callAdd({ a: 1, b: 2 }, { client })).total;
  const echoed: string = (await callEcho({ text: "a" }, options)).message;
  const bundle: UserContextData = await fetchUserContext({ user_id: 1 });
  const withLimit = await fetchUserContext({ user_id: 1, limit: 5 }, { signal });
  const params: UserContextParams = { user_id: 1 };
  const global = await fetchGlobalContext();
  const globalVia = await fetchGlobalContext({}, { client });
  const none: GlobalContextParams = {};
  const found = await callFindUser({ user_id: 1 });
  const name: string = found ? found.name : "nobody";
  // Functions without input take only the options.
  const me = await callWhoami();
  await callWhoami({});
  await callWhoami({ client, signal });
  const wsMe = await callWsWhoami({ client });
  const renamed: string = (await callRenameUser({ user_id: 1, name: "Ada" }, { client })).name;
  await callUploadAvatar({ user_id: 1, file: new Blob(["x"]) }, { client });
  const url: string = profilePageUrl({ user_id: 3 });
  const statuses: ChannelStatus[] = [];
  const sub = subscribeChatChannel({ room: "lobby" }, (m) => m.text satisfies string, { client, onStatus: (s) => statuses.push(s) });
  await sub.ready;
  const open: boolean = sub.status() === "open";
  await sub.send({ text: "hi" });
  sub.close();
  // A client's effects: what a cache applies.
  const off: () => void = client.onEffects((e: Effects) => {
    for (const entry of e.invalidate) void (typeof entry === "string" ? entry : entry.context);
    for (const m of e.merge) void [m.context, m.slot, m.value, m.params];
  });
  off();
  const bundleOf: UserContextData = await client.fetch<UserContextData>("user", { user_id: 1 }, { signal });
  await initSession({ client });
  disconnect({ client });
  disconnect();
  const e = new MizanError("X", "y", 400, { field: ["bad"] });
  const echoedByPackage = await callEchoFromPackageKernel({ text: "a" }, { client: createFromPackageKernel() });
  return [sum, viaClient, echoed, bundle.user_profile.name, withLimit.user_orders.length, params.user_id, global.site_settings.site_name, globalVia.current_user?.username, none, name, me.username, wsMe?.username, renamed, url, open, e.code, e.status, defaultClient().baseUrl, bundleOf.user_orders.length, echoedByPackage.message].join();
}

export async function mustNotCompile(client: MizanClient): Promise<void> {
  // @ts-expect-error a required context param is missing
  await fetchUserContext({});
  // @ts-expect-error a param of the wrong type
  await fetchUserContext({ user_id: "1" });
  // @ts-expect-error an unknown param
  await fetchUserContext({ user_id: 1, page: 2 });
  // @ts-expect-error the global context takes no params
  await fetchGlobalContext({ user_id: 1 });
  const found = await callFindUser({ user_id: 1 });
  // @ts-expect-error the result may be null: it must be checked before use
  found.name.toUpperCase();
  // @ts-expect-error a required argument is missing
  await callUpdateProfile({ user_id: 1 });
  // @ts-expect-error a function without input takes options only, not arguments
  await callWhoami({ text: "x" });
  // @ts-expect-error a function without input takes one parameter (its options)
  await callWhoami({}, { client });
  // @ts-expect-error options are `{ client, signal }`: a misspelt key is an error
  await callEcho({ text: "a" }, { clinet: client });
  // @ts-expect-error the signal is an AbortSignal
  await callEcho({ text: "a" }, { signal: true });
  // @ts-expect-error the client is a MizanClient
  await fetchUserContext({ user_id: 1 }, { client: "default" });
  // @ts-expect-error view-path arguments are typed by the route converter
  profilePageUrl({ user_id: "me" });
  const sub = subscribeChatChannel({ room: "lobby" }, () => undefined);
  // @ts-expect-error a client message must match the channel's schema
  await sub.send({ body: "hi" });
  // @ts-expect-error a listener gets the channel's server messages
  subscribeChatChannel({ room: "lobby" }, (m: { body: string }) => m.body);
  // @ts-expect-error channel params are typed
  subscribeChatChannel({ roomId: 1 }, () => undefined);
  const bundle = await fetchGlobalContext();
  // @ts-expect-error the current user is null for anonymous visitors
  bundle.current_user.username.toUpperCase();
  // @ts-expect-error the config is typed
  createMizanClient({ baseUrl: 5 });
  // @ts-expect-error a status is one of four
  const status: ChannelStatus = "opened";
  void status;
}
