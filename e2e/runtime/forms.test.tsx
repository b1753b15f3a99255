// runtime/forms.ts under a real <MizanContext> on jsdom: typed set, Zod validation with Django's
// messages, submission through the root's client, and the server's field errors.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { act, cleanup, render } from "@testing-library/react";

import { createMizanClient, MizanError, type CallEnvelope, type CallOptions, type MizanClient, type MizanTransport, type Params } from "../../runtime/kernel.ts";
import { MizanContext } from "../../runtime/react.tsx";
import { formSchema, readFieldErrors, useForm, type FieldsOf, type FormErrors, type FormField, type FormFieldError, type FormState } from "../../runtime/forms.ts";

/** A transport that records calls and answers them with `onCall`. */
class FakeTransport implements MizanTransport {
  calls: { fn: string; args: Params }[] = [];
  fetches: string[] = [];
  onCall: (fn: string, args: Params) => Promise<CallEnvelope> = () => Promise.resolve({ result: null });

  call(fn: string, args: Params, _options: CallOptions): Promise<CallEnvelope> {
    this.calls.push({ fn, args });
    return this.onCall(fn, args);
  }

  fetch(context: string): Promise<unknown> {
    this.fetches.push(context);
    return Promise.resolve({});
  }
}

interface ContactData {
  name: string;
  email: string;
  rating?: number;
  age: number;
  topic: "bug" | "idea";
  website?: string;
  nickname?: string;
  agree: boolean;
  tags: string[];
  born: string;
}
interface Sent {
  id: number;
}

const base = { widget: "input", disabled: false, helpText: null, maxLength: null, minLength: null, choices: null } as const;
const field = <K extends keyof ContactData & string>(name: K, type: string, required: boolean, extra: Partial<FormField> = {}): FormField<K> => ({
  ...base,
  label: name.toUpperCase(),
  type,
  required,
  ...extra,
  name,
});

const fields: FieldsOf<ContactData> = [
  field("name", "text", true, { minLength: 2, maxLength: 10 }),
  field("email", "email", true, { maxLength: 254 }),
  field("rating", "integer", false),
  field("age", "integer", true),
  field("tags", "multiple_choice", true, { choices: [{ value: "a", label: "A" }] }),
  field("born", "date", true),
  field("topic", "choice", true, {
    choices: [
      { value: "bug", label: "Bug" },
      { value: "idea", label: "Idea" },
    ],
  }),
  field("website", "url", false),
  field("nickname", "text", false, { minLength: 3 }),
  field("agree", "boolean", true),
];
const schema = formSchema<ContactData>(fields);
const initial: Partial<ContactData> = { name: "" };

/** Renders useForm() under a root with `transport`; `current()` is the latest form state. */
function mount(
  transport: MizanTransport,
  submitFn: string | null = "contact.submit",
  validateFn: string | null = "contact.validate",
): { current(): FormState<ContactData, Sent>; client: MizanClient } {
  const client = createMizanClient({ transport });
  let latest: FormState<ContactData, Sent> | undefined;
  function Form() {
    latest = useForm<ContactData, Sent>(schema, initial, fields, submitFn, validateFn);
    return null;
  }
  render(
    <MizanContext client={client}>
      <Form />
    </MizanContext>,
  );
  return {
    client,
    current() {
      assert.ok(latest, "the form rendered");
      return latest;
    },
  };
}

const messages = (form: FormState<ContactData, Sent>, name: keyof ContactData) => form.errors[name]?.map((e) => `${e.source}: ${e.message}`);

async function fill(form: () => FormState<ContactData, Sent>, data: Partial<ContactData>): Promise<void> {
  await act(async () => {
    for (const [k, v] of Object.entries(data)) form().set(k as keyof ContactData, v as never);
  });
}

const valid: ContactData = { name: "Ada", email: "ada@example.com", rating: 5, age: 36, topic: "idea", agree: true, tags: ["a"], born: "1815-12-10" };

afterEach(() => cleanup());

