// Vue binding of forms: one form controller (form-core.ts) per component, rendered as a shallow
// reactive object whose values are replaced on every change; its listener ends with the
// component's scope.
import { onScopeDispose, shallowReactive } from "vue";
import type { z } from "zod";
import {
  createFormController,
  type FieldsOf,
  type FormState,
} from "./form-core";
import { useMizan } from "./vue";

/** A form of the app's client: `form.data`, `form.errors`, `form.isSubmitting`, `form.result`
 * and `form.error` are reactive (read them in a template or a computed); `form.set(field,
 * value)` is typed per field. */
export function useForm<D, R>(
  schema: z.ZodType<D>,
  initial: Partial<D>,
  fields: FieldsOf<D>,
  submitFn: string | null,
  validateFn?: string | null,
): FormState<D, R> {
  const { client } = useMizan();
  const form = createFormController<D, R>(
    client,
    schema,
    initial,
    fields,
    submitFn,
    validateFn ?? null,
  );
  const state: FormState<D, R> = shallowReactive({
    ...form.getSnapshot(),
    set: form.set,
    validate: form.validate,
    validateOnServer: form.validateOnServer,
    submit: form.submit,
    reset: form.reset,
    fields: form.fields,
  });
  onScopeDispose(
    form.subscribe(() => Object.assign(state, form.getSnapshot())),
  );
  return state;
}
