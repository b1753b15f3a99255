// The generated useContactForm() against the real mizan-reference-backend: typed set(), Zod
// validation on the client (nothing is sent while it fails), a successful submit, and the
// server's field errors (from contact.validate and from contact.submit's VALIDATION_FAILED)
// landing in `errors` with source "server", their codes, and `__all__` for errors of no field;
// then against the misbehaving server, whose form functions send bare strings and junk.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { act, fireEvent, render, within } from "@testing-library/react";
import { useState } from "react";

import { FORM_ERRORS, startMisbehaving } from "../kernel/misbehaving-server.ts";
import * as api from "../.generated/reference-3.1/index.ts";
import { clientOf, isPost, recorder, Root, settle, text, tidy, until, type Recorder } from "./support.tsx";

const errorText = (err: api.FormFieldError) => `${err.source}: ${err.message}${err.code === undefined ? "" : ` (${err.code})`}`;

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
  const [checked, setChecked] = useState("unchecked");
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
            <span key={err.message} data-testid={`error-${field.name}`}>
              {errorText(err)}
            </span>
          ))}
        </label>
      ))}
      {f.errors.__all__?.map((err) => (
        <p key={err.message} role="alert" data-testid="error-__all__">
          {errorText(err)}
        </p>
      ))}
      <button type="button" onClick={() => void f.validateOnServer().then((ok) => setChecked(ok ? "valid" : "invalid"))}>
        check
      </button>
      <output data-testid="checked">{checked}</output>
      <button type="submit">{f.isSubmitting ? "sending" : "send"}</button>
      <output data-testid="result">{f.result ? JSON.stringify(f.result) : "none"}</output>
      <output data-testid="error">{f.error ? f.error.code : "none"}</output>
    </form>
  );
}

const body = () => within(document.body);
const fill = (field: string, value: string) => fireEvent.change(body().getByLabelText(field), { target: { value } });
const send = () => act(async () => void fireEvent.click(body().getByText(/^(send|sending)$/)));
const check = () => act(async () => void fireEvent.click(body().getByText("check")));
const errorsOf = (field: string) => body().queryAllByTestId(`error-${field}`).map((e) => e.textContent);

function mount(r: Recorder, client: api.MizanClient = clientOf(r)) {
  render(
    <Root client={client}>
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
  await until(() => assert.deepEqual(errorsOf("message"), ["server: Ensure this value has at least 10 characters. (min_length)"]));
  assert.deepEqual(errorsOf("name"), ["server: This field is required. (required)"]);
  assert.deepEqual(errorsOf("email"), []);
  assert.deepEqual(errorsOf("__all__"), []);
  assert.deepEqual(theForm().errors.name, [{ message: "This field is required.", code: "required", source: "server" }]);
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

test("useContactForm: validateOnServer shows contact.validate's field errors with codes, and __all__", async () => {
  const r = recorder();
  mount(r);
  // Valid on the client; the server trims the name, and then finds it missing.
  fill("name", "   ");
  fill("email", "ada@example.com");
  fill("message", "A message long enough");
  await check();
  await until(() => assert.equal(text("checked"), "invalid"));
  assert.deepEqual(errorsOf("name"), ["server: This field is required. (required)"]);
  assert.deepEqual(errorsOf("__all__"), []);
  assert.equal(text("error"), "none");

  // A rule about no one field: the message only repeats the name.
  fill("name", "Hello there");
  fill("message", "hello THERE");
  await check();
  await until(() => assert.deepEqual(errorsOf("__all__"), ["server: The message only repeats the name. (repeated)"]));
  assert.deepEqual(theForm().errors, { __all__: [{ message: "The message only repeats the name.", code: "repeated", source: "server" }] });
  assert.deepEqual(errorsOf("name"), []);
  assert.equal(text("checked"), "invalid");

  fill("message", "Hello there, and more");
  await check();
  await until(() => assert.equal(text("checked"), "valid"));
  assert.deepEqual(theForm().errors, {});
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => `${s.fn} ${s.status}`),
    ["contact.validate 200", "contact.validate 200", "contact.validate 200"],
  );
  assert.equal(text("result"), "none", "validating submits nothing");
});

test("useContactForm: submit's VALIDATION_FAILED brings __all__ errors with their codes", async () => {
  const r = recorder();
  mount(r);
  fill("name", "Hello there");
  fill("email", "ada@example.com");
  fill("message", "Hello There ");
  await send();
  await until(() => assert.deepEqual(errorsOf("__all__"), ["server: The message only repeats the name. (repeated)"]));
  assert.equal(text("result"), "none");
  assert.equal(text("error"), "none");
  fill("message", "Something else entirely");
  await send();
  await until(() => assert.equal(text("result"), '{"ok":true}'));
  assert.deepEqual(errorsOf("__all__"), [], "a successful submit clears them");
  await settle(r);
  assert.deepEqual(
    r.made().map((s) => `${s.fn} ${s.status}`),
    ["contact.submit 422", "contact.submit 200"],
  );
});

test("useContactForm: a server sending bare strings: they are normalised to { message }, others' names go to __all__", async () => {
  const server = await startMisbehaving();
  try {
    const r = recorder();
    mount(r, api.createMizanClient({ baseUrl: `${server.url}/fieldstrings`, fetch: r.fetch }));
    fill("name", "Ada");
    fill("email", "ada@example.com");
    fill("message", "A message long enough");
    await check();
    await until(() => assert.equal(text("checked"), "invalid"));
    assert.deepEqual(theForm().errors, {
      email: [{ message: FORM_ERRORS.fieldstrings.validate.email, source: "server" }],
      __all__: [{ message: "Bare form error.", source: "server" }],
    });
    assert.deepEqual(errorsOf("email"), ["server: Bare email error."]);
    assert.deepEqual(errorsOf("__all__"), ["server: Bare form error."]);

    await send();
    await until(() => assert.deepEqual(errorsOf("name"), ["server: Bare name error."]));
    // `captcha` is no field of the form: shown with the errors of no field, not lost.
    assert.deepEqual(errorsOf("__all__"), ["server: Bare error of no field.", "server: Bare lone form error."]);
    assert.deepEqual(errorsOf("email"), []);
    assert.equal(text("error"), "none");
    await settle(r);
    assert.deepEqual(
      r.made().map((s) => `${s.fn} ${s.status}`),
      ["contact.validate 200", "contact.submit 422"],
    );
  } finally {
    await server.close();
  }
});

test("useContactForm: a server sending junk: what can be read is shown, the rest dropped, never silently", async () => {
  const server = await startMisbehaving();
  try {
    const r = recorder();
    mount(r, api.createMizanClient({ baseUrl: `${server.url}/fieldjunk`, fetch: r.fetch }));
    fill("name", "Ada");
    fill("email", "ada@example.com");
    fill("message", "A message long enough");
    // validate's errors name a field, but none can be read: an error, and not valid.
    await check();
    await until(() => assert.equal(text("checked"), "invalid"));
    assert.equal(text("error"), "BAD_RESPONSE");
    assert.deepEqual(theForm().errors, {});

    await send();
    await until(() => assert.deepEqual(errorsOf("name"), ["server: Readable."]));
    assert.deepEqual(theForm().errors, { name: [{ message: "Readable.", source: "server" }] }, "the number, the nested list, null and the code 7 are dropped");
    assert.equal(text("error"), "none");
  } finally {
    await server.close();
  }
});
