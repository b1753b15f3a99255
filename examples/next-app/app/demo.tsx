"use client";

import {
  UserContext,
  useContactForm,
  useCurrentUser,
  useRenameUser,
  useSiteSettings,
  useUserProfile,
} from "@/mizan";

export function Demo() {
  return (
    <>
      <Site />
      <UserContext user_id={1}>
        <Profile />
      </UserContext>
      <Contact />
    </>
  );
}

/** Slots of the `global` context: no provider needed under <MizanContext>. */
function Site() {
  const settings = useSiteSettings();
  const user = useCurrentUser(); // undefined: loading; null: anonymous
  return (
    <section>
      <h2>global</h2>
      <p>
        Site name:{" "}
        <strong id="site-name">{settings?.site_name ?? "loading…"}</strong>
      </p>
      <p>
        Signed in as:{" "}
        {user === undefined ? "loading…" : (user?.username ?? "anonymous")}
      </p>
    </section>
  );
}

/** A slot of the `user` context, and a mutation whose result the server merges into it. */
function Profile() {
  const profile = useUserProfile();
  const rename = useRenameUser();
  const rename_ = () => {
    const name = profile?.name === "Ada" ? "Grace" : "Ada";
    // Shown at once (optimistic), replaced by the server's merge, rolled back on failure.
    rename
      .mutate({ user_id: 1, name }, { optimistic: { user_id: 1, name } })
      .catch(() => {});
  };
  return (
    <section>
      <h2>user (user_id 1)</h2>
      <p>
        Name: <strong id="user-name">{profile?.name ?? "loading…"}</strong>{" "}
        <button onClick={rename_} disabled={!profile || rename.isPending}>
          Rename
        </button>
      </p>
      {rename.error && <p role="alert">{rename.error.message}</p>}
    </section>
  );
}

/** A form hook: Zod validation on the client, the server's errors in the same place. */
function Contact() {
  const form = useContactForm();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit();
      }}
    >
      <h2>contact form</h2>
      {form.fields.map((f) => (
        <p key={f.name}>
          <label>
            {f.label}
            {f.required && " *"}{" "}
            {f.choices ? (
              <select
                value={String(form.data[f.name] ?? "")}
                onChange={(e) => form.set(f.name, e.target.value)}
              >
                {f.choices.map((c) => (
                  <option key={String(c.value)} value={String(c.value)}>
                    {c.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                value={String(form.data[f.name] ?? "")}
                onChange={(e) => form.set(f.name, e.target.value)}
              />
            )}
          </label>
          {form.errors[f.name]?.map((err) => (
            <small key={err.message} role="alert">
              {" "}
              {err.message}
            </small>
          ))}
        </p>
      ))}
      <button type="submit" disabled={form.isSubmitting}>
        Send
      </button>
      {form.result && <p>Sent: {JSON.stringify(form.result)}</p>}
      {form.error && <p role="alert">{form.error.message}</p>}
    </form>
  );
}