/** Never called: checks at compile time that `set` is typed per field. */
function typeChecks(form: FormState<ContactData, Sent>): void {
  form.set("rating", 3);
  form.set("topic", "bug");
  // @ts-expect-error rating is a number
  form.set("rating", "abc");
  // @ts-expect-error topic is one of its choices
  form.set("topic", "other");
  // @ts-expect-error no such field
  form.set("nope", 1);
  const fromFields: keyof ContactData = form.fields[0]!.name;
  void fromFields;
}

test("set is typed per field and updates data; fields and initial values come through", async () => {
  assert.equal(typeof typeChecks, "function");
  const t = new FakeTransport();
  const { current } = mount(t);
  assert.deepEqual(current().data, { name: "" });
  assert.equal(current().fields, fields);
  await fill(current, { name: "Ada", rating: 4 });
  assert.deepEqual(current().data, { name: "Ada", rating: 4 });
  assert.equal(current().isSubmitting, false);
  assert.equal(current().result, null);
  assert.equal(current().error, null);
});

test("client validation gives Django's messages: required, email, min/max length, choice, number", async () => {
  const t = new FakeTransport();
  const { current } = mount(t);
  let ok = true;
  act(() => {
    ok = current().validate();
  });
  assert.equal(ok, false);
  const form = current();
  assert.deepEqual(messages(form, "name"), ["client: This field is required."]);
  assert.deepEqual(messages(form, "email"), ["client: This field is required."]);
  assert.deepEqual(messages(form, "topic"), ["client: This field is required."]);
  assert.deepEqual(messages(form, "agree"), ["client: This field is required."]);
  assert.deepEqual(messages(form, "age"), ["client: This field is required."]);
  assert.deepEqual(messages(form, "tags"), ["client: This field is required."]);
  assert.deepEqual(messages(form, "born"), ["client: This field is required."]);
  assert.equal(form.errors.rating, undefined, "optional fields may stay empty");
  assert.equal(form.errors.website, undefined);

  await fill(current, { name: "A", email: "not-an-email", topic: "other" as never, rating: 2.5, website: "nope", nickname: "ab", age: "x" as never, tags: ["b"], born: "1815-13-40" });
  act(() => {
    ok = current().validate();
  });
  assert.equal(ok, false);
  assert.deepEqual(messages(current(), "name"), ["client: Ensure this value has at least 2 characters."]);
  assert.deepEqual(messages(current(), "email"), ["client: Enter a valid email address."]);
  assert.deepEqual(messages(current(), "topic"), ["client: Select a valid choice."]);
  assert.deepEqual(messages(current(), "rating"), ["client: Enter a whole number."]);
  assert.deepEqual(messages(current(), "website"), ["client: Enter a valid URL."]);
  assert.deepEqual(messages(current(), "nickname"), ["client: Ensure this value has at least 3 characters."]);
  assert.deepEqual(messages(current(), "age"), ["client: Enter a whole number."]);
  assert.deepEqual(messages(current(), "tags"), ["client: Select a valid choice."]);
  assert.deepEqual(messages(current(), "born"), ["client: Enter a valid date."]);

  await fill(current, { name: "Ada Lovelace!" });
  assert.equal(current().errors.name, undefined, "set clears the field's errors");
  act(() => void current().validate());
  assert.deepEqual(messages(current(), "name"), ["client: Ensure this value has at most 10 characters."]);

  await fill(current, { ...valid, website: "", nickname: "" });
  act(() => {
    ok = current().validate();
  });
  assert.equal(ok, true, "optional text and url fields may be blank");
  assert.deepEqual(current().errors, {});
  assert.equal(t.calls.length, 0, "validate() never calls the server");
});

test("submit validates first and does not call the server when invalid", async () => {
  const t = new FakeTransport();
  const { current } = mount(t);
  let r: Sent | null | undefined;
  await act(async () => {
    r = await current().submit();
  });
  assert.equal(r, null);
  assert.equal(t.calls.length, 0);
  assert.deepEqual(messages(current(), "name"), ["client: This field is required."]);
});

