// Type-level tests of the generated Svelte layer (reference-3.1), checked by svelte-check with the
// strict base options: each `@ts-expect-error` must find an error, so a binding that became too
// loose fails the check. Never run.
import * as api from "../.generated/reference-3.1/index.ts";

export function contexts(): void {
  api.setUserContext(() => ({ user_id: 5 }));
  api.setUserContext(() => ({ user_id: 5, limit: 2 }), { staleTime: 1000, keepPrevious: true });
  api.setUserContext(
    () => ({ user_id: 5 }),
    () => ({ enabled: true }),
  );
  // @ts-expect-error: user_id is required
  api.setUserContext(() => ({ limit: 2 }));
  // @ts-expect-error: user_id is a number
  api.setUserContext(() => ({ user_id: "5" }));
  // @ts-expect-error: params are a function, so that they can follow state
  api.setUserContext({ user_id: 5 });
  // A context without params takes none.
  api.setGlobalContext({ staleTime: 1 });
  const name: string | undefined = api.getUserProfile().current?.name;
  const user: api.CurrentUser | null | undefined = api.getCurrentUser().current;
  // @ts-expect-error: `current` is read-only
  api.getUserProfile().current = undefined;
  // @ts-expect-error: undefined while loading
  const loaded: api.ProfileOutput = api.getUserProfile().current;
  const q = api.getUserProfileQuery();
  const code: string | undefined = q.error?.code;
  void [name, user, loaded, code];
}

export function queries(): void {
  const found = api.createFindUserQuery(() => ({ user_id: 1 }), { staleTime: 5 });
  const value: api.ProfileOutput | null | undefined = found.data;
  // @ts-expect-error: user_id is a number
  api.createFindUserQuery(() => ({ user_id: "1" }));
  // @ts-expect-error: args are a function
  api.createFindUserQuery({ user_id: 1 });
  // @ts-expect-error: b is missing
  api.createAddQuery(() => ({ a: 1 }));
  void value;
}

export async function mutations(): Promise<void> {
  const rename = api.createRenameUser();
  const result: api.ProfileOutput = await rename.mutate({ user_id: 1, name: "Ada" }, { optimistic: (current) => ({ user_id: 1, name: current?.name ?? "" }) });
  const pending: boolean = rename.isPending;
  const args: api.RenameUserInput | undefined = rename.variables;
  // @ts-expect-error: name is text
  void rename.mutate({ user_id: 1, name: 5 });
  // @ts-expect-error: user_id is required
  void rename.mutate({ name: "Ada" });
  // @ts-expect-error: the fields are getters
  rename.isPending = true;
  // @ts-expect-error: echo merges nothing, so it takes no optimistic value
  void api.createEcho().mutate({ text: "hi" }, { optimistic: { message: "hi" } });
  void [result, pending, args];
}

export function forms(): void {
  const form = api.createContactForm();
  form.set("name", "Ada");
  form.set("topic", "sales");
  // @ts-expect-error: not one of the topic's choices
  form.set("topic", "gossip");
  // @ts-expect-error: name is text
  form.set("name", 5);
  // @ts-expect-error: no such field
  form.set("phone", "123");
  const sent: Promise<api.StatusOutput | null> = form.submit();
  void sent;
}

export function channels(): void {
  const chat = api.createChatChannel(() => ({ room: "lobby" }), { max: 10 });
  void chat.send({ text: "hi" });
  const last: api.ChatMessage | undefined = chat.last;
  // @ts-expect-error: room is required
  api.createChatChannel(() => ({}));
  // @ts-expect-error: a client message has text
  void chat.send({ body: "hi" });
  void last;
}
