// Type-level tests of the React layer generated from fixtures/good/reference-3.1: the hooks'
// argument and result types, which the generated code leaves to inference from each hook's
// declared return type. Compiled, never run.
import {
  UserContext,
  useChatChannel,
  useContactForm,
  useEcho,
  useRenameUser,
  useUserProfile,
  useWhoami,
  type ContactFormData,
} from "../.generated/reference-3.1/index";

export function HooksCompile() {
  const profile = useUserProfile();
  const rename = useRenameUser();
  void rename.mutate({ user_id: 1, name: "Ada" }, { optimistic: { user_id: 1, name: "Ada" } });
  const echo = useEcho();
  void echo.mutate({ text: "hi" }).then((r) => r.message satisfies string);
  const whoami = useWhoami();
  void whoami.mutate();
  const chat = useChatChannel({ room: "lobby" });
  void chat.send({ text: "hi" });
  const form = useContactForm();
  form.set("email", "ada@example.com");
  const data: Partial<ContactFormData> = form.data;
  return (
    <UserContext user_id={1}>
      {profile?.name}
      {chat.last?.text}
      {String(data.topic)}
    </UserContext>
  );
}

export function HooksMustNotCompile() {
  // @ts-expect-error a function without merges takes no optimistic result
  void useEcho().mutate({ text: "a" }, { optimistic: { message: "a" } });
  // @ts-expect-error a required argument is missing
  void useRenameUser().mutate({ user_id: 1 });
  // @ts-expect-error the optimistic result has the function's result type
  void useRenameUser().mutate({ user_id: 1, name: "x" }, { optimistic: { ok: true } });
  // @ts-expect-error a function without input takes no argument
  void useWhoami().mutate({});
  // @ts-expect-error a client message must match the channel's schema
  void useChatChannel({ room: "lobby" }).send({ body: "hi" });
  // @ts-expect-error a form field that does not exist
  useContactForm().set("phone", "1");
  // @ts-expect-error the `user` provider needs its required param
  return <UserContext>{null}</UserContext>;
}