test("submit calls the form's function through the root's client with { data }", async () => {
  const t = new FakeTransport();
  let release!: () => void;
  t.onCall = () => new Promise((resolve) => (release = () => resolve({ result: { id: 7 } })));
  const { current } = mount(t);
  await fill(current, valid);
  let pending!: Promise<Sent | null>;
  act(() => {
    pending = current().submit();
  });
  assert.equal(current().isSubmitting, true);
  assert.deepEqual(t.calls, [{ fn: "contact.submit", args: { data: valid } }]);
  await act(async () => {
    release();
    assert.deepEqual(await pending, { id: 7 });
  });
  assert.equal(current().isSubmitting, false);
  assert.deepEqual(current().result, { id: 7 });
  assert.equal(current().error, null);

  act(() => current().reset());
  assert.deepEqual(current().data, initial);
  assert.equal(current().result, null);
});

test("the server's VALIDATION_FAILED details land in errors with source server", async () => {
  const t = new FakeTransport();
  t.onCall = () =>
    Promise.reject(
      new MizanError("VALIDATION_FAILED", "invalid form", 422, {
        email: [{ message: "This email is taken.", code: "unique" }],
        name: "A bare string.",
        __all__: ["Try again later.", { message: "Second." }],
      }),
    );
  const { current } = mount(t);
  await fill(current, valid);
  let r: Sent | null | undefined;
  await act(async () => {
    r = await current().submit();
  });
  assert.equal(r, null);
  assert.equal(t.calls.length, 1);
  assert.deepEqual(current().errors, {
    email: [{ message: "This email is taken.", code: "unique", source: "server" }],
    name: [{ message: "A bare string.", source: "server" }],
    __all__: [
      { message: "Try again later.", source: "server" },
      { message: "Second.", source: "server" },
    ],
  });
  assert.equal("code" in current().errors.name![0]!, false, "no code is an absent code, not undefined");
  assert.equal(current().error, null, "field errors are not a form error");
  assert.equal(current().isSubmitting, false);
});

test("other failures land in error, as MizanError", async () => {
  const t = new FakeTransport();
  t.onCall = () => Promise.reject(new MizanError("FORBIDDEN", "no", 403));
  const { current } = mount(t);
  await fill(current, valid);
  await act(async () => void (await current().submit()));
  assert.ok(current().error instanceof MizanError);
  assert.equal(current().error?.code, "FORBIDDEN");
  assert.deepEqual(current().errors, {});

  // A non-MizanError failure is wrapped.
  t.onCall = () => Promise.reject(new Error("boom"));
  await act(async () => void (await current().submit()));
  assert.ok(current().error instanceof MizanError);
  assert.equal(current().error?.code, "CLIENT_ERROR");
});

test("a form without a submit function validates but never calls", async () => {
  const t = new FakeTransport();
  const { current } = mount(t, null);
  await fill(current, valid);
  let r: Sent | null | undefined;
  await act(async () => {
    r = await current().submit();
  });
  assert.equal(r, null);
  assert.equal(t.calls.length, 0);
  assert.deepEqual(current().errors, {});
});

test("two roots submit through their own clients", async () => {
  const a = new FakeTransport();
  const b = new FakeTransport();
  const first = mount(a);
  const second = mount(b);
  await fill(first.current, valid);
  await fill(second.current, { ...valid, name: "Grace" });
  await act(async () => void (await second.current().submit()));
  assert.equal(a.calls.length, 0);
  assert.deepEqual(b.calls, [{ fn: "contact.submit", args: { data: { ...valid, name: "Grace" } } }]);
});

test("a form's declarations are frozen, and each form instance edits its own copy of the initial values", async () => {
  const t = new FakeTransport();
  const first = mount(t);
  assert.ok(Object.isFrozen(fields) && fields.every((f) => Object.isFrozen(f)), "the field list is frozen, deeply");
  assert.ok(Object.isFrozen(initial), "the initial values are frozen");
  assert.throws(() => {
    (first.current().fields[0] as { label: string }).label = "changed";
  }, TypeError);
  assert.notEqual(first.current().data, initial, "data is a copy");
  await fill(first.current, { name: "Ada" });
  assert.deepEqual(initial, { name: "" }, "the shared initial values are untouched");
});

