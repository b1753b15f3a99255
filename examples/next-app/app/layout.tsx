import type { Metadata } from "next";
import type { ReactNode } from "react";
// react.tsx starts with "use client": a server component may render its <MizanContext> with
// serializable props; it runs (one client and one QueryClient per mount) in the browser and in
// the server render of the client components below it.
import { MizanContext } from "@/mizan/react";

// No favicon request (the console stays clean).
export const metadata: Metadata = {
  title: "mizan-generate × Next.js",
  icons: { icon: "data:," },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body
        style={{
          fontFamily: "system-ui, sans-serif",
          maxWidth: 640,
          margin: "2rem auto",
        }}
      >
        <MizanContext baseUrl="/api/mizan">{children}</MizanContext>
      </body>
    </html>
  );
}
