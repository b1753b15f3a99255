// A small React app on the client generated from the reference backend's schema: what the
// browser end-to-end test drives.
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";

import * as api from "../.generated/backend/index.ts";

function Profile() {
  const profile = api.useUserProfile();
  const orders = api.useUserOrders();
  return (
    <section>
      <h1 data-testid="name">{profile?.name ?? "Loading…"}</h1>
      <p>{orders ? `${orders.length} recent orders` : ""}</p>
    </section>
  );
}

function Actions() {
  const rename = api.useRenameUser();
  const update = api.useUpdateProfile();
  return (
    <p>
      <button onClick={() => void rename.mutate({ user_id: 7, name: "Merged Name" }).catch(() => undefined)}>Rename (merge)</button>{" "}
      <button onClick={() => void update.mutate({ user_id: 7, name: "Updated Name" }).catch(() => undefined)}>Update (affects)</button>
    </p>
  );
}

function Contact() {
  const form = api.useContactForm();
  return (
    <form onSubmit={(e) => (e.preventDefault(), void form.submit())}>
      <h2>Contact</h2>
      {form.fields.map((f) => (
        <label key={f.name} style={{ display: "block" }}>
          {f.label}{" "}
          <input name={f.name} value={String(form.data[f.name] ?? "")} onChange={(e) => form.set(f.name, e.target.value as never)} />
          {form.errors[f.name]?.map((err) => (
            <em key={err.message} className="error">
              {" "}
              {err.message}
            </em>
          ))}
        </label>
      ))}
      <button type="submit">{form.isSubmitting ? "Sending…" : "Send"}</button>
      {form.result ? <strong> Sent.</strong> : null}
    </form>
  );
}

function Chat() {
  const chat = api.useChatChannel({ room: "browser" });
  const [text, setText] = useState("");
  return (
    <section>
      <h2>Chat ({chat.status})</h2>
      <ul>
        {chat.messages.map((m, i) => (
          <li key={i}>
            {m.user}: {m.text}
          </li>
        ))}
      </ul>
      <input aria-label="chat message" value={text} onChange={(e) => setText(e.target.value)} />
      <button onClick={() => void chat.send({ text }).then(() => setText(""))}>Post</button>
    </section>
  );
}

function App() {
  return (
    <api.MizanContext baseUrl="/api/mizan">
      <api.UserContext user_id={7}>
        <Profile />
        <Actions />
      </api.UserContext>
      <Contact />
      <Chat />
    </api.MizanContext>
  );
}

const root = document.getElementById("root");
if (root) createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