test("set() then submit() in one handler sends the new values; a second submit joins the first", async () => {
  const t = new FakeTransport();
  let release!: () => void;
  t.onCall = () => new Promise((resolve) => (release = () => resolve({ result: { id: 9 } })));
  const { current } = mount(t);
  await fill(current, { ...valid, name: "Old" });
  let first: Promise<Sent | null> | undefined;
  let second: Promise<Sent | null> | undefined;
  await act(async () => {
    current().set("name", "New");
    first = current().submit();
    second = current().submit(); // a double click
  });
  assert.equal(t.calls.length, 1, "one request for both submits");
  assert.equal((t.calls[0]?.args["data"] as ContactData).name, "New", "the value set in the same handler");
  await act(async () => release());
  assert.deepEqual(await first, { id: 9 });
  assert.deepEqual(await second, { id: 9 });
  assert.equal(current().isSubmitting, false);
});

// ---- reading the server's field errors ----

const server = (message: string, code?: string): FormFieldError => (code === undefined ? { message, source: "server" } : { message, code, source: "server" });

test("readFieldErrors: FieldErrors keep their code, bare strings become { message }, __all__ stays", () => {
  assert.deepEqual(
    readFieldErrors({
      email: [{ message: "Enter a valid email address.", code: "invalid" }, "A bare string."],
      name: [{ message: "No code." }],
      message: "A lone string.",
      topic: { message: "A lone FieldError.", code: "invalid_choice" },
      __all__: [{ message: "The message only repeats the name.", code: "repeated" }, "Try again later."],
      empty: [],
    }),
    {
      email: [server("Enter a valid email address.", "invalid"), server("A bare string.")],
      name: [server("No code.")],
      message: [server("A lone string.")],
      topic: [server("A lone FieldError.", "invalid_choice")],
      __all__: [server("The message only repeats the name.", "repeated"), server("Try again later.")],
    },
  );
  assert.deepEqual(readFieldErrors({}), {}, "no errors: an empty map, not unreadable");
  const [only] = readFieldErrors({ name: [{ message: "m", code: null }] })!["name"]!;
  assert.deepEqual(only, server("m"));
  assert.equal(only && "code" in only, false, "a code that is not a string is left out, not kept as undefined");
});

test("readFieldErrors: names that are not fields join __all__; a __proto__ key stays a key", () => {
  const found = readFieldErrors(JSON.parse('{"name": ["n"], "captcha": ["Wrong answer."], "__all__": ["a"], "__proto__": ["p"]}'), ["name", "email"]);
  assert.deepEqual(found, { name: [server("n")], __all__: [server("Wrong answer."), server("a"), server("p")] });
  const own = readFieldErrors(JSON.parse('{"__proto__": ["p"]}'));
  assert.ok(own && Object.getPrototypeOf(own) === Object.prototype, "the map's prototype is untouched");
  assert.deepEqual(Object.keys(own), ["__proto__"]);
});

test("readFieldErrors: malformed entries are dropped, readable ones kept; nothing readable is null", () => {
  assert.deepEqual(readFieldErrors({ name: [1, null, true, ["nested"], { code: "x" }, { message: 5 }, "kept"], email: 42 }), { name: [server("kept")] });
  for (const details of [null, undefined, "a string", 7, ["a", "list"], { name: [1, 2] }, { name: null }, { name: [{ code: "required" }] }]) {
    assert.equal(readFieldErrors(details), null, JSON.stringify(details) ?? "undefined");
  }
});

