// runtime/form-core.ts without any framework (plain Node, no DOM): createFormController() over a
// real kernel client with an inline fake transport. The controller is what the React, Vue and
// Svelte form bindings render, so its snapshots and notifications are checked here directly.

import assert from "node:assert/strict";
import { test } from "node:test";

import { createMizanClient, MizanError, type CallEnvelope, type CallOptions, type MizanTransport, type Params } from "../../runtime/kernel.ts";
import { createFormController, formSchema, type FieldsOf, type FormController, type FormField, type FormSnapshot } from "../../runtime/form-core.ts";

/** A transport that records calls and answers them with `onCall`. */
class FakeTransport implements MizanTransport {
  calls: { fn: string; args: Params }[] = [];
  onCall: (fn: string, args: Params) => Promise<CallEnvelope> = () => Promise.resolve({ result: null });

  call(fn: string, args: Params, _options: CallOptions): Promise<CallEnvelope> {
    this.calls.push({ fn, args });
    return this.onCall(fn, args);
  }

  fetch(): Promise<unknown> {
    return Promise.reject(new Error("no context fetches in these tests"));
  }
}

interface Signup {
  name: string;
  email: string;
  age?: number;
}
interface Created {
  id: number;
}

const base = { widget: "input", disabled: false, helpText: null, maxLength: null, minLength: null, choices: null } as const;
const field = <K extends keyof Signup & string>(name: K, type: string, required: boolean, extra: Partial<FormField> = {}): FormField<K> => ({
  ...base,
  label: name,
  type,
  required,
  ...extra,
  name,
});
const fields: FieldsOf<Signup> = [field("name", "text", true, { minLength: 2 }), field("email", "email", true), field("age", "integer", false)];
const schema = formSchema<Signup>(fields);
const initial: Partial<Signup> = { name: "" };
const valid: Signup = { name: "Ada", email: "ada@example.com" };

/** A controller over `transport`, and every snapshot its listener saw. */
function open(transport: MizanTransport, submitFn: string | null = "signup.submit", validateFn: string | null = "signup.validate") {
  const form: FormController<Signup, Created> = createFormController<Signup, Created>(createMizanClient({ transport }), schema, initial, fields, submitFn, validateFn);
  const seen: FormSnapshot<Signup, Created>[] = [];
  const stop = form.subscribe(() => seen.push(form.getSnapshot()));
  return { form, seen, stop };
}

function fill(form: FormController<Signup, Created>, data: Partial<Signup>): void {
  for (const [k, v] of Object.entries(data)) form.set(k as keyof Signup, v as never);
}

/** A promise and the function that settles it. */
function later<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test("the first snapshot holds a copy of the initial values; each change is a new snapshot, heard by listeners until they unsubscribe", () => {
  const { form, seen, stop } = open(new FakeTransport());
  const first = form.getSnapshot();
  assert.deepEqual(first, { data: { name: "" }, errors: {}, isSubmitting: false, result: null, error: null });
  assert.notEqual(first.data, initial, "data is the form's own copy");
  assert.equal(form.getSnapshot(), first, "the same snapshot while nothing changes");
  assert.equal(form.fields, fields);
  assert.ok(Object.isFrozen(initial) && Object.isFrozen(fields[0]), "the declarations are frozen");

  form.set("name", "Ada");
  assert.equal(seen.length, 1);
  assert.notEqual(form.getSnapshot(), first);
  assert.deepEqual(form.getSnapshot().data, { name: "Ada" });
  assert.deepEqual(first.data, { name: "" }, "an older snapshot is never changed");

  stop();
  form.set("name", "Grace");
  assert.equal(seen.length, 1, "no call after unsubscribe");
  assert.deepEqual(initial, { name: "" }, "the shared initial values are untouched");

  // Two controllers of one form share nothing.
  const other = open(new FakeTransport()).form;
  assert.deepEqual(other.getSnapshot().data, { name: "" });
});

test("validate: Zod with Django's messages; set() clears that field's errors only", () => {
  const { form } = open(new FakeTransport());
  form.set("age", 1.5);
  assert.equal(form.validate(), false);
  const errors = form.getSnapshot().errors;
  assert.deepEqual(errors.name, [{ message: "This field is required.", source: "client" }]);
  assert.deepEqual(errors.email, [{ message: "This field is required.", source: "client" }]);
  assert.deepEqual(errors.age, [{ message: "Enter a whole number.", source: "client" }]);
  form.set("name", "A");
  assert.equal(form.getSnapshot().errors.name, undefined, "the field set is cleared");
  assert.ok(form.getSnapshot().errors.email, "the others stay");
  assert.equal(form.validate(), false);
  assert.deepEqual(form.getSnapshot().errors.name, [{ message: "Ensure this value has at least 2 characters.", source: "client" }]);
  fill(form, { ...valid, age: 3 });
  assert.equal(form.validate(), true);
  assert.deepEqual(form.getSnapshot().errors, {});
});

test("submit: invalid values never reach the server; valid ones are sent as { data }; isSubmitting while in flight; a second submit joins the first", async () => {
  const t = new FakeTransport();
  const answer = later<CallEnvelope>();
  t.onCall = () => answer.promise;
  const { form } = open(t);
  assert.equal(await form.submit(), null);
  assert.equal(t.calls.length, 0);
  assert.ok(form.getSnapshot().errors.email);

  fill(form, valid);
  const first = form.submit();
  const second = form.submit(); // a double click
  assert.equal(first, second, "the same promise");
  assert.equal(form.getSnapshot().isSubmitting, true);
  assert.deepEqual(form.getSnapshot().errors, {});
  await Promise.resolve();
  assert.equal(t.calls.length, 1, "one request for both submits");
  assert.deepEqual(t.calls[0], { fn: "signup.submit", args: { data: valid } });
  answer.resolve({ result: { id: 7 } });
  assert.deepEqual(await first, { id: 7 });
  assert.equal(form.getSnapshot().isSubmitting, false);
  assert.deepEqual(form.getSnapshot().result, { id: 7 });

  // Once settled, submit sends again.
  t.onCall = () => Promise.resolve({ result: { id: 8 } });
  assert.deepEqual(await form.submit(), { id: 8 });
  assert.equal(t.calls.length, 2);
});

