{{ header }}
import { useCallback, useMemo, useState } from "react";
import { z } from "zod";
import { MizanError, mizanCall } from {{ kernel }};
{%- if uses_types %}
import type * as T from "./types";
{%- endif %}

/** One message about one field; `source` says who found the problem. */
export interface FormFieldError {
  message: string;
  source: "client" | "server";
}

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
  errors: Partial<Record<keyof D & string, FormFieldError[]>>;
  /** Validates on the client (Zod); true when valid. */
  validate: () => boolean;
  /** Validates, then submits; resolves to the result, or null when there are errors. */
  submit: () => Promise<R | null>;
  isSubmitting: boolean;
  result: R | null;
  /** An error that is not about a field (network, permission...). */
  error: MizanError | null;
  fields: readonly FormField<keyof D & string>[];
  reset: () => void;
}

function useForm<D, R>(
  schema: z.ZodType<unknown, D>,
  initial: Partial<D>,
  fields: readonly FormField<keyof D & string>[],
  submitFn: string | null,
): FormState<D, R> {
  type Errors = FormState<D, R>["errors"];
  const [data, setData] = useState<Partial<D>>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [isSubmitting, setSubmitting] = useState(false);
  const [result, setResult] = useState<R | null>(null);
  const [error, setError] = useState<MizanError | null>(null);

  const set = useCallback(<K extends keyof D & string>(field: K, value: D[K]) => {
    setData((d) => ({ ...d, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  }, []);

  const check = useCallback((): Errors => {
    const parsed = schema.safeParse(data);
    const found: Record<string, FormFieldError[]> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "");
        (found[field] ??= []).push({ message: issue.message, source: "client" });
      }
    }
    return found as Errors;
  }, [schema, data]);

  const validate = useCallback(() => {
    const found = check();
    setErrors(found);
    return Object.keys(found).length === 0;
  }, [check]);

  const submit = useCallback(async (): Promise<R | null> => {
    const found = check();
    setErrors(found);
    setError(null);
    if (Object.keys(found).length > 0 || submitFn === null) return null;
    setSubmitting(true);
    try {
      const r = await mizanCall<R>(submitFn, { data });
      setResult(r);
      return r;
    } catch (e) {
      const err = e instanceof MizanError ? e : new MizanError("CLIENT_ERROR", String(e));
      if (err.code === "VALIDATION_FAILED" && err.details && typeof err.details === "object") {
        const server: Record<string, FormFieldError[]> = {};
        for (const [field, messages] of Object.entries(err.details as Record<string, unknown>)) {
          const list = Array.isArray(messages) ? messages : [messages];
          server[field] = list.map((m) => ({
            message: typeof m === "string" ? m : String((m as { message?: unknown }).message ?? m),
            source: "server" as const,
          }));
        }
        setErrors(server as Errors);
      } else {
        setError(err);
      }
      return null;
    } finally {
      setSubmitting(false);
    }
  }, [check, data, submitFn]);

  const reset = useCallback(() => {
    setData(initial);
    setErrors({});
    setResult(null);
    setError(null);
  }, [initial]);

  return useMemo(
    () => ({ data, set, errors, validate, submit, isSubmitting, result, error, fields, reset }),
    [data, set, errors, validate, submit, isSubmitting, result, error, fields, reset],
  );
}
{%- for f in forms %}

/** Zod schema of the `{{ f.camel }}` form's data, from its field list. */
export const {{ f.camel }}FormSchema = z.object({
{%- for z in f.zod %}
  {{ z }},
{%- endfor %}
});

export type {{ f.pascal }}FormData = z.output<typeof {{ f.camel }}FormSchema>;

const {{ f.camel }}FormFields: readonly FormField<keyof {{ f.pascal }}FormData & string>[] = [
{%- for field in f.fields %}
  {{ field }},
{%- endfor %}
];

const {{ f.camel }}FormInitial: Partial<{{ f.pascal }}FormData> = {
{%- for i in f.initial %}
  {{ i }},
{%- endfor %}
};

{{ f.doc }}export function {{ f.hook }}(): FormState<{{ f.pascal }}FormData, {{ f.result }}> {
  return useForm<{{ f.pascal }}FormData, {{ f.result }}>({{ f.camel }}FormSchema, {{ f.camel }}FormInitial, {{ f.camel }}FormFields, {{ f.submit }});
}
{%- endfor %}
