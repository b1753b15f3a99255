import type { NextConfig } from "next";

// Where the server reaches the Mizan backend (the reference backend mounts it at /api/mizan).
const mizanUrl = process.env.MIZAN_URL ?? "http://127.0.0.1:8000/api/mizan";

const nextConfig: NextConfig = {
  // The browser's client uses baseUrl "/api/mizan" (same origin); Next forwards it to the
  // backend. Rewrites are fixed when `next build` runs: set MIZAN_URL then too.
  async rewrites() {
    return [
      { source: "/api/mizan/:path*/", destination: `${mizanUrl}/:path*/` },
    ];
  },
  // Mizan's endpoints end in "/" (/call/, /ctx/<name>/): keep it instead of redirecting.
  skipTrailingSlashRedirect: true,
};

export default nextConfig;
