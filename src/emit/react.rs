//! Stage 2 view models: `react.tsx` (providers and hooks), `forms.ts` (Zod schemas and form
//! hooks) and `channels.ts` (channel hooks).

use askama::Template;

use super::ts::{doc_comment, property_name, string_literal, Mode, Printer};
use super::{context_file_name, output_type, HEADER};
use crate::ir::{Channel, FieldType, Form, FormField, Function, FunctionKind, Ir, Transport};

// ---- react.tsx -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "react.tsx", escape = "none")]
pub struct ReactTsx {
    header: &'static str,
    kernel: String,
    /// What `react` and the kernel are imported for; nothing unused (noUnusedLocals).
    react_imports: String,
    kernel_imports: Vec<&'static str>,
    uses_types: bool,
    has_contexts: bool,
    has_global: bool,
    has_mutations: bool,
    contexts: Vec<ContextView>,
    mutations: Vec<MutationView>,
}

struct ContextView {
    ident: String,
    wire: String,
    file: String,
    /// The provider takes params as props (a named context that has some).
    has_params: bool,
    doc: String,
    missing_provider: String,
    slots: Vec<SlotView>,
}

struct SlotView {
    doc: String,
    hook: String,
    ty: String,
    access: String,
}

struct MutationView {
    doc: String,
    hook: String,
    params: String,
    result: String,
    run: String,
}

pub fn react_tsx(ir: &Ir, kernel: &str) -> ReactTsx {
    let printer = Printer::new(ir, "T.");
    let mut contexts: Vec<&crate::ir::Context> = ir.contexts.iter().collect();
    contexts.sort_by(|a, b| a.ident.cmp(&b.ident));
    let contexts: Vec<ContextView> = contexts
        .into_iter()
        .map(|c| {
            let mut fns: Vec<&Function> = c.functions.iter().map(|id| ir.function(*id)).filter(|f| !f.private).collect();
            fns.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
            let provider = if c.is_global { "<MizanContext> (or <GlobalContext>)".to_owned() } else { format!("<{}Context>", c.ident) };
            ContextView {
                ident: c.ident.clone(),
                wire: string_literal(&c.wire_name),
                file: context_file_name(c),
                has_params: !c.params.is_empty(),
                doc: doc_comment(
                    Some(&format!(
                        "Provides the `{}` context bundle to its children: one request, shared by every hook below it.",
                        c.wire_name
                    )),
                    false,
                    "",
                ),
                missing_provider: string_literal(&format!(
                    "use{}Context() must be used inside {provider}: add the provider above this component",
                    c.ident
                )),
                slots: fns
                    .iter()
                    .map(|f| {
                        let ty = output_type(&printer, f);
                        let ty = if ty.ends_with("| null") { ty } else { format!("{ty} | null") };
                        let access = if crate::ir::names::is_identifier(&f.wire_name) {
                            format!("?.{}", f.wire_name)
                        } else {
                            format!("?.[{}]", string_literal(&f.wire_name))
                        };
                        let mut doc = f.description.clone().unwrap_or_default();
                        if !doc.is_empty() {
                            doc.push('\n');
                        }
                        doc.push_str(&format!("The `{}` slot of the `{}` context; `null` until it has loaded.", f.wire_name, c.wire_name));
                        SlotView { doc: doc_comment(Some(&doc), false, ""), hook: format!("use{}", f.ident), ty, access }
                    })
                    .collect(),
            }
        })
        .collect();
    let mut fns: Vec<&Function> = ir
        .public_functions()
        .filter(|f| matches!(f.kind, FunctionKind::Plain | FunctionKind::Mutation { .. }))
        .collect();
    fns.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let mutations: Vec<MutationView> = fns
        .into_iter()
        .map(|f| mutation_view(ir, &printer, f))
        .collect();
    let uses_types = contexts
        .iter()
        .any(|c| c.slots.iter().any(|s| s.ty.contains("T.")))
        || mutations
            .iter()
            .any(|m| m.params.contains("T.") || m.result.contains("T."));
    let has_contexts = !contexts.is_empty();
    let has_mutations = !mutations.is_empty();
    let has_merges = mutations.iter().any(|m| m.run.contains("spliceSlot("));
    let mut react: Vec<&str> = Vec::new();
    let mut kernel_imports: Vec<&'static str> = vec!["configure"];
    if has_contexts {
        react.extend([
            "createContext",
            "useContext",
            "useEffect",
            "useSyncExternalStore",
        ]);
        kernel_imports.extend(["observeContext", "registerContext", "stableKey"]);
    }
    if has_mutations {
        react.extend(["useCallback", "useRef"]);
        kernel_imports.push("MizanError");
    }
    if has_contexts || has_mutations {
        react.extend(["useMemo", "useState"]);
    }
    kernel_imports.extend(["mizanCall", "mizanFetch"]);
    if has_merges {
        kernel_imports.push("spliceSlot");
    }
    if has_contexts {
        kernel_imports.push("type ContextHandle");
    }
    kernel_imports.extend(["type ContextState", "type MizanConfig"]);
    react.sort_unstable();
    react.push("type ReactNode");
    ReactTsx {
        header: HEADER,
        kernel: string_literal(kernel),
        react_imports: react.join(", "),
        kernel_imports,
        uses_types,
        has_contexts,
        has_global: ir.contexts.iter().any(|c| c.is_global),
        has_mutations,
        contexts,
        mutations,
    }
}