test("submit: malformed details keep what can be read; with nothing readable the failure goes to error", async () => {
  const t = new FakeTransport();
  let details: unknown = { name: [1, { message: "Readable.", code: 7 }], email: [null] };
  t.onCall = () => Promise.reject(new MizanError("VALIDATION_FAILED", "invalid form", 422, details));
  const { current } = mount(t);
  await fill(current, valid);
  await act(async () => void (await current().submit()));
  assert.deepEqual(current().errors, { name: [server("Readable.")] });
  assert.equal(current().error, null);
  for (details of [[1, 2], "invalid", { name: [1] }, {}, null]) {
    await act(async () => void (await current().submit()));
    assert.deepEqual(current().errors, {}, JSON.stringify(details));
    assert.equal(current().error?.code, "VALIDATION_FAILED", "not silent: the failure is the form's error");
    assert.deepEqual(current().error?.details, details);
  }
});

test("validateOnServer: client first, then the validate function with { data }; its errors, codes and __all__ land in errors", async () => {
  const t = new FakeTransport();
  let answer: unknown = { errors: { email: [{ message: "This email is taken.", code: "unique" }], __all__: ["Too many messages today."] } };
  t.onCall = () => Promise.resolve({ result: answer });
  const { current } = mount(t);
  let ok: boolean | undefined;
  await act(async () => {
    ok = await current().validateOnServer();
  });
  assert.equal(ok, false);
  assert.equal(t.calls.length, 0, "invalid on the client: nothing sent");
  assert.deepEqual(messages(current(), "name"), ["client: This field is required."]);

  await fill(current, valid);
  await act(async () => {
    ok = await current().validateOnServer();
  });
  assert.equal(ok, false);
  assert.deepEqual(t.calls, [{ fn: "contact.validate", args: { data: valid } }]);
  const errors: FormErrors<ContactData> = current().errors;
  assert.deepEqual(errors, { email: [server("This email is taken.", "unique")], __all__: [server("Too many messages today.")] });
  assert.equal(current().error, null);

  answer = { errors: {} };
  await act(async () => {
    ok = await current().validateOnServer();
  });
  assert.equal(ok, true);
  assert.deepEqual(current().errors, {});
});

test("validateOnServer: an unreadable answer is a BAD_RESPONSE error, never valid; failures go to error", async () => {
  const t = new FakeTransport();
  let answer: unknown = null;
  t.onCall = () => Promise.resolve({ result: answer });
  const { current } = mount(t);
  await fill(current, valid);
  for (answer of [null, "ok", { errors: [1, 2] }, { errors: { name: [3] } }, { problems: {} }]) {
    let ok: boolean | undefined;
    await act(async () => {
      ok = await current().validateOnServer();
    });
    assert.equal(ok, false, JSON.stringify(answer));
    assert.equal(current().error?.code, "BAD_RESPONSE");
    assert.deepEqual(current().error?.details, answer);
    assert.deepEqual(current().errors, {});
  }
  t.onCall = () => Promise.reject(new MizanError("VALIDATION_FAILED", "bad args", 422, { data: ["This field is required."] }));
  await act(async () => void (await current().validateOnServer()));
  assert.deepEqual(current().errors, { __all__: [server("This field is required.")] }, "an error about no form field is shown under __all__");
  t.onCall = () => Promise.reject(new MizanError("FORBIDDEN", "no", 403));
  await act(async () => void (await current().validateOnServer()));
  assert.equal(current().error?.code, "FORBIDDEN");
});

test("validateOnServer: an answer about values set() has changed since is not shown; no validate function checks on the client only", async () => {
  const t = new FakeTransport();
  let release!: () => void;
  t.onCall = () => new Promise((resolve) => (release = () => resolve({ result: { errors: { name: ["Taken."] } } })));
  const { current } = mount(t);
  await fill(current, valid);
  let pending!: Promise<boolean>;
  act(() => {
    pending = current().validateOnServer();
  });
  await fill(current, { name: "Grace" });
  await act(async () => {
    release();
    assert.equal(await pending, false, "the values sent were not valid");
  });
  assert.deepEqual(current().errors.name, undefined, "the new name is not blamed");

  const bare = new FakeTransport();
  const only = mount(bare, "contact.submit", null);
  await fill(only.current, valid);
  let ok: boolean | undefined;
  await act(async () => {
    ok = await only.current().validateOnServer();
  });
  assert.equal(ok, true);
  assert.equal(bare.calls.length, 0);
});
