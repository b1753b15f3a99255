"use client";
// React binding of forms (the generated `use<Name>Form()` hooks): useForm() renders one form
// controller (runtime/form-core.ts) per component, submitting through the client of the
// enclosing <MizanContext>.
import { useMemo, useState, useSyncExternalStore } from "react";
import type { z } from "zod";
import {
  createFormController,
  type FieldsOf,
  type FormState,
} from "./form-core";
import { useMizan } from "./react";

export {
  formSchema,
  readFieldErrors,
  type FieldsOf,
  type FormErrors,
  type FormField,
  type FormFieldError,
  type FormState,
} from "./form-core";

/** The state of one form: its values, typed `set`, client-side (Zod) and server-side field
 * errors, `validateOnServer()`, which calls `validateFn` with `{ data }`, and `submit()`, which
 * calls `submitFn` with `{ data }`, both through the client of the enclosing <MizanContext>.
 * `submitFn` null: a form without a submit function (validation only); `validateFn` null: one
 * validated on the client only. */
export function useForm<D, R>(
  schema: z.ZodType<D>,
  initial: Partial<D>,
  fields: FieldsOf<D>,
  submitFn: string | null,
  validateFn: string | null = null,
): FormState<D, R> {
  const { client } = useMizan();
  // One controller per component (its own copy of the initial values), made on first render.
  const [form] = useState(() =>
    createFormController<D, R>(
      client,
      schema,
      initial,
      fields,
      submitFn,
      validateFn,
    ),
  );
  const snapshot = useSyncExternalStore(
    form.subscribe,
    form.getSnapshot,
    form.getSnapshot,
  );
  return useMemo(
    () => ({
      ...snapshot,
      set: form.set,
      validate: form.validate,
      validateOnServer: form.validateOnServer,
      submit: form.submit,
      fields: form.fields,
      reset: form.reset,
    }),
    [snapshot, form],
  );
}