fn mutation_view(ir: &Ir, printer: &Printer<'_>, f: &Function) -> MutationView {
    let result = output_type(printer, f);
    let input = match &f.input {
        Some(t) if matches!(t.kind, crate::ir::TypeKind::Ref { .. }) => {
            Some(printer.ty(t, Mode::Input))
        }
        _ if f.args.is_empty() => None,
        _ => Some(format!(
            "{{ {} }}",
            printer
                .input_fields(
                    f.args
                        .iter()
                        .map(|a| (a.wire_name.as_str(), &a.ty, a.required))
                )
                .join("; ")
        )),
    };
    let optional = f.args.iter().all(|a| !a.required);
    let mut options = Vec::new();
    if f.upload {
        options.push("upload: true");
    }
    if f.transport == Transport::Websocket {
        options.push("websocket: true");
    }
    let options = if options.is_empty() {
        String::new()
    } else {
        format!(", {{ {} }}", options.join(", "))
    };
    let args = if input.is_some() { "args" } else { "{}" };
    let call = format!(
        "mizanCall<{result}>({}, {args}{options})",
        string_literal(&f.wire_name)
    );
    let merges: Vec<&crate::ir::MergeTarget> = match &f.kind {
        FunctionKind::Mutation { merge, .. } => merge.iter().collect(),
        _ => Vec::new(),
    };
    let arg_param = input
        .as_ref()
        .map(|t| format!("args{}: {t}", if optional { "?" } else { "" }));
    let (params, run) = if merges.is_empty() {
        let params = arg_param.clone().unwrap_or_default();
        (params.clone(), format!("({params}) => {call}"))
    } else {
        let params = match &arg_param {
            Some(p) => format!("{p}, options?: MutateOptions<{result}>"),
            None => format!("options?: MutateOptions<{result}>"),
        };
        let splices: Vec<String> = merges
            .iter()
            .map(|m| {
                let scope = if m.scope.is_empty() {
                    String::new()
                } else {
                    let fields: Vec<String> = m
                        .scope
                        .iter()
                        .map(|p| {
                            format!(
                                "{}: args{}.{p}",
                                property_name(p),
                                if optional { "?" } else { "" }
                            )
                        })
                        .collect();
                    format!(", {{ {} }}", fields.join(", "))
                };
                format!(
                    "spliceSlot({}, {}, options.optimistic{scope})",
                    string_literal(&ir.context(m.context).wire_name),
                    string_literal(&ir.function(m.slot).wire_name)
                )
            })
            .collect();
        let run = format!(
            "async ({params}) => {{\n    const undo = options?.optimistic === undefined ? [] : [{}];\n    try {{\n      return await {call};\n    }} catch (e) {{\n      for (const restore of undo.reverse()) restore();\n      throw e;\n    }}\n  }}",
            splices.join(", ")
        );
        (params, run)
    };
    let mut doc = f.description.clone().unwrap_or_default();
    if !doc.is_empty() {
        doc.push('\n');
    }
    doc.push_str(&format!("Calls `{}`; `mutate()` resolves to its result and the kernel applies what it invalidates or merges.", f.wire_name));
    if !merges.is_empty() {
        doc.push_str("\n`mutate(args, { optimistic })` shows a predicted result at once and rolls it back if the call fails.");
    }
    MutationView {
        doc: doc_comment(Some(&doc), false, ""),
        hook: format!("use{}", f.ident),
        params,
        result,
        run,
    }
}

// ---- channels.ts ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "channels.ts", escape = "none")]
pub struct ChannelsTs {
    header: &'static str,
    kernel: String,
    uses_types: bool,
    channels: Vec<ChannelView>,
}

