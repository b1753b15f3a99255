// Type-level tests of the React layer generated from fixtures/good/reference-3.1 (contract v2, on
// TanStack Query v5): providers, slot hooks, query and mutation hooks, forms and channels. The
// "bad use fails to compile" cases carry @ts-expect-error, which fails when there is no error.
// Compiled, never run.
import { QueryClient } from "@tanstack/react-query";

import {
  createMizanClient,
  GlobalContext,
  MizanContext,
  readFieldErrors,
  userContextQuery,
  UserContext,
  useChatChannel,
  useContactForm,
  useCurrentUser,
  useEcho,
  useEchoQuery,
  useMizan,
  useRenameUser,
  useSuspenseCurrentUser,
  useSuspenseUserProfile,
  useUpdateProfile,
  useUploadAvatar,
  useUserContext,
  useUserProfile,
  useUserProfileQuery,
  useWhoami,
  useWhoamiQuery,
  type ChannelStatus,
  type ContactFormData,
  type CurrentUser,
  type EchoOutput,
  type FormFieldError,
  type MizanError,
  type ProfileOutput,
  type RenameUserInput,
  type StatusOutput,
  type UserContextData,
} from "../.generated/reference-3.1/index";

/** True when A and B are the same type (not merely assignable). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `exactly(value)<T>(true)` compiles only when the value's inferred type is exactly T. */
const exactly =
  <V,>(_value: V) =>
  <T,>(ok: Equals<V, T>): boolean =>
    ok;

export function Root() {
  const client = createMizanClient({ baseUrl: "https://api.example.com/api/mizan" });
  return (
    <>
      <MizanContext baseUrl="/api/mizan" getHeaders={() => ({ "X-Mizan-Token": "t" })}>
        <HooksCompile />
      </MizanContext>
      <MizanContext client={client} queryClient={new QueryClient()}>
        <GlobalContext staleTime={1000}>
          <UserContext user_id={1} limit={5} keepPrevious staleTime={60_000} enabled refetchInterval={5000}>
            <Suspended />
          </UserContext>
        </GlobalContext>
      </MizanContext>
    </>
  );
}

export function HooksCompile() {
  // A slot's value: undefined while loading, the server's value (null included) once loaded.
  const profile = useUserProfile();
  exactly(profile)<ProfileOutput | undefined>(true);
  const user = useCurrentUser();
  exactly(user)<CurrentUser | null | undefined>(true);
  const who: string = user === undefined ? "loading" : user === null ? "anonymous" : user.username;
  // A slot's query result and the bundle's.
  const profileQuery = useUserProfileQuery();
  exactly(profileQuery.data)<ProfileOutput | undefined>(true);
  exactly(profileQuery.error)<MizanError | null>(true);
  const bundle = useUserContext();
  exactly(bundle.data)<UserContextData | undefined>(true);
  // Plain reads as queries.
  const echoed = useEchoQuery({ text: "hi" }, { staleTime: 1000, enabled: true, keepPrevious: true });
  exactly(echoed.data)<EchoOutput | undefined>(true);
  const me = useWhoamiQuery();
  exactly(me.data)<CurrentUser | undefined>(true);
  // The root's client and QueryClient; factories type the QueryClient.
  const { client, queryClient } = useMizan();
  void queryClient.fetchQuery(userContextQuery({ user_id: 1 }, client)).then((d) => exactly(d)<UserContextData>(true));
  exactly(queryClient.getQueryData(userContextQuery({ user_id: 1 }).queryKey))<UserContextData | undefined>(true);
  // Mutations: mutate() resolves to the result; status fields.
  const rename = useRenameUser();
  void rename.mutate({ user_id: 1, name: "Ada" }).then((r) => exactly(r)<ProfileOutput>(true));
  void rename.mutate({ user_id: 1, name: "Ada" }, { optimistic: { user_id: 1, name: "Ada" } });
  void rename.mutate({ user_id: 1, name: "Ada" }, { optimistic: (cur) => ({ ...cur!, name: "x" }) });
  exactly(rename.variables)<RenameUserInput | undefined>(true);
  exactly(rename.data)<ProfileOutput | undefined>(true);
  exactly(rename.error)<MizanError | null>(true);
  const pending: boolean = rename.isPending || rename.isSuccess || rename.isError || rename.isIdle;
  rename.reset();
  const echo = useEcho();
  void echo.mutate({ text: "hi" }).then((r) => r.message satisfies string);
  const whoami = useWhoami();
  void whoami.mutate();
  void useUpdateProfile()
    .mutate({ user_id: 1, name: "Ada" })
    .then((r) => exactly(r)<StatusOutput>(true));
  void useUploadAvatar().mutate({ user_id: 1, file: new Blob(["x"]) });
  // Channels.
  const chat = useChatChannel({ room: "lobby" }, { max: 50 });
  void chat.send({ text: "hi" });
  exactly(chat.status)<ChannelStatus>(true);
  const open: boolean = chat.status === "open";
  // Forms.
  const form = useContactForm();
  form.set("email", "ada@example.com");
  form.set("topic", "sales");
  const data: Partial<ContactFormData> = form.data;
  const firstError: "client" | "server" | undefined = form.errors.email?.[0]?.source;
  void form.submit().then((r) => exactly(r)<StatusOutput | null>(true));
  const valid: boolean = form.validate();
  void form.validateOnServer().then((ok) => exactly(ok)<boolean>(true));
  exactly(form.errors.email?.[0]?.code)<string | undefined>(true);
  // Errors that belong to no field: typed, under __all__.
  exactly(form.errors.__all__)<FormFieldError[] | undefined>(true);
  exactly(readFieldErrors(null))<Record<string, FormFieldError[]> | null>(true);
  // @ts-expect-error errors are keyed by field names (and __all__) only
  void form.errors.phone;
  return (
    <UserContext user_id={1}>
      {profile?.name}
      {who}
      {String(pending && open && valid)}
      {chat.last?.text}
      {String(data.topic)}
      {firstError}
    </UserContext>
  );
}

