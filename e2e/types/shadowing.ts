// The client of fixtures/good/shadowing, whose schemas are named like TypeScript's and the DOM's
// globals (`Date`, `Promise`, `Blob`, `Record`...) and like the runtime's own exports
// (`FormField`, `MizanError`, `ChannelState`...). Each schema keeps its name in the public API,
// and the generated code still means the global wherever it means one: were a user type to
// shadow a global inside a generated file, the generated file or one of these assertions would
// stop compiling. The user's types are imported under their own names on purpose, so that in
// this file `Date`, `Promise` and `Blob` are the user's; the globals are `globalThis.` here.
import type {
  Blob,
  ChannelState,
  Date,
  Event,
  FormField,
  FormFieldError,
  FormFieldFormData,
  FormState as UserFormState,
  MizanError,
  Partial,
  Promise,
  Record,
  Response,
  T,
} from "../.generated/shadowing";
import {
  callMaybeDate,
  callSavePartial,
  callUpload,
  fetchShopContext,
  useEventsChannel,
  useFormFieldForm,
  usePromise,
  useRecord,
  useSuspenseErrorsInfiniteQuery,
} from "../.generated/shadowing";

/** True when A and B are the same type (not merely assignable). */
type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
/** `exactly(value)<X>(true)` compiles only when the value's inferred type is exactly X. */
const exactly =
  <V>(_value: V) =>
  <X>(ok: Equals<V, X>): boolean =>
    ok;

// The schemas keep their names: `FormField` is the schema, not the runtime's field type.
exactly<FormField>({ tag_formfield: "" })<{ tag_formfield: string }>(true);
exactly<FormFieldError>({ tag_formfielderror: "" })<{ tag_formfielderror: string }>(true);
exactly<UserFormState>({ tag_formstate: "" })<{ tag_formstate: string }>(true);
exactly<MizanError>({ tag_mizanerror: "" })<{ tag_mizanerror: string }>(true);
exactly<ChannelState>({ tag_channelstate: "" })<{ tag_channelstate: string }>(true);
exactly<T>({ tag_t: "" })<{ tag_t: string }>(true);
// A date-time stays a string; the schema named `Date` is an object.
exactly<Date>({ iso: "" })<{ iso: string }>(true);

export async function calls(partial: Partial, when: Date, file: globalThis.Blob, meta: { tag_file: string }): globalThis.Promise<unknown> {
  // A call returns the global Promise of the user's type.
  exactly(callMaybeDate())<globalThis.Promise<Date | null>>(true);
  exactly(callSavePartial({ partial, when }))<globalThis.Promise<Promise>>(true);
  // An upload takes the global Blob, and answers the schema named `Blob`.
  const blob: Blob = { size: 1 };
  exactly(callUpload({ file, meta, blob }))<globalThis.Promise<Blob>>(true);
  // @ts-expect-error the schema named `Blob` is no file
  void callUpload({ file: blob, meta, blob });
  // A context's bundle holds the user's types.
  const bundle = await fetchShopContext({ record_id: 1 });
  exactly(bundle.record)<Record>(true);
  exactly(bundle.promise)<Promise>(true);
  // `additionalProperties` stays an index signature, whatever `Record` is.
  exactly(bundle.record.labels)<{ [key: string]: string }>(true);
  return bundle;
}

export function Hooks(): null {
  exactly(usePromise())<Promise | undefined>(true);
  exactly(useRecord())<Record | undefined>(true);
  // A form's file field is the global Blob; its submit answers the user's `Promise`.
  exactly<FormFieldFormData["attachment"]>(undefined)<globalThis.Blob | undefined>(true);
  const form = useFormFieldForm();
  exactly(form.result)<Promise | null>(true);
  // A channel's messages are the user's `Event` and `Response`.
  const channel = useEventsChannel({ room: "a" });
  exactly(channel.last)<Event | undefined>(true);
  channel.send({ tag_response: "" } satisfies Response);
  // Pages of a paged read: the global Array of the user's `Error`.
  const pages = useSuspenseErrorsInfiniteQuery({ filter: { tag_partial: "" } }, { getNextPageParam: (last) => last.next_cursor });
  exactly(pages.data.pages[0]?.items)<globalThis.Array<import("../.generated/shadowing").Error> | undefined>(true);
  return null;
}
