import {
  dehydrate,
  HydrationBoundary,
  QueryClient,
} from "@tanstack/react-query";
// A server component: only the React-free entry of the generated client.
import {
  createMizanClient,
  globalContextQuery,
  userContextQuery,
} from "@/mizan/server";
import { Demo } from "./demo";

// Fetches per request, so `next build` needs no running backend.
export const dynamic = "force-dynamic";

export default async function Page() {
  // One client and one QueryClient per request: nothing is shared between two visitors.
  const client = createMizanClient({
    baseUrl: process.env.MIZAN_URL ?? "http://127.0.0.1:8000/api/mizan",
  });
  const queryClient = new QueryClient();
  // Same query keys as the hooks (["mizan", "ctx", "global", {}], ...). A failed prefetch is
  // not dehydrated, and the browser fetches it instead.
  await Promise.all([
    queryClient.prefetchQuery(globalContextQuery({}, client)),
    queryClient.prefetchQuery(userContextQuery({ user_id: 1 }, client)),
  ]);
  client.disconnect();
  const global = queryClient.getQueryData(globalContextQuery({}).queryKey);

  return (
    <main>
      <h1>{global ? global.site_settings.site_name : "Backend unreachable"}</h1>
      <p>
        This heading was rendered by a server component with{" "}
        <code>@/mizan/server</code>; the sections below are client components
        using the generated hooks.
      </p>
      {/* dehydrate + HydrationBoundary, not window.__MIZAN_SSR_DATA__: <MizanContext> reads that
          only in the browser, so the server render of the client components below would have
          no data and the browser's first render would not match it (React error #418). */}
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Demo />
      </HydrationBoundary>
    </main>
  );
}
