// Forms without a framework: a form's Zod schema built from its field list (with Django's
// messages), the reading of a server's field errors, and createFormController(), one form's
// values, errors and submission as a store every binding (React, Vue, Svelte) renders.
import { z } from "zod";
import { MizanError, type MizanClient } from "./kernel";

/** One message about one field; `source` says who found the problem. `code` is the server's
 * machine-readable code (Django's `required`, `invalid`, `max_length`, ...) when it sent one;
 * the client's own errors carry none. */
export interface FormFieldError {
  message: string;
  code?: string;
  source: "client" | "server";
}

/** A form's errors: per field, and those that belong to no field (Django's non-field errors)
 * under `__all__`. */
export type FormErrors<D> = Partial<
  Record<(keyof D & string) | "__all__", FormFieldError[]>
>;

/** How to render a field, from the form's declaration. */
export interface FormField<K extends string = string> {
  name: K;
  label: string;
  type: string;
  widget: string | null;
  required: boolean;
  disabled: boolean;
  helpText: string | null;
  maxLength: number | null;
  minLength: number | null;
  choices: readonly { value: unknown; label: string }[] | null;
}

export interface FormState<D, R> {
  /** Current values; fields without a value yet are absent. */
  data: Partial<D>;
  set: <K extends keyof D & string>(field: K, value: D[K]) => void;
  /** Per field; the server's errors that are not about one field (Django's non-field errors)
   * under `__all__`. */
  errors: FormErrors<D>;
  /** Validates on the client (Zod); true when valid. */
  validate: () => boolean;
  /** Validates on the client, then, when that passes, with the form's validate function on the
   * server (without a validate function, only on the client); true when valid. */
  validateOnServer: () => Promise<boolean>;
  /** Validates, then submits; resolves to the result, or null when there are errors. */
  submit: () => Promise<R | null>;
  isSubmitting: boolean;
  result: R | null;
  /** An error that is not about a field (network, permission...). */
  error: MizanError | null;
  fields: FieldsOf<D>;
  reset: () => void;
}

/** The fields of a form whose data is `D`. */
export type FieldsOf<D> = readonly FormField<keyof D & string>[];

const REQUIRED = "This field is required.";

/** The Zod schema of one field, from its declaration, with Django's messages. A format is
 * checked only once a value is there, so an empty required field says "required". */
function fieldSchema(f: FormField): z.ZodType {
  const lengths = (s: z.ZodString): z.ZodString => {
    let out = s;
    if (f.minLength !== null)
      out = out.min(
        f.minLength,
        `Ensure this value has at least ${f.minLength} characters.`,
      );
    if (f.maxLength !== null)
      out = out.max(
        f.maxLength,
        `Ensure this value has at most ${f.maxLength} characters.`,
      );
    return out;
  };
  // A required field must be given (not undefined, null or "") before its format is checked.
  const required = (s: z.ZodType): z.ZodType =>
    z
      .custom((v) => v !== undefined && v !== null && v !== "", REQUIRED)
      .pipe(s);
  const optional = (s: z.ZodType): z.ZodType =>
    f.required ? required(s) : s.optional();
  // An optional text-like field may also be left empty.
  const blankOk = (s: z.ZodType): z.ZodType =>
    f.required ? required(s) : z.union([z.literal(""), s]).optional();
  const values = (f.choices ?? []).map((c) => c.value);
  const choice = (): z.ZodType =>
    values.length === 0
      ? z.string()
      : z.custom((v) => values.includes(v), "Select a valid choice.");
  switch (f.type) {
    case "email":
      return blankOk(
        lengths(z.string()).pipe(z.email("Enter a valid email address.")),
      );
    case "url":
      return blankOk(lengths(z.string()).pipe(z.url("Enter a valid URL.")));
    case "integer":
      return optional(
        z.number("Enter a whole number.").int("Enter a whole number."),
      );
    case "number":
      return optional(z.number("Enter a number."));
    case "boolean":
      return f.required ? z.literal(true, REQUIRED) : z.boolean().optional();
    case "date":
      return blankOk(z.iso.date("Enter a valid date."));
    case "datetime":
      return blankOk(
        z
          .string()
          .regex(
            /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/,
            "Enter a valid date/time.",
          ),
      );
    case "choice":
      return blankOk(choice());
    case "multiple_choice":
      return f.required
        ? required(z.array(choice()).min(1, REQUIRED))
        : z.array(choice()).optional();
    case "file":
      return optional(
        z.custom<Blob>(
          (v) => typeof Blob !== "undefined" && v instanceof Blob,
          "Select a file.",
        ),
      );
    default:
      // text, textarea, password
      return blankOk(lengths(z.string()));
  }
}

