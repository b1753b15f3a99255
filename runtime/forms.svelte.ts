// Svelte 5 binding of forms (the generated `create<Name>Form()`): createForm() reads one form
// controller (runtime/form-core.ts) through getters, submitting through the client of the
// enclosing setMizanContext().
import { createSubscriber } from "svelte/reactivity";
import type { z } from "zod";
import {
  createFormController,
  type FieldsOf,
  type FormState,
} from "./form-core";
import { getMizan } from "./svelte.svelte";

export {
  formSchema,
  readFieldErrors,
  type FieldsOf,
  type FormErrors,
  type FormField,
  type FormFieldError,
  type FormState,
} from "./form-core";

/** The state of one form, called in a component's `<script>`: its values, typed `set`,
 * client-side (Zod) and server-side field errors, `validateOnServer()`, which calls `validateFn`
 * with `{ data }`, and `submit()`, which calls `submitFn` with `{ data }`. The value fields are
 * getters: read them where they are rendered (`form.data.name`), not once into a variable. */
export function createForm<D, R>(
  schema: z.ZodType<D>,
  initial: Partial<D>,
  fields: FieldsOf<D>,
  submitFn: string | null,
  validateFn: string | null = null,
): FormState<D, R> {
  const form = createFormController<D, R>(
    getMizan().client,
    schema,
    initial,
    fields,
    submitFn,
    validateFn,
  );
  // Listens to the controller while something renders the form, and only then.
  const track = createSubscriber((update) => form.subscribe(update));
  const now = () => (track(), form.getSnapshot());
  return {
    get data() {
      return now().data;
    },
    get errors() {
      return now().errors;
    },
    get isSubmitting() {
      return now().isSubmitting;
    },
    get result() {
      return now().result;
    },
    get error() {
      return now().error;
    },
    fields: form.fields,
    set: form.set,
    validate: form.validate,
    validateOnServer: form.validateOnServer,
    submit: form.submit,
    reset: form.reset,
  };
}
