// A short tour of a generated client against a running reference backend (scripts/try-backend.sh).
import * as api from "./.generated/backend/index.ts";

const url = process.argv[2] ?? "http://127.0.0.1:8000";
let requests = 0;
api.configure({
  baseUrl: url + "/api/mizan",
  fetch: (input, init) => {
    requests++;
    return fetch(input, init);
  },
});
const show = (label: string, value: unknown) => console.log(`${label}\n  ${JSON.stringify(value)}`);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

show("callEcho({ text: 'hello' })", await api.callEcho({ text: "hello" }));
show("fetchUserContext({ user_id: 5, limit: 2 })", await api.fetchUserContext({ user_id: 5, limit: 2 }));

const user = api.registerContext<api.UserContextData>("user", { user_id: 7 });
while (user.getState().status !== "success") await wait(10);
show("registerContext('user', { user_id: 7 }): the mounted bundle's profile", user.getState().data?.user_profile);

let before = requests;
await api.callRenameUser({ user_id: 7, name: "Grace Hopper" });
show(`callRenameUser(...): merged into the bundle, ${requests - before - 1} extra requests`, user.getState().data?.user_profile);

before = requests;
await api.callUpdateProfile({ user_id: 7, name: "Rear Admiral Hopper" });
while (user.getState().data?.user_profile.name !== "Rear Admiral Hopper") await wait(10);
show(`callUpdateProfile(...): the bundle was refetched with ${requests - before - 1} request`, user.getState().data?.user_profile);

try {
  await api.callWhoami();
} catch (e) {
  if (e instanceof api.MizanError) show("callWhoami() without a token", { code: e.code, status: e.status });
}
user.unregister();
api.disconnect();
