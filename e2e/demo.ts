// A short tour of a generated client against a running reference backend (scripts/try-backend.sh):
// the React-free server.ts with a client instance, typed calls and context fetches, a TanStack
// QueryClient as the cache (the server's merges and invalidations applied to it), and errors.
import { QueryClient, QueryObserver } from "@tanstack/query-core";

import * as api from "./.generated/backend/server.ts";

const url = process.argv[2] ?? "http://127.0.0.1:8000";
let requests = 0;
// A client instance owns its config, socket and in-flight requests; nothing is module-global.
const client = api.createMizanClient({
  baseUrl: url + "/api/mizan",
  fetch: (input, init) => {
    requests++;
    return fetch(input, init);
  },
});
const show = (label: string, value: unknown) => console.log(`${label}\n  ${JSON.stringify(value)}`);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

show("callEcho({ text: 'hello' }, { client })", await api.callEcho({ text: "hello" }, { client }));
show("fetchUserContext({ user_id: 5, limit: 2 }, { client })", await api.fetchUserContext({ user_id: 5, limit: 2 }, { client }));

// Scripts with one backend may configure the default client instead and leave out `{ client }`.
api.configure({ baseUrl: url + "/api/mizan" });
show("callAdd({ a: 20, b: 22 }) on the default client", await api.callAdd({ a: 20, b: 22 }));

// The cache: a QueryClient, fed by the query-option factories; effectApplier applies every call's
// merges (no request) and invalidations (one refetch of each active matching bundle).
const queryClient = new QueryClient();
client.onEffects(api.effectApplier(queryClient));
const query = api.userContextQuery({ user_id: 7 }, client);
const user = new QueryObserver(queryClient, query);
const stop = user.subscribe(() => undefined);
while (user.getCurrentResult().status !== "success") await wait(10);
show(`an observed userContextQuery({ user_id: 7 }), keyed ${JSON.stringify(query.queryKey)}: its profile`, user.getCurrentResult().data?.user_profile);

let before = requests;
await api.callRenameUser({ user_id: 7, name: "Grace Hopper" }, { client });
show(`callRenameUser(...): merged into the cached bundle, ${requests - before - 1} extra requests`, queryClient.getQueryData(query.queryKey)?.user_profile);

before = requests;
await api.callUpdateProfile({ user_id: 7, name: "Rear Admiral Hopper" }, { client });
while (user.getCurrentResult().data?.user_profile.name !== "Rear Admiral Hopper") await wait(10);
show(`callUpdateProfile(...): the bundle was refetched with ${requests - before - 1} request`, user.getCurrentResult().data?.user_profile);

try {
  await api.callWhoami({ client });
} catch (e) {
  if (e instanceof api.MizanError) show("callWhoami() without a token", { code: e.code, status: e.status });
}
stop();
queryClient.clear();
client.disconnect();
api.disconnect();
