// Type-level tests of the client generated from fixtures/good/reference-3.1: what must compile,
// and (with @ts-expect-error, which fails when there is no error) what must not.
import {
  callAdd,
  callFindUser,
  callUploadAvatar,
  callUpdateProfile,
  callWhoami,
  fetchGlobalContext,
  fetchUserContext,
  MizanError,
  profilePageUrl,
  subscribeChatChannel,
  type GlobalContextParams,
  type UserContextData,
} from "../.generated/reference-3.1/index";
import { callEcho as callEchoFromPackageKernel } from "../.generated/package-kernel/index";

export async function compiles(): Promise<string> {
  const sum: number = (await callAdd({ a: 1, b: 2 })).total;
  const bundle: UserContextData = await fetchUserContext({ user_id: 1 });
  const withLimit = await fetchUserContext({ user_id: 1, limit: 5 });
  const global = await fetchGlobalContext();
  const none: GlobalContextParams = {};
  const found = await callFindUser({ user_id: 1 });
  const name: string = found ? found.name : "nobody";
  const me = await callWhoami();
  await callUploadAvatar({ user_id: 1, file: new Blob(["x"]) });
  const url: string = profilePageUrl({ user_id: 3 });
  const sub = subscribeChatChannel({ room: "lobby" }, (m) => m.text satisfies string);
  await sub.send({ text: "hi" });
  const e = new MizanError("X", "y");
  const echoed = await callEchoFromPackageKernel({ text: "a" });
  return [sum, bundle.user_profile.name, withLimit.user_orders.length, global.site_settings.site_name, none, name, me.username, url, e.code, echoed.message].join();
}

export async function mustNotCompile(): Promise<void> {
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
  // @ts-expect-error a function without input takes no argument
  await callWhoami({});
  // @ts-expect-error view-path arguments are typed by the route converter
  profilePageUrl({ user_id: "me" });
  const sub = subscribeChatChannel({ room: "lobby" }, () => undefined);
  // @ts-expect-error a client message must match the channel's schema
  await sub.send({ body: "hi" });
  const bundle = await fetchGlobalContext();
  // @ts-expect-error the current user is null for anonymous visitors
  bundle.current_user.username.toUpperCase();
}