/** A form's Zod schema, built from its field list. */
export function formSchema<D>(fields: FieldsOf<D>): z.ZodType<D> {
  const shape = Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)]));
  return z.object(shape) as unknown as z.ZodType<D>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** One server field error as a `FormFieldError`: a bare string is its message; a `FieldError`
 * (`{ message, code? }`) keeps its code when that is a string. Anything else is unreadable. */
function serverError(m: unknown): FormFieldError | null {
  if (typeof m === "string") return { message: m, source: "server" };
  if (!isObject(m) || typeof m["message"] !== "string") return null;
  const code = m["code"];
  return typeof code === "string"
    ? { message: m["message"], code, source: "server" }
    : { message: m["message"], source: "server" };
}

/** A server's field errors (a `VALIDATION_FAILED` error's `details`, or the `errors` a validate
 * function returns): a map of field → list of `FieldError`s or bare strings (a lone one counts as
 * a list of one), as `FormFieldError`s with source `"server"`. Errors under `__all__` belong to no
 * field; so do those under a name that is not in `fields` (when given): they join `__all__`,
 * where a form shows them, instead of being lost. An entry that is neither a string nor an object
 * with a string `message` is dropped, and so is a `code` that is not a string. Null when
 * `details` is not a map, or when it names errors none of which can be read. */
export function readFieldErrors(
  details: unknown,
  fields?: readonly string[],
): Record<string, FormFieldError[]> | null {
  if (!isObject(details)) return null;
  const found = new Map<string, FormFieldError[]>();
  let unread = false;
  for (const [key, value] of Object.entries(details)) {
    const field = !fields || fields.includes(key) ? key : "__all__";
    for (const m of Array.isArray(value) ? value : [value]) {
      const e = serverError(m);
      if (e) found.set(field, [...(found.get(field) ?? []), e]);
      else unread = true;
    }
  }
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return found.size === 0 && unread ? null : Object.fromEntries(found);
}

/** Freezes a form's declarations, deeply (they are module constants shared by every form and
 * every server request): nothing an app does to what a hook returns can reach another user. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The values a form's binding renders; replaced (a new object) on every change. */
export interface FormSnapshot<D, R> {
  data: Partial<D>;
  errors: FormErrors<D>;
  isSubmitting: boolean;
  result: R | null;
  error: MizanError | null;
}

/** One form: its snapshot, which `subscribe` listeners hear change, and what changes it. The
 * methods need no `this`, so a binding may hand them out as they are. */
export interface FormController<D, R> {
  getSnapshot(): FormSnapshot<D, R>;
  /** Calls `listener` after every change; answers the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Sets one value and clears that field's errors. */
  set<K extends keyof D & string>(field: K, value: D[K]): void;
  /** Validates on the client (Zod); true when valid. */
  validate(): boolean;
  /** Validates on the client, then, when that passes, with the form's validate function on the
   * server; true when valid. */
  validateOnServer(): Promise<boolean>;
  /** Validates, then submits; resolves to the result, or null when there are errors. A second
   * submit() while one is in flight (a double click) joins it. */
  submit(): Promise<R | null>;
  /** Back to the initial values, without errors or result. */
  reset(): void;
  readonly fields: FieldsOf<D>;
}