test("submit failures: VALIDATION_FAILED details go to errors (unknown fields under __all__); any other failure to error", async () => {
  const t = new FakeTransport();
  t.onCall = () =>
    Promise.reject(new MizanError("VALIDATION_FAILED", "invalid", 400, { email: [{ message: "Taken.", code: "unique" }], other: ["Nope."] }));
  const { form } = open(t);
  fill(form, valid);
  assert.equal(await form.submit(), null);
  assert.deepEqual(form.getSnapshot().errors, {
    email: [{ message: "Taken.", code: "unique", source: "server" }],
    __all__: [{ message: "Nope.", source: "server" }],
  });
  assert.equal(form.getSnapshot().error, null);
  assert.equal(form.getSnapshot().isSubmitting, false);

  t.onCall = () => Promise.reject(new MizanError("FORBIDDEN", "no", 403));
  assert.equal(await form.submit(), null);
  assert.equal(form.getSnapshot().error?.code, "FORBIDDEN");
  assert.deepEqual(form.getSnapshot().errors, {});

  // A VALIDATION_FAILED with nothing readable is an error too; a transport's own failure a
  // CLIENT_ERROR.
  t.onCall = () => Promise.reject(new MizanError("VALIDATION_FAILED", "invalid", 400, "not a map"));
  await form.submit();
  assert.equal(form.getSnapshot().error?.code, "VALIDATION_FAILED");
  t.onCall = () => Promise.reject(new TypeError("boom"));
  await form.submit();
  assert.equal(form.getSnapshot().error?.code, "CLIENT_ERROR");
  assert.ok(form.getSnapshot().error instanceof MizanError);
});

test("a form without a submit function validates but never calls", async () => {
  const t = new FakeTransport();
  const { form } = open(t, null);
  fill(form, valid);
  assert.equal(await form.submit(), null);
  assert.equal(t.calls.length, 0);
  assert.equal(form.getSnapshot().isSubmitting, false);
});

test("validateOnServer: client first, then { data } to the validate function; the answer's errors land unless the values changed meanwhile", async () => {
  const t = new FakeTransport();
  const { form } = open(t);
  assert.equal(await form.validateOnServer(), false, "client errors first");
  assert.equal(t.calls.length, 0);

  fill(form, valid);
  t.onCall = () => Promise.resolve({ result: { errors: { email: [{ message: "Taken.", code: "unique" }] } } });
  assert.equal(await form.validateOnServer(), false);
  assert.deepEqual(t.calls[0], { fn: "signup.validate", args: { data: valid } });
  assert.deepEqual(form.getSnapshot().errors.email, [{ message: "Taken.", code: "unique", source: "server" }]);

  t.onCall = () => Promise.resolve({ result: { errors: {} } });
  assert.equal(await form.validateOnServer(), true);
  assert.deepEqual(form.getSnapshot().errors, {});

  // The values change while the answer is on its way: it is about older values.
  const answer = later<CallEnvelope>();
  t.onCall = () => answer.promise;
  const pending = form.validateOnServer();
  form.set("name", "Grace");
  answer.resolve({ result: { errors: { name: ["Taken."] } } });
  assert.equal(await pending, false, "the values sent were not valid");
  assert.equal(form.getSnapshot().errors.name, undefined, "the new name is not blamed");

  // An answer that is not { errors } is a BAD_RESPONSE, never valid.
  t.onCall = () => Promise.resolve({ result: "yes" });
  assert.equal(await form.validateOnServer(), false);
  assert.equal(form.getSnapshot().error?.code, "BAD_RESPONSE");

  // Without a validate function: the client only.
  const bare = new FakeTransport();
  const only = open(bare, "signup.submit", null).form;
  fill(only, valid);
  assert.equal(await only.validateOnServer(), true);
  assert.equal(bare.calls.length, 0);
});

test("reset: the initial values again, without errors, result or error", async () => {
  const t = new FakeTransport();
  t.onCall = () => Promise.resolve({ result: { id: 1 } });
  const { form, seen } = open(t);
  fill(form, valid);
  await form.submit();
  form.set("email", "bad");
  form.validate();
  const before = seen.length;
  form.reset();
  assert.equal(seen.length, before + 1, "one notification");
  assert.deepEqual(form.getSnapshot(), { data: { name: "" }, errors: {}, isSubmitting: false, result: null, error: null });
  form.set("name", "Ada");
  assert.deepEqual(initial, { name: "" });
});

test("the methods need no `this`", async () => {
  const t = new FakeTransport();
  t.onCall = () => Promise.resolve({ result: { id: 2 } });
  const { form } = open(t);
  const { set, validate, submit, reset, getSnapshot, subscribe } = form;
  let heard = 0;
  subscribe(() => heard++);
  set("name", "Ada");
  set("email", "ada@example.com");
  assert.equal(validate(), true);
  assert.deepEqual(await submit(), { id: 2 });
  reset();
  assert.deepEqual(getSnapshot().data, { name: "" });
  assert.ok(heard >= 5);
});
