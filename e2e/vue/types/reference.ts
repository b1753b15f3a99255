// Type-level tests of the generated Vue client (reference-3.1): what must compile does, what
// must not carries @ts-expect-error (vue-tsc fails if such a line compiles). Never run.
import { computed, ref, type ComputedRef, type Ref } from "vue";

import * as api from "../.generated/reference-3.1/index.ts";

export function providers(): void {
  // Params: a plain object, a ref, or a getter.
  api.provideUserContext({ user_id: 5 });
  api.provideUserContext(ref({ user_id: 5, limit: 2 }));
  api.provideUserContext(() => ({ user_id: 5 }), { staleTime: 1000, keepPrevious: true, enabled: ref(false) });
  // @ts-expect-error: user_id is required
  api.provideUserContext({});
  // @ts-expect-error: user_id is a number
  api.provideUserContext({ user_id: "5" });
  // @ts-expect-error: a getter of the wrong params
  api.provideUserContext(() => ({ limit: 2 }));
  // A context without params takes none.
  api.provideGlobalContext({ staleTime: 5 });
  // @ts-expect-error: no params
  api.provideGlobalContext({ user_id: 5 }, {});
}

export function slots(): void {
  const profile: ComputedRef<api.ProfileOutput | undefined> = api.useUserProfile();
  const current: ComputedRef<api.CurrentUser | null | undefined> = api.useCurrentUser();
  // @ts-expect-error: undefined while loading
  const loaded: ComputedRef<api.ProfileOutput> = api.useUserProfile();
  const query = api.useUserProfileQuery();
  const name: string | undefined = query.data.value?.name;
  const code: string | undefined = query.error.value?.code;
  const suspended: Promise<api.ProfileOutput> = api.useSuspenseUserProfile();
  void [profile, current, loaded, name, code, suspended];
}

export function reads(): void {
  api.useFindUserQuery({ user_id: 5 });
  const id = ref(5);
  api.useFindUserQuery(() => ({ user_id: id.value }));
  api.useFindUserQuery(computed(() => ({ user_id: id.value })), { enabled: () => id.value > 0 });
  // @ts-expect-error: wrong args
  api.useFindUserQuery({ user_id: "5" });
  // @ts-expect-error: a required arg missing
  api.useFindUserQuery({});
  // @ts-expect-error: a getter of the wrong args
  api.useFindUserQuery(() => ({ id: 5 }));
  const found: api.ProfileOutput | null | undefined = api.useFindUserQuery({ user_id: 5 }).data.value;
  void found;
  api.useWhoamiQuery();
}

export async function mutations(): Promise<void> {
  const rename = api.useRenameUser();
  const renamed: api.ProfileOutput = await rename.mutate({ user_id: 5, name: "Ada" }, { optimistic: (prev) => ({ user_id: 5, name: prev?.name ?? "" }) });
  const pending: Ref<boolean> = rename.isPending;
  const variables: Ref<api.RenameUserInput | undefined> = rename.variables;
  const error: Ref<api.MizanError | null> = rename.error;
  // @ts-expect-error: name is a string
  await rename.mutate({ user_id: 5, name: 5 });
  // @ts-expect-error: the optimistic value is a profile
  await rename.mutate({ user_id: 5, name: "Ada" }, { optimistic: { name: "Ada" } });
  const update = api.useUpdateProfile();
  // @ts-expect-error: no optimistic option without a merge
  await update.mutate({ user_id: 5, name: "Ada" }, { optimistic: {} });
  void [renamed, pending, variables, error];
}

export function forms(): void {
  const form = api.useContactForm();
  form.set("name", "Ada");
  form.set("topic", "sales");
  // @ts-expect-error: not one of the topic's choices
  form.set("topic", "gossip");
  // @ts-expect-error: name is text
  form.set("name", 5);
  // @ts-expect-error: no such field
  form.set("phone", "123");
  const submitted: Promise<api.StatusOutput | null> = form.submit();
  void submitted;
}

export function channels(): void {
  const room = ref("lobby");
  const chat = api.useChatChannel(() => ({ room: room.value }), { max: ref(10) });
  const last: api.ChatMessage | undefined = chat.last;
  void chat.send({ text: "hi" });
  // @ts-expect-error: a client message has text
  void chat.send({ body: "hi" });
  // @ts-expect-error: room is required
  api.useChatChannel({});
  void last;
}