function Suspended() {
  // Suspense hooks: the value itself, never undefined.
  const profile = useSuspenseUserProfile();
  exactly(profile)<ProfileOutput>(true);
  const user = useSuspenseCurrentUser();
  exactly(user)<CurrentUser | null>(true);
  return (
    <>
      {profile.name.toUpperCase()}
      {user?.username}
    </>
  );
}

export function HooksMustNotCompile() {
  const profile = useUserProfile();
  // @ts-expect-error a slot's value is undefined while loading: check it before use
  void profile.name;
  // @ts-expect-error the current user is null for anonymous visitors, even under Suspense
  void useSuspenseCurrentUser().username;
  // @ts-expect-error the query result's data is undefined while loading
  void useUserProfileQuery().data.name;
  // @ts-expect-error a function without merges takes no optimistic result
  void useEcho().mutate({ text: "a" }, { optimistic: { message: "a" } });
  // @ts-expect-error a required argument is missing
  void useRenameUser().mutate({ user_id: 1 });
  // @ts-expect-error an argument of the wrong type
  void useRenameUser().mutate({ user_id: "1", name: "x" });
  // @ts-expect-error an argument that does not exist
  void useEcho().mutate({ text: "a", loud: true });
  // @ts-expect-error the arguments are required
  void useEcho().mutate();
  // @ts-expect-error one argument, no more
  void useUpdateProfile().mutate({ user_id: 1, name: "x" }, { user_id: 2, name: "y" });
  // @ts-expect-error the optimistic result has the function's result type
  void useRenameUser().mutate({ user_id: 1, name: "x" }, { optimistic: { ok: true } });
  // @ts-expect-error an optimistic updater returns the function's result type
  void useRenameUser().mutate({ user_id: 1, name: "x" }, { optimistic: (cur) => ({ ...cur!, name: 5 }) });
  // @ts-expect-error a function without input takes no argument
  void useWhoami().mutate({});
  // @ts-expect-error a read query's args are typed
  void useEchoQuery({ text: 1 });
  // @ts-expect-error a function without input has no args to give
  void useWhoamiQuery({ text: "x" });
  // @ts-expect-error a client message must match the channel's schema
  void useChatChannel({ room: "lobby" }).send({ body: "hi" });
  // @ts-expect-error channel params are typed
  void useChatChannel({ room: 1 });
  // @ts-expect-error a status is one of four
  void (useChatChannel({ room: "lobby" }).status === "opened");
  const form = useContactForm();
  // @ts-expect-error a form field that does not exist
  form.set("phone", "1");
  // @ts-expect-error a text field takes a string
  form.set("name", 5);
  // @ts-expect-error a choice field takes one of its choices
  form.set("topic", "billing");
  // @ts-expect-error the root's config is typed
  void (<MizanContext baseUrl={5} />);
  // @ts-expect-error the root's client is a MizanClient
  void (<MizanContext client={{}} />);
  // @ts-expect-error a context without params takes none
  void (<GlobalContext user_id={1} />);
  // @ts-expect-error a provider's param has its type
  void (<UserContext user_id="1" />);
  // @ts-expect-error a provider takes only its context's params
  void (<UserContext user_id={1} page={2} />);
  // @ts-expect-error query options are typed
  void (<UserContext user_id={1} staleTime="1 minute" />);
  // @ts-expect-error the `user` provider needs its required param
  return <UserContext>{null}</UserContext>;
}