/** The controller of one form: its own copy of `initial`, typed `set`, client-side (Zod) and
 * server-side field errors, `validateOnServer()`, which calls `validateFn` with `{ data }`, and
 * `submit()`, which calls `submitFn` with `{ data }`, both through `client`. `submitFn` null: a
 * form without a submit function (validation only); `validateFn` null: one validated on the
 * client only. */
export function createFormController<D, R>(
  client: MizanClient,
  schema: z.ZodType<D>,
  initial: Partial<D>,
  fields: FieldsOf<D>,
  submitFn: string | null,
  validateFn: string | null = null,
): FormController<D, R> {
  type Snapshot = FormSnapshot<D, R>;
  type Errors = FormErrors<D>;
  deepFreeze(initial);
  deepFreeze(fields);
  const names = fields.map((f) => f.name);
  let snapshot: Snapshot = {
    data: { ...initial },
    errors: {},
    isSubmitting: false,
    result: null,
    error: null,
  };
  const listeners = new Set<() => void>();
  const update = (change: Partial<Snapshot>): void => {
    snapshot = { ...snapshot, ...change };
    for (const listener of [...listeners]) listener();
  };
  // The submission in flight: a second `submit()` (a double click) joins it.
  let pending: Promise<R | null> | null = null;

  /** The client's (Zod) errors of the current values. */
  const check = (): Errors => {
    const parsed = schema.safeParse(snapshot.data);
    const found: Record<string, FormFieldError[]> = {};
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        (found[String(issue.path[0] ?? "")] ??= []).push({
          message: issue.message,
          source: "client",
        });
    return found as Errors;
  };

  /** The server's field errors, keyed by the form's own field names (others under `__all__`). */
  const serverErrors = (details: unknown): Errors | null =>
    readFieldErrors(details, names) as Errors | null;

  /** A failure: field errors go to `errors`; anything else, and a `VALIDATION_FAILED` whose
   * details hold no readable field error, to `error`. */
  const failure = (e: unknown): Partial<Snapshot> => {
    const err =
      e instanceof MizanError ? e : new MizanError("CLIENT_ERROR", String(e));
    const found =
      err.code === "VALIDATION_FAILED" ? serverErrors(err.details) : null;
    return found && Object.keys(found).length > 0
      ? { errors: found }
      : { error: err };
  };

  const send = async (): Promise<R | null> => {
    const found = check();
    const valid = Object.keys(found).length === 0 && submitFn !== null;
    update({ errors: found, error: null, isSubmitting: valid });
    if (!valid) return null;
    try {
      const result = await client.call<R>(submitFn, { data: snapshot.data });
      update({ result, isSubmitting: false });
      return result;
    } catch (e) {
      update({ ...failure(e), isSubmitting: false });
      return null;
    }
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(field, value) {
      update({
        data: { ...snapshot.data, [field]: value },
        errors: { ...snapshot.errors, [field]: undefined },
      });
    },
    validate() {
      const found = check();
      update({ errors: found });
      return Object.keys(found).length === 0;
    },
    async validateOnServer() {
      const found = check();
      update({ errors: found, error: null });
      if (Object.keys(found).length > 0) return false;
      if (validateFn === null) return true;
      const sent = snapshot.data;
      try {
        const answer = await client.call<unknown>(validateFn, { data: sent });
        const server = serverErrors(
          answer !== null && typeof answer === "object" && "errors" in answer
            ? answer.errors
            : null,
        );
        if (server === null)
          throw new MizanError(
            "BAD_RESPONSE",
            `${validateFn} did not answer { errors: { field: [FieldError] } }`,
            200,
            answer,
          );
        // Values set meanwhile have cleared their errors; the answer is about older values.
        if (snapshot.data === sent) update({ errors: server });
        return Object.keys(server).length === 0;
      } catch (e) {
        update(failure(e));
        return false;
      }
    },
    submit: () => (pending ??= send().finally(() => (pending = null))),
    reset() {
      update({ data: { ...initial }, errors: {}, result: null, error: null });
    },
    fields,
  };
}