struct ChannelView {
    doc: String,
    hook: String,
    params: String,
    message: String,
    /// `None` when the channel takes no client messages (the hook has no `send`).
    client: Option<String>,
    wire: String,
}

pub fn channels_ts(ir: &Ir, kernel: &str) -> ChannelsTs {
    let printer = Printer::new(ir, "T.");
    let mut chans: Vec<&Channel> = ir.channels.iter().collect();
    chans.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let channels: Vec<ChannelView> = chans
        .into_iter()
        .map(|ch| ChannelView {
            doc: doc_comment(
                Some(&format!(
                    "Subscribes to the `{}` channel while mounted: messages in order, the last one, and the subscription's status.{}",
                    ch.wire_name,
                    if ch.client_message.is_some() { "\n`send()` posts a message on the channel." } else { "" }
                )),
                false,
                "",
            ),
            hook: format!("use{}Channel", ch.ident),
            params: printer.ty(&ch.params, Mode::Input),
            message: printer.ty(&ch.server_message, Mode::Output),
            client: ch.client_message.as_ref().map(|m| printer.ty(m, Mode::Input)),
            wire: string_literal(&ch.wire_name),
        })
        .collect();
    let uses_types = channels.iter().any(|c| {
        c.params.contains("T.")
            || c.message.contains("T.")
            || c.client.as_deref().is_some_and(|t| t.contains("T."))
    });
    ChannelsTs {
        header: HEADER,
        kernel: string_literal(kernel),
        uses_types,
        channels,
    }
}

// ---- forms.ts ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "forms.ts", escape = "none")]
pub struct FormsTs {
    header: &'static str,
    kernel: String,
    uses_types: bool,
    forms: Vec<FormView>,
}

struct FormView {
    doc: String,
    camel: String,
    pascal: String,
    hook: String,
    fields: Vec<String>,
    zod: Vec<String>,
    initial: Vec<String>,
    result: String,
    submit: String,
}

const REQUIRED: &str = "This field is required.";

