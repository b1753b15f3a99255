import { callEcho, createMizanClient } from "./src/api";

const client = createMizanClient({ baseUrl: "/api/mizan" });
void callEcho({ text: "hi" }, { client }).then((r) => (document.body.textContent = r.message));
