// server.ts on its own, as server code uses it (React Server Components, loaders, scripts): this
// file imports nothing but server.ts and @tanstack/query-core, so it type-checks with no React
// in scope, and the query-option factories type TanStack's QueryClient through their DataTag keys.
import { QueryClient } from "@tanstack/query-core";

import {
  createMizanClient,
  echoQuery,
  fetchUserContext,
  findUserQuery,
  globalContextQuery,
  itemsContextQuery,
  MizanError,
  userContextQuery,
  whoamiQuery,
  type ContextQueryOptions,
  type CurrentUser,
  type EchoOutput,
  type FunctionQueryOptions,
  type GlobalContextData,
  type ItemOutput,
  type ProfileOutput,
  type UserContextData,
} from "../.generated/reference-3.1/server";

/** True when A and B are the same type (not merely assignable). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `exactly(value)<T>(true)` compiles only when the value's inferred type is exactly T. */
const exactly =
  <V>(_value: V) =>
  <T>(ok: Equals<V, T>): boolean =>
    ok;

export async function prefetchOnTheServer(token: string): Promise<unknown> {
  // One client and one QueryClient per request.
  const client = createMizanClient({ baseUrl: "https://api.example.com/api/mizan", getHeaders: () => ({ "X-Mizan-Token": token }) });
  const queryClient = new QueryClient();
  const bundle = await queryClient.fetchQuery(userContextQuery({ user_id: 1 }, client));
  await queryClient.prefetchQuery(globalContextQuery({}, client));
  await queryClient.prefetchQuery(itemsContextQuery(undefined, client));
  // Inferred from the keys' data tags (no annotations, which would pick TanStack's type parameter).
  const cached = queryClient.getQueryData(userContextQuery({ user_id: 1 }).queryKey);
  exactly(cached)<UserContextData | undefined>(true);
  const global = queryClient.getQueryData(globalContextQuery().queryKey);
  exactly(global)<GlobalContextData | undefined>(true);
  const items = queryClient.getQueryData(itemsContextQuery().queryKey)?.list_items;
  exactly(items)<ItemOutput[] | undefined>(true);
  const me = await queryClient.fetchQuery(whoamiQuery({}, client));
  exactly(me)<CurrentUser>(true);
  const meDefault = await queryClient.fetchQuery(whoamiQuery());
  exactly(meDefault)<CurrentUser>(true);
  const found = await queryClient.fetchQuery(findUserQuery({ user_id: 1 }, client));
  exactly(found)<ProfileOutput | null>(true);
  const echoed = queryClient.getQueryData(echoQuery({ text: "a" }).queryKey);
  exactly(echoed)<EchoOutput | undefined>(true);
  exactly(bundle)<UserContextData>(true);
  // The data tag types updaters and the error tag the query's error.
  queryClient.setQueryData(userContextQuery({ user_id: 1 }).queryKey, (old) => old && { ...old, user_profile: { ...old.user_profile, name: "Ada" } });
  const error = queryClient.getQueryState(userContextQuery({ user_id: 1 }).queryKey)?.error;
  exactly(error)<MizanError | null | undefined>(true);
  // Plain objects, usable anywhere query options are.
  const options: ContextQueryOptions<UserContextData> = userContextQuery({ user_id: 1, limit: 2 }, client);
  const fnOptions: FunctionQueryOptions<EchoOutput> = echoQuery({ text: "a" }, client);
  const staleTime: number = options.staleTime;
  const direct: UserContextData = await options.queryFn({ signal: new AbortController().signal });
  const fetched: UserContextData = await fetchUserContext({ user_id: 1 }, { client });
  return [bundle, cached, global, items, me, meDefault, found, echoed, error, fnOptions.queryKey, staleTime, direct, fetched];
}

export function mustNotCompile(queryClient: QueryClient): void {
  // @ts-expect-error the cached bundle may be absent
  const sure: UserContextData = queryClient.getQueryData(userContextQuery({ user_id: 1 }).queryKey);
  // (An annotation on the result would pick TanStack's type parameter itself: read the inferred type.)
  const inferred = queryClient.getQueryData(userContextQuery({ user_id: 1 }).queryKey);
  // @ts-expect-error the key's data tag: a user bundle is not the global one
  const other: GlobalContextData | undefined = inferred;
  // @ts-expect-error the key's data tag types what may be set
  queryClient.setQueryData(userContextQuery({ user_id: 1 }).queryKey, { user_profile: 5 });
  const echoed = queryClient.getQueryData(echoQuery({ text: "a" }).queryKey);
  // @ts-expect-error a function's data tag: echo answers an EchoOutput
  const wrong: ProfileOutput | undefined = echoed;
  // @ts-expect-error a factory takes the context's params
  userContextQuery({});
  // @ts-expect-error a function's factory takes its args
  echoQuery({ txt: "a" });
  // @ts-expect-error the second argument is a MizanClient, not options
  userContextQuery({ user_id: 1 }, { signal: new AbortController().signal });
  // @ts-expect-error the inferred type is exact: not `unknown`
  exactly(inferred)<unknown>(true);
  // @ts-expect-error a query's error is a MizanError, not any Error
  exactly(queryClient.getQueryState(userContextQuery({ user_id: 1 }).queryKey)?.error)<Error | null | undefined>(true);
  void [sure, other, wrong];
}