/// The Zod schema of one field: its type, requiredness and length bounds, with Django's
/// messages.
fn zod_field(f: &FormField) -> String {
    let lengths = |mut s: String| {
        if f.required {
            s.push_str(&format!(".min(1, {})", string_literal(REQUIRED)));
        }
        if let Some(n) = f.min_length {
            s.push_str(&format!(
                ".min({n}, {})",
                string_literal(&format!("Ensure this value has at least {n} characters."))
            ));
        }
        if let Some(n) = f.max_length {
            s.push_str(&format!(
                ".max({n}, {})",
                string_literal(&format!("Ensure this value has at most {n} characters."))
            ));
        }
        s
    };
    // An optional text-like field may also be left empty.
    let blank_ok = |s: String| {
        if f.required {
            s
        } else {
            format!("z.union([z.literal(\"\"), {s}]).optional()")
        }
    };
    let choices = || -> String {
        let values: Vec<String> = f
            .choices
            .iter()
            .flatten()
            .map(|c| c.value.to_string())
            .collect();
        if values.is_empty() {
            "z.string()".to_owned()
        } else if f.choices.iter().flatten().all(|c| c.value.is_string()) {
            format!(
                "z.enum([{}], {})",
                values.join(", "),
                string_literal("Select a valid choice.")
            )
        } else {
            format!(
                "z.union([{}])",
                values
                    .iter()
                    .map(|v| format!("z.literal({v})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    match f.field_type {
        FieldType::Text | FieldType::Textarea | FieldType::Password => {
            let s = lengths("z.string()".to_owned());
            if f.required {
                s
            } else {
                format!("{s}.optional()")
            }
        }
        // The format is checked only once the value is there and of an acceptable length, so an
        // empty required field says "required", not "invalid".
        FieldType::Email => blank_ok(format!(
            "{}.pipe(z.email({}))",
            lengths("z.string()".to_owned()),
            string_literal("Enter a valid email address.")
        )),
        FieldType::Url => blank_ok(format!(
            "{}.pipe(z.url({}))",
            lengths("z.string()".to_owned()),
            string_literal("Enter a valid URL.")
        )),
        FieldType::Integer => {
            let s = format!(
                "z.number({}).int({})",
                string_literal("Enter a whole number."),
                string_literal("Enter a whole number.")
            );
            if f.required {
                s
            } else {
                format!("{s}.optional()")
            }
        }
        FieldType::Number => {
            let s = format!("z.number({})", string_literal("Enter a number."));
            if f.required {
                s
            } else {
                format!("{s}.optional()")
            }
        }
        FieldType::Boolean if f.required => {
            format!("z.literal(true, {})", string_literal(REQUIRED))
        }
        FieldType::Boolean => "z.boolean().optional()".to_owned(),
        FieldType::Date => blank_ok(format!(
            "z.iso.date({})",
            string_literal("Enter a valid date.")
        )),
        FieldType::Datetime => blank_ok(format!(
            "z.string().regex(/^\\d{{4}}-\\d{{2}}-\\d{{2}}[T ]\\d{{2}}:\\d{{2}}/, {})",
            string_literal("Enter a valid date/time.")
        )),
        FieldType::Choice => blank_ok(choices()),
        FieldType::MultipleChoice => {
            let s = format!("z.array({})", choices());
            if f.required {
                format!("{s}.min(1, {})", string_literal(REQUIRED))
            } else {
                format!("{s}.optional()")
            }
        }
        FieldType::File => {
            let s = format!(
                "z.custom<Blob>((v) => typeof Blob !== \"undefined\" && v instanceof Blob, {})",
                string_literal("Select a file.")
            );
            if f.required {
                s
            } else {
                format!("{s}.optional()")
            }
        }
    }
}

fn initial_value(f: &FormField) -> Option<String> {
    if let Some(v) = &f.initial {
        return Some(v.to_string());
    }
    match f.field_type {
        FieldType::Text
        | FieldType::Textarea
        | FieldType::Password
        | FieldType::Email
        | FieldType::Url
        | FieldType::Date
        | FieldType::Datetime
        | FieldType::Choice => Some("\"\"".to_owned()),
        FieldType::Boolean => Some("false".to_owned()),
        FieldType::MultipleChoice => Some("[]".to_owned()),
        FieldType::Integer | FieldType::Number | FieldType::File => None,
    }
}

fn field_meta(f: &FormField) -> String {
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map_or_else(|| "null".to_owned(), string_literal)
    };
    let num = |n: Option<u64>| n.map_or_else(|| "null".to_owned(), |n| n.to_string());
    let choices = match &f.choices {
        None => "null".to_owned(),
        Some(cs) => format!(
            "[{}]",
            cs.iter()
                .map(|c| format!(
                    "{{ value: {}, label: {} }}",
                    c.value,
                    string_literal(&c.label)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "{{ name: {}, label: {}, type: {}, widget: {}, required: {}, disabled: {}, helpText: {}, maxLength: {}, minLength: {}, choices: {choices} }}",
        string_literal(&f.wire_name),
        string_literal(f.label.as_deref().unwrap_or(&f.wire_name)),
        string_literal(&serde_json::to_value(f.field_type).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()),
        opt(&f.widget),
        f.required,
        f.disabled,
        opt(&f.help_text),
        num(f.max_length),
        num(f.min_length),
    )
}

pub fn forms_ts(ir: &Ir, kernel: &str) -> FormsTs {
    let printer = Printer::new(ir, "T.");
    let mut forms: Vec<&Form> = ir.forms.iter().collect();
    forms.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let forms: Vec<FormView> = forms
        .into_iter()
        .map(|form| {
            let mut sorted: Vec<&FormField> = form.fields.iter().collect();
            sorted.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
            let submit = form.submit_fn.map(|id| ir.function(id));
            let camel = crate::ir::names::lower_first(&form.ident);
            let title = form.title.clone().unwrap_or_else(|| form.wire_name.clone());
            FormView {
                doc: doc_comment(
                    Some(&format!(
                        "The `{}` form ({title}): values, client-side validation with Zod, and submission{}.",
                        form.wire_name,
                        submit.map(|f| format!(" through `{}`", f.wire_name)).unwrap_or_default()
                    )),
                    false,
                    "",
                ),
                pascal: form.ident.clone(),
                hook: format!("use{}Form", form.ident),
                zod: sorted.iter().map(|f| format!("{}: {}", property_name(&f.wire_name), zod_field(f))).collect(),
                initial: sorted.iter().filter_map(|f| initial_value(f).map(|v| format!("{}: {v}", property_name(&f.wire_name)))).collect(),
                // Fields keep the form's order: it is the order to render them in.
                fields: form.fields.iter().map(field_meta).collect(),
                result: submit.map_or_else(|| "unknown".to_owned(), |f| output_type(&printer, f)),
                submit: submit.map_or_else(|| "null".to_owned(), |f| string_literal(&f.wire_name)),
                camel,
            }
        })
        .collect();
    let uses_types = forms.iter().any(|f| f.result.contains("T."));
    FormsTs {
        header: HEADER,
        kernel: string_literal(kernel),
        uses_types,
        forms,
    }
}
