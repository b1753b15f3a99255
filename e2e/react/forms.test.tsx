// The generated useContactForm() against the real mizan-reference-backend: typed set(), Zod
// validation on the client (nothing is sent while it fails), a successful submit, and the
// server's VALIDATION_FAILED details landing in `errors` with source "server".

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { act, fireEvent, render, within } from "@testing-library/react";

import * as api from "../.generated/reference-3.1/index.ts";
import { clientOf, isPost, recorder, Root, settle, text, tidy, until, type Recorder } from "./support.tsx";

afterEach(tidy);

let form: api.FormState<api.ContactFormData, api.StatusOutput> | undefined;
const theForm = () => {
  assert.ok(form);
  return form;
};

/** Compile-time checks: set() is typed per field. Never called. */
export function typedSet(f: api.FormState<api.ContactFormData, api.StatusOutput>): void {
  f.set("name", "Ada");
  f.set("topic", "sales");
  // @ts-expect-error: not one of the topic's choices
  f.set("topic", "gossip");
  // @ts-expect-error: name is text
  f.set("name", 5);
  // @ts-expect-error: no such field
  f.set("phone", "123");
}

function ContactForm() {
  form = api.useContactForm();
  const f = form;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void f.submit();
      }}
    >
      {f.fields.map((field) => (
        <label key={field.name}>
          {field.label}
          <input aria-label={field.name} value={String(f.data[field.name] ?? "")} onChange={(e) => f.set(field.name, e.target.value as never)} />
          {f.errors[field.name]?.map((err) => (
            <span key={err.message} data-testid={`error-${field.name}`}>{`${err.source}: ${err.message}`}</span>
          ))}
        </label>
      ))}
      <button type="submit">{f.isSubmitting ? "sending" : "send"}</button>
      <output data-testid="result">{f.result ? JSON.stringify(f.result) : "none"}</output>
      <output data-testid="error">{f.error ? f.error.code : "none"}</output>
    </form>
  );
}

const body = () => within(document.body);
const fill = (field: string, value: string) => fireEvent.change(body().getByLabelText(field), { target: { value } });
const send = () => act(async () => void fireEvent.click(body().getByText(/^(send|sending)$/)));
const errorsOf = (field: string) => body().queryAllByTestId(`error-${field}`).map((e) => e.textContent);

function mount(r: Recorder) {
  render(
    <Root client={clientOf(r)}>
      <ContactForm />
    </Root>,
  );
}

test("useContactForm: client validation first; nothing is sent while it fails", async () => {
  const r = recorder();
  mount(r);
  assert.deepEqual(theForm().data, { name: "", email: "", message: "", topic: "general" }, "the declared initial values");
  assert.deepEqual(
    theForm().fields.map((f) => [f.name, f.required]),
    [
      ["name", true],
      ["email", true],
      ["message", true],
      ["topic", false],
    ],
  );
  await send();
  await until(() => assert.deepEqual(errorsOf("name"), ["client: This field is required."]));
  assert.deepEqual(errorsOf("email"), ["client: This field is required."]);
  assert.deepEqual(errorsOf("message"), ["client: This field is required."]);
  assert.deepEqual(errorsOf("topic"), []);

  fill("name", "Ada");
  fill("email", "not-an-email");
  fill("message", "short");
  assert.deepEqual(errorsOf("name"), [], "set() clears the field's errors");
  let valid: boolean | undefined;
  act(() => {
    valid = theForm().validate();
  });
  assert.equal(valid, false);
  assert.deepEqual(errorsOf("email"), ["client: Enter a valid email address."]);
  assert.deepEqual(errorsOf("message"), ["client: Ensure this value has at least 10 characters."]);
  assert.deepEqual(errorsOf("name"), []);
  await send();
  await settle(r);
  assert.equal(r.sent.length, 0, "invalid on the client: no request");
  assert.equal(text("result"), "none");
});

test("useContactForm: a valid form is submitted once and its result shown", async () => {
  const r = recorder();
  mount(r);
  fill("name", "Ada");
  fill("email", "ada@example.com");
  fill("message", "Hello from the React e2e suite");
  act(() => theForm().set("topic", "support"));
  const post = r.hold(isPost("contact.submit"));
  await send();
  await post.seen;
  await until(() => assert.equal(theForm().isSubmitting, true));
  assert.ok(body().getByText("sending"));
  post.release();
  await until(() => assert.equal(text("result"), '{"ok":true}'));
  assert.equal(theForm().isSubmitting, false);
  assert.equal(text("error"), "none");
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => [s.fn, s.args]),
    [["contact.submit", { data: { name: "Ada", email: "ada@example.com", message: "Hello from the React e2e suite", topic: "support" } }]],
  );
});

test("useContactForm: the server's VALIDATION_FAILED lands in errors with source \"server\"", async () => {
  const r = recorder();
  mount(r);
  // The client accepts these (not empty; 11 characters), the server trims them first: a blank
  // name is missing and the message is one character.
  fill("name", "   ");
  fill("email", "ada@example.com");
  fill("message", "          x");
  let valid: boolean | undefined;
  act(() => {
    valid = theForm().validate();
  });
  assert.equal(valid, true, "valid on the client");
  await send();
  await until(() => assert.deepEqual(errorsOf("message"), ["server: Ensure this value has at least 10 characters."]));
  assert.deepEqual(errorsOf("name"), ["server: This field is required."]);
  assert.deepEqual(errorsOf("email"), []);
  assert.deepEqual(theForm().errors.name, [{ message: "This field is required.", source: "server" }]);
  assert.equal(text("result"), "none");
  assert.equal(text("error"), "none", "field errors are not a form-level error");
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => `${s.fn} ${s.status}`),
    ["contact.submit 422"],
  );

  // Corrected, it goes through; the server's errors are gone.
  fill("name", "Ada");
  fill("message", "A message long enough");
  await send();
  await until(() => assert.equal(text("result"), '{"ok":true}'));
  assert.deepEqual([errorsOf("name"), errorsOf("message")], [[], []]);
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => `${s.fn} ${s.status}`),
    ["contact.submit 422", "contact.submit 200"],
  );
});
