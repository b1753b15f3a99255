// A deliberately misbehaving Mizan server, for the kernel's failure paths (misbehaving.test.ts in
// Node, browser/misbehaving.test.ts in Chromium). The first path segment picks the misbehaviour,
// so a client with `baseUrl: <url>/<mode>` meets it on every request:
//   HTTP (`/<mode>/call/`, `/<mode>/ctx/<context>/`):
//     html     200 with an HTML page          empty   200 with no body
//     null     200 `null`                     object  200 `{}`
//     cut      200, Content-Length larger than what is sent, then the connection is destroyed
//     reset    the connection is destroyed before any answer
//     silent   never answers
//     fieldstrings  a form's functions (`/call/` of `<form>.validate`, `<form>.submit`) answer
//              field errors as bare strings, not FieldErrors (FastAPI- and argument-style)
//     fieldjunk     the same functions answer field errors that cannot all be read
//   WebSocket (`/<mode>/ws/`):
//     hang     never answers the upgrade (the socket never opens)
//     mute     opens, never answers a frame
//     junk     answers every frame with text that is not JSON; a call of `answer` then gets
//              its real answer
//     binary   answers every call with a binary frame holding a valid answer
//     refuse   answers the upgrade with a 503 (every attempt is logged, for the backoff)
// `GET /attempts/<mode>` lists the times (ms) of the WebSocket upgrades of that mode, `GET /`
// serves a page that loads `GET /page.js` (the bundled cases, for the browser), and
// `GET /requests/<mode>` counts the HTTP requests of that mode. A mode may carry a suffix
// (`silent-fetch`): it behaves as its first word, and its requests are counted on their own.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { WebSocketServer } from "ws";

export interface Misbehaving {
  url: string;
  close(): Promise<void>;
}

/** Starts the server on an ephemeral port of 127.0.0.1; `page` is the bundled browser page. */
export async function startMisbehaving(page?: string): Promise<Misbehaving> {
  const attempts = new Map<string, number[]>();
  const requests = new Map<string, number>();
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true });
  const json = (res: import("node:http").ServerResponse, body: unknown) =>
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(JSON.stringify(body));

  const server: Server = createServer((req, res) => {
    const [, mode = "", rest = ""] = /^\/([^/]*)\/?(.*)$/.exec(req.url ?? "/") ?? [];
    requests.set(mode, (requests.get(mode) ?? 0) + 1);
    // `silent-fetch` behaves as `silent`, and has requests counted on their own.
    switch (mode.replace(/-.*/, "")) {
      case "":
        return res
          .writeHead(200, { "Content-Type": "text/html" })
          .end('<!doctype html><meta charset="utf-8"><title>kernel cases</title><script type="module" src="/page.js"></script>');
      case "page.js":
        return res.writeHead(200, { "Content-Type": "text/javascript" }).end(page ? readFileSync(page) : "");
      case "attempts":
        return json(res, attempts.get(rest) ?? []);
      case "requests":
        return json(res, requests.get(rest.replace(/\/$/, "")) ?? 0);
      case "html":
        return res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>Please sign in</body></html>");
      case "empty":
        return res.writeHead(200, { "Content-Type": "application/json" }).end();
      case "null":
        return res.writeHead(200, { "Content-Type": "application/json" }).end("null");
      case "object":
        return res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
      case "cut":
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
        res.write('{"result": {"na');
        // Let the head and the first bytes go out, then break the connection.
        return void setTimeout(() => res.destroy(), 50);
      case "reset":
        return void req.socket.destroy();
      case "silent":
        return; // the client's time limit ends it
      case "fieldstrings":
      case "fieldjunk":
        return formErrors(mode.replace(/-.*/, "") as keyof typeof FORM_ERRORS, req, res);
      default:
        return res.writeHead(404).end();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("upgrade", (req, socket: Socket, head) => {
    const mode = /^\/([^/]*)\//.exec(req.url ?? "")?.[1] ?? "";
    attempts.set(mode, [...(attempts.get(mode) ?? []), Date.now()]);
    if (mode === "hang") return; // never answered; closed by close()
    if (mode === "refuse") return void socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        const frame = JSON.parse(String(data)) as { id: number; op: string; fn?: string };
        if (mode === "junk") {
          ws.send("<html>not json");
          if (frame.fn === "answer") ws.send(JSON.stringify({ id: frame.id, result: "ok" }));
        } else if (mode === "binary") {
          ws.send(Buffer.from(JSON.stringify({ id: frame.id, result: "from a binary frame" })), { binary: true });
        }
        // mute: nothing, ever
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the form modes answer: `validate` is the errors a validate function returns, `submit`
 * the details of its submit function's VALIDATION_FAILED. */
export const FORM_ERRORS = {
  fieldstrings: {
    validate: { email: "Bare email error.", __all__: ["Bare form error."] },
    submit: { name: ["Bare name error."], captcha: ["Bare error of no field."], __all__: "Bare lone form error." },
  },
  fieldjunk: {
    validate: { name: [1, null] },
    submit: { name: [1, { message: "Readable.", code: 7 }, ["nested"]], email: [null], __all__: [{ code: "no message" }] },
  },
} as const;

function formErrors(mode: keyof typeof FORM_ERRORS, req: IncomingMessage, res: ServerResponse): void {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const fn = String((JSON.parse(body || "{}") as { fn?: unknown }).fn);
    const errors = FORM_ERRORS[mode];
    const [status, answer] = fn.endsWith(".validate")
      ? [200, { result: { errors: errors.validate } }]
      : fn.endsWith(".submit")
        ? [422, { error: { code: "VALIDATION_FAILED", message: "the input is not valid", details: errors.submit } }]
        : [400, { error: { code: "BAD_REQUEST", message: `no function ${fn}` } }];
    res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(JSON.stringify(answer));
  });
}

/** The URL of a port nobody listens on (bound, read, released): connections are refused. */
export async function closedPort(): Promise<string> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const address = s.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
