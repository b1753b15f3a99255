// The page that ssr.test.tsx renders on the server (one render per signed-in user) and that the
// browser app hydrates: the same tree on both sides. The `global` bundle comes from the server's
// prefetch (window.__MIZAN_SSR_DATA__ in the browser); `whoami` is read in a Suspense boundary,
// so the server streams it after the shell, with that render's own credentials.
import { useSuspenseQuery } from "@tanstack/react-query";
import { StrictMode, Suspense, type ReactNode } from "react";

import * as api from "../.generated/backend/index.ts";

function Whoami() {
  const { client } = api.useMizan();
  const me = useSuspenseQuery(api.whoamiQuery({}, client)).data;
  return <p data-testid="whoami">whoami: {me.username}</p>;
}

export function SsrPage() {
  const user = api.useCurrentUser();
  const settings = api.useSiteSettings();
  return (
    <main>
      <h1>{settings ? settings.site_name : "…"}</h1>
      <p data-testid="signed-in">
        Signed in as <b>{user ? user.username : String(user)}</b> ({user ? user.email : "-"})
      </p>
      <Suspense fallback={<p data-testid="whoami">checking who you are…</p>}>
        <Whoami />
      </Suspense>
    </main>
  );
}

/** The tree both sides render: StrictMode, the root, the page; `children` (rendered after the
 * page) must render no DOM, so that the browser can add probes without a mismatch. */
export function SsrTree({ children, ...config }: api.MizanContextProps): ReactNode {
  return (
    <StrictMode>
      <api.MizanContext {...config}>
        <SsrPage />
        {children}
      </api.MizanContext>
    </StrictMode>
  );
}
